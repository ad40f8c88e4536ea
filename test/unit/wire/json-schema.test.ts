import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createCheckoutSessionRequest, REQUESTS, updateCheckoutSessionRequest } from '../../../src/wire/requests.js';
import {
  chargePermissionResponse,
  chargeResponse,
  checkoutSessionResponse,
  RESPONSES,
} from '../../../src/wire/responses.js';
import { JSON_SCHEMA_DIALECT, jsonSchema, render, type JsonSchema } from '../../../src/wire/schema.js';

/** A tiny JSON Schema checker: the keywords reji's declarations emit, nothing more. Returns the problems found. */
function check(schema: JsonSchema, value: unknown, path = '$'): string[] {
  if (Array.isArray(schema['anyOf'])) {
    const options = schema['anyOf'] as JsonSchema[];
    return options.some((s) => check(s, value, path).length === 0) ? [] : [`${path}: matches no anyOf option`];
  }
  const type = schema['type'];
  const types = Array.isArray(type) ? (type as string[]) : type === undefined ? [] : [type as string];
  const actual =
    value === null
      ? 'null'
      : Array.isArray(value)
        ? 'array'
        : Number.isInteger(value)
          ? 'integer'
          : (typeof value as string);
  if (types.length > 0 && !types.includes(actual) && !(actual === 'integer' && types.includes('number')))
    return [`${path}: ${actual} is not ${types.join('|')}`];
  const problems: string[] = [];
  if (Array.isArray(schema['enum']) && !(schema['enum'] as unknown[]).includes(value))
    problems.push(`${path}: ${String(value)} not in enum`);
  if (typeof value === 'string') {
    if (typeof schema['pattern'] === 'string' && !new RegExp(schema['pattern']).test(value))
      problems.push(`${path}: does not match ${schema['pattern']}`);
    if (typeof schema['maxLength'] === 'number' && value.length > schema['maxLength'])
      problems.push(`${path}: longer than ${schema['maxLength']}`);
  }
  if (Array.isArray(value) && schema['items'])
    value.forEach((item, i) => {
      problems.push(...check(schema['items'] as JsonSchema, item, `${path}[${i}]`));
    });
  if (actual === 'object') {
    const object = value as Record<string, unknown>;
    const properties = (schema['properties'] ?? {}) as Record<string, JsonSchema>;
    for (const key of (schema['required'] ?? []) as string[])
      if (!Object.hasOwn(object, key)) problems.push(`${path}.${key}: required`);
    for (const [key, item] of Object.entries(object)) {
      if (properties[key]) problems.push(...check(properties[key], item, `${path}.${key}`));
      else if (schema['additionalProperties'] === false) problems.push(`${path}.${key}: not allowed`);
      else if (typeof schema['additionalProperties'] === 'object')
        problems.push(...check(schema['additionalProperties'] as JsonSchema, item, `${path}.${key}`));
    }
  }
  return problems;
}

const timestamp = '20260127T101010Z';
const price = (amount: string) => ({ amount, currencyCode: 'JPY' });
const address = {
  name: '山田 太郎',
  addressLine1: '千代田1-1',
  addressLine2: null,
  addressLine3: null,
  city: null,
  county: null,
  district: null,
  stateOrRegion: '東京都',
  postalCode: '100-0001',
  countryCode: 'JP',
  phoneNumber: '0312345678',
};

const chargePermission = render(chargePermissionResponse, {
  presentmentCurrency: 'JPY',
  chargePermissionId: 'S01-1234567-1234567',
  amazonPayToken: null,
  chargePermissionReferenceId: null,
  platformId: null,
  buyer: {
    buyerId: 'amzn1.account.X',
    name: '山田 太郎',
    email: 'taro@example.jp',
    phoneNumber: null,
    primeMembershipTypes: null,
  },
  shippingAddress: address,
  billingAddress: null,
  paymentPreferences: [{ paymentDescriptor: 'Visa ****1111 (Amazon Pay)' }],
  statusDetails: { state: 'Chargeable', reasons: null, lastUpdatedTimestamp: timestamp },
  creationTimestamp: timestamp,
  expirationTimestamp: timestamp,
  merchantMetadata: { merchantReferenceId: 'o-1', merchantStoreName: null, noteToBuyer: null, customInformation: null },
  releaseEnvironment: 'Sandbox',
  limits: { amountLimit: price('5000'), amountBalance: price('5000') },
  chargePermissionType: 'OneTime',
  recurringMetadata: { frequency: null, amount: null },
});

test('render walks the declared keys in declared order, whatever order the value has', () => {
  assert.deepEqual(Object.keys(chargePermission).slice(0, 4), [
    'chargePermissionId',
    'amazonPayToken',
    'chargePermissionReferenceId',
    'platformId',
  ]);
  assert.deepEqual(Object.keys(chargePermission.buyer!), [
    'name',
    'email',
    'buyerId',
    'primeMembershipTypes',
    'phoneNumber',
  ]);
  assert.equal(Object.keys(chargePermission).at(-1), 'presentmentCurrency');
  // A key the declaration does not have never reaches the wire.
  const extra = { ...chargePermission.limits, secret: 1 } as typeof chargePermission.limits;
  assert.deepEqual(Object.keys(render(chargePermissionResponse.shape.limits, extra)), ['amountLimit', 'amountBalance']);
  // A declared key without a value is a programming error, not a silently missing key.
  assert.throws(() => render(chargeResponse, {} as never), /chargeId is declared but has no value/);
});

test('JSON Schema (draft 2020-12) of a response: every key required, null where declared nullable, nothing else', () => {
  const schema = jsonSchema(chargePermissionResponse);
  assert.equal(schema['$schema'], JSON_SCHEMA_DIALECT);
  assert.equal(schema['type'], 'object');
  assert.equal(schema['additionalProperties'], false);
  assert.deepEqual(schema['required'], Object.keys(chargePermissionResponse.shape));
  assert.deepEqual(Object.keys(schema['properties'] as object), Object.keys(chargePermissionResponse.shape));
  assert.deepEqual(check(schema, chargePermission), []);
  // The checker bites: a missing key, an extra key, a wrong enum value, a bad timestamp.
  const { limits: _limits, ...noLimits } = chargePermission;
  assert.deepEqual(check(schema, noLimits), ['$.limits: required']);
  assert.deepEqual(check(schema, { ...chargePermission, extra: 1 }), ['$.extra: not allowed']);
  assert.deepEqual(check(schema, { ...chargePermission, chargePermissionType: 'Weekly' }), [
    '$.chargePermissionType: Weekly not in enum',
  ]);
  assert.equal(check(schema, { ...chargePermission, creationTimestamp: '2026-01-27' }).length, 1);
});

test('every response declaration yields an object schema; a Complete answer (28 keys, mostly null) satisfies the session schema', () => {
  for (const [name, declaration] of Object.entries(RESPONSES)) {
    const schema = jsonSchema(declaration);
    assert.equal(schema['type'], 'object', name);
    // Every declared key is required (always present) but for the few list envelopes' nextToken; {} has none.
    const properties = Object.keys((schema['properties'] as object) ?? {});
    const optional = properties.filter((k) => !((schema['required'] as string[]) ?? []).includes(k));
    assert.ok(
      optional.every((k) => ['nextToken', 'amazonOrderReferenceId', 'chargePermissionId'].includes(k)),
      name,
    );
  }
  const session = checkoutSessionResponse.shape;
  assert.equal(Object.keys(session).length, 28);
  const completed = Object.fromEntries(Object.keys(session).map((k) => [k, null])) as Record<string, unknown>;
  Object.assign(completed, {
    checkoutSessionId: 'a0b1c2d3-0000-4000-8000-000000000000',
    statusDetails: { state: 'Completed', reasonCode: null, reasonDescription: null, lastUpdatedTimestamp: timestamp },
    creationTimestamp: timestamp,
    chargePermissionId: 'S01-1234567-1234567',
  });
  assert.deepEqual(check(jsonSchema(checkoutSessionResponse), completed), []);
});

test('JSON Schema of a request: what a client may send (amounts as strings or numbers), optional keys not required', () => {
  const schema = jsonSchema(updateCheckoutSessionRequest);
  assert.deepEqual(schema['required'], []);
  const body = {
    webCheckoutDetails: { checkoutResultReturnUrl: 'https://shop.example/result' },
    paymentDetails: { paymentIntent: 'Authorize', chargeAmount: { amount: 1980, currencyCode: 'JPY' } },
  };
  assert.deepEqual(check(schema, body), []);
  assert.ok(updateCheckoutSessionRequest.parse(body, '').ok);
  assert.deepEqual(check(schema, { multiAddressesCheckoutMetadata: [] }), [
    '$.multiAddressesCheckoutMetadata: not allowed',
  ]);
  const create = jsonSchema(createCheckoutSessionRequest);
  assert.deepEqual(create['required'], ['webCheckoutDetails', 'storeId']);
  assert.deepEqual(check(create, { webCheckoutDetails: {} }), ['$.storeId: required']);
});

test('every request declaration yields a closed object schema', () => {
  for (const [name, declaration] of Object.entries(REQUESTS)) {
    const schema = jsonSchema(declaration);
    assert.equal(schema['type'], 'object', name);
    assert.equal(schema['additionalProperties'], false, name);
  }
});

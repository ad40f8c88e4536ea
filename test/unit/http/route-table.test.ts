import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { SIMULATED_OPERATIONS } from '../../../src/domain/simulations.js';
import { defineRoute, HTTP_METHODS } from '../../../src/http/route-table.js';
import { API_ROUTES } from '../../../src/http/routes.js';

describe('the API route table', () => {
  test('no two routes share a method and path (whatever their parameter names)', () => {
    const seen = new Map<string, string>();
    for (const r of API_ROUTES) {
      const key = `${r.method} ${r.segments.map((s) => (s.startsWith(':') ? ':' : s)).join('/')}`;
      assert.equal(seen.get(key), undefined, `${r.operation} repeats ${key} of ${seen.get(key)}`);
      seen.set(key, r.operation);
    }
  });

  test('every operation name is unique', () => {
    const names = API_ROUTES.map((r) => r.operation);
    assert.deepEqual(
      names.filter((n, i) => names.indexOf(n) !== i),
      [],
    );
  });

  test('every path parameter is named once and used by its handler', () => {
    for (const r of API_ROUTES) {
      assert.equal(new Set(r.pathParams).size, r.pathParams.length, r.path);
      for (const name of r.pathParams) {
        assert.match(name, /^[a-z][A-Za-z]*$/, `${r.path}: parameter ${name}`);
        // The handler's source names the parameter (params.x or a destructured x).
        assert.match(r.handler.toString(), new RegExp(`\\b${name}\\b`), `${r.operation} never reads :${name}`);
      }
    }
  });

  test('the metadata an OpenAPI document needs is there', () => {
    for (const r of API_ROUTES) {
      assert.ok(HTTP_METHODS.includes(r.method), r.operation);
      // Amazon's report paths (report-documents, report-schedules) and in-store (the Node SDK's InStoreClient) have hyphens.
      assert.match(r.path, /^\/v2(\/[A-Za-z:-]+)+$/, r.operation);
      assert.match(r.operation, /^[A-Z][A-Za-z]+$/, r.path);
      // 202: Delete Amazon Pay Account; 303: Merchant Account Claim (spec 12 §12.1).
      assert.ok([200, 201, 202, 303].includes(r.status), r.operation);
      if (r.method === 'GET') assert.equal(r.body, undefined, `${r.operation}: a GET reads no body`);
      if (r.idempotency !== 'none') assert.equal(r.method, 'POST', `${r.operation}: only POSTs are idempotent`);
      if (r.simulation !== null && r.simulation !== 'Other') assert.ok(SIMULATED_OPERATIONS.includes(r.simulation));
      assert.notEqual(r.simulation, null, `${r.operation} must check simulation codes`);
    }
    const create = API_ROUTES.find((r) => r.operation === 'CreateCharge')!;
    assert.deepEqual(
      { path: create.path, status: create.status, idempotency: create.idempotency, body: create.body !== undefined },
      { path: '/v2/charges', status: 201, idempotency: 'required', body: true },
    );
    const complete = API_ROUTES.find((r) => r.operation === 'CompleteCheckoutSession')!;
    assert.deepEqual(complete.pathParams, ['checkoutSessionId']);
    assert.deepEqual(complete.otherStatuses, [202]);
  });

  test('defineRoute refuses a path outside /v2 or with an empty segment', () => {
    const handler = async () => ({});
    for (const path of ['/v1/charges', 'v2/charges', '/v2', '/v2/', '/v2//charges', '/v2/charges/']) {
      assert.throws(() => defineRoute({ method: 'GET', path, operation: 'X', simulation: 'Other', handler }), path);
    }
  });

  test("idempotency 'reference' needs the body field that names the request, and only it takes one", () => {
    const handler = async () => ({});
    const base = { method: 'POST', path: '/v2/x', operation: 'X', simulation: 'Other', handler } as const;
    assert.throws(() => defineRoute({ ...base, idempotency: 'reference' }));
    assert.throws(() => defineRoute({ ...base, referenceId: { field: 'id', of: () => 'a' } }));
    const route = defineRoute({ ...base, idempotency: 'reference', referenceId: { field: 'id', of: () => 'a' } });
    assert.equal(route.referenceId?.field, 'id');
    const inStore = API_ROUTES.filter((r) => r.path.startsWith('/v2/in-store/'));
    assert.deepEqual(
      inStore.map((r) => [r.operation, r.idempotency, r.referenceId?.field]),
      [
        ['InStoreMerchantScan', 'reference', 'scanReferenceId'],
        ['InStoreCharge', 'reference', 'chargeReferenceId'],
        ['InStoreRefund', 'reference', 'refundReferenceId'],
      ],
    );
  });

  test('who may call: partner operations for partners, the clock for both, everything else for merchants', () => {
    const partnerOnly = API_ROUTES.filter((r) => r.access === 'partner').map((r) => r.operation);
    assert.deepEqual(partnerOnly.sort(), [
      'CreateStore',
      'DeleteMerchantAccount',
      'GetAuthorizationToken',
      'MerchantAccountClaim',
      'RegisterMerchantAccount',
      'UpdateMerchantAccount',
      'UpdateStore',
    ]);
    const any = API_ROUTES.filter((r) => r.access === 'any').map((r) => r.operation);
    assert.deepEqual(any.sort(), ['TestingAdvanceClock', 'TestingGetClock', 'TestingListDelegations']);
  });
});

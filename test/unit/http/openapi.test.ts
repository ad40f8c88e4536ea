import assert from 'node:assert/strict';
import { test } from 'node:test';
import { openApiDocument, openApiPath } from '../../../src/http/openapi.js';
import { API_ROUTES } from '../../../src/http/routes.js';

type Json = Record<string, unknown>;
const doc = openApiDocument(API_ROUTES, '0.0.0-test') as Json & { paths: Record<string, Record<string, Json>> };
const schemas = (doc['components'] as { schemas: Record<string, Json> }).schemas;

function resolve(schema: Json): Json {
  const ref = schema['$ref'];
  if (typeof ref !== 'string') return schema;
  const name = ref.replace('#/components/schemas/', '');
  assert.ok(schemas[name], `${ref} resolves`);
  return schemas[name]!;
}

test('every route of the table is an operation of the document, with its path parameters', () => {
  assert.equal(doc['openapi'], '3.1.0');
  const operations = Object.entries(doc.paths).flatMap(([path, item]) =>
    Object.entries(item).map(([method, op]) => ({ path, method, op })),
  );
  assert.equal(operations.length, API_ROUTES.length);
  for (const route of API_ROUTES) {
    const op = doc.paths[openApiPath(route.path)]?.[route.method.toLowerCase()];
    assert.ok(op, `${route.method} ${route.path}`);
    assert.equal(op['operationId'], route.operation);
    const pathParams = (op['parameters'] as Json[]).filter((p) => p['in'] === 'path').map((p) => p['name']);
    assert.deepEqual(pathParams, route.pathParams);
  }
});

test('request bodies and responses come from the wire declarations', () => {
  const create = doc.paths['/v2/checkoutSessions']!['post']!;
  const body = (create['requestBody'] as { content: Record<string, { schema: Json }> }).content['application/json']!;
  const request = resolve(body.schema);
  assert.equal(request['type'], 'object');
  assert.ok('webCheckoutDetails' in (request['properties'] as Json));
  const created = (create['responses'] as Record<string, { content: Record<string, { schema: Json }> }>)['201']!;
  const session = resolve(created.content['application/json']!.schema);
  // The declared key order is the wire's (spec 11): the document lists properties in that order.
  assert.deepEqual(Object.keys(session['properties'] as Json).slice(0, 3), [
    'checkoutSessionId',
    'webCheckoutDetails',
    'productType',
  ]);
  const capture = doc.paths['/v2/charges/{chargeId}/capture']!['post']!;
  const headers = (capture['parameters'] as Json[]).filter((p) => p['in'] === 'header').map((p) => p['name']);
  assert.ok(headers.includes('x-amz-pay-idempotency-key'));
  assert.ok(headers.includes('x-amz-pay-simulation-code'));
  for (const route of API_ROUTES.filter((r) => r.response !== undefined)) {
    const op = doc.paths[openApiPath(route.path)]![route.method.toLowerCase()]!;
    const ok = (op['responses'] as Record<string, { content: Record<string, { schema: Json }> }>)[
      String(route.status)
    ]!;
    assert.ok(resolve(ok.content['application/json']!.schema)['properties'], route.operation);
  }
});

test('every Amazon Pay object operation declares its response', () => {
  const objectOperations = API_ROUTES.filter((r) => !r.sandboxOnly);
  assert.ok(objectOperations.length >= 14);
  // Delete Amazon Pay Account answers 202 with no body.
  for (const route of objectOperations.filter((r) => r.status !== 202))
    assert.ok(route.response, `${route.operation} declares its response`);
});

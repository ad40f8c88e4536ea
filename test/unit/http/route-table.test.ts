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
        if (!r.supported) continue;
        // The handler's source names the parameter (params.x or a destructured x).
        assert.match(r.handler.toString(), new RegExp(`\\b${name}\\b`), `${r.operation} never reads :${name}`);
      }
    }
  });

  test('the metadata an OpenAPI document needs is there', () => {
    for (const r of API_ROUTES) {
      assert.ok(HTTP_METHODS.includes(r.method), r.operation);
      // Amazon's report paths have hyphens (report-documents, report-schedules).
      assert.match(r.path, /^\/v2(\/[A-Za-z:-]+)+$/, r.operation);
      assert.match(r.operation, /^[A-Z][A-Za-z]+$/, r.path);
      assert.ok([200, 201].includes(r.status), r.operation);
      if (r.method === 'GET') assert.equal(r.body, undefined, `${r.operation}: a GET reads no body`);
      if (r.idempotency !== 'none') assert.equal(r.method, 'POST', `${r.operation}: only POSTs are idempotent`);
      if (r.simulation !== null && r.simulation !== 'Other') assert.ok(SIMULATED_OPERATIONS.includes(r.simulation));
      if (r.simulation === null) assert.equal(r.supported, false, `${r.operation} must check simulation codes`);
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
});

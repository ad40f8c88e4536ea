import assert from 'node:assert/strict';
import { test } from 'node:test';
import { openApiDocument } from '../../../src/http/openapi.js';
import { API_ROUTES } from '../../../src/http/routes.js';
import type { RequestRecord } from '../../../src/http/server.js';
import { answersNotMatchingOpenApi } from '../../support/openapi-check.js';

const document = openApiDocument(API_ROUTES, '0.0.0-test');
const answer = (operation: string, status: number, body: unknown): RequestRecord => ({
  requestId: 'r',
  method: 'GET',
  path: '/v2/x',
  operation,
  status,
  seconds: 0,
  responseBody: JSON.stringify(body),
});

test('the OpenAPI check refuses answers that break the declarations (it is not vacuous)', () => {
  const problems = answersNotMatchingOpenApi(document, [
    answer('GetCheckoutSession', 200, { checkoutSessionId: 5 }),
    answer('GetCharge', 404, { reasonCode: 'ResourceNotFound', message: 'no', extra: true }),
    answer('NoSuchOperation', 200, {}),
    answer('GetRefund', 299, {}),
  ]);
  assert.equal(problems.length, 4, problems.join('\n'));
  assert.deepEqual(
    answersNotMatchingOpenApi(document, [answer('GetCharge', 404, { reasonCode: 'ResourceNotFound', message: 'no' })]),
    [],
  );
});

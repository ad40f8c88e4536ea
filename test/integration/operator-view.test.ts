import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { metricsPage, RejiMetrics } from '../../src/http/metrics.js';
import { openApiDocument, rejiVersion } from '../../src/http/openapi.js';
import { API_ROUTES } from '../../src/http/routes.js';
import { startServers } from '../../src/http/server.js';
import { dialectCases } from '../support/dialects.js';
import { idem, officialClient, settle } from '../support/official-sdk.js';
import { rawRequest, signedHeaders } from '../support/raw.js';
import { startTestReji, type TestMerchant, type TestReji } from '../support/reji.js';

/** The value of one sample line of a Prometheus text answer, or undefined when the series is absent. */
function sample(text: string, series: string): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

for (const { dialect, skip } of await dialectCases()) {
  describe(`the operator's view: /metrics and /openapi.json (${dialect})`, { skip }, () => {
    let reji: TestReji;
    let jp: TestMerchant;
    before(async () => {
      reji = await startTestReji({ dialect, metrics: true });
      jp = await reji.merchant('jp');
    });
    after(() => reji?.stop());

    test('/metrics counts requests by operation and status, errors by reasonCode, signature failures, and shows the backlog', async () => {
      const client = officialClient(reji, jp);
      const created = await client.createCheckoutSession(
        { webCheckoutDetails: { checkoutReviewReturnUrl: 'https://shop.example/review' }, storeId: jp.storeId },
        idem(),
      );
      const id = created.data.checkoutSessionId as string;
      await client.getCheckoutSession(id);
      assert.equal((await settle(client.getCheckoutSession('no-such-session'))).status, 404);
      // Signed for one path, sent to another: the signature cannot match.
      const headers = signedHeaders(reji.httpUrl, jp.sandboxKey, { method: 'GET', path: `/v2/checkoutSessions/${id}` });
      const forged = await rawRequest(reji.httpUrl, { method: 'GET', path: '/v2/checkoutSessions/other', headers });
      assert.equal(forged.json.reasonCode, 'InvalidRequestSignature');

      const res = await fetch(`${reji.httpUrl}/metrics`);
      assert.equal(res.status, 200);
      assert.match(res.headers.get('content-type') ?? '', /^text\/plain; version=0\.0\.4/);
      const text = await res.text();
      assert.equal(sample(text, 'reji_http_requests_total{operation="CreateCheckoutSession",status="201"}'), 1);
      assert.equal(sample(text, 'reji_http_requests_total{operation="GetCheckoutSession",status="200"}'), 1);
      assert.equal(sample(text, 'reji_http_requests_total{operation="GetCheckoutSession",status="404"}'), 1);
      assert.equal(
        sample(text, 'reji_api_errors_total{operation="GetCheckoutSession",reason_code="ResourceNotFound"}'),
        1,
      );
      assert.equal(sample(text, 'reji_signature_failures_total{reason_code="InvalidRequestSignature"}'), 1);
      assert.equal(sample(text, 'reji_http_request_duration_seconds_count{operation="CreateCheckoutSession"}'), 1);
      // The session's 24-hour expiry is a timer; nothing is due yet.
      assert.ok((sample(text, 'reji_timers{state="scheduled"}') ?? 0) >= 1);
      assert.equal(sample(text, 'reji_timers{state="due"}'), 0);
      assert.equal(sample(text, 'reji_database_up'), 1);
      assert.ok(sample(text, 'reji_process_resident_memory_bytes')! > 0, 'process metrics are there');
      if (dialect === 'postgres') assert.equal(sample(text, 'reji_database_pool_connections{state="max"}'), 10);
      else assert.equal(sample(text, 'reji_database_pool_connections{state="max"}'), undefined);
      // Ids never become labels: the session id and the forged path appear nowhere.
      assert.ok(!text.includes(id) && !text.includes('/v2/'));
    });

    test('/openapi.json serves the document built from the route table', async () => {
      const res = await fetch(`${reji.httpUrl}/openapi.json`);
      assert.equal(res.status, 200);
      assert.match(res.headers.get('content-type') ?? '', /^application\/json/);
      assert.deepEqual(await res.json(), openApiDocument(API_ROUTES, rejiVersion()));
      assert.notEqual(rejiVersion(), '0.0.0');
    });

    test('with a token, /metrics answers only a matching bearer', async () => {
      const metrics = new RejiMetrics();
      metrics.notificationAttempt('delivered');
      const token = 'metrics-token-0123456789';
      const servers = await startServers({
        ctx: reji.ctx,
        host: '127.0.0.1',
        port: 0,
        pages: [metricsPage(reji.ctx, metrics, { token })],
      });
      try {
        assert.equal((await fetch(`${servers.httpUrl}/metrics`)).status, 401);
        const wrong = await fetch(`${servers.httpUrl}/metrics`, { headers: { authorization: 'Bearer nope' } });
        assert.equal(wrong.status, 401);
        const ok = await fetch(`${servers.httpUrl}/metrics`, { headers: { authorization: `Bearer ${token}` } });
        assert.equal(ok.status, 200);
        assert.equal(sample(await ok.text(), 'reji_ipn_delivery_attempts_total{outcome="delivered"}'), 1);
      } finally {
        await servers.close();
      }
    });
  });
}

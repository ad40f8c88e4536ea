import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { setIpnEndpoint } from '../../src/app/ipn/admin.js';
import { EndpointBreakers } from '../../src/app/ipn/worker.js';
import { dialectCases } from '../support/dialects.js';
import { checkout } from '../support/flows.js';
import { eventually, IpnReceiver } from '../support/ipn-receiver.js';
import { officialClient } from '../support/official-sdk.js';
import { startTestReji, type TestReji } from '../support/reji.js';

/** Issue 17, defect 5: one merchant's hanging endpoint must not hold back another merchant's notifications. */

test('circuit breaker: per-endpoint cap, opens after a failing streak, one probe when half-open', () => {
  const b = new EndpointBreakers({ perEndpoint: 2, threshold: 3, openMs: 1000, maxOpenMs: 4000 });
  const url = 'http://a.example/ipn';
  b.started(url);
  b.started(url);
  assert.equal(b.canStart(url, 0), false, 'at most 2 in flight to one endpoint');
  assert.deepEqual(b.busy(0), [url]);
  assert.equal(b.canStart('http://b.example/ipn', 0), true, 'another endpoint is not affected');
  b.finished(url, false, 0);
  b.finished(url, false, 0);
  b.started(url);
  b.finished(url, false, 10);
  assert.equal(b.canStart(url, 500), false, 'open after 3 failures in a row');
  assert.equal(b.canStart(url, 1010), true, 'half-open after openMs');
  b.started(url);
  assert.equal(b.canStart(url, 1010), false, 'one probe at a time');
  b.finished(url, false, 1010);
  assert.equal(b.canStart(url, 2500), false, 'a failed probe doubles the open time');
  assert.equal(b.canStart(url, 3010), true);
  b.started(url);
  b.finished(url, true, 3010);
  assert.deepEqual(b.busy(3010), [], 'an acknowledged probe closes the circuit');
});

for (const { dialect, skip } of await dialectCases()) {
  describe(`notifications are fair across merchants (${dialect})`, { skip }, () => {
    let reji: TestReji;
    const hanging = new IpnReceiver(() => 'hang');
    const healthy = new IpnReceiver();
    before(async () => {
      await hanging.start();
      await healthy.start();
      // Few slots and a timeout far longer than the test: without per-endpoint limits the hanging
      // endpoint's notifications would take every slot.
      reji = await startTestReji({
        dialect,
        ipn: { pollIntervalMs: 50, timeoutMs: 120_000, leaseMs: 150_000, concurrency: 3, perEndpointConcurrency: 1 },
      });
    });
    after(async () => {
      hanging.release(200);
      await reji?.stop();
      await hanging.stop();
      await healthy.stop();
    });

    test("a hanging endpoint holds back only its own merchant's queue", async () => {
      const slow = await reji.merchant('jp');
      const fast = await reji.merchant('jp');
      await setIpnEndpoint(reji.ctx, { merchantId: slow.merchantId, environment: 'Sandbox', url: hanging.url });
      await setIpnEndpoint(reji.ctx, { merchantId: fast.merchantId, environment: 'Sandbox', url: healthy.url });
      const slowClient = officialClient(reji, slow);
      for (let i = 0; i < 3; i++) await checkout(slowClient, slow, { intent: 'Authorize', amount: '1000' });
      await eventually(() => hanging.holding > 0, 'the hanging endpoint to be called');
      await checkout(officialClient(reji, fast), fast, { intent: 'Authorize', amount: '1000' });
      const delivered = await eventually(async () => {
        const all = await reji.ctx.store.reader.notifications.ofMerchant(fast.merchantId);
        return all.length > 0 && all.every((n) => n.status === 'delivered') && all;
      }, "the other merchant's notifications to be delivered");
      assert.ok(delivered.length >= 2);
      // Delivered while the slow merchant's endpoint still holds its one request, with more of its own waiting.
      assert.equal(hanging.holding, 1);
      const slowPending = (await reji.ctx.store.reader.notifications.ofMerchant(slow.merchantId)).filter(
        (n) => n.status !== 'delivered',
      );
      assert.ok(slowPending.length > 1, `${slowPending.length} of the slow merchant's notifications wait`);
    });
  });
}

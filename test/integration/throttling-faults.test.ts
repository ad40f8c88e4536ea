import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { AmazonPayClient } from '@reji/sdk';
import { dialectCases } from '../support/dialects.js';
import { idem, type OfficialClient, officialClient, settle, testing } from '../support/official-sdk.js';
import { startTestReji, type TestMerchant, type TestReji } from '../support/reji.js';

/** Issue 12 part 6: "arm the next outcome" fault injection and the opt-in throttle table, both per merchant. */

for (const { dialect, skip } of await dialectCases()) {
  describe(`throttling and faults (${dialect})`, { skip }, () => {
    let reji: TestReji;
    before(async () => {
      reji = await startTestReji({ dialect, timers: false });
    });
    after(() => reji?.stop());

    const t = (client: OfficialClient, method: string, urlFragment: string, payload?: unknown) =>
      settle(client.apiCall({ method, urlFragment, ...(payload === undefined ? {} : { payload }), headers: {} }));
    async function merchant(): Promise<{ m: TestMerchant; client: OfficialClient }> {
      const m = await reji.merchant('jp');
      return { m, client: officialClient(reji, m) };
    }
    const sessionBody = (m: TestMerchant) => ({
      webCheckoutDetails: { checkoutReviewReturnUrl: 'https://shop.example/review' },
      storeId: m.storeId,
    });
    /** reji's own SDK: it retries 429, 5xx and dropped connections (the official Node SDK does not, see below). */
    const rejiClient = (m: TestMerchant) =>
      new AmazonPayClient({
        publicKeyId: m.sandboxKey.publicKeyId,
        privateKey: m.sandboxKey.privateKeyPem,
        region: m.region,
        baseUrl: reji.httpUrl,
        retries: { maxRetries: 3, initialDelayMs: 1, maxDelayMs: 5 },
      });

    test('armed faults are listed, hit in order, counted once each, and disarmable', async () => {
      const { m, client } = await merchant();
      const armed = await t(client, 'POST', 'testing/faults', {
        operation: 'GetCheckoutSession',
        outcome: 'ServiceUnavailable',
        times: 2,
      });
      assert.equal(armed.status, 201);
      assert.deepEqual(Object.keys(armed.data), ['faultId', 'operation', 'outcome', 'remaining', 'delayMs', 'armedAt']);
      assert.equal(armed.data.remaining, 2);
      await t(client, 'POST', 'testing/faults', { operation: 'GetCheckoutSession', outcome: 'TooManyRequests' });
      const created = await settle(client.createCheckoutSession(sessionBody(m), idem()));
      assert.equal(created.status, 201, 'another operation is not hit');
      const id = created.data.checkoutSessionId;
      const statuses: number[] = [];
      const codes: string[] = [];
      for (let i = 0; i < 4; i++) {
        const r = await settle(client.getCheckoutSession(id));
        statuses.push(r.status);
        codes.push(r.data.reasonCode ?? '');
      }
      assert.deepEqual(statuses, [503, 503, 429, 200]);
      assert.deepEqual(codes, ['ServiceUnavailable', 'ServiceUnavailable', 'TooManyRequests', '']);
      assert.deepEqual((await t(client, 'GET', 'testing/faults')).data, { faults: [] });

      // Another merchant is never hit by this merchant's faults.
      const other = await merchant();
      await t(client, 'POST', 'testing/faults', { operation: 'CreateCheckoutSession', outcome: 'InternalServerError' });
      assert.equal((await settle(other.client.createCheckoutSession(sessionBody(other.m), idem()))).status, 201);

      // Visible and disarmable, one by one or all at once.
      const second = await t(client, 'POST', 'testing/faults', {
        operation: 'GetCharge',
        outcome: 'Delay',
        delayMs: 1,
      });
      const listed = await t(client, 'GET', 'testing/faults');
      assert.deepEqual(
        listed.data.faults.map((f: { operation: string; outcome: string }) => `${f.operation} ${f.outcome}`),
        ['CreateCheckoutSession InternalServerError', 'GetCharge Delay'],
      );
      const left = await t(client, 'DELETE', `testing/faults/${second.data.faultId}`);
      assert.deepEqual(
        left.data.faults.map((f: { operation: string }) => f.operation),
        ['CreateCheckoutSession'],
      );
      assert.equal((await t(client, 'DELETE', `testing/faults/${second.data.faultId}`)).status, 404);
      assert.deepEqual((await t(client, 'DELETE', 'testing/faults')).data, { faults: [] });
      assert.equal((await settle(client.createCheckoutSession(sessionBody(m), idem()))).status, 201);
    });

    test('concurrent calls: an armed fault is hit exactly `times` times (compare-and-set on the merchant)', async () => {
      const { m, client } = await merchant();
      const created = await settle(client.createCheckoutSession(sessionBody(m), idem()));
      await t(client, 'POST', 'testing/faults', {
        operation: 'GetCheckoutSession',
        outcome: 'ServiceUnavailable',
        times: 3,
      });
      const statuses = await Promise.all(
        Array.from(
          { length: 10 },
          async () => (await settle(client.getCheckoutSession(created.data.checkoutSessionId))).status,
        ),
      );
      assert.equal(statuses.filter((s) => s === 503).length, 3, statuses.join(','));
      assert.equal(statuses.filter((s) => s === 200).length, 7, statuses.join(','));
    });

    test('bad arm requests answer in Amazon shape; Live keys cannot reach the endpoint', async () => {
      const { m, client } = await merchant();
      const unknown = await t(client, 'POST', 'testing/faults', { operation: 'NoSuchThing', outcome: 'Timeout' });
      assert.equal(unknown.status, 400);
      assert.equal(unknown.data.reasonCode, 'InvalidParameterValue');
      const testingOp = await t(client, 'POST', 'testing/faults', { operation: 'TestingGetClock', outcome: 'Delay' });
      assert.equal(testingOp.data.reasonCode, 'InvalidParameterValue');
      const outcome = await t(client, 'POST', 'testing/faults', { operation: 'GetCharge', outcome: 'Explode' });
      assert.equal(outcome.status, 400);
      const times = await t(client, 'POST', 'testing/faults', { operation: 'GetCharge', outcome: 'Delay', times: 0 });
      assert.equal(times.status, 400);
      const live = await t(officialClient(reji, m, { key: 'live' }), 'GET', 'testing/faults');
      assert.equal(live.status, 401);
    });

    test("reji's SDK retries armed 503s and a dropped connection; the idempotency key makes one session", async () => {
      const { m, client } = await merchant();
      const sdk = rejiClient(m);
      const armed = await sdk.testing.armFault({
        operation: 'CreateCheckoutSession',
        outcome: 'ServiceUnavailable',
        times: 2,
      });
      assert.equal(armed.body.remaining, 2);
      const r = await sdk.checkoutSessions.create(sessionBody(m), { idempotencyKey: 'faults-503-twice' });
      assert.equal(r.status, 201);
      assert.deepEqual((await sdk.testing.listFaults()).body.faults, [], 'both 503s were answered: 3 attempts');
      await sdk.testing.armFault({ operation: 'GetCharge', outcome: 'Delay', delayMs: 1 });
      assert.deepEqual((await sdk.testing.disarmFaults()).body.faults, []);
      assert.equal((await sdk.testing.setThrottling(false)).body.enabled, false);
      assert.deepEqual((await sdk.testing.getThrottling()).body.limits['CreateCharge'], {
        maxQuota: 2,
        restorePerSecond: 1,
      });

      // Timeout: the session is created, but the connection is dropped before the answer; the retry replays it.
      await t(client, 'POST', 'testing/faults', { operation: 'CreateCheckoutSession', outcome: 'Timeout', delayMs: 0 });
      const again = await sdk.checkoutSessions.create(sessionBody(m), { idempotencyKey: 'faults-timeout' });
      assert.equal(again.status, 201);
      const replay = await settle(
        client.createCheckoutSession(sessionBody(m), { 'x-amz-pay-idempotency-key': 'faults-timeout' }),
      );
      assert.equal(replay.data.checkoutSessionId, again.body.checkoutSessionId, 'one session for the key');
    });

    test('the official Node SDK 2.3.4 does not retry (its retry check reads a Promise): the merchant retries', async () => {
      const { m, client } = await merchant();
      await t(client, 'POST', 'testing/faults', { operation: 'CreateCheckoutSession', outcome: 'ServiceUnavailable' });
      const key = idem();
      const first = await settle(client.createCheckoutSession(sessionBody(m), key));
      assert.equal(first.status, 503, 'surfaced at once, not retried');
      assert.equal(first.data.reasonCode, 'ServiceUnavailable');
      const second = await settle(client.createCheckoutSession(sessionBody(m), key));
      assert.equal(second.status, 201);

      // A dropped connection: the official SDK rejects with a network error; the same key then replays the session.
      await t(client, 'POST', 'testing/faults', { operation: 'CreateCheckoutSession', outcome: 'Timeout', delayMs: 0 });
      const dropKey = idem();
      await assert.rejects(client.createCheckoutSession(sessionBody(m), dropKey), (e: { code?: string }) => {
        assert.ok(e.code === 'ECONNRESET' || e.code === 'ERR_BAD_RESPONSE' || typeof e.code === 'string', String(e));
        return true;
      });
      const retried = await settle(client.createCheckoutSession(sessionBody(m), dropKey));
      assert.equal(retried.status, 201);
      const got = await settle(client.getCheckoutSession(retried.data.checkoutSessionId));
      assert.equal(got.status, 200);
    });

    test('a Delay fault answers late but normally', async () => {
      const { m, client } = await merchant();
      await t(client, 'POST', 'testing/faults', { operation: 'CreateCheckoutSession', outcome: 'Delay', delayMs: 20 });
      const r = await settle(client.createCheckoutSession(sessionBody(m), idem()));
      assert.equal(r.status, 201);
      assert.deepEqual((await t(client, 'GET', 'testing/faults')).data.faults, []);
    });

    test('throttling is off by default; turned on, the sandbox table answers 429 until the clock refills it', async () => {
      const { m, client } = await merchant();
      const off = await t(client, 'GET', 'testing/throttling');
      assert.equal(off.data.enabled, false);
      assert.deepEqual(off.data.limits.CreateCheckoutSession, { maxQuota: 5, restorePerSecond: 1 });
      assert.deepEqual(
        off.data.limits.GetBuyer,
        { maxQuota: 5, restorePerSecond: 1 },
        'unpublished read: like Get Charge',
      );
      for (let i = 0; i < 8; i++) {
        assert.equal((await settle(client.createCheckoutSession(sessionBody(m), idem()))).status, 201);
      }

      assert.equal((await t(client, 'POST', 'testing/throttling', { enabled: true })).data.enabled, true);
      const statuses: number[] = [];
      let throttled: { reasonCode: string; message: string } | undefined;
      for (let i = 0; i < 12; i++) {
        const r = await settle(client.createCheckoutSession(sessionBody(m), idem()));
        statuses.push(r.status);
        if (r.status === 429) throttled ??= r.data;
      }
      assert.deepEqual(statuses.slice(0, 5), [201, 201, 201, 201, 201], 'the bucket starts full (5)');
      assert.ok(statuses.includes(429), statuses.join(','));
      assert.deepEqual(Object.keys(throttled!), ['reasonCode', 'message']);
      assert.equal(throttled!.reasonCode, 'TooManyRequests');
      // Each operation has its own bucket.
      assert.equal((await t(client, 'GET', 'testing/clock')).status, 200);
      // Moving the sandbox clock refills the bucket.
      await testing(client).advanceClock(60);
      assert.equal((await settle(client.createCheckoutSession(sessionBody(m), idem()))).status, 201);
      // Another merchant is not throttled.
      const other = await merchant();
      for (let i = 0; i < 7; i++) {
        assert.equal((await settle(other.client.createCheckoutSession(sessionBody(other.m), idem()))).status, 201);
      }
      assert.equal((await t(client, 'POST', 'testing/throttling', { enabled: false })).data.enabled, false);
      for (let i = 0; i < 7; i++)
        assert.equal((await settle(client.createCheckoutSession(sessionBody(m), idem()))).status, 201);
    });
  });
}

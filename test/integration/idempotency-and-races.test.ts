import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { dialectCases } from '../support/dialects.js';
import { checkout, checkoutUntilComplete } from '../support/flows.js';
import { idem, officialClient, settle, type OfficialClient } from '../support/official-sdk.js';
import { signedHeaders, rawRequest, type SignOptions } from '../support/raw.js';
import { startTestReji, type TestMerchant, type TestReji } from '../support/reji.js';

const JPY = (amount: string) => ({ amount, currencyCode: 'JPY' });

for (const { dialect, skip } of await dialectCases()) {
  describe(`idempotency and concurrency (${dialect})`, { skip }, () => {
    let reji: TestReji;
    let merchant: TestMerchant;
    let client: OfficialClient;
    before(async () => {
      reji = await startTestReji({ dialect });
      merchant = await reji.merchant('jp');
      client = officialClient(reji, merchant);
    });
    after(() => reji?.stop());

    const body = () => ({
      webCheckoutDetails: { checkoutReviewReturnUrl: 'https://shop.example/review' },
      storeId: merchant.storeId,
    });

    test('a replay returns the first response byte for byte; a changed request with the key is refused', async () => {
      const key: SignOptions = {
        publicKeyId: merchant.sandboxKey.publicKeyId,
        privateKeyPem: merchant.sandboxKey.privateKeyPem,
      };
      const payload = JSON.stringify(body());
      const send = (p: string) =>
        rawRequest(reji.httpUrl, {
          method: 'POST',
          path: '/v2/checkoutSessions',
          headers: signedHeaders(reji.httpUrl, key, {
            method: 'POST',
            path: '/v2/checkoutSessions',
            body: p,
            headers: { 'x-amz-pay-idempotency-key': 'replay-me' },
          }),
          body: p,
        });
      const first = await send(payload);
      const second = await send(payload);
      assert.equal(first.status, 201);
      assert.equal(second.status, 201);
      assert.equal(second.text, first.text);
      assert.notEqual(second.headers['x-amz-pay-request-id'], first.headers['x-amz-pay-request-id']);
      const changed = await send(JSON.stringify({ ...body(), merchantMetadata: { merchantReferenceId: 'other' } }));
      assert.equal(changed.status, 400);
      assert.equal(changed.json.reasonCode, 'DuplicateIdempotencyKey');
    });

    test('keys are per merchant', async () => {
      const other = await reji.merchant('jp');
      const otherClient = officialClient(reji, other);
      const headers = { 'x-amz-pay-idempotency-key': 'shared-key-1' };
      const a = await client.createCheckoutSession(body(), headers);
      const b = await otherClient.createCheckoutSession({ ...body(), storeId: other.storeId }, headers);
      assert.notEqual(a.data.checkoutSessionId, b.data.checkoutSessionId);
    });

    test('a decline is replayed, not retried', async () => {
      const done = await checkout(client, merchant, { intent: 'Confirm', amount: '5000' });
      const headers = { ...idem(), 'x-amz-pay-simulation-code': 'SoftDeclined' };
      const first = await settle(
        client.createCharge({ chargePermissionId: done.data.chargePermissionId, chargeAmount: JPY('1000') }, headers),
      );
      const again = await settle(
        client.createCharge({ chargePermissionId: done.data.chargePermissionId, chargeAmount: JPY('1000') }, headers),
      );
      assert.equal(first.status, 422);
      assert.deepEqual(again.data, first.data);
    });

    test('many identical creates at once with one key make one session', async () => {
      const headers = { 'x-amz-pay-idempotency-key': `burst${Date.now()}` };
      const results = await Promise.all(
        Array.from({ length: 25 }, () => settle(client.createCheckoutSession(body(), headers))),
      );
      for (const r of results) assert.equal(r.status, 201, JSON.stringify(r.data));
      const ids = new Set(results.map((r) => r.data.checkoutSessionId));
      assert.equal(ids.size, 1);
      const [id] = [...ids];
      const db = (reji.ctx.store as unknown as { kysely: import('kysely').Kysely<any> }).kysely;
      const rows = await db
        .selectFrom('checkout_sessions')
        .select('id')
        .where('merchant_id', '=', merchant.merchantId)
        .where('created_at', '>=', Date.now() - 60_000)
        .execute();
      assert.equal(rows.filter((r: { id: string }) => r.id === id).length, 1);
      const keyRows = await db
        .selectFrom('idempotency_keys')
        .selectAll()
        .where('idem_key', '=', headers['x-amz-pay-idempotency-key'])
        .execute();
      assert.equal(keyRows.length, 1);
    });

    test('racing Complete calls: exactly one completes', async () => {
      const { id } = await checkoutUntilComplete(client, merchant, { amount: '2000' });
      const results = await Promise.all(
        Array.from({ length: 12 }, () => settle(client.completeCheckoutSession(id, { chargeAmount: JPY('2000') }))),
      );
      const ok = results.filter((r) => r.status === 200);
      assert.equal(ok.length, 1, JSON.stringify(results.map((r) => r.status)));
      for (const r of results.filter((x) => x.status !== 200))
        assert.equal(r.data.reasonCode, 'InvalidCheckoutSessionStatus');
      const cs = await client.getCheckoutSession(id);
      assert.equal(cs.data.chargePermissionId, ok[0]!.data.chargePermissionId);
    });

    test('racing captures on one charge: exactly one succeeds', async () => {
      const done = await checkout(client, merchant, { intent: 'Authorize', amount: '3000' });
      const results = await Promise.all(
        Array.from({ length: 12 }, () =>
          settle(client.captureCharge(done.data.chargeId, { captureAmount: JPY('3000') }, idem())),
        ),
      );
      assert.equal(results.filter((r) => r.status === 200).length, 1);
      for (const r of results.filter((x) => x.status !== 200)) assert.equal(r.data.reasonCode, 'InvalidChargeStatus');
    });

    test('racing refunds never pass captured + allowance together', async () => {
      const done = await checkout(client, merchant, { intent: 'AuthorizeWithCapture', amount: '10000' });
      const results = await Promise.all(
        Array.from({ length: 15 }, () =>
          settle(client.createRefund({ chargeId: done.data.chargeId, refundAmount: JPY('3000') }, idem())),
        ),
      );
      const created = results.filter((r) => r.status === 201);
      // 10000 + 1500 allowance = 11500: three refunds of 3000 fit, a fourth does not.
      assert.equal(created.length, 3, JSON.stringify(results.map((r) => r.status)));
      for (const r of results.filter((x) => x.status !== 201))
        assert.equal(r.data.reasonCode, 'TransactionAmountExceeded');
    });

    test('racing charges never pass the permission limit together', async () => {
      const done = await checkout(client, merchant, { intent: 'Confirm', amount: '10000' });
      const results = await Promise.all(
        Array.from({ length: 15 }, () =>
          settle(
            client.createCharge(
              { chargePermissionId: done.data.chargePermissionId, chargeAmount: JPY('3000') },
              idem(),
            ),
          ),
        ),
      );
      assert.equal(results.filter((r) => r.status === 201).length, 3);
      const cp = await client.getChargePermission(done.data.chargePermissionId);
      assert.deepEqual(cp.data.limits.amountBalance, JPY('1000'));
    });
  });
}

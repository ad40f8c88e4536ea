import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { dialectCases } from '../support/dialects.js';
import { idem, officialClient, type OfficialClient } from '../support/official-sdk.js';
import { signedRequest, type SignOptions } from '../support/raw.js';
import { startTestReji, type TestMerchant, type TestReji } from '../support/reji.js';

/** Amazon's PHP SDK sends an empty body as `[]`: it reads as `{}` (docs/decisions.md, "`[]` is an empty body"). */
for (const { dialect, skip } of await dialectCases()) {
  describe(`[] as an empty body (${dialect})`, { skip }, () => {
    let reji: TestReji;
    let merchant: TestMerchant;
    let client: OfficialClient;
    let key: SignOptions;
    before(async () => {
      reji = await startTestReji({ dialect });
      merchant = await reji.merchant('jp');
      client = officialClient(reji, merchant);
      key = { publicKeyId: merchant.sandboxKey.publicKeyId, privateKeyPem: merchant.sandboxKey.privateKeyPem };
    });
    after(() => reji?.stop());

    const post = (path: string, body: string, headers: Record<string, string> = {}) =>
      signedRequest(reji.httpUrl, key, { method: 'POST', path, body, headers });

    /** A saved-wallet session that only sets up the payment method, ready for Complete. */
    async function setupOnlySession(): Promise<string> {
      const created = await client.createCheckoutSession(
        {
          webCheckoutDetails: { checkoutReviewReturnUrl: 'https://shop.example/review' },
          storeId: merchant.storeId,
          chargePermissionType: 'PaymentMethodOnFile',
          paymentMethodOnFileMetadata: { setupOnly: true },
        },
        idem(),
      );
      const id = created.data.checkoutSessionId as string;
      const consent = await post(`/v2/testing/checkoutSessions/${id}/buyerConsent`, '[]');
      assert.equal(consent.status, 200, consent.text);
      await client.updateCheckoutSession(id, {
        webCheckoutDetails: { checkoutResultReturnUrl: 'https://shop.example/result' },
        paymentDetails: { paymentIntent: 'Confirm' },
      });
      const processed = await post(`/v2/testing/checkoutSessions/${id}/processPayment`, '[]');
      assert.equal(processed.status, 200, processed.text);
      assert.equal(processed.json.checkoutSessionId, id);
      return id;
    }

    test('Complete of a setup-only saved-wallet session with [] completes it, as {} does', async () => {
      for (const body of ['[]', '{}']) {
        const id = await setupOnlySession();
        const r = await post(`/v2/checkoutSessions/${id}/complete`, body, idem());
        assert.equal(r.status, 200, `${body}: ${r.text}`);
        assert.equal(r.json.statusDetails.state, 'Completed', body);
        assert.equal(typeof r.json.chargePermissionId, 'string', body);
        assert.equal(r.json.chargeId, null, `${body}: a setup-only Complete creates no charge`);
      }
    });

    test('Update with [] changes nothing, as {} does', async () => {
      const created = await client.createCheckoutSession(
        { webCheckoutDetails: { checkoutReviewReturnUrl: 'https://shop.example/review' }, storeId: merchant.storeId },
        idem(),
      );
      const id = created.data.checkoutSessionId as string;
      const patch = (body: string) =>
        signedRequest(reji.httpUrl, key, { method: 'PATCH', path: `/v2/checkoutSessions/${id}`, body });
      for (const body of ['[]', '{}']) {
        const r = await patch(body);
        assert.equal(r.status, 200, `${body}: ${r.text}`);
        assert.deepEqual(Object.keys(r.json), Object.keys(created.data), body);
        for (const field of ['webCheckoutDetails', 'paymentDetails', 'merchantMetadata']) {
          assert.deepEqual(r.json[field], created.data[field], `${body}: ${field}`);
        }
        assert.equal(r.json.statusDetails.state, 'Open', body);
      }
    });

    test('where fields are required, [] answers what {} answers', async () => {
      const clock = await post('/v2/testing/clock', '[]');
      assert.equal(clock.status, 400, clock.text);
      assert.equal(clock.json.reasonCode, 'MissingParameterValue');
      assert.deepEqual(clock.json, (await post('/v2/testing/clock', '{}')).json);
      const asArray = await post('/v2/checkoutSessions', '[]', idem());
      const asObject = await post('/v2/checkoutSessions', '{}', idem());
      assert.equal(asArray.status, 400, asArray.text);
      assert.equal(asArray.json.reasonCode, 'MissingParameterValue');
      assert.deepEqual(asArray.json, asObject.json);
    });

    test('a non-empty array, or [] nested in a field, stays refused', async () => {
      const id = await setupOnlySession();
      for (const body of ['[{}]', '[1]', '[[]]']) {
        const r = await post(`/v2/checkoutSessions/${id}/complete`, body, idem());
        assert.equal(r.status, 400, `${body}: ${r.text}`);
        assert.equal(r.json.reasonCode, 'InvalidRequestFormat', body);
      }
      const nested = await post(`/v2/checkoutSessions/${id}/complete`, '{"chargeAmount": []}', idem());
      assert.equal(nested.status, 400, nested.text);
      assert.equal(nested.json.reasonCode, 'InvalidParameterValue');
      const got = await client.getCheckoutSession(id);
      assert.equal(got.data.statusDetails.state, 'Open', 'nothing refused changed the session');
    });
  });
}

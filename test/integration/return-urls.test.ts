import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';
import { DEMO_ALLOWED_ORIGINS, ensureDemoMerchant } from '../../src/cli/runtime.js';
import { dialectCases } from '../support/dialects.js';
import { AmazonPay, idem, settle, type OfficialClient } from '../support/official-sdk.js';
import { startTestReji, type TestReji } from '../support/reji.js';

/** Signed API calls take any absolute https return URL; allowed origins guard only the button's pages. */
for (const { dialect, skip } of await dialectCases()) {
  describe(`return URLs in signed calls (${dialect})`, { skip }, () => {
    let reji: TestReji;
    let client: OfficialClient;
    let storeId: string;
    before(async () => {
      reji = await startTestReji({ dialect });
      const { demo } = await ensureDemoMerchant(reji.ctx, reji.dataDir, DEMO_ALLOWED_ORIGINS);
      storeId = demo.storeId;
      client = new AmazonPay.WebStoreClient({
        publicKeyId: demo.publicKeyId,
        privateKey: readFileSync(demo.privateKeyPath, 'utf8'),
        region: 'jp',
        sandbox: true,
        overrideServiceUrl: reji.httpsHost,
      });
    });
    after(() => reji?.stop());

    const create = (web: Record<string, string>) =>
      settle(client.createCheckoutSession({ webCheckoutDetails: web, storeId }, idem()));

    test("a new user's first Create on the demo merchant with their own shop's URL works", async () => {
      const created = await create({ checkoutReviewReturnUrl: 'https://shop.example/review' });
      assert.equal(created.status, 201, JSON.stringify(created.data));
      assert.equal(created.data.webCheckoutDetails.checkoutReviewReturnUrl, 'https://shop.example/review');
      const id = created.data.checkoutSessionId;
      const updated = await settle(
        client.updateCheckoutSession(id, {
          webCheckoutDetails: { checkoutResultReturnUrl: 'https://shop.example/result' },
        }),
      );
      assert.equal(updated.status, 200, JSON.stringify(updated.data));
      assert.equal(updated.data.webCheckoutDetails.checkoutResultReturnUrl, 'https://shop.example/result');
    });

    test('http only on loopback hosts; control characters and credentials are refused', async () => {
      for (const url of ['http://localhost:8080/review', 'http://127.0.0.1/review', 'http://[::1]:3000/review'])
        assert.equal((await create({ checkoutReviewReturnUrl: url })).status, 201, url);
      for (const [url, why] of [
        ['http://shop.example/review', /plain http is allowed only for localhost/i],
        ['https://shop.example/re\r\nview', /control characters/],
        ['https://shop.example/\u0000', /NUL character/], // refused at the edge, with every other text field
        ['https://me:pw@shop.example/review', /credentials/],
        ['/review', /not an absolute URL/],
      ] as const) {
        const r = await create({ checkoutReviewReturnUrl: url });
        assert.equal(r.status, 400, JSON.stringify(url));
        assert.equal(r.data.reasonCode, 'InvalidParameterValue');
        assert.match(r.data.message, /webCheckoutDetails\.checkoutReviewReturnUrl/);
        assert.match(r.data.message, why);
      }
    });
  });
}

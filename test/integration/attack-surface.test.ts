import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { dialectCases } from '../support/dialects.js';
import { idem, officialClient, settle, testing } from '../support/official-sdk.js';
import { csrfOf, PageClient } from '../support/page-client.js';
import { startTestReji, type TestMerchant, type TestReji } from '../support/reji.js';

/** Issue 17: what an attacker holding a merchant key, a browser or only the network can and cannot do. */

const SHOP = 'http://127.0.0.1:8123';

async function registerBuyer(reji: TestReji, email: string, password = 'long enough') {
  const c = new PageClient(reji.httpUrl);
  const reg = await c.get('/checkout/register?next=/checkout/wallet&region=jp');
  return c.post('/checkout/register', {
    _csrf: csrfOf(reg.html),
    name: '被害 者',
    email,
    password,
    phoneNumber: '090-0000-0000',
    next: '/checkout/wallet',
    region: 'jp',
  });
}

for (const { dialect, skip } of await dialectCases()) {
  describe(`attack surface (${dialect})`, { skip }, () => {
    let reji: TestReji;
    let jp: TestMerchant;
    before(async () => {
      reji = await startTestReji({ dialect, timers: false });
      jp = await reji.merchant('jp', ['http://127.0.0.1:*']);
    });
    after(() => reji?.stop());

    async function newSession(): Promise<string> {
      const client = officialClient(reji, jp);
      const cs = await client.createCheckoutSession(
        { webCheckoutDetails: { checkoutReviewReturnUrl: `${SHOP}/review` }, storeId: jp.storeId },
        idem(),
      );
      return (cs.data as { checkoutSessionId: string }).checkoutSessionId;
    }

    test('buyerConsent reaches only seeded test buyers: a registered buyer answers exactly like an unknown email', async () => {
      await registerBuyer(reji, 'victim@example.jp');
      const client = officialClient(reji, jp);
      const t = testing(client);
      const id = await newSession();
      const registered = await settle(t.buyerConsent(id, { buyerEmail: 'victim@example.jp' }));
      const unknown = await settle(t.buyerConsent(id, { buyerEmail: 'nobody@example.jp' }));
      assert.equal(registered.status, 400);
      assert.equal(unknown.status, 400);
      assert.equal((registered.data as { reasonCode: string }).reasonCode, 'InvalidParameterValue');
      assert.deepEqual(registered.data, unknown.data, 'no oracle: same body for registered and unknown emails');
      assert.doesNotMatch(JSON.stringify(registered.data), /victim/);
      // Another marketplace's test buyer is not this merchant's either; its own test buyers still work.
      const foreign = await settle(t.buyerConsent(id, { buyerEmail: 'jane.doe@example.com' }));
      assert.equal(foreign.status, 400);
      const got = await client.getCheckoutSession(id);
      assert.equal((got.data as { buyer: unknown }).buyer, null, 'no buyer data reached the session');
      const ok = await t.buyerConsent(id, { buyerEmail: 'hanako.sato@example.jp' });
      assert.equal(ok.status, 200);
    });
  });
}

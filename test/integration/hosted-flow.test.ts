import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { dialectCases } from '../support/dialects.js';
import { officialClient } from '../support/official-sdk.js';
import { csrfOf, PageClient, startAndSignIn } from '../support/page-client.js';
import { startTestReji, type TestMerchant, type TestReji } from '../support/reji.js';

const SHOP = 'http://127.0.0.1:8124';

for (const { dialect, skip } of await dialectCases()) {
  describe(`hosted pages flow rules (${dialect})`, { skip }, () => {
    let reji: TestReji;
    let jp: TestMerchant;
    before(async () => {
      reji = await startTestReji({ dialect, timers: false });
      jp = await reji.merchant('jp', ['http://127.0.0.1:*']);
    });
    after(() => reji?.stop());

    test('deliverySpecifications: a PO box is shown disabled and refused when posted', async () => {
      const c = new PageClient(reji.httpUrl);
      const page = await startAndSignIn(
        reji,
        c,
        jp,
        {
          webCheckoutDetails: { checkoutReviewReturnUrl: `${SHOP}/review` },
          storeId: jp.storeId,
          deliverySpecifications: { specialRestrictions: ['RestrictPOBoxes'] },
        },
        'taro.yamada@example.jp',
      );
      assert.match(page.html, /id="addr-jp-taro-pobox" value="jp-taro-pobox" disabled/);
      assert.match(page.html, /この住所には配送できません。/);
      const refused = await c.post('/checkout/select', {
        _csrf: csrfOf(page.html),
        amazonCheckoutSessionId: page.checkoutSessionId,
        mode: 'initial',
        addressId: 'jp-taro-pobox',
        paymentMethodId: 'jp-taro-1111',
      });
      assert.equal(refused.res.status, 400);
      const ok = await c.request('/checkout/select', {
        form: {
          _csrf: csrfOf(page.html),
          amazonCheckoutSessionId: page.checkoutSessionId,
          mode: 'initial',
          addressId: 'jp-taro-work',
          paymentMethodId: 'jp-taro-1111',
        },
      });
      assert.equal(ok.headers.get('location'), `${SHOP}/review?amazonCheckoutSessionId=${page.checkoutSessionId}`);
    });

    test('a pending card (…0701) needs canHandlePendingAuthorization: an explained refusal, then success once allowed', async () => {
      const client = officialClient(reji, jp);
      for (const pending of [false, true]) {
        const c = new PageClient(reji.httpUrl);
        const page = await startAndSignIn(
          reji,
          c,
          jp,
          { webCheckoutDetails: { checkoutReviewReturnUrl: `${SHOP}/review` }, storeId: jp.storeId },
          'hanako.sato@example.jp',
        );
        const id = page.checkoutSessionId;
        await c.request('/checkout/select', {
          form: {
            _csrf: csrfOf(page.html),
            amazonCheckoutSessionId: id,
            mode: 'initial',
            addressId: 'jp-hanako-home',
            paymentMethodId: 'jp-hanako-0701',
          },
        });
        const updated = await client.updateCheckoutSession(id, {
          webCheckoutDetails: { checkoutResultReturnUrl: `${SHOP}/result` },
          paymentDetails: {
            paymentIntent: 'Authorize',
            chargeAmount: { amount: '500', currencyCode: 'JPY' },
            ...(pending ? { canHandlePendingAuthorization: true } : {}),
          },
        });
        const processing = await c.get(
          new URL(updated.data.webCheckoutDetails.amazonPayRedirectUrl).pathname +
            new URL(updated.data.webCheckoutDetails.amazonPayRedirectUrl).search,
        );
        assert.match(processing.html, /data-autosubmit/);
        const after = await c.post('/checkout/processing', {
          _csrf: csrfOf(processing.html),
          amazonCheckoutSessionId: id,
        });
        if (!pending) {
          assert.match(after.url, /\/checkout\/declined\?.*reason=pending/);
          assert.match(after.html, /承認に時間がかかるお支払い/);
          assert.equal((await client.getCheckoutSession(id)).data.statusDetails.state, 'Open');
        } else {
          assert.equal(after.url, `${SHOP}/result?amazonCheckoutSessionId=${id}`);
          const completed = await client.completeCheckoutSession(id, {
            chargeAmount: { amount: '500', currencyCode: 'JPY' },
          });
          assert.equal(completed.status, 202);
        }
      }
    });

    test('a registered buyer adds a Japanese address (Japanese order, no city) and a Luhn-checked card', async () => {
      const c = new PageClient(reji.httpUrl);
      const reg = await c.get(`/checkout/register?next=/checkout/wallet&region=jp`);
      const email = `ken${Date.now()}@example.jp`;
      const registered = await c.post('/checkout/register', {
        _csrf: csrfOf(reg.html),
        name: '高橋 健',
        email,
        password: 'long enough',
        phoneNumber: '090-0000-0000',
        next: '/checkout/wallet',
        region: 'jp',
      });
      // Registration never signs in (issue 17: the same answer for a new and a known email); the buyer signs in next.
      assert.match(registered.url, /\/checkout\/signin\?/);
      const wallet = await c.post('/checkout/signin', {
        _csrf: csrfOf(registered.html),
        email,
        password: 'long enough',
        next: '/checkout/wallet',
        region: 'jp',
      });
      assert.match(wallet.html, /ウォレットにお届け先がまだありません。/);
      const form = await c.get('/checkout/wallet/address?next=/checkout/wallet');
      // Japanese order: postal code, prefecture, municipality + block, building, then name.
      const order = [
        'name="postalCode"',
        'name="stateOrRegion"',
        'name="addressLine1"',
        'name="addressLine2"',
        'name="name"',
      ].map((s) => form.html.indexOf(s));
      assert.deepEqual(
        [...order].sort((a, b) => a - b),
        order,
      );
      assert.doesNotMatch(form.html, /name="city"/);
      assert.match(form.html, /<option value="沖縄県">沖縄県<\/option>/);
      const token = csrfOf(form.html);
      await c.post('/checkout/wallet/address', {
        _csrf: token,
        next: '/checkout/wallet',
        countryCode: 'JP',
        postalCode: '〒900-0021',
        stateOrRegion: '沖縄県',
        addressLine1: '那覇市泉崎1-2-2',
        addressLine2: '',
        name: '高橋 健',
        phoneNumber: '098-000-0000',
      });
      const bad = await c.post('/checkout/wallet/card', {
        _csrf: token,
        next: '/checkout/wallet',
        number: '4111 1111 1111 1112',
        expiry: '12/39',
        holderName: 'KEN',
      });
      assert.match(bad.html, /カード番号が正しくありません。/);
      const walletAfter = await c.post('/checkout/wallet/card', {
        _csrf: token,
        next: '/checkout/wallet',
        number: '4111 1111 1111 1111',
        expiry: '12/39',
        holderName: 'KEN',
      });
      assert.match(walletAfter.html, /〒900-0021/);
      assert.match(walletAfter.html, /Visa<\/span> <span class="digits">\*\*\*\*1111/);
    });
  });
}

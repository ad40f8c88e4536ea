import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, test } from 'node:test';
import type { BrowserContext, Locator, Page } from 'playwright-core';
import { browserSkipReason, freshBrowser } from '../support/browser.js';
import { dialectCases } from '../support/dialects.js';
import { startMerchantSite, type MerchantSite } from '../support/merchant-site.js';
import { startTestReji, type TestMerchant, type TestReji } from '../support/reji.js';

const browserSkip = browserSkipReason();

/** The computed background colour of an element (evaluated in the page; the tests compile without DOM types). */
function backgroundOf(locator: Locator): Promise<string> {
  return locator.evaluate(
    (element) =>
      (globalThis as unknown as { getComputedStyle(e: unknown): { backgroundColor: string } }).getComputedStyle(element)
        .backgroundColor,
  );
}

for (const { dialect, skip } of await dialectCases()) {
  describe(`hosted checkout pages in Chromium (${dialect})`, { skip: skip || browserSkip }, () => {
    let reji: TestReji;
    let jp: TestMerchant;
    let us: TestMerchant;
    let jpSite: MerchantSite;
    let usSite: MerchantSite;
    let deSite: MerchantSite;
    let browser: Awaited<ReturnType<typeof freshBrowser>>;
    let context: BrowserContext;
    let page: Page;
    let consoleErrors: string[];

    before(async () => {
      reji = await startTestReji({ dialect });
      jp = await reji.merchant('jp', ['http://127.0.0.1:*']);
      us = await reji.merchant('us', ['http://127.0.0.1:*']);
      jpSite = await startMerchantSite(reji, jp);
      usSite = await startMerchantSite(reji, us);
      deSite = await startMerchantSite(reji, await reji.merchant('de', ['http://127.0.0.1:*']));
      browser = await freshBrowser();
      context = browser.context;
    });
    after(async () => {
      await browser?.close();
      await jpSite?.close();
      await usSite?.close();
      await deSite?.close();
      await reji?.stop();
    });
    beforeEach(async () => {
      await context.clearCookies();
      for (const p of context.pages()) await p.close();
      page = await context.newPage();
      consoleErrors = [];
      page.on('console', (m) => {
        if (m.type() === 'error') consoleErrors.push(m.text());
      });
    });

    async function signInAs(email: string) {
      await page.waitForURL(/\/checkout\/signin/);
      await page.click(`[data-test-buyer="${email}"]`);
    }

    async function result(): Promise<Record<string, unknown>> {
      await page.waitForURL(/\/result\?/);
      return JSON.parse((await page.textContent('#result'))!) as Record<string, unknown>;
    }

    function sessionIdOf(url: string): string {
      return new URL(url).searchParams.get('amazonCheckoutSessionId')!;
    }

    test('PayAndShip in Japanese: button, sign-in, choice, review, change address and payment, processing, result', async () => {
      await page.goto(jpSite.cart({ checkoutLanguage: 'ja_JP' }));
      const button = page.getByRole('button', { name: 'Amazon Payでお支払い' });
      assert.equal(await button.getAttribute('lang'), 'ja-JP');
      assert.equal(await backgroundOf(button), 'rgb(255, 216, 20)');
      await button.focus();
      await page.keyboard.press('Enter');
      await signInAs('taro.yamada@example.jp');
      await page.waitForURL(/\/checkout\/select/);
      assert.equal(await page.textContent('h1'), 'お届け先とお支払い方法を選択');
      assert.match((await page.textContent('#address-choice'))!, /〒100-0001\s*東京都千代田区千代田1-1/);
      assert.equal(await page.getAttribute('html', 'lang'), 'ja-JP');
      await page.check('#addr-jp-taro-work');
      await page.check('#pm-jp-taro-4444');
      await page.click('#continue');
      await page.waitForURL(/\/review\?/);
      assert.equal(await page.textContent('#buyer-name'), '山田 太郎');
      assert.match((await page.textContent('#ship-address'))!, /大阪府/);
      assert.equal(await page.textContent('#payment-descriptor'), 'Mastercard ****4444 (Amazon Pay)');

      await page.click('#change-address');
      await page.waitForURL(/\/checkout\/select\?.*action=changeAddress/);
      assert.equal(await page.textContent('h1'), 'お届け先を変更');
      assert.equal(await page.locator('#payment-choice').count(), 0);
      await page.check('#addr-jp-taro-home');
      await page.click('#continue');
      await page.waitForURL(/\/review\?/);
      assert.match((await page.textContent('#ship-address'))!, /東京都/);
      assert.equal(await page.textContent('#payment-descriptor'), 'Mastercard ****4444 (Amazon Pay)');

      await page.click('#change-payment');
      await page.waitForURL(/action=changePayment/);
      assert.equal(await page.textContent('h1'), 'お支払い方法を変更');
      await page.check('#pm-jp-taro-1111');
      await page.click('#continue');
      await page.waitForURL(/\/review\?/);
      assert.equal(await page.textContent('#payment-descriptor'), 'Visa ****1111 (Amazon Pay)');
      assert.match((await page.textContent('#ship-address'))!, /東京都/);

      await page.click('#place-order');
      const r = await result();
      assert.equal(r['completeStatus'], 200);
      assert.equal(r['state'], 'Completed');
      assert.match(String(r['chargeId']), /^S01-\d{7}-\d{7}-C\d{6}$/);
      assert.deepEqual(consoleErrors, []);
    });

    test('multi-address: the buyer ticks two addresses; the merchant reads them as shippingAddressList', async () => {
      await page.goto(jpSite.cart({ checkoutLanguage: 'ja_JP', productType: 'PayAndShipMultiAddress' }));
      await page.getByRole('button', { name: 'Amazon Payでお支払い' }).click();
      await signInAs('taro.yamada@example.jp');
      await page.waitForURL(/\/checkout\/select/);
      assert.equal(await page.getAttribute('#addr-jp-taro-home', 'type'), 'checkbox');
      assert.ok(await page.isChecked('#addr-jp-taro-home'), 'the first deliverable address is ticked');
      await page.check('#addr-jp-taro-work');
      await page.click('#continue');
      await page.waitForURL(/\/review\?/);
      const got = await jpSite.client.getCheckoutSession(sessionIdOf(page.url()));
      assert.equal(got.data.productType, 'PayAndShipMultiAddress');
      assert.deepEqual(
        got.data.shippingAddressList.map((a: { postalCode: string }) => a.postalCode),
        ['100-0001', '530-0001'],
      );
      // Back on the choose page (bindChangeAction), the earlier choice is ticked again.
      await page.click('#change-address');
      await page.waitForURL(/\/checkout\/select\?.*action=changeAddress/);
      assert.ok(await page.isChecked('#addr-jp-taro-work'));
      assert.deepEqual(consoleErrors, []);
    });

    test('EU strong customer authentication (…3155): the one-time code page in German; right code pays, wrong code cancels', async () => {
      for (const code of ['123456', '999999']) {
        await context.clearCookies();
        await page.goto(deSite.cart({ checkoutLanguage: 'de_DE' }));
        await page.getByRole('button', { name: 'Bezahlen mit Amazon Pay' }).click();
        await signInAs('max.mustermann@example.de');
        await page.waitForURL(/\/checkout\/select/);
        await page.check('#pm-de-max-3155');
        await page.click('#continue');
        await page.waitForURL(/\/review\?/);
        await page.click('#place-order');
        await page.waitForURL(/\/checkout\/authenticate/);
        assert.equal(await page.textContent('h1'), 'Bestätigen Sie, dass Sie es sind');
        assert.equal(await page.getAttribute('#f-oneTimeCode', 'autocomplete'), 'one-time-code');
        await page.getByLabel('Einmalcode').fill(code);
        await page.click('#verify-code');
        const r = await result();
        if (code === '123456') {
          assert.equal(r['state'], 'Completed');
          assert.equal(r['completeStatus'], 200);
        } else {
          assert.equal(r['state'], 'Canceled');
          assert.equal(r['reasonCode'], 'MFAFailed');
          assert.equal(r['completeStatus'], 422);
        }
      }
      assert.deepEqual(consoleErrors, []);
    });

    test('a declined card (…3434), then another card while the session stays open', async () => {
      await page.goto(jpSite.cart());
      await page.getByRole('button', { name: 'Amazon Payでお支払い' }).click();
      await signInAs('taro.yamada@example.jp');
      await page.waitForURL(/\/checkout\/select/);
      assert.match((await page.textContent('label[for="pm-jp-taro-3434"]'))!, /\*/);
      await page.check('#pm-jp-taro-3434');
      await page.click('#continue');
      await page.waitForURL(/\/review\?/);
      const id = sessionIdOf(page.url());
      await page.click('#place-order');
      await page.waitForURL(/\/checkout\/declined/);
      assert.equal(await page.textContent('h1'), 'お支払いが承認されませんでした');
      const open = await jpSite.client.getCheckoutSession(id);
      assert.equal(open.data.statusDetails.state, 'Open');
      await page.click('#choose-another');
      await page.waitForURL(/retry=1/);
      await page.check('#pm-jp-taro-0005');
      await page.click('#continue');
      const r = await result();
      assert.equal(r['state'], 'Completed');
      assert.equal(r['completeStatus'], 200);
    });

    test('a declined card and the buyer returns to the merchant: Canceled / Declined', async () => {
      await page.goto(jpSite.cart());
      await page.getByRole('button', { name: 'Amazon Payでお支払い' }).click();
      await signInAs('hanako.sato@example.jp');
      await page.waitForURL(/\/checkout\/select/);
      await page.check('#pm-jp-hanako-3434');
      await page.click('#continue');
      await page.waitForURL(/\/review\?/);
      await page.click('#place-order');
      await page.waitForURL(/\/checkout\/declined/);
      await page.click('#return-to-merchant');
      const r = await result();
      assert.equal(r['state'], 'Canceled');
      assert.equal(r['reasonCode'], 'Declined');
      assert.equal(r['completeStatus'], 422);
    });

    test('the buyer cancels on the hosted page: checkoutCancelUrl, session Canceled / BuyerCanceled', async () => {
      await page.goto(jpSite.cart());
      await page.getByRole('button', { name: 'Amazon Payでお支払い' }).click();
      await signInAs('taro.yamada@example.jp');
      await page.waitForURL(/\/checkout\/select/);
      const id = sessionIdOf(page.url());
      await page.getByRole('button', { name: /キャンセルして.*に戻る/ }).click();
      await page.waitForURL(/\/cancelled$/);
      const cs = await jpSite.client.getCheckoutSession(id);
      assert.equal(cs.data.statusDetails.state, 'Canceled');
      assert.equal(cs.data.statusDetails.reasonCode, 'BuyerCanceled');
    });

    test('the simulated card …3064: the buyer cancels during processing and lands on the result page', async () => {
      await page.goto(jpSite.cart());
      await page.getByRole('button', { name: 'Amazon Payでお支払い' }).click();
      await signInAs('taro.yamada@example.jp');
      await page.waitForURL(/\/checkout\/select/);
      await page.check('#pm-jp-taro-3064');
      await page.click('#continue');
      await page.waitForURL(/\/review\?/);
      await page.click('#place-order');
      const r = await result();
      assert.equal(r['state'], 'Canceled');
      assert.equal(r['reasonCode'], 'BuyerCanceled');
    });

    test('APB (ProcessOrder): the buyer reviews and pays on reji, then the result page', async () => {
      const payload = {
        webCheckoutDetails: { checkoutMode: 'ProcessOrder', checkoutResultReturnUrl: `${jpSite.url}/result` },
        storeId: jp.storeId,
        paymentDetails: { paymentIntent: 'AuthorizeWithCapture', chargeAmount: jpSite.amount() },
        merchantMetadata: { merchantReferenceId: 'APB-42', merchantStoreName: 'レジ商店' },
        addressDetails: {
          name: '鈴木 一郎',
          addressLine1: '横浜市西区みなとみらい2-2-1',
          postalCode: '220-0012',
          stateOrRegion: '神奈川県',
          countryCode: 'JP',
          phoneNumber: '045-000-0000',
        },
      };
      await page.goto(jpSite.cart({ payload }));
      await page.getByRole('button', { name: 'Amazon Payでお支払い' }).click();
      await signInAs('taro.yamada@example.jp');
      await page.waitForURL(/\/checkout\/select/);
      assert.match((await page.textContent('.amount'))!, /1,980/);
      assert.equal(await page.textContent('.reference'), 'APB-42');
      assert.match((await page.textContent('main'))!, /神奈川県横浜市西区みなとみらい2-2-1/);
      assert.equal(await page.textContent('#continue'), '今すぐ支払う');
      await page.click('#continue');
      const r = await result();
      assert.equal(r['state'], 'Completed');
      assert.match(String(r['chargeId']), /-C\d{6}$/);
    });

    test('Amazon Sign-in: consent for the scopes, signInReturnUrl?buyerToken=…, Get Buyer', async () => {
      const payload = {
        signInReturnUrl: `${jpSite.url}/signin-return`,
        storeId: jp.storeId,
        signInScopes: ['name', 'email', 'shippingAddress'],
      };
      await page.goto(jpSite.cart({ productType: 'SignIn', payload }));
      await page.getByRole('button', { name: 'Amazonアカウントでログイン' }).click();
      await signInAs('hanako.sato@example.jp');
      await page.waitForURL(/\/checkout\/consent/);
      assert.deepEqual(await page.locator('ul.scopes li').allTextContents(), [
        '氏名',
        'メールアドレス',
        '既定のお届け先',
      ]);
      await page.click('#allow');
      await page.waitForURL(/\/signin-return\?buyerToken=/);
      const buyer = JSON.parse((await page.textContent('#buyer'))!) as Record<string, any>;
      assert.equal(buyer['status'], 200);
      assert.equal(buyer['name'], '佐藤 花子');
      assert.equal(buyer['email'], 'hanako.sato@example.jp');
      assert.equal(buyer['phoneNumber'], null);
      assert.equal(buyer['shippingAddress']['stateOrRegion'], '北海道');
      assert.match(buyer['buyerId'], /^amzn1\.account\./);
    });

    test('English (en_US): US buyer, US address format, estimated total in dollars', async () => {
      await page.goto(
        usSite.cart({
          checkoutLanguage: 'en_US',
          buttonColor: 'DarkGray',
          estimatedOrderAmount: { amount: '15.00', currencyCode: 'USD' },
        }),
      );
      const button = page.getByRole('button', { name: 'Pay with Amazon Pay' });
      assert.equal(await backgroundOf(button), 'rgb(35, 47, 62)');
      await button.click();
      await page.waitForURL(/\/checkout\/signin/);
      assert.equal(await page.textContent('h1'), 'Sign in');
      await page.fill('#f-email', 'jane.doe@example.com');
      await page.fill('#f-password', 'sandbox');
      await page.click('#signin-submit');
      await page.waitForURL(/\/checkout\/select/);
      assert.equal(await page.textContent('h1'), 'Choose your address and payment method');
      assert.match((await page.textContent('.amount'))!, /^\$15\.00$/);
      assert.match((await page.textContent('#address-choice'))!, /Seattle, WA 98109/);
      await page.click('#continue');
      await page.waitForURL(/\/review\?/);
      assert.equal(await page.textContent('#buyer-name'), 'Jane Doe');
      await page.click('#place-order');
      const r = await result();
      assert.equal(r['state'], 'Completed');
    });

    test('a tampered payload signature: a clear error page for the buyer and console.error for the developer', async () => {
      await page.goto(jpSite.cart({ tamper: true }));
      await page.getByRole('button', { name: 'Amazon Payでお支払い' }).click();
      await page.waitForURL(/\/checkout\/start/);
      assert.equal(await page.textContent('h1'), 'お支払いを開始できませんでした');
      assert.match((await page.textContent('details.developer'))!, /InvalidRequestSignature/);
      assert.ok(
        consoleErrors.some((e) => /reji refused the button payload \(InvalidRequestSignature\)/.test(e)),
        consoleErrors.join('\n'),
      );
    });
  });
}

// Amazon Pay Buy Now in Chromium through the demo shop: product page → 今すぐ購入 → reji's sheet in a popup
// (sign-in, address and card, the shop's cart from onInitCheckout, another delivery option through
// onDeliveryOptionSelection) → place order → onCompleteCheckout calls Finalize → the shop's 注文完了 page with
// chargePermissionId and chargeId. A second run cancels on the sheet (onCancel). Screenshots of every step go
// to test-results/screenshots/buy-now/ (git-ignored).
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, beforeEach, describe, test } from 'node:test';
import type { BrowserContext, Page } from 'playwright-core';
import { startShopHarness, type ShopHarness } from '../../examples/shop/test/support.js';
import { browserSkipReason, freshBrowser, Screenshots, watchProblems } from '../support/browser.js';

const browserSkip = browserSkipReason();
const SCREENSHOTS = join(new URL('../../', import.meta.url).pathname, 'test-results', 'screenshots', 'buy-now');

describe('Buy Now (今すぐ購入) in Chromium: product page → sheet → Finalize', { skip: browserSkip }, () => {
  let h: ShopHarness;
  let browser: Awaited<ReturnType<typeof freshBrowser>>;
  let context: BrowserContext;
  let page: Page;
  let problems: string[];
  let shots: Screenshots;

  before(async () => {
    h = await startShopHarness();
    browser = await freshBrowser();
    context = browser.context;
  });
  after(async () => {
    await browser?.close();
    await h?.stop();
  });
  beforeEach(async () => {
    await context.clearCookies();
    for (const p of context.pages()) await p.close();
    page = await context.newPage();
    page.setDefaultTimeout(15_000);
    problems = [];
    watch(page);
  });

  function watch(p: Page): void {
    watchProblems(p, problems);
  }

  function startShots(name: string): void {
    shots = new Screenshots(join(SCREENSHOTS, name));
  }

  function shot(p: Page, name: string): Promise<void> {
    return shots.take(p, name);
  }

  async function text(p: Page, selector: string): Promise<string> {
    return ((await p.textContent(selector)) ?? '').replace(/\s+/g, ' ').trim();
  }

  /** 今すぐ購入 on the product page opens the sheet's popup; the buyer signs in and chooses there. */
  async function openSheet(): Promise<Page> {
    await page.goto(`${h.shop.url}/product?id=matcha`);
    const button = page.locator('#AmazonPayBuyNow button');
    await button.waitFor();
    await shot(page, 'product');
    const [popup] = await Promise.all([page.waitForEvent('popup'), button.click()]);
    watch(popup);
    popup.setDefaultTimeout(15_000);
    await popup.waitForURL(/\/checkout\/(signin|select)/);
    if (popup.url().includes('/checkout/signin')) {
      await shot(popup, 'sheet-signin');
      await popup.fill('#f-email', 'taro.yamada@example.jp');
      await popup.fill('#f-password', 'sandbox');
      await popup.click('#signin-submit');
      await popup.waitForURL(/\/checkout\/select/);
    }
    await popup.check('#addr-jp-taro-home');
    await popup.check('#pm-jp-taro-1111');
    await shot(popup, 'sheet-choose');
    await popup.click('#continue');
    await popup.waitForURL(/\/checkout\/buynow\?/);
    return popup;
  }

  test('product page → 今すぐ購入 → sheet with the shop cart → express delivery → place order → 注文完了', async () => {
    startShots('complete');
    const sheet = await openSheet();
    // onInitCheckout answered with the shop's cart: ¥1,980 + ¥500 standard delivery.
    await sheet.locator('#total-charge').waitFor();
    assert.match(await text(sheet, '#total-charge'), /2,480/);
    assert.match(await text(sheet, '.line-item'), /宇治抹茶/);
    await shot(sheet, 'sheet-cart');
    // onDeliveryOptionSelection: お急ぎ便 costs ¥700 more.
    await sheet.check('#delivery-1');
    await sheet.locator('#total-charge', { hasText: '3,180' }).waitFor();
    assert.ok(await sheet.isChecked('#delivery-1'));
    await shot(sheet, 'sheet-express');

    const closed = sheet.waitForEvent('close');
    await sheet.click('#buynow-place');
    // onCompleteCheckout → the shop's server calls Finalize → the shop shows 注文完了; the sheet closes.
    await page.waitForURL(/\/complete\?amazonCheckoutSessionId=/);
    await closed;
    await shot(page, 'complete');
    assert.match(await text(page, '#charge-permission-id'), /^S\d\d-\d{7}-\d{7}$/);
    assert.match(await text(page, '#charge-id'), /^S\d\d-\d{7}-\d{7}-C\d{6}$/);
    assert.match(await text(page, '#total'), /3,180/);
    const id = new URL(page.url()).searchParams.get('amazonCheckoutSessionId')!;
    const session = await h.shop.client.checkoutSessions.get(id);
    assert.equal(session.body.statusDetails.state, 'Completed');
    const charge = await h.shop.client.charges.get(await text(page, '#charge-id'));
    assert.equal(charge.body.chargeAmount.amount, '3180');
    assert.deepEqual(problems, []);
  });

  test('cancel on the sheet: onCancel runs, the session is Canceled / BuyerCanceled, no order', async () => {
    startShots('cancel');
    const sheet = await openSheet();
    await sheet.locator('#total-charge').waitFor();
    const id = new URL(sheet.url()).searchParams.get('amazonCheckoutSessionId')!;
    const closed = sheet.waitForEvent('close');
    await sheet.click('#buynow-cancel');
    await closed;
    await page.locator('#buynow-message').waitFor();
    await shot(page, 'canceled');
    assert.equal(await text(page, '#buynow-message'), 'お支払いをキャンセルしました。');
    const session = await h.shop.client.checkoutSessions.get(id);
    assert.equal(session.body.statusDetails.reasonCode, 'BuyerCanceled');
    assert.equal(h.shop.orders.get(id), undefined);
    assert.deepEqual(problems, []);
  });
});

// The seed's flow through the demo shop in Chromium, on reji's real hosted pages and checkout.js:
// cart → Amazon Pay button → sign-in and selection → 注文確認 (shipping fee, coupon, change address) →
// 注文確定 → processing → 注文完了 with chargePermissionId and chargeId → admin capture and refund.
// A second run declines a card and recovers with another one. Screenshots of every page go to
// test-results/screenshots/shop/ (git-ignored).
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, beforeEach, describe, test } from 'node:test';
import type { BrowserContext, Page } from 'playwright-core';
import { browserSkipReason, freshBrowser, Screenshots, watchProblems } from '../../../test/support/browser.js';
import { ADMIN_PASSWORD, startShopHarness, type ShopHarness } from './support.js';

const browserSkip = browserSkipReason();
const SCREENSHOTS = join(new URL('../../../', import.meta.url).pathname, 'test-results', 'screenshots', 'shop');
const PAY_BUTTON = 'Amazon Payでお支払い';

describe('demo shop in Chromium on the hosted pages', { skip: browserSkip }, () => {
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
    // A CSP violation or a script error on any page shows up here.
    watchProblems(page, problems);
  });

  function startShots(name: string): void {
    shots = new Screenshots(join(SCREENSHOTS, name));
  }

  function shot(name: string): Promise<void> {
    return shots.take(page, name);
  }

  /**
   * 注文確定 → reji's processing page, photographed before it posts itself: its timer is held on a
   * paused page clock for the screenshot, then let go.
   */
  async function placeOrderThroughProcessing(): Promise<void> {
    await page.clock.install();
    await page.clock.pauseAt(Date.now() + 1000);
    await page.click('#place-order');
    await page.waitForURL(/\/checkout\/processing\?/);
    await page.locator('#complete-payment').waitFor();
    await shot('processing');
    await page.clock.resume();
  }

  const shopPath = (path: string) => new RegExp(`^${h.shop.url.replace(/[.]/g, '\\.')}${path}`);

  async function clickPayButton(): Promise<void> {
    const button = page.getByRole('button', { name: PAY_BUTTON });
    await button.waitFor();
    await shot('cart');
    await button.click();
    await page.waitForURL(/\/checkout\/(signin|select)/);
    if (page.url().includes('/checkout/signin')) {
      await shot('amazon-signin');
      await page.fill('#f-email', 'taro.yamada@example.jp');
      await page.fill('#f-password', 'sandbox');
      await page.click('#signin-submit');
      await page.waitForURL(/\/checkout\/select/);
    }
  }

  async function choose(options: { address?: string; card: string }): Promise<void> {
    if (options.address) await page.check(`#addr-${options.address}`);
    await page.check(`#pm-${options.card}`);
    await shot('amazon-select');
    await page.click('#continue');
    await page.waitForURL(shopPath('/review\\?amazonCheckoutSessionId='));
  }

  function sessionId(): string {
    return new URL(page.url()).searchParams.get('amazonCheckoutSessionId')!;
  }

  async function text(selector: string): Promise<string> {
    return ((await page.textContent(selector)) ?? '').replace(/\s+/g, ' ').trim();
  }

  test('the seed flow: cart → button → sign-in and selection → review with shipping and coupon → place order → processing → complete; admin captures and refunds', async () => {
    startShots('seed-flow');
    await page.goto(h.shop.url);
    await shot('products');
    await page.locator('#product-matcha').getByRole('button', { name: 'カートに入れる' }).click();
    await page.waitForURL(shopPath('/cart'));
    assert.equal(await text('#total'), '¥2,480');

    await clickPayButton();
    assert.equal(await page.getAttribute('html', 'lang'), 'ja-JP');
    await choose({ address: 'jp-taro-home', card: 'jp-taro-1111' });

    // 注文確認ページ: Get Checkout Session's buyer, address and payment descriptor.
    const id = sessionId();
    await page.getByRole('button', { name: '注文を確定する' }).waitFor();
    await shot('review');
    assert.equal(await text('#buyer-name'), '山田 太郎');
    assert.match(await text('#shipping-address'), /山田 太郎 〒100-0001 東京都 千代田区千代田1-1 レジハイツ101/);
    assert.equal(await text('#payment-descriptor'), 'Visa ****1111 (Amazon Pay)');
    assert.equal(await text('#subtotal'), '¥1,980');
    assert.equal(await text('#shipping'), '¥500');

    // 変更 (bindChangeAction) goes to Amazon's page and comes back with the new address.
    await page.click('#changeAddress');
    await page.waitForURL(/\/checkout\/select\?.*action=changeAddress/);
    await shot('amazon-change-address');
    await page.check('#addr-jp-taro-work');
    await page.click('#continue');
    await page.waitForURL(shopPath('/review\\?'));
    assert.match(await text('#shipping-address'), /大阪府/);
    assert.equal(sessionId(), id);

    // A wrong coupon is refused with a message; WELCOME10 takes 10 % off.
    await page.fill('#coupon-code', 'NOPE');
    await page.getByRole('button', { name: '適用' }).click();
    await page.waitForURL(shopPath('/review\\?'));
    assert.match(await text('.flash-error'), /このクーポンコードは使えません/);
    await page.fill('#coupon-code', 'WELCOME10');
    await page.getByRole('button', { name: '適用' }).click();
    await page.waitForURL(shopPath('/review\\?'));
    assert.equal(await text('#discount'), '-¥198');
    assert.equal(await text('#total'), '¥2,282');
    await shot('review-with-coupon');
    const orderId = await text('#order-id');

    // 注文確定 → Update Checkout Session → amazonPayRedirectUrl (processing) → checkoutResultReturnUrl.
    await placeOrderThroughProcessing();
    await page.waitForURL(shopPath('/complete\\?amazonCheckoutSessionId='));
    await shot('complete');
    const { body: session } = await h.merchantClient.checkoutSessions.get(id);
    assert.equal(session.statusDetails.state, 'Completed');
    assert.deepEqual(session.paymentDetails?.chargeAmount, { amount: '2282', currencyCode: 'JPY' });
    assert.equal(await text('h1'), 'ご注文ありがとうございました');
    assert.equal(await text('#order-id'), orderId);
    assert.equal(await text('#charge-permission-id'), session.chargePermissionId);
    assert.equal(await text('#charge-id'), session.chargeId);
    assert.match(await text('#shipping-address'), /大阪府/);

    // A reload shows the same order.
    await page.reload();
    assert.equal(await text('#charge-id'), session.chargeId);

    // The admin captures the authorization and refunds part of it.
    await page.goto(`${h.shop.url}/admin`);
    await shot('admin-login');
    await page.fill('#admin-password', ADMIN_PASSWORD);
    await page.getByRole('button', { name: 'ログイン' }).click();
    const row = page.locator(`#order-${orderId}`);
    await row.waitFor();
    await shot('admin-orders');
    assert.equal(await row.getAttribute('data-status'), 'authorized');
    await row.locator('[data-action="capture"]').click();
    await page.waitForURL(shopPath('/admin'));
    assert.match(await text('.flash-ok'), /売上を確定しました/);
    assert.equal(await page.locator(`#order-${orderId}`).getAttribute('data-status'), 'captured');
    await shot('admin-captured');
    await page.locator(`#order-${orderId} input[name="amount"]`).fill('1000');
    await page.locator(`#order-${orderId} [data-action="refund"]`).click();
    await page.waitForURL(shopPath('/admin'));
    assert.match(await text('.flash-ok'), /¥1,000 の返金を依頼しました/);
    assert.equal(await page.locator(`#order-${orderId} .refund`).getAttribute('data-state'), 'RefundInitiated');
    await shot('admin-refund-initiated');
    await h.merchantClient.testing.advanceClock(60);
    await page.locator(`#order-${orderId} [data-action="refresh"]`).click();
    await page.waitForURL(shopPath('/admin'));
    assert.equal(await page.locator(`#order-${orderId} .refund`).getAttribute('data-state'), 'Refunded');
    await shot('admin-refunded');
    assert.equal((await h.merchantClient.charges.get(session.chargeId!)).body.statusDetails.state, 'Captured');
    // Shipped: the carrier and tracking number go to Amazon Pay (Create Delivery Tracker).
    await page.locator(`#order-${orderId} select[name="carrierCode"]`).selectOption('SAGAWA');
    await page.locator(`#order-${orderId} input[name="trackingNumber"]`).fill('3601-2345-6789');
    await page.locator(`#order-${orderId} [data-action="ship"]`).click();
    await page.waitForURL(shopPath('/admin'));
    assert.match(await text('.flash-ok'), /追跡番号 3601-2345-6789 を Amazon Pay に送りました/);
    assert.equal(await page.locator(`#order-${orderId} code.tracking`).getAttribute('data-carrier'), 'SAGAWA');
    await shot('admin-shipped');
    const { body: sent } = await h.merchantClient.request<{ deliveryTrackers: { carrierCode: string }[] }>(
      'GET',
      `/testing/chargePermissions/${session.chargePermissionId}/deliveryTrackers`,
    );
    assert.deepEqual(
      sent.deliveryTrackers.map((x) => x.carrierCode),
      ['SAGAWA'],
    );
    assert.deepEqual(problems, []);
  });

  test('a declined card: the shop says so and the buyer pays again with a second card', async () => {
    startShots('decline-then-second-card');
    await page.goto(h.shop.url);
    await page.locator('#product-yunomi').getByRole('button', { name: 'カートに入れる' }).click();
    await page.waitForURL(shopPath('/cart'));
    await clickPayButton();
    await choose({ card: 'jp-taro-3434' });
    const first = sessionId();
    await shot('review');
    await placeOrderThroughProcessing();
    await page.waitForURL(/\/checkout\/declined/);
    await shot('amazon-declined');
    // The buyer gives up on Amazon's page: the session is Canceled / Declined and the shop explains.
    await page.click('#return-to-merchant');
    await page.waitForURL(shopPath('/complete\\?'));
    await shot('shop-declined');
    assert.equal(await text('h1'), 'お支払いが完了しませんでした');
    assert.equal(
      await text('#failure-reason'),
      'カードが承認されませんでした。別のお支払い方法で、もう一度お試しください。',
    );
    assert.equal(h.shop.orders.get(first)!.status, 'declined');

    // Pay again: the cart still holds the teacup; a new checkout with another card.
    await page.click('#pay-again');
    await page.waitForURL(shopPath('/cart'));
    assert.equal(await text('#total'), '¥1,700');
    await clickPayButton();
    await choose({ card: 'jp-taro-0005' });
    const second = sessionId();
    assert.notEqual(second, first);
    assert.equal(await text('#payment-descriptor'), 'American Express ****0005 (Amazon Pay)');
    await placeOrderThroughProcessing();
    await page.waitForURL(shopPath('/complete\\?'));
    await shot('complete');
    assert.equal(await text('h1'), 'ご注文ありがとうございました');
    const { body: session } = await h.merchantClient.checkoutSessions.get(second);
    assert.equal(await text('#charge-id'), session.chargeId);
    assert.equal(h.shop.orders.get(second)!.status, 'authorized');
    assert.deepEqual(problems, []);
  });
});

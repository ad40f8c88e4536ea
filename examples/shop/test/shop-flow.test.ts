// The demo shop against a real reji, without a browser: reji's testing endpoints do what the buyer does on
// the hosted pages (the browser test walks those). Cart → button → review → 注文確定 → processing → 注文完了,
// declines and cancels, the 24-hour window, the admin's capture / refund / cancel, and the shop's defences.
import assert from 'node:assert/strict';
import { createHash, createPublicKey, verify, constants } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import type { CheckoutSession } from '@reji/sdk';
import type { ButtonOptions } from '../src/views.js';
import {
  ADMIN_PASSWORD,
  CookieBrowser,
  jsonBlockOf,
  textOf,
  type Page,
  type ShopHarness,
  startShopHarness,
} from './support.js';

let h: ShopHarness;

before(async () => {
  h = await startShopHarness();
});
after(() => h?.stop());

async function fillCart(browser: CookieBrowser, items: Record<string, number>): Promise<Page> {
  let page = await browser.get('/');
  assert.equal(page.status, 200);
  for (const [productId, quantity] of Object.entries(items)) {
    const added = await browser.post('/cart/add', { productId, quantity: String(quantity) }, page);
    assert.equal(added.status, 303);
    page = await browser.get('/cart');
  }
  return page;
}

/** What checkout.js and the hosted sign-in/selection pages do: create the session from the signed payload and choose. */
async function buyerChooses(
  cart: Page,
  options: { card?: string; address?: string } = {},
): Promise<{ id: string; reviewUrl: string }> {
  const button = jsonBlockOf<ButtonOptions>(cart.html, 'amazon-pay-button-options');
  const { body: cs } = await h.merchantClient.checkoutSessions.create(
    JSON.parse(button.createCheckoutSessionConfig.payloadJSON),
  );
  const { body } = await h.merchantClient.testing.buyerConsent(cs.checkoutSessionId, {
    buyerEmail: 'taro.yamada@example.jp',
    paymentMethodId: options.card ?? 'jp-taro-1111',
    ...(options.address ? { shippingAddressId: options.address } : {}),
  });
  return { id: cs.checkoutSessionId, reviewUrl: body.redirectUrl };
}

async function checkoutToReview(
  browser: CookieBrowser,
  items: Record<string, number>,
  options: { card?: string } = {},
) {
  const cart = await fillCart(browser, items);
  const { id, reviewUrl } = await buyerChooses(cart, options);
  const review = await browser.get(reviewUrl);
  assert.equal(review.status, 200, review.html);
  return { id, review };
}

/** 注文確定, then what reji's processing page does, then the buyer lands on checkoutResultReturnUrl. */
async function placeAndPay(browser: CookieBrowser, id: string, review: Page): Promise<Page> {
  const placed = await browser.post('/review/place', { amazonCheckoutSessionId: id }, review);
  assert.equal(placed.status, 303, placed.html);
  assert.equal(placed.location, `${h.reji.httpUrl}/checkout/processing?amazonCheckoutSessionId=${id}`);
  const { body } = await h.merchantClient.testing.processPayment(id);
  assert.equal(body.redirectUrl, `${h.shop.url}/complete?amazonCheckoutSessionId=${id}`);
  return browser.get(body.redirectUrl);
}

function completeCalls(id: string): number {
  return h.shopRequests.filter((r) => r.method === 'POST' && r.url.endsWith(`/checkoutSessions/${id}/complete`)).length;
}

async function adminBrowser(): Promise<{ browser: CookieBrowser; page: Page }> {
  const browser = new CookieBrowser(h.shop.url);
  const login = await browser.get('/admin');
  assert.match(login.html, /id="admin-password"/);
  const wrong = await browser.post('/admin/login', { password: 'nope' }, login);
  assert.equal(wrong.status, 401);
  const ok = await browser.post('/admin/login', { password: ADMIN_PASSWORD }, login);
  assert.equal(ok.status, 303);
  const page = await browser.get('/admin');
  assert.match(page.html, /class="orders"|まだ注文はありません/);
  return { browser, page };
}

async function adminDo(
  admin: CookieBrowser,
  orderId: string,
  action: string,
  extra: Record<string, string> = {},
): Promise<Page> {
  const list = await admin.get('/admin');
  const done = await admin.post('/admin/orders', { orderId, action, ...extra }, list);
  assert.equal(done.status, 303);
  return admin.get('/admin');
}

describe('demo shop: the seed flow through the shop', () => {
  test('cart → signed button → review (buyer, address, descriptor, shipping, coupon) → place order → complete with the ids', async () => {
    const browser = new CookieBrowser(h.shop.url);
    const cart = await fillCart(browser, { matcha: 1 });
    assert.equal(textOf(cart.html, 'subtotal'), '¥1,980');
    assert.equal(textOf(cart.html, 'shipping'), '¥500');
    assert.equal(textOf(cart.html, 'total'), '¥2,480');
    assert.match(cart.html, new RegExp(`<script src="${h.reji.httpUrl}/checkout.js"></script>`));
    assert.match(cart.headers.get('content-security-policy')!, new RegExp(`script-src 'self' ${h.reji.httpUrl}`));

    // The button: the Create Checkout Session payload, signed on the server with the merchant's key.
    const button = jsonBlockOf<ButtonOptions>(cart.html, 'amazon-pay-button-options');
    assert.equal(button.merchantId, h.merchant.merchantId);
    assert.deepEqual(
      [button.ledgerCurrency, button.checkoutLanguage, button.productType, button.placement, button.sandbox],
      ['JPY', 'ja_JP', 'PayAndShip', 'Cart', true],
    );
    const config = button.createCheckoutSessionConfig;
    assert.equal(config.algorithm, 'AMZN-PAY-RSASSA-PSS-V2');
    assert.equal(config.publicKeyId, h.merchant.sandboxKey.publicKeyId);
    const payload = JSON.parse(config.payloadJSON);
    assert.deepEqual(payload.webCheckoutDetails, {
      checkoutReviewReturnUrl: `${h.shop.url}/review`,
      checkoutCancelUrl: `${h.shop.url}/cart`,
    });
    assert.equal(payload.storeId, h.merchant.storeId);
    const stringToSign = `AMZN-PAY-RSASSA-PSS-V2\n${createHash('sha256').update(config.payloadJSON).digest('hex')}`;
    assert.ok(
      verify(
        'sha256',
        Buffer.from(stringToSign),
        {
          key: createPublicKey(h.merchant.sandboxKey.privateKeyPem),
          padding: constants.RSA_PKCS1_PSS_PADDING,
          saltLength: 32,
        },
        Buffer.from(config.signature, 'base64'),
      ),
      'the button signature verifies with the merchant key',
    );

    // The buyer comes back to checkoutReviewReturnUrl?amazonCheckoutSessionId=…
    const { id, reviewUrl } = await buyerChooses(cart);
    assert.equal(reviewUrl, `${h.shop.url}/review?amazonCheckoutSessionId=${id}`);
    const review = await browser.get(reviewUrl);
    assert.equal(review.status, 200);
    const { body: session } = await h.merchantClient.checkoutSessions.get(id);
    assert.equal(textOf(review.html, 'buyer-name'), '山田 太郎');
    const a = session.shippingAddress!;
    const address = textOf(review.html, 'shipping-address')!;
    assert.ok(address.startsWith(`${a.name} 〒${a.postalCode} ${a.stateOrRegion}`), address);
    assert.ok(address.includes(a.addressLine1!), address);
    assert.equal(textOf(review.html, 'payment-descriptor'), session.paymentPreferences![0]!.paymentDescriptor);
    assert.match(review.html, /id="changeAddress"[^>]*data-change-action="changeAddress"/);
    assert.match(review.html, /id="changePayment"[^>]*data-change-action="changePayment"/);
    assert.equal(textOf(review.html, 'total'), '¥2,480');

    // Coupons: a wrong code says so; WELCOME10 takes 10 % off the goods.
    const wrong = await browser.post('/review/coupon', { amazonCheckoutSessionId: id, couponCode: 'FREE' }, review);
    assert.equal(wrong.location, `/review?amazonCheckoutSessionId=${id}`);
    assert.match((await browser.get(wrong.location!)).html, /flash-error[^>]*>このクーポンコードは使えません/);
    const tooSmall = await browser.post(
      '/review/coupon',
      { amazonCheckoutSessionId: id, couponCode: 'SENCHA500' },
      review,
    );
    assert.match((await browser.get(tooSmall.location!)).html, /商品合計 ¥3,000 以上/);
    await browser.post('/review/coupon', { amazonCheckoutSessionId: id, couponCode: ' welcome10' }, review);
    const discounted = await browser.get(reviewUrl);
    assert.match(discounted.html, /クーポン WELCOME10 を適用しました/);
    assert.equal(textOf(discounted.html, 'discount'), '-¥198');
    assert.equal(textOf(discounted.html, 'shipping'), '¥500');
    assert.equal(textOf(discounted.html, 'total'), '¥2,282');
    const orderId = textOf(discounted.html, 'order-id')!;

    // 注文確定: Update Checkout Session with the final amount, then reji's processing page.
    const complete = await placeAndPay(browser, id, discounted);
    const { body: updated } = await h.merchantClient.checkoutSessions.get(id);
    assert.equal(updated.statusDetails.state, 'Completed');
    assert.deepEqual(updated.paymentDetails?.chargeAmount, { amount: '2282', currencyCode: 'JPY' });
    assert.equal(updated.paymentDetails?.paymentIntent, 'Authorize');
    assert.equal(updated.merchantMetadata?.merchantReferenceId, orderId);
    assert.equal(updated.merchantMetadata?.merchantStoreName, 'reji 茶舗');
    assert.equal(updated.webCheckoutDetails?.checkoutResultReturnUrl, `${h.shop.url}/complete`);

    // 注文完了: Complete Checkout Session; the ids are kept with the order and shown.
    assert.equal(complete.status, 200, complete.html);
    assert.match(complete.html, /ご注文ありがとうございました/);
    assert.equal(textOf(complete.html, 'charge-permission-id'), updated.chargePermissionId);
    assert.equal(textOf(complete.html, 'charge-id'), updated.chargeId);
    assert.equal(textOf(complete.html, 'order-status'), 'オーソリ済み (未売上)');
    assert.equal(textOf(complete.html, 'nav-cart'), 'カート (0)');
    const order = h.shop.orders.get(id)!;
    assert.deepEqual(
      [order.orderId, order.status, order.chargePermissionId, order.chargeId, order.chargeState, order.total],
      [orderId, 'authorized', updated.chargePermissionId, updated.chargeId, 'Authorized', 2282],
    );
    assert.match(
      textOf((await browser.get('/cart')).html, 'nav-cart')!,
      /カート \(0\)/,
      'the cart is empty after the order',
    );

    // A reload shows the same order and does not call Complete again.
    assert.equal(completeCalls(id), 1);
    const reloaded = await browser.get(`/complete?amazonCheckoutSessionId=${id}`);
    assert.equal(textOf(reloaded.html, 'charge-id'), updated.chargeId);
    assert.equal(completeCalls(id), 1);
    // The review URL of a completed order leads to the order.
    assert.equal((await browser.get(reviewUrl)).location, `/complete?amazonCheckoutSessionId=${id}`);

    // The admin captures it and refunds part, then the rest.
    const { browser: admin, page: list } = await adminBrowser();
    assert.match(list.html, new RegExp(`id="order-${orderId}" data-status="authorized"`));
    let after = await adminDo(admin, orderId, 'capture');
    assert.match(after.html, /売上を確定しました/);
    assert.equal(h.shop.orders.get(id)!.status, 'captured');
    assert.equal((await h.merchantClient.charges.get(updated.chargeId!)).body.statusDetails.state, 'Captured');
    // Marked shipped: the tracking number goes to Amazon Pay (Create Delivery Tracker) and shows on the order.
    after = await adminDo(admin, orderId, 'ship', { carrierCode: 'TAQBIN_JP', trackingNumber: 'bad number!' });
    assert.match(after.html, /追跡番号は英数字とハイフンで/);
    after = await adminDo(admin, orderId, 'ship', { carrierCode: 'TAQBIN_JP', trackingNumber: '4455-6677-8899' });
    assert.match(after.html, /追跡番号 4455-6677-8899 を Amazon Pay に送りました/);
    assert.match(after.html, /<code class="tracking" data-carrier="TAQBIN_JP">4455-6677-8899<\/code>/);
    // Sent twice (a double click): the idempotency key replays, the order keeps one shipment.
    await adminDo(admin, orderId, 'ship', { carrierCode: 'TAQBIN_JP', trackingNumber: '4455-6677-8899' });
    assert.deepEqual(
      h.shop.orders.get(id)!.shipments?.map((x) => [x.trackingNumber, x.carrierCode]),
      [['4455-6677-8899', 'TAQBIN_JP']],
    );
    const { body: recorded } = await h.merchantClient.request<{ deliveryTrackers: { trackingNumber: string }[] }>(
      'GET',
      `/testing/chargePermissions/${updated.chargePermissionId}/deliveryTrackers`,
    );
    assert.deepEqual(
      recorded.deliveryTrackers.map((x) => x.trackingNumber),
      ['4455-6677-8899'],
    );
    after = await adminDo(admin, orderId, 'refund', { amount: '3000', nonce: 'n-too-much' });
    assert.match(after.html, /返金額は 1 円から ¥2,282 までの整数で入力してください/);
    after = await adminDo(admin, orderId, 'refund', { amount: '282', nonce: 'n-1' });
    assert.match(after.html, /¥282 の返金を依頼しました/);
    // The same form sent twice (same nonce) refunds once.
    await adminDo(admin, orderId, 'refund', { amount: '282', nonce: 'n-1' });
    let stored = h.shop.orders.get(id)!;
    assert.equal(stored.refunds.length, 1);
    assert.equal(stored.refunds[0]!.state, 'RefundInitiated');
    assert.equal(stored.status, 'captured');
    await h.merchantClient.testing.advanceClock(60);
    after = await adminDo(admin, orderId, 'refresh');
    assert.equal(h.shop.orders.get(id)!.refunds[0]!.state, 'Refunded');
    assert.match(after.html, /data-state="Refunded"/);
    await adminDo(admin, orderId, 'refund', { amount: '2000', nonce: 'n-2' });
    stored = h.shop.orders.get(id)!;
    assert.equal(stored.status, 'refunded');
    assert.deepEqual(
      stored.refunds.map((r) => r.amount),
      [282, 2000],
    );
  });

  test('an authorized order can be canceled by the admin', async () => {
    const browser = new CookieBrowser(h.shop.url);
    const { id, review } = await checkoutToReview(browser, { kyusu: 1, sencha: 1 });
    assert.equal(textOf(review.html, 'shipping'), '無料');
    assert.equal(textOf(review.html, 'total'), '¥5,780');
    const complete = await placeAndPay(browser, id, review);
    assert.equal(complete.status, 200);
    const order = h.shop.orders.get(id)!;
    const { browser: admin } = await adminBrowser();
    const after = await adminDo(admin, order.orderId, 'cancel');
    assert.match(after.html, /オーソリを取り消しました/);
    assert.equal(h.shop.orders.get(id)!.status, 'canceled');
    assert.equal((await h.merchantClient.charges.get(order.chargeId!)).body.statusDetails.state, 'Canceled');
    // Nothing left to capture: the action is refused.
    const refused = await adminDo(admin, order.orderId, 'capture');
    assert.match(refused.html, /この注文の状態ではその操作はできません/);
  });

  test('a declined card leads back to the cart with a clear message; a second card pays', async () => {
    const browser = new CookieBrowser(h.shop.url);
    const { id, review } = await checkoutToReview(browser, { yunomi: 2 }, { card: 'jp-taro-3434' });
    const failed = await placeAndPay(browser, id, review);
    assert.equal(failed.status, 200);
    assert.match(failed.html, /お支払いが完了しませんでした/);
    assert.equal(
      textOf(failed.html, 'failure-reason'),
      'カードが承認されませんでした。別のお支払い方法で、もう一度お試しください。',
    );
    assert.match(failed.html, /<a class="button primary" href="\/cart" id="pay-again">/);
    assert.equal(h.shop.orders.get(id)!.status, 'declined');
    assert.equal(h.shop.orders.get(id)!.failureReason, 'Declined');
    // Reloading the result page shows the same message (no second Complete needed).
    const calls = completeCalls(id);
    assert.match((await browser.get(`/complete?amazonCheckoutSessionId=${id}`)).html, /カードが承認されませんでした/);
    assert.equal(completeCalls(id), calls);

    // The cart still holds the goods; the button makes a new checkout session.
    const cart = await browser.get('/cart');
    assert.equal(textOf(cart.html, 'total'), '¥2,900');
    const second = await buyerChooses(cart, { card: 'jp-taro-4444' });
    assert.notEqual(second.id, id);
    const review2 = await browser.get(second.reviewUrl);
    const done = await placeAndPay(browser, second.id, review2);
    assert.match(done.html, /ご注文ありがとうございました/);
    assert.equal(h.shop.orders.get(second.id)!.status, 'authorized');
  });

  test('a buyer who cancels on the processing page sees that nothing was ordered', async () => {
    const browser = new CookieBrowser(h.shop.url);
    const { id, review } = await checkoutToReview(browser, { matcha: 1 }, { card: 'jp-taro-3064' });
    const page = await placeAndPay(browser, id, review);
    assert.equal(textOf(page.html, 'failure-reason'), 'お支払いはキャンセルされました。ご注文は確定していません。');
    assert.equal(h.shop.orders.get(id)!.status, 'canceled');
  });

  test('coming back to the result page before paying sends the buyer to the review page', async () => {
    const browser = new CookieBrowser(h.shop.url);
    const { id, review } = await checkoutToReview(browser, { matcha: 1 });
    const placed = await browser.post('/review/place', { amazonCheckoutSessionId: id }, review);
    assert.equal(placed.status, 303);
    const early = await browser.get(`/complete?amazonCheckoutSessionId=${id}`);
    assert.equal(early.location, `/review?amazonCheckoutSessionId=${id}`);
    assert.match((await browser.get(early.location!)).html, /お支払いはまだ完了していません/);
    // Paying afterwards still works.
    const { body } = await h.merchantClient.testing.processPayment(id);
    assert.match((await browser.get(body.redirectUrl)).html, /ご注文ありがとうございました/);
  });

  test('English: ?lang=en switches every page and the button language, and is remembered', async () => {
    const browser = new CookieBrowser(h.shop.url);
    await fillCart(browser, { sencha: 1 });
    const en = await browser.get('/cart?lang=en');
    assert.match(en.html, /<html lang="en">/);
    assert.match(en.html, /<h1>Cart<\/h1>/);
    assert.equal(jsonBlockOf<ButtonOptions>(en.html, 'amazon-pay-button-options').checkoutLanguage, 'en_US');
    assert.match((await browser.get('/')).html, /Add to cart/);
    assert.match((await browser.get('/?lang=ja')).html, /カートに入れる/);
  });

  test('defences: forms need the CSRF token, another browser cannot see a review, input is checked', async () => {
    const browser = new CookieBrowser(h.shop.url);
    const { id, review } = await checkoutToReview(browser, { matcha: 1 });
    assert.equal((await browser.request('POST', '/review/place', { amazonCheckoutSessionId: id })).status, 403);
    assert.equal(
      (await browser.request('POST', '/review/place', { amazonCheckoutSessionId: id, _csrf: 'x' })).status,
      403,
    );
    // A token is not enough from another site.
    const cross = await browser.request(
      'POST',
      '/cart/add',
      { productId: 'matcha', quantity: '1', _csrf: /name="_csrf" value="([^"]+)"/.exec(review.html)![1]! },
      { origin: 'http://evil.example' },
    );
    assert.equal(cross.status, 403);

    const stranger = new CookieBrowser(h.shop.url);
    await stranger.get('/');
    const peek = await stranger.get(`/review?amazonCheckoutSessionId=${id}`);
    assert.equal(peek.status, 403);
    assert.ok(!peek.html.includes('山田'), 'no buyer data for another browser');
    assert.equal((await stranger.get(`/complete?amazonCheckoutSessionId=${id}`)).status, 403);

    assert.equal((await browser.get('/review?amazonCheckoutSessionId=%3Cscript%3E')).status, 400);
    const tooMany = await browser.post('/cart/update', { qty_matcha: '99' }, review);
    assert.match((await browser.get(tooMany.location!)).html, /数量は 0 から 10 までの数字で入力してください/);
    const cart = await browser.get('/cart');
    assert.equal(textOf(cart.html, 'subtotal'), '¥1,980');
    const headers = cart.headers;
    assert.match(headers.get('content-security-policy')!, /default-src 'none'/);
    assert.match(headers.get('content-security-policy')!, new RegExp(`form-action 'self' ${h.reji.httpUrl}`));
    assert.equal(headers.get('x-frame-options'), 'DENY');
    const sid = browser.cookies.get('shop_sid');
    assert.ok(sid);
    const setCookie = (await new CookieBrowser(h.shop.url).get('/')).headers.get('set-cookie')!;
    assert.match(setCookie, /shop_sid=[^;]+; Path=\/; SameSite=Lax; HttpOnly/);
    // A tampered cart cookie is ignored.
    browser.cookies.set('shop_cart', `${Buffer.from('{"kyusu":10}').toString('base64url')}.forged`);
    assert.equal((await browser.get('/cart')).html.includes('id="subtotal"'), false);
  });

  test('an order placed 23 hours after the review still completes, across a shop restart', async () => {
    const browser = new CookieBrowser(h.shop.url);
    const { id, review } = await checkoutToReview(browser, { matcha: 1, yunomi: 1 });
    const orderId = textOf(review.html, 'order-id');
    await h.merchantClient.testing.advanceClock(23 * 3600);
    await h.restartShop();
    const again = await browser.get(`/review?amazonCheckoutSessionId=${id}`);
    assert.equal(again.status, 200);
    assert.equal(textOf(again.html, 'order-id'), orderId, 'the same order, found by its checkoutSessionId');
    const complete = await placeAndPay(browser, id, again);
    assert.match(complete.html, /ご注文ありがとうございました/);
    const session: CheckoutSession = (await h.merchantClient.checkoutSessions.get(id)).body;
    assert.equal(textOf(complete.html, 'charge-id'), session.chargeId);
    assert.equal(h.shop.orders.get(id)!.total, 3680);
  });

  test('a checkout left for more than 24 hours expires with a clear message', async () => {
    const browser = new CookieBrowser(h.shop.url);
    const { id, review } = await checkoutToReview(browser, { sencha: 1 });
    await h.merchantClient.testing.advanceClock(24 * 3600 + 60);
    const placed = await browser.post('/review/place', { amazonCheckoutSessionId: id }, review);
    assert.equal(placed.status, 200);
    assert.equal(
      textOf(placed.html, 'failure-reason'),
      'お支払いの有効期限 (24 時間) が切れました。もう一度お手続きください。',
    );
    assert.equal(h.shop.orders.get(id)!.status, 'canceled');
  });
});

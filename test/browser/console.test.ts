import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { BrowserContext, Page } from 'playwright-core';
import { defaultPages } from '../../src/http/pages.js';
import { startServers, type RunningServer } from '../../src/http/server.js';
import { browserSkipReason, freshBrowser } from '../support/browser.js';
import { dialectCases } from '../support/dialects.js';
import { checkout } from '../support/flows.js';
import { idem, officialClient, testing, type OfficialClient } from '../support/official-sdk.js';
import { rawRequest, signedHeaders } from '../support/raw.js';
import { startTestReji, type TestMerchant, type TestReji } from '../support/reji.js';

const browserSkip = browserSkipReason();
/** Where each page's screenshot goes (git-ignored). */
const SHOTS = join(new URL('../..', import.meta.url).pathname, 'test-results', 'console');

for (const { dialect, skip } of await dialectCases()) {
  describe(`the developer console in Chromium (${dialect})`, { skip: skip || browserSkip }, () => {
    let reji: TestReji;
    let merchant: TestMerchant;
    let client: OfficialClient;
    let browser: Awaited<ReturnType<typeof freshBrowser>>;
    let context: BrowserContext;
    let page: Page;
    const consoleErrors: string[] = [];
    const extra: RunningServer[] = [];

    async function shot(name: string): Promise<void> {
      await page.screenshot({ path: join(SHOTS, `${dialect}-${name}.png`), fullPage: true });
    }

    async function newSession(): Promise<string> {
      const r = await client.createCheckoutSession(
        { webCheckoutDetails: { checkoutReviewReturnUrl: 'https://shop.example/review' }, storeId: merchant.storeId },
        idem(),
      );
      return r.data.checkoutSessionId as string;
    }

    before(async () => {
      mkdirSync(SHOTS, { recursive: true });
      reji = await startTestReji({ dialect });
      merchant = await reji.merchant('jp', ['http://127.0.0.1:*']);
      client = officialClient(reji, merchant);
      browser = await freshBrowser();
      context = browser.context;
      page = await context.newPage();
      page.on('console', (m) => {
        if (m.type() === 'error') consoleErrors.push(m.text());
      });
    });
    after(async () => {
      await browser?.close();
      for (const s of extra) await s.close();
      await reji?.stop();
    });

    test('done-when path: open /, watch calls appear live, a charge timeline, a broken signature, the clock settles a refund', async () => {
      await page.goto(`${reji.httpUrl}/?lang=en`);
      assert.equal(await page.textContent('h1'), 'Overview');
      await page.waitForSelector('#request-log[data-live="true"]');
      await shot('overview');

      // The shop's calls appear without a reload (the live tail).
      const done = await checkout(client, merchant, { intent: 'AuthorizeWithCapture' });
      const chargeId = done.data.chargeId as string;
      await page.waitForSelector('#request-log tr.fresh >> text=CompleteCheckoutSession', { timeout: 15_000 });
      const refund = await client.createRefund(
        { chargeId, refundAmount: { amount: '500', currencyCode: 'JPY' } },
        idem(),
      );
      const refundId = refund.data.refundId as string;
      await page.waitForSelector('#request-log tr.fresh >> text=CreateRefund', { timeout: 15_000 });
      await shot('live-tail');

      // Into the charge's timeline through the object search.
      await page.click('header nav >> text=Objects');
      await page.fill('input[name="q"]', chargeId);
      await page.click('#object-search button[type="submit"]');
      await page.click(`#objects a:text-is("${chargeId}")`);
      await page.waitForSelector('#timeline');
      assert.equal(await page.textContent('#object-state'), 'Captured');
      const timeline = (await page.textContent('#timeline'))!;
      assert.match(timeline, /CompleteCheckoutSession 200/);
      assert.match(timeline, /Captured/);
      assert.match(timeline, /CreateRefund 201/);
      assert.equal(JSON.parse((await page.textContent('#object-json'))!).chargeId, chargeId);
      await shot('charge-timeline');

      // A request signed for /v2/... but sent to /sandbox/v2/...: the debugger names the difference.
      const path = `/v2/charges/${chargeId}`;
      const headers = signedHeaders(reji.httpUrl, merchant.sandboxKey, { method: 'GET', path });
      const broken = await rawRequest(reji.httpUrl, { method: 'GET', path: `/sandbox${path}`, headers });
      assert.equal(broken.status, 403);
      await page.click('header nav >> text=Request log');
      await page.click('#request-log tr.failed >> text=GetCharge', { timeout: 15_000 });
      await page.waitForSelector('#signature-debugger');
      assert.equal(await page.textContent('#sig-match'), 'the path without /sandbox');
      assert.match((await page.textContent('#canonical-ours [data-first-difference] mark'))!, /^sandbox\/v2\/charges/);
      assert.match((await page.textContent('#client-signed-headers'))!, /x-amz-pay-date/);
      assert.doesNotMatch(
        (await page.textContent('#request-headers'))!,
        new RegExp(headers['authorization']!.slice(-30).replace(/[+/=]/g, '.')),
      );
      await shot('signature-debugger');

      // The refund waits for the clock; the merchant page lists it and moves the clock a day on.
      await page.goto(`${reji.httpUrl}/console/merchants/${merchant.merchantId}`);
      assert.match((await page.textContent('#timers'))!, new RegExp(refundId));
      await shot('merchant-clock');
      await page.click('#clock button[data-advance="+1d"]');
      await page.waitForSelector('.alert.info');
      assert.doesNotMatch((await page.textContent('#clock'))!, new RegExp(refundId));
      await page.goto(`${reji.httpUrl}/console/objects/refund/${refundId}`);
      assert.equal(await page.textContent('#object-state'), 'Refunded');
      assert.match((await page.textContent('#timeline'))!, /RefundInitiated[\s\S]*Refunded/);
      await shot('refund-settled');
      assert.deepEqual(consoleErrors, []);
    });

    test('merchants and keys: create a merchant, a key (downloaded once), register a key, origins, IPN endpoint', async () => {
      await page.goto(`${reji.httpUrl}/?lang=en`);
      await page.click('text=Create a merchant');
      await page.selectOption('#create-merchant-form select[name="region"]', 'us');
      await page.fill('#create-merchant-form input[name="name"]', 'Console US shop');
      await page.fill('#create-merchant-form textarea[name="origins"]', 'https://shop.example');
      await shot('create-merchant');
      await page.click('#create-merchant');
      await page.waitForSelector('#merchant-id');
      const merchantId = (await page.textContent('#merchant-id'))!;
      assert.match(merchantId, /^A[0-9A-Z]{13}$/);
      assert.equal(await page.inputValue('#stores textarea[name="origins"]'), 'https://shop.example');
      await shot('merchant');

      await page.click('#create-key');
      await page.waitForSelector('#new-key-id');
      const keyId = (await page.textContent('#new-key-id'))!;
      assert.match(keyId, /^SANDBOX-[0-9A-Z]{24}$/);
      await shot('key-created');
      const [download] = await Promise.all([page.waitForEvent('download'), page.click('#download-key')]);
      assert.equal(download.suggestedFilename(), `${keyId}.pem`);
      const pem = readFileSync(await download.path(), 'utf8');
      assert.match(pem, /BEGIN PRIVATE KEY/);
      // Reloading the merchant page never shows it again.
      await page.goto(`${reji.httpUrl}/console/merchants/${merchantId}`);
      assert.match((await page.textContent('#keys'))!, new RegExp(keyId));
      assert.doesNotMatch(await page.content(), /PRIVATE KEY/);

      // Register the public half of a key made elsewhere.
      const { publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
      await page.click('text=Register a public key');
      await page.fill('textarea[name="pem"]', publicKey.export({ type: 'spki', format: 'pem' }).toString());
      await page.click('button:text-is("Register")');
      await page.waitForSelector('.alert.info');
      assert.equal(await page.locator('#keys tbody tr').count(), 2);

      await page.fill('#stores textarea[name="origins"]', 'https://shop.example\nhttp://127.0.0.1:*');
      await page.click('#stores button[type="submit"]');
      await page.waitForSelector('.alert.info');
      assert.equal(
        await page.inputValue('#stores textarea[name="origins"]'),
        'https://shop.example\nhttp://127.0.0.1:*',
      );

      await page.fill('#ipn form:first-of-type input[name="url"]', 'https://shop.example/ipn');
      await page.click('#ipn form:first-of-type button');
      await page.waitForSelector('.alert.info');
      assert.equal(await page.inputValue('#ipn form:first-of-type input[name="url"]'), 'https://shop.example/ipn');
      await shot('merchant-configured');
    });

    test('act as the buyer: consent with an address and card, complete; decline; cancel', async () => {
      const id = await newSession();
      await page.goto(`${reji.httpUrl}/console/objects/checkoutSession/${id}`);
      await shot('checkout-session-open');
      const card = await page
        .locator('select[name="paymentMethodId"] option', { hasText: '****1111' })
        .first()
        .getAttribute('value');
      const address = await page.locator('select[name="shippingAddressId"] option').nth(1).getAttribute('value');
      await page.selectOption('select[name="buyerEmail"]', 'taro.yamada@example.jp');
      await page.selectOption('select[name="paymentMethodId"]', card!);
      await page.selectOption('select[name="shippingAddressId"]', address!);
      await page.click('#buyer-consent');
      await page.waitForSelector('.alert.info');
      const consented = JSON.parse((await page.textContent('#object-json'))!);
      assert.equal(consented.buyer.email, 'taro.yamada@example.jp');
      assert.notEqual(consented.shippingAddress, null);
      await client.updateCheckoutSession(id, {
        webCheckoutDetails: { checkoutResultReturnUrl: 'https://shop.example/result' },
        paymentDetails: { paymentIntent: 'Authorize', chargeAmount: { amount: '1000', currencyCode: 'JPY' } },
      });
      await page.reload();
      await page.click('#buyer-process');
      await page.waitForSelector('.alert.info');
      assert.notEqual((await client.getCheckoutSession(id)).data.paymentPreferences, null);

      const declined = await newSession();
      await page.goto(`${reji.httpUrl}/console/objects/checkoutSession/${declined}`);
      await page.click('#buyer-consent');
      await page.waitForSelector('.alert.info');
      await client.updateCheckoutSession(declined, {
        webCheckoutDetails: { checkoutResultReturnUrl: 'https://shop.example/result' },
        paymentDetails: { paymentIntent: 'Authorize', chargeAmount: { amount: '1000', currencyCode: 'JPY' } },
      });
      await page.reload();
      await page.click('#buyer-decline');
      await page.waitForSelector('.alert.info');
      assert.equal(await page.textContent('#object-state'), 'Canceled');
      assert.equal(JSON.parse((await page.textContent('#object-json'))!).statusDetails.reasonCode, 'Declined');

      const canceled = await newSession();
      await page.goto(`${reji.httpUrl}/console/objects/checkoutSession/${canceled}`);
      await page.click('#buyer-cancel');
      await page.waitForSelector('.alert.info');
      assert.equal(await page.textContent('#object-state'), 'Canceled');
      assert.equal(await page.locator('#buyer').count(), 0);
      await shot('checkout-session-canceled');
    });

    test('notifications: replay one; reset the sandbox data', async () => {
      await page.goto(`${reji.httpUrl}/console/merchants/${merchant.merchantId}`);
      await page.waitForSelector('#notifications table');
      await page.click('#notifications button:text-is("Replay") >> nth=0');
      await page.waitForSelector('.alert.info');
      await shot('notifications');
      await page.click('#reset-sandbox');
      await page.waitForSelector('.alert.info');
      assert.match((await page.textContent('#notifications'))!, /No notifications yet/);
      await page.goto(`${reji.httpUrl}/console/objects?merchant=${merchant.merchantId}`);
      assert.match((await page.textContent('main'))!, /Nothing found/);
      await shot('after-reset');
    });

    test('books: a charge permission with its trackers and ledger, a dispute with its evidence file, a report with its file, payouts', async () => {
      const done = await checkout(client, merchant, { intent: 'AuthorizeWithCapture', amount: '8000' });
      const cpId = done.data.chargePermissionId as string;
      const chargeId = done.data.chargeId as string;
      await client.deliveryTrackers({
        chargePermissionId: cpId,
        deliveryDetails: [{ trackingNumber: 'BROWSER-0001', carrierCode: 'TAQBIN_JP' }],
      });
      const t = testing(client);
      const opened = await t.chargeback(chargeId, { filingReason: 'ProductNotReceived' });
      const disputeId = opened.data.disputeId as string;
      const file = await client.uploadFile({ type: 'png', purpose: 'disputeEvidence' }, idem());
      const png = Buffer.from('89504e470d0a1a0a0000000d49484452', 'hex');
      await fetch(file.data.url, { method: 'PUT', headers: { 'content-type': 'image/png' }, body: png });
      await client.contestDispute(disputeId, {
        merchantEvidences: [{ evidenceType: 'Receipt', fileId: file.data.id }],
      });
      await reji.ctx.requestLog!.flush();

      await page.goto(`${reji.httpUrl}/console/objects/chargePermission/${cpId}?lang=en`);
      assert.match((await page.textContent('#delivery-trackers'))!, /BROWSER-0001[\s\S]*TAQBIN_JP/);
      assert.match((await page.textContent('#ledger'))!, /Capture[\s\S]*CaptureFee[\s\S]*ChargebackDebit/);
      assert.equal(await page.textContent('#ledger-total'), '-312 JPY');
      await shot('charge-permission-books');

      await page.click(`#ledger a:text-is("${disputeId}")`);
      await page.waitForSelector('#evidence-files');
      assert.equal(await page.textContent('#object-state'), 'UnderReview');
      const [download] = await Promise.all([
        page.waitForEvent('download'),
        page.click('#evidence-files a:text-is("Download")'),
      ]);
      assert.equal(download.suggestedFilename(), `${file.data.id}.png`);
      assert.deepEqual(readFileSync(await download.path()), png);
      await shot('dispute');

      const start = reji.ctx.clock.now() - 86_400_000;
      const compact = (ms: number) => new Date(ms).toISOString().replace(/[-:]/g, '').replace(/\.\d+/, '');
      const report = await client.createReport(
        {
          reportType: '_GET_FLAT_FILE_OFFAMAZONPAYMENTS_SANDBOX_SETTLEMENT_DATA_',
          startTime: compact(start),
          endTime: compact(start + 2 * 86_400_000),
        },
        idem(),
      );
      await t.advanceClock(2 * 86_400);
      await page.goto(`${reji.httpUrl}/console/objects?kind=report&merchant=${merchant.merchantId}`);
      await page.click(`#objects a:text-is("${report.data.reportId}")`);
      await page.waitForSelector('#report-document');
      assert.equal(await page.textContent('#object-state'), 'COMPLETED');
      const [csv] = await Promise.all([page.waitForEvent('download'), page.click('#download-report')]);
      assert.equal(csv.suggestedFilename(), `${report.data.reportId}.csv`);
      assert.match(readFileSync(await csv.path(), 'utf8'), /Chargeback/);
      await shot('report');

      await page.goto(`${reji.httpUrl}/console/merchants/${merchant.merchantId}`);
      assert.match((await page.textContent('#disbursements'))!, /Sandbox[\s\S]*JPY/);
      await shot('merchant-disbursements');
      assert.deepEqual(consoleErrors, []);
    });

    test('partners: create one, its key downloaded once, grant a merchant delegated access and revoke it', async () => {
      await page.goto(`${reji.httpUrl}/?lang=en`);
      await page.click('header nav >> text=Partners');
      await page.click('text=Create a partner');
      await page.fill('#create-partner-form input[name="name"]', 'Browser cart platform');
      await shot('partners-create');
      await page.click('#create-partner');
      await page.waitForSelector('#partner-id');
      const partnerId = (await page.textContent('#partner-id'))!;
      assert.match(partnerId, /^A[0-9A-Z]{13}$/);
      await page.click('#create-key');
      await page.waitForSelector('#new-key-id');
      const keyId = (await page.textContent('#new-key-id'))!;
      const [download] = await Promise.all([page.waitForEvent('download'), page.click('#download-key')]);
      assert.equal(download.suggestedFilename(), `${keyId}.pem`);
      assert.match(readFileSync(await download.path(), 'utf8'), /BEGIN PRIVATE KEY/);
      await shot('partner-key-created');
      await page.click('text=Back');
      assert.match((await page.textContent('#keys'))!, new RegExp(keyId));
      assert.doesNotMatch(await page.content(), /PRIVATE KEY/);

      await page.selectOption('#grant-form select[name="merchantId"]', merchant.merchantId);
      await page.click('#grant-delegation');
      await page.waitForSelector('.alert.info');
      assert.match((await page.textContent('#delegations'))!, new RegExp(`${merchant.merchantId}[\\s\\S]*active`));
      await shot('partner-delegation');
      await page.click('#delegations button:text-is("Revoke")');
      await page.waitForSelector('.alert.info');
      assert.match((await page.textContent('#delegations'))!, /Revoked/);
      assert.equal(await page.locator('#delegations button:text-is("Revoke")').count(), 0);
      await page.goto(`${reji.httpUrl}/console/partners`);
      assert.match((await page.textContent('#partners'))!, new RegExp(partnerId));
      await shot('partners');
      assert.deepEqual(consoleErrors, []);
    });

    test('Japanese pages, and the sign-in page when reji is not on loopback', async () => {
      await page.goto(`${reji.httpUrl}/?lang=ja`);
      assert.equal(await page.getAttribute('html', 'lang'), 'ja');
      assert.equal(await page.textContent('h1'), '概要');
      await page.click('header nav >> text=リクエストログ');
      assert.equal(await page.textContent('h1'), 'リクエストログ');
      await shot('ja-request-log');
      await page.click('#lang-switch');
      assert.equal(await page.textContent('h1'), 'Request log');

      const guarded = await startServers({
        ctx: reji.ctx,
        host: '127.0.0.1',
        port: 0,
        pages: defaultPages(reji.ctx, {
          console: { enabled: true, loopbackOnly: false, password: 'browser secret 1' },
        }),
      });
      extra.push(guarded);
      await page.goto(`${guarded.httpUrl}/console/objects`);
      await page.waitForSelector('input[type="password"]');
      await shot('login');
      await page.fill('input[name="password"]', 'browser secret 1');
      await page.click('#sign-in');
      await page.waitForURL(/\/console\/objects$/);
      assert.equal(await page.textContent('h1'), 'Objects');
      assert.deepEqual(consoleErrors, []);
    });
  });
}

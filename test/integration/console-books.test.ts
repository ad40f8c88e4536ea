import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { after, before, describe, test } from 'node:test';
import { dialectCases } from '../support/dialects.js';
import { checkout } from '../support/flows.js';
import { idem, officialClient, settle, testing, type OfficialClient } from '../support/official-sdk.js';
import { startTestReji, type TestMerchant, type TestReji } from '../support/reji.js';

/**
 * The console's pages for disputes (with evidence files), reports (with their file), the charge permission's
 * delivery trackers and ledger, a merchant's disbursements, and partners (issues 12, 13 and 14), both databases.
 */

const require = createRequire(import.meta.url);
type InStoreCall = (payload: unknown) => Promise<{ status: number; data: Record<string, string> }>;
const AmazonPay = require('@amazonpay/amazon-pay-api-sdk-nodejs') as {
  InStoreClient: new (
    config: Record<string, unknown>,
  ) => {
    merchantScan: InStoreCall;
    charge: InStoreCall;
    refund: InStoreCall;
  };
  WebStoreClient: new (
    config: Record<string, unknown>,
  ) => { registerAmazonPayAccount(payload: unknown, headers?: Record<string, string> | null): Promise<unknown> };
};

const PNG = Buffer.from('89504e470d0a1a0a0000000d49484452', 'hex');

async function getPage(
  url: string,
  cookie = '',
): Promise<{ status: number; html: string; cookie: string; csrf: string }> {
  const res = await fetch(url, { headers: cookie ? { cookie } : {}, redirect: 'manual' });
  const html = await res.text();
  const set = res.headers.getSetCookie().map((c) => c.split(';')[0]!);
  const jar = [...cookie.split('; ').filter((c) => c !== ''), ...set].join('; ');
  return { status: res.status, html, cookie: jar, csrf: /name="_csrf" value="([0-9a-f]+)"/.exec(html)?.[1] ?? '' };
}

function post(url: string, form: Record<string, string>, cookie: string) {
  return fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', cookie },
    body: new URLSearchParams(form).toString(),
    redirect: 'manual',
  });
}

/** The text of the element with this id, tags stripped and entities decoded. */
function textOf(html: string, id: string): string {
  const m = new RegExp(`<(\\w+)[^>]*\\sid="${id}"[^>]*>([\\s\\S]*?)</\\1>`).exec(html);
  assert.ok(m, `#${id} is on the page`);
  return m[2]!
    .replace(/<[^>]+>/g, ' ')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&amp;/g, '&')
    .replace(/\s+/g, ' ')
    .trim();
}

for (const { dialect, skip } of await dialectCases()) {
  describe(`the console's books, disputes, reports and partners (${dialect})`, { skip }, () => {
    let reji: TestReji;
    let merchant: TestMerchant;
    let client: OfficialClient;
    before(async () => {
      reji = await startTestReji({ dialect });
      merchant = await reji.merchant('jp');
      client = officialClient(reji, merchant, { algorithm: 'AMZN-PAY-RSASSA-PSS-V2' });
    });
    after(() => reji?.stop());

    test('a charge permission shows its delivery trackers and ledger entries with their sum; the merchant its payouts', async () => {
      const done = await checkout(client, merchant, { intent: 'AuthorizeWithCapture', amount: '10000' });
      const cpId = done.data.chargePermissionId as string;
      const chargeId = done.data.chargeId as string;
      const empty = await getPage(`${reji.httpUrl}/console/objects/chargePermission/${cpId}`);
      assert.match(textOf(empty.html, 'delivery-trackers'), /No tracking number/);
      await client.deliveryTrackers({
        chargePermissionId: cpId,
        deliveryDetails: [{ trackingNumber: 'CONSOLE-0001', carrierCode: 'TAQBIN_JP' }],
      });
      const refund = await client.createRefund(
        { chargeId, refundAmount: { amount: '2000', currencyCode: 'JPY' } },
        idem(),
      );
      await testing(client).advanceClock(2 * 24 * 3600);
      assert.equal((await client.getRefund(refund.data.refundId)).data.statusDetails.state, 'Refunded');

      const page = await getPage(`${reji.httpUrl}/console/objects/chargePermission/${cpId}`);
      assert.equal(page.status, 200);
      assert.match(textOf(page.html, 'delivery-trackers'), /CONSOLE-0001 TAQBIN_JP/);
      const ledger = textOf(page.html, 'ledger');
      for (const kind of ['Capture', 'CaptureFee', 'Refund', 'RefundFeeReturn'])
        assert.match(ledger, new RegExp(`\\b${kind}\\b`));
      // JPY fee rule 3.9 %: capture 10000 − 390, refund −2000 + 78 returned.
      assert.match(ledger, /10000 JPY/);
      assert.match(ledger, /-390 JPY/);
      assert.equal(textOf(page.html, 'ledger-total'), '7688 JPY');

      const m = await getPage(`${reji.httpUrl}/console/merchants/${merchant.merchantId}`);
      const payouts = textOf(m.html, 'disbursements');
      assert.match(payouts, /Sandbox/);
      assert.match(payouts, /7688 JPY/);
    });

    test('a dispute lists its evidence files (downloadable) and is found by the object search; reports link their file', async () => {
      const done = await checkout(client, merchant, { intent: 'AuthorizeWithCapture', amount: '3000' });
      const opened = await testing(client).chargeback(done.data.chargeId as string, {
        filingReason: 'ProductNotReceived',
      });
      const disputeId = opened.data.disputeId as string;
      const file = await client.uploadFile({ type: 'png', purpose: 'disputeEvidence' }, idem());
      const put = await fetch(file.data.url, { method: 'PUT', headers: { 'content-type': 'image/png' }, body: PNG });
      assert.equal(put.status, 200);
      const pending = await client.uploadFile({ type: 'pdf', purpose: 'disputeEvidence' }, idem());
      await client.contestDispute(disputeId, {
        merchantEvidences: [
          { evidenceType: 'Receipt', fileId: file.data.id },
          { evidenceType: 'TrackingNumber', evidenceText: '1Z999AA10123456784' },
        ],
      });

      const found = await getPage(`${reji.httpUrl}/console/objects?kind=dispute&merchant=${merchant.merchantId}`);
      assert.match(found.html, new RegExp(`>${disputeId}</a>`));
      await reji.ctx.requestLog!.flush();
      const page = await getPage(`${reji.httpUrl}/console/objects/dispute/${disputeId}`);
      assert.equal(page.status, 200);
      assert.equal(textOf(page.html, 'object-state'), 'UnderReview');
      assert.match(textOf(page.html, 'timeline'), /ContestDispute 200/);
      const files = textOf(page.html, 'evidence-files');
      assert.match(files, new RegExp(`${file.data.id} Receipt png ${PNG.length} Download`));
      assert.doesNotMatch(files, new RegExp(pending.data.id), 'only the files the dispute names');
      const json = JSON.parse(textOf(page.html, 'object-json'));
      assert.deepEqual(json, (await client.getDispute(disputeId)).data);
      const download = await fetch(`${reji.httpUrl}/console/files/${file.data.id}`);
      assert.equal(download.status, 200);
      assert.equal(download.headers.get('content-type'), 'image/png');
      assert.match(download.headers.get('content-disposition')!, /^attachment; filename="file_[0-9a-f]{32}\.png"$/);
      assert.equal(download.headers.get('x-content-type-options'), 'nosniff');
      assert.deepEqual(Buffer.from(await download.arrayBuffer()), PNG);
      assert.equal((await fetch(`${reji.httpUrl}/console/files/${pending.data.id}`)).status, 404);

      // A settlement report: IN_PROGRESS, then (the clock moved) COMPLETED with its file behind the console's link.
      const start = reji.ctx.clock.now();
      const compact = (ms: number) => new Date(ms).toISOString().replace(/[-:]/g, '').replace(/\.\d+/, '');
      const created = await client.createReport(
        {
          reportType: '_GET_FLAT_FILE_OFFAMAZONPAYMENTS_SANDBOX_SETTLEMENT_DATA_',
          startTime: compact(start - 30 * 24 * 3600_000),
          endTime: compact(start + 30 * 24 * 3600_000),
        },
        idem(),
      );
      const reportId = created.data.reportId as string;
      const inProgress = await getPage(`${reji.httpUrl}/console/objects/report/${reportId}`);
      assert.equal(textOf(inProgress.html, 'object-state'), 'IN_PROGRESS');
      assert.match(textOf(inProgress.html, 'report-document'), /No document/);
      assert.equal((await fetch(`${reji.httpUrl}/console/reports/${reportId}/document`)).status, 404);
      await testing(client).advanceClock(60);
      const list = await getPage(`${reji.httpUrl}/console/objects?kind=report&state=COMPLETED`);
      assert.match(list.html, new RegExp(`>${reportId}</a>`));
      const completed = await getPage(`${reji.httpUrl}/console/objects/report/${reportId}`);
      assert.equal(textOf(completed.html, 'object-state'), 'COMPLETED');
      assert.deepEqual(JSON.parse(textOf(completed.html, 'object-json')), (await client.getReportById(reportId)).data);
      const csv = await fetch(`${reji.httpUrl}/console/reports/${reportId}/document`);
      assert.equal(csv.status, 200);
      assert.match(csv.headers.get('content-type')!, /^text\/csv/);
      const text = await csv.text();
      assert.match(text, /Chargeback/);
      const viaApi = await client.getReportDocument(
        (await client.getReportById(reportId)).data.reportDocumentId as string,
      );
      assert.equal(text, await (await fetch(viaApi.data.url)).text());
      assert.equal(
        (await getPage(`${reji.httpUrl}/console/objects?q=${reportId}`)).html.includes(`>${reportId}</a>`),
        true,
      );
    });

    test('in-store scans, charges and refunds are found by id, reference, state and merchant, and show their record', async () => {
      const us = await reji.merchant('us');
      const till = new AmazonPay.InStoreClient({
        publicKeyId: us.sandboxKey.publicKeyId,
        privateKey: us.sandboxKey.privateKeyPem,
        region: 'us',
        sandbox: true,
        overrideServiceUrl: reji.httpsHost,
      });
      const scan = await till.merchantScan({
        scanData: 'amzn-pay-qr-console',
        scanReferenceId: 'console-scan-1',
        merchantCOE: 'US',
        ledgerCurrency: 'USD',
      });
      assert.equal(scan.status, 200);
      const charge = await till.charge({
        chargePermissionId: scan.data.chargePermissionId,
        chargeReferenceId: 'console-charge-1',
        chargeTotal: { currencyCode: 'USD', amount: 12.5 },
      });
      const refund = await till.refund({
        chargeId: charge.data.chargeId,
        refundReferenceId: 'console-refund-1',
        refundTotal: { currencyCode: 'USD', amount: 2.5 },
      });
      assert.equal(refund.status, 200, JSON.stringify(refund.data));
      const found = async (query: string) => (await getPage(`${reji.httpUrl}/console/objects?${query}`)).html;
      const all = await found(`kind=inStore&merchant=${us.merchantId}`);
      for (const id of [scan.data.chargePermissionId, charge.data.chargeId, refund.data.refundId])
        assert.match(all, new RegExp(`>${id}</a>`));
      assert.match(await found('q=console-charge-1'), new RegExp(`>${charge.data.chargeId}</a>`));
      const pending = await found(`kind=inStore&state=Pending&merchant=${us.merchantId}`);
      assert.match(pending, new RegExp(`>${refund.data.refundId}</a>`));
      assert.doesNotMatch(pending, new RegExp(`>${charge.data.chargeId}</a>`));
      await reji.ctx.requestLog!.flush();
      const page = await getPage(`${reji.httpUrl}/console/objects/inStore/${charge.data.chargeId}`);
      assert.equal(page.status, 200);
      assert.equal(textOf(page.html, 'object-state'), 'Completed');
      const record = JSON.parse(textOf(page.html, 'object-json'));
      assert.equal(record.chargeReferenceId, 'console-charge-1');
      assert.deepEqual(record.chargeTotal, { minor: 1250, currency: 'USD' });
      assert.match(textOf(page.html, 'timeline'), /Charge 200/);
    });

    test('partners: create one and its key (shown once), see what it onboarded, grant and revoke a delegation', async () => {
      const home = await getPage(`${reji.httpUrl}/console/partners`);
      assert.equal(home.status, 200);
      const { cookie, csrf } = home;
      const created = await post(
        `${reji.httpUrl}/console/partners`,
        { _csrf: csrf, region: 'jp', name: 'Cart platform' },
        cookie,
      );
      assert.equal(created.status, 303);
      const partnerId = /^\/console\/partners\/(A[0-9A-Z]{13})\?done=1$/.exec(created.headers.get('location')!)![1]!;
      const list = await getPage(`${reji.httpUrl}/console/partners`, cookie);
      assert.match(list.html, new RegExp(`>${partnerId}</a>`));
      // A partner is not a merchant: the overview lists merchants only.
      assert.doesNotMatch((await getPage(`${reji.httpUrl}/`, cookie)).html, new RegExp(partnerId));
      const keyPage = await post(
        `${reji.httpUrl}/console/partners/${partnerId}/keys`,
        { _csrf: csrf, env: 'sandbox' },
        cookie,
      );
      assert.equal(keyPage.status, 200);
      const keyHtml = await keyPage.text();
      const publicKeyId = textOf(keyHtml, 'new-key-id');
      const pem = Buffer.from(
        /href="data:application\/x-pem-file;base64,([^"]+)"/.exec(keyHtml)![1]!,
        'base64',
      ).toString();
      assert.match(pem, /BEGIN PRIVATE KEY/);
      // A merchant's id is refused where a partner's is expected.
      const notPartner = await post(
        `${reji.httpUrl}/console/partners/${merchant.merchantId}/keys`,
        { _csrf: csrf, env: 'sandbox' },
        cookie,
      );
      assert.equal(notPartner.status, 404);

      // The key works: the partner onboards a merchant with the official SDK, which the partner page lists.
      const sdk = new AmazonPay.WebStoreClient({
        publicKeyId,
        privateKey: pem,
        region: 'jp',
        sandbox: true,
        algorithm: 'AMZN-PAY-RSASSA-PSS-V2',
        overrideServiceUrl: reji.httpsHost,
      });
      const address = {
        addressLine1: '1-2-3 Shibuya',
        city: '渋谷区',
        stateOrRegion: '東京都',
        postalCode: '150-0002',
        countryCode: 'JP',
      };
      const registered = (await settle(
        sdk.registerAmazonPayAccount({
          uniqueReferenceId: 'console-shop-1',
          ledgerCurrency: 'JPY',
          businessInfo: {
            businessType: 'CORPORATE',
            countryOfEstablishment: 'JP',
            businessLegalName: '株式会社コンソール',
            businessAddress: address,
          },
          primaryContactPerson: { personFullName: '山田 太郎', residentialAddress: address, dateOfBirth: '19800101' },
        }) as never,
      )) as { status: number; data: { merchantAccountId: string } };
      assert.equal(registered.status, 201);
      const accountId = registered.data.merchantAccountId;

      const grant = await post(
        `${reji.httpUrl}/console/partners/${partnerId}/delegations`,
        { _csrf: csrf, merchantId: merchant.merchantId },
        cookie,
      );
      assert.equal(grant.status, 303);
      const page = await getPage(`${reji.httpUrl}/console/partners/${partnerId}`, cookie);
      assert.match(textOf(page.html, 'keys'), new RegExp(publicKeyId));
      assert.doesNotMatch(page.html, /PRIVATE KEY/);
      assert.match(
        textOf(page.html, 'accounts'),
        new RegExp(`${accountId} console-shop-1 Sandbox AmazonPayAccount UnderReview`),
      );
      const delegations = textOf(page.html, 'delegations');
      assert.match(delegations, new RegExp(`${merchant.merchantId} .* active`));
      assert.match(delegations, new RegExp(`${accountId} .* active`), 'onboarding granted access too');
      const token = new RegExp(
        `data-token="(amzn\\.mws\\.[^"]+)"><td class="mono">[^<]+</td><td><a href="/console/merchants/${merchant.merchantId}"`,
      ).exec(page.html)![1]!;
      // Through the same use case as the CLI: the grant is what `reji partner delegations` lists.
      const revoke = await post(
        `${reji.httpUrl}/console/delegations/${encodeURIComponent(token)}/revoke`,
        { _csrf: csrf, next: `/console/partners/${partnerId}` },
        cookie,
      );
      assert.equal(revoke.status, 303);
      const after = await getPage(`${reji.httpUrl}/console/partners/${partnerId}`, cookie);
      assert.match(textOf(after.html, 'delegations'), new RegExp(`${merchant.merchantId} .* Revoked`));
      const stored = await reji.ctx.store.reader.merchants.delegation(token);
      assert.notEqual(stored?.revokedAt, null);
      // The forms need the CSRF token like every other console form.
      const forged = await post(
        `${reji.httpUrl}/console/partners/${partnerId}/delegations`,
        { merchantId: merchant.merchantId },
        cookie,
      );
      assert.equal(forged.status, 403);
    });
  });
}

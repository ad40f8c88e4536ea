import assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';
import { setPaymentServiceProvider } from '../../src/app/merchants.js';
import { dialectCases } from '../support/dialects.js';
import { checkoutUntilComplete, type CheckoutOptions } from '../support/flows.js';
import {
  idem,
  officialClient,
  settle,
  testing,
  type OfficialClient,
  type OfficialResponse,
} from '../support/official-sdk.js';
import { startTestReji, type TestMerchant, type TestReji } from '../support/reji.js';
import type { RequestRecord } from '../../src/http/server.js';
import { answersNotMatchingOpenApi } from '../support/openapi-check.js';

/**
 * Conformance: whole flows driven by Amazon's official Node SDK, every response reduced to its shape (key
 * order and value types, not values) and compared with a reviewed golden file in test/conformance/golden/.
 * `UPDATE_GOLDEN=1 npm test -- test/conformance` rewrites the files (review the diff against spec 11 §11.1).
 */

type Shape = string | Shape[] | { [key: string]: Shape };

/** The shape of a JSON value: objects keep their key order; arrays list the distinct shapes of their items. */
export function shapeOf(value: unknown): Shape {
  if (value === null) return 'null';
  if (Array.isArray(value)) {
    const seen = new Map<string, Shape>();
    for (const item of value) {
      const s = shapeOf(item);
      seen.set(JSON.stringify(s), s);
    }
    return [...seen.values()];
  }
  if (typeof value === 'object') {
    const out: { [key: string]: Shape } = {};
    for (const [k, v] of Object.entries(value as Record<string, unknown>)) out[k] = shapeOf(v);
    return out;
  }
  return typeof value;
}

interface Step {
  readonly step: string;
  readonly status: number;
  readonly shape: Shape;
}

const UPDATE = process.env['UPDATE_GOLDEN'] === '1';
const golden = (flow: string) => new URL(`./golden/${flow}.json`, import.meta.url);

/** Records each response of one flow; `check` compares the flow with its golden file. */
class Flow {
  readonly steps: Step[] = [];
  constructor(readonly name: string) {}
  async call(step: string, call: Promise<OfficialResponse>): Promise<OfficialResponse> {
    const r = await settle(call);
    this.steps.push({ step, status: r.status, shape: shapeOf(r.data) });
    return r;
  }
  check(writer: boolean): void {
    const actual = `${JSON.stringify(this.steps, null, 2)}\n`;
    const file = golden(this.name);
    if (UPDATE && writer) {
      writeFileSync(file, actual);
      return;
    }
    assert.ok(existsSync(file), `no golden file for ${this.name}: run UPDATE_GOLDEN=1 npm test -- test/conformance`);
    assert.equal(actual, readFileSync(file, 'utf8'), `responses of ${this.name} differ from golden/${this.name}.json`);
  }
}

const price = (amount: string, currencyCode: string) => ({ amount, currencyCode });

for (const { dialect, skip } of await dialectCases()) {
  // The first dialect writes the golden files when updating; every dialect compares with them.
  const writer = dialect === 'sqlite';
  describe(`conformance with the official Node SDK (${dialect})`, { skip }, () => {
    let reji: TestReji;
    let jp: TestMerchant;
    let eu: TestMerchant;
    let client: OfficialClient;
    let euClient: OfficialClient;
    const answers: RequestRecord[] = [];
    before(async () => {
      reji = await startTestReji({ dialect, observers: [(r) => answers.push(r)] });
      jp = await reji.merchant('jp');
      eu = await reji.merchant('eu');
      client = officialClient(reji, jp);
      euClient = officialClient(reji, eu);
    });
    after(() => reji?.stop());

    /** create → buyerConsent → update → processPayment (through the helper) → Get → Complete, recorded. */
    async function throughComplete(f: Flow, c: OfficialClient, m: TestMerchant, options: CheckoutOptions) {
      const { id, amount, currency } = await checkoutUntilComplete(c, m, options);
      await f.call('getCheckoutSession', c.getCheckoutSession(id));
      const completed = await f.call(
        'completeCheckoutSession',
        c.completeCheckoutSession(id, { chargeAmount: price(amount, currency) }),
      );
      await f.call('getChargePermission', c.getChargePermission(completed.data.chargePermissionId));
      return { id, amount, currency, completed };
    }

    test('seed flow: Create, Update, Get, Complete, Capture, Refund (Authorize)', async () => {
      const f = new Flow('seed-authorize');
      const created = await f.call(
        'createCheckoutSession',
        client.createCheckoutSession(
          { webCheckoutDetails: { checkoutReviewReturnUrl: 'https://shop.example/review' }, storeId: jp.storeId },
          idem(),
        ),
      );
      const id = created.data.checkoutSessionId;
      await testing(client).buyerConsent(id);
      await f.call('getCheckoutSession', client.getCheckoutSession(id));
      await f.call(
        'updateCheckoutSession',
        client.updateCheckoutSession(id, {
          webCheckoutDetails: { checkoutResultReturnUrl: 'https://shop.example/result' },
          paymentDetails: { paymentIntent: 'Authorize', chargeAmount: price('5000', 'JPY') },
          merchantMetadata: { merchantReferenceId: 'order-1', merchantStoreName: 'reji', noteToBuyer: 'thanks' },
        }),
      );
      await testing(client).processPayment(id);
      const done = await f.call(
        'completeCheckoutSession',
        client.completeCheckoutSession(id, { chargeAmount: price('5000', 'JPY') }),
      );
      await f.call('getChargePermission', client.getChargePermission(done.data.chargePermissionId));
      await f.call('getCharge', client.getCharge(done.data.chargeId));
      await f.call(
        'captureCharge',
        client.captureCharge(done.data.chargeId, { captureAmount: price('4000', 'JPY') }, idem()),
      );
      const refund = await f.call(
        'createRefund',
        client.createRefund({ chargeId: done.data.chargeId, refundAmount: price('1000', 'JPY') }, idem()),
      );
      await f.call('getRefund', client.getRefund(refund.data.refundId));
      await f.call(
        'closeChargePermission',
        client.closeChargePermission(done.data.chargePermissionId, { closureReason: 'done' }),
      );
      f.check(writer);
    });

    test('APB: ProcessOrder with addressDetails, paid on reji, completed by the buyer', async () => {
      const f = new Flow('apb');
      const created = await f.call(
        'createCheckoutSession',
        client.createCheckoutSession(
          {
            webCheckoutDetails: {
              checkoutMode: 'ProcessOrder',
              checkoutResultReturnUrl: 'https://shop.example/result',
            },
            storeId: jp.storeId,
            paymentDetails: { paymentIntent: 'AuthorizeWithCapture', chargeAmount: price('1980', 'JPY') },
            merchantMetadata: { merchantReferenceId: 'APB-42' },
            addressDetails: {
              name: '鈴木 一郎',
              addressLine1: '横浜市西区みなとみらい2-2-1',
              postalCode: '220-0012',
              stateOrRegion: '神奈川県',
              countryCode: 'JP',
              phoneNumber: '045-000-0000',
            },
          },
          idem(),
        ),
      );
      const id = created.data.checkoutSessionId;
      await testing(client).buyerConsent(id);
      await testing(client).processPayment(id);
      await f.call('getCheckoutSession', client.getCheckoutSession(id));
      const done = await f.call(
        'completeCheckoutSession',
        client.completeCheckoutSession(id, { chargeAmount: price('1980', 'JPY') }),
      );
      await f.call('getCharge', client.getCharge(done.data.chargeId));
      f.check(writer);
    });

    test('PayOnly: started as the button does, no shipping address', async () => {
      const f = new Flow('payonly');
      const payloadJSON = JSON.stringify({
        webCheckoutDetails: { checkoutReviewReturnUrl: 'https://shop.example/review' },
        storeId: jp.storeId,
      });
      const started = await client.apiCall({
        method: 'POST',
        urlFragment: 'testing/button',
        payload: {
          payloadJSON,
          signature: client.generateButtonSignature(payloadJSON),
          publicKeyId: jp.sandboxKey.publicKeyId,
          productType: 'PayOnly',
        },
        headers: {},
      });
      const id = started.data.checkoutSessionId;
      await testing(client).buyerConsent(id);
      await f.call(
        'updateCheckoutSession',
        client.updateCheckoutSession(id, {
          webCheckoutDetails: { checkoutResultReturnUrl: 'https://shop.example/result' },
          paymentDetails: { paymentIntent: 'Authorize', chargeAmount: price('700', 'JPY') },
        }),
      );
      await testing(client).processPayment(id);
      const done = await f.call(
        'completeCheckoutSession',
        client.completeCheckoutSession(id, { chargeAmount: price('700', 'JPY') }),
      );
      await f.call('getChargePermission', client.getChargePermission(done.data.chargePermissionId));
      f.check(writer);
    });

    test('Confirm: Create Charge later, then Capture and Cancel', async () => {
      const f = new Flow('confirm');
      const { completed } = await throughComplete(f, client, jp, { intent: 'Confirm', amount: '9000' });
      const cpId = completed.data.chargePermissionId;
      const charge = await f.call(
        'createCharge',
        client.createCharge(
          { chargePermissionId: cpId, chargeAmount: price('3000', 'JPY'), captureNow: false },
          idem(),
        ),
      );
      await f.call(
        'captureCharge',
        client.captureCharge(charge.data.chargeId, { captureAmount: price('3000', 'JPY') }, idem()),
      );
      const second = await f.call(
        'createCharge',
        client.createCharge(
          { chargePermissionId: cpId, chargeAmount: price('1000', 'JPY'), captureNow: false },
          idem(),
        ),
      );
      await f.call('cancelCharge', client.cancelCharge(second.data.chargeId, { cancellationReason: 'changed mind' }));
      await f.call(
        'updateChargePermission',
        client.updateChargePermission(cpId, { merchantMetadata: { merchantReferenceId: 'r-2' } }),
      );
      f.check(writer);
    });

    test('AuthorizeWithCapture: captured at Complete, refunded', async () => {
      const f = new Flow('authorize-with-capture');
      const { completed } = await throughComplete(f, client, jp, { intent: 'AuthorizeWithCapture', amount: '4000' });
      await f.call('getCharge', client.getCharge(completed.data.chargeId));
      const refund = await f.call(
        'createRefund',
        client.createRefund({ chargeId: completed.data.chargeId, refundAmount: price('4000', 'JPY') }, idem()),
      );
      await f.call('getRefund', client.getRefund(refund.data.refundId));
      f.check(writer);
    });

    test('Recurring: a monthly permission and a later charge', async () => {
      const f = new Flow('recurring');
      const { completed } = await throughComplete(f, client, jp, {
        intent: 'Authorize',
        amount: '980',
        chargePermissionType: 'Recurring',
        recurringMetadata: { frequency: { unit: 'Month', value: '1' }, amount: price('980', 'JPY') },
      });
      await f.call(
        'createCharge',
        client.createCharge(
          {
            chargePermissionId: completed.data.chargePermissionId,
            chargeAmount: price('980', 'JPY'),
            captureNow: true,
          },
          idem(),
        ),
      );
      f.check(writer);
    });

    test('saved wallet: a PaymentMethodOnFile permission charged later', async () => {
      const f = new Flow('saved-wallet');
      const { completed } = await throughComplete(f, client, jp, {
        intent: 'Authorize',
        amount: '1200',
        chargePermissionType: 'PaymentMethodOnFile',
      });
      await f.call(
        'createCharge',
        client.createCharge(
          {
            chargePermissionId: completed.data.chargePermissionId,
            chargeAmount: price('1500', 'JPY'),
            captureNow: true,
            chargeInitiator: 'MITU',
            channel: 'Web',
          },
          idem(),
        ),
      );
      f.check(writer);
    });

    test('multi-currency: an EU merchant charging in USD', async () => {
      const f = new Flow('multi-currency');
      const { completed } = await throughComplete(f, euClient, eu, {
        intent: 'Authorize',
        amount: '25.00',
        currency: 'USD',
      });
      await f.call('getCharge', euClient.getCharge(completed.data.chargeId));
      await f.call(
        'captureCharge',
        euClient.captureCharge(completed.data.chargeId, { captureAmount: price('25.00', 'USD') }, idem()),
      );
      f.check(writer);
    });

    test('a decline: HardDeclined on Create Charge, the permission becomes NonChargeable', async () => {
      const f = new Flow('decline');
      const { completed } = await throughComplete(f, client, jp, { intent: 'Confirm', amount: '6000' });
      const cpId = completed.data.chargePermissionId;
      await f.call(
        'createCharge (HardDeclined)',
        client.createCharge(
          { chargePermissionId: cpId, chargeAmount: price('1000', 'JPY') },
          { ...idem(), 'x-amz-pay-simulation-code': 'HardDeclined' },
        ),
      );
      await f.call('getChargePermission', client.getChargePermission(cpId));
      const card = await checkoutUntilComplete(client, jp, { paymentMethodId: 'jp-taro-3434' });
      await f.call('getCheckoutSession (card 3434)', client.getCheckoutSession(card.id));
      await f.call(
        'completeCheckoutSession (card 3434)',
        client.completeCheckoutSession(card.id, { chargeAmount: price(card.amount, card.currency) }),
      );
      f.check(writer);
    });

    test('dispute: a chargeback, an evidence file, contest, the investigator decides', async () => {
      const f = new Flow('dispute');
      const { completed } = await throughComplete(f, client, jp, { intent: 'AuthorizeWithCapture', amount: '3000' });
      const opened = await f.call('testing chargeback', testing(client).chargeback(completed.data.chargeId));
      const disputeId = opened.data.disputeId;
      await f.call('getDispute', client.getDispute(disputeId));
      const file = await f.call('uploadFile', client.uploadFile({ type: 'pdf', purpose: 'disputeEvidence' }, idem()));
      await fetch(file.data.url, {
        method: 'PUT',
        headers: { 'content-type': 'application/pdf' },
        body: Buffer.from('%PDF-1.4\n'),
      });
      await f.call(
        'contestDispute',
        client.contestDispute(disputeId, {
          merchantEvidences: [
            { evidenceType: 'Receipt', fileId: file.data.id },
            { evidenceType: 'TrackingNumber', evidenceText: '1Z999AA10123456784' },
          ],
        }),
      );
      await f.call('testing decision', testing(client).decideDispute(disputeId, 'MerchantWon'));
      f.check(writer);
    });

    test('PSP: Update Charge, Create Dispute, Update Dispute (Amazon Node README samples)', async () => {
      const f = new Flow('psp');
      const psp = await reji.merchant('jp');
      await setPaymentServiceProvider(reji.ctx, psp.merchantId, true);
      const pspClient = officialClient(reji, psp);
      const authorized = await throughComplete(f, pspClient, psp, { intent: 'Authorize', amount: '2000' });
      await f.call(
        'updateCharge',
        pspClient.updateCharge(authorized.completed.data.chargeId, {
          statusDetails: { state: 'Canceled', reasonCode: 'ExpiredUnused' },
        }),
      );
      const captured = await throughComplete(f, pspClient, psp, { intent: 'AuthorizeWithCapture', amount: '1000' });
      const now = Date.parse('2026-01-27T10:10:10Z');
      const dispute = await f.call(
        'createDispute',
        pspClient.createDispute(
          {
            chargeId: captured.completed.data.chargeId,
            providerMetadata: { providerDisputeId: 'XXXXXXXXXXXX' },
            disputeAmount: price('1', 'JPY'),
            filingReason: 'ProductNotReceived',
            filingTimestamp: now,
            statusDetails: { state: 'ActionRequired' },
            merchantResponseDeadline: Date.now() + 14 * 24 * 60 * 60 * 1000,
          },
          idem(),
        ),
      );
      await f.call(
        'updateDispute',
        pspClient.updateDispute(dispute.data.disputeId, {
          statusDetails: {
            resolution: 'MerchantWon',
            state: 'Resolved',
            reasonCode: 'MerchantAcceptedDispute',
            reasonDescription: 'Merchant accepted the dispute request',
          },
          closureTimestamp: Date.now(),
        }),
      );
      f.check(writer);
    });

    test('reports, report schedules, disbursements and a delivery tracker (spec 12 §12.3–12.5)', async () => {
      const f = new Flow('reports');
      const m = await reji.merchant('jp');
      const c = officialClient(reji, m);
      const { completed } = await throughComplete(f, c, m, { intent: 'AuthorizeWithCapture', amount: '3000' });
      const refund = await c.createRefund(
        { chargeId: completed.data.chargeId, refundAmount: price('1000', 'JPY') },
        idem(),
      );
      await testing(c).advanceClock(60);
      await c.getRefund(refund.data.refundId);
      await f.call(
        'deliveryTrackers',
        c.deliveryTrackers({
          chargePermissionId: completed.data.chargePermissionId,
          deliveryDetails: [{ trackingNumber: '4455-6677-8899', carrierCode: 'TAQBIN_JP' }],
        }),
      );
      const type = '_GET_FLAT_FILE_OFFAMAZONPAYMENTS_SANDBOX_SETTLEMENT_DATA_';
      const clock = (await testing(c).clock()).data.now as string;
      const at = Date.UTC(+clock.slice(0, 4), +clock.slice(4, 6) - 1, +clock.slice(6, 8), +clock.slice(9, 11));
      // Extended ISO-8601 here (the SDK samples send the compact form; both are accepted).
      const iso = (ms: number) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
      const created = await f.call(
        'createReport',
        c.createReport({ reportType: type, startTime: iso(at - 86_400_000), endTime: iso(at + 7_200_000) }, idem()),
      );
      await f.call('getReportById (IN_PROGRESS)', c.getReportById(created.data.reportId));
      await testing(c).advanceClock(60);
      const done = await f.call('getReportById (COMPLETED)', c.getReportById(created.data.reportId));
      await f.call('getReports', c.getReports({ reportTypes: [type], processingStatuses: ['COMPLETED'] }));
      await f.call('getReportDocument', c.getReportDocument(done.data.reportDocumentId));
      const schedule = await f.call(
        'createReportSchedule',
        c.createReportSchedule({ reportType: type, scheduleFrequency: 'P1D' }, idem()),
      );
      await f.call('getReportSchedules', c.getReportSchedules([type]));
      await f.call('getReportScheduleById', c.getReportScheduleById(schedule.data.reportScheduleId));
      await f.call('cancelReportSchedule', c.cancelReportSchedule(schedule.data.reportScheduleId));
      await testing(c).advanceClock(2 * 24 * 3600);
      await f.call(
        'getDisbursements (signed apiCall; the Node SDK has no method)',
        c.apiCall({ method: 'GET', urlFragment: 'disbursements', headers: {}, queryParams: { pageSize: '30' } }),
      );
      f.check(writer);
    });

    test('every API answer of these flows is valid against the served /openapi.json', async () => {
      const document = (await (await fetch(`${reji.httpUrl}/openapi.json`)).json()) as Record<string, unknown>;
      const api = answers.filter((r) => r.responseBody !== undefined);
      assert.ok(api.length > 50, `the flows made API calls (${api.length})`);
      assert.deepEqual(answersNotMatchingOpenApi(document, api), []);
    });
  });
}

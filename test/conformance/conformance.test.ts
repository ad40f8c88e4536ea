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
import { teaCart } from '../support/buy-now.js';
import { createRequire } from 'node:module';
import { createPartner } from '../../src/app/delegation.js';
import { createKeyPair } from '../../src/app/merchants.js';

// The partner and in-store methods of the official SDK (untyped JavaScript), for the flows at the end.
type Call = Promise<OfficialResponse>;
type Headers = Record<string, string> | null;
const AmazonPayModule = createRequire(import.meta.url)('@amazonpay/amazon-pay-api-sdk-nodejs') as {
  WebStoreClient: new (
    config: Record<string, unknown>,
  ) => OfficialClient & {
    registerAmazonPayAccount(payload: unknown, headers?: Headers): Call;
    updateAmazonPayAccount(id: string, payload: unknown, headers?: Headers): Call;
    deleteAmazonPayAccount(id: string, headers?: Headers): Call;
    createMerchantAccount(payload: unknown, headers?: Headers): Call;
    updateMerchantAccount(id: string, payload: unknown, headers?: Headers): Call;
    merchantAccountClaim(id: string, payload: unknown, headers?: Headers): Call;
    getAuthorizationToken(mwsAuthToken: string, merchantId: string, headers?: Headers): Call;
  };
  InStoreClient: new (
    config: Record<string, unknown>,
  ) => {
    merchantScan(payload: unknown, headers?: Headers): Call;
    charge(payload: unknown, headers?: Headers): Call;
    refund(payload: unknown, headers?: Headers): Call;
  };
};

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

    test('EU strong customer authentication: MFANotCompleted, then a step-up Charge with its redirect', async () => {
      const f = new Flow('sca-step-up');
      const { id, amount, currency } = await checkoutUntilComplete(euClient, eu, {
        intent: 'Confirm',
        amount: '40.00',
        paymentMethodId: 'de-max-3155',
      });
      await euClient.apiCall({
        method: 'POST',
        urlFragment: `testing/checkoutSessions/${id}/processPayment`,
        payload: { oneTimeCode: '123456' },
        headers: {},
      });
      const completed = await f.call(
        'completeCheckoutSession',
        euClient.completeCheckoutSession(id, { chargeAmount: price(amount, currency) }),
      );
      const charge = (extra: Record<string, unknown>) =>
        euClient.createCharge(
          {
            chargePermissionId: completed.data.chargePermissionId,
            chargeAmount: price('5.00', 'EUR'),
            chargeInitiator: 'CITU',
            channel: 'Web',
            ...extra,
          },
          idem(),
        );
      await f.call('createCharge', charge({}));
      const stepUp = await f.call(
        'createCharge',
        charge({ webCheckoutDetails: { checkoutResultReturnUrl: 'https://shop.example/charged' } }),
      );
      await f.call('getCharge', euClient.getCharge(stepUp.data.chargeId));
      f.check(writer);
    });

    test('armed faults answer in Amazon error shape (500, 503, 429)', async () => {
      const f = new Flow('faults');
      for (const outcome of ['InternalServerError', 'ServiceUnavailable', 'TooManyRequests']) {
        await client.apiCall({
          method: 'POST',
          urlFragment: 'testing/faults',
          payload: { operation: 'GetChargePermission', outcome },
          headers: {},
        });
      }
      for (let i = 0; i < 3; i++)
        await f.call('getChargePermission', client.getChargePermission('S01-0000000-0000000'));
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

    test("Buy Now: button, the handlers' cart, place order, Finalize (29 keys, cartDetails after paymentDetails)", async () => {
      const f = new Flow('buy-now');
      const t = testing(client);
      const clicked = await t.button(jp.sandboxKey.publicKeyId, { storeId: jp.storeId }, { buyNow: true });
      const id = clicked.data.checkoutSessionId as string;
      await t.buyerConsent(id);
      await f.call('cart (onInitCheckout)', t.cart(id, teaCart()));
      await f.call('cart (onDeliveryOptionSelection)', t.cart(id, teaCart('express'), 'express'));
      await f.call('placeOrder', t.placeOrder(id));
      const got = await f.call('getCheckoutSession', client.getCheckoutSession(id));
      const done = await f.call(
        'finalizeCheckoutSession',
        client.finalizeCheckoutSession(
          id,
          {
            paymentIntent: 'AuthorizeWithCapture',
            canHandlePendingAuthorization: false,
            chargeAmount: price('3180', 'JPY'),
            shippingAddress: got.data.shippingAddress,
          },
          idem(),
        ),
      );
      await f.call('getCharge', client.getCharge(done.data.chargeId));
      await f.call(
        'finalizeCheckoutSession (again)',
        client.finalizeCheckoutSession(id, {
          chargeAmount: price('3180', 'JPY'),
          shippingAddress: got.data.shippingAddress,
        }),
      );
      f.check(writer);
    });

    test('multi-address: shippingAddressList, multiAddressesCheckoutMetadata on Update, Complete of the sum', async () => {
      const f = new Flow('multi-address');
      const t = testing(client);
      const clicked = await t.button(
        jp.sandboxKey.publicKeyId,
        { webCheckoutDetails: { checkoutReviewReturnUrl: 'https://shop.example/review' }, storeId: jp.storeId },
        { productType: 'PayAndShipMultiAddress' },
      );
      const id = clicked.data.checkoutSessionId as string;
      await t.buyerConsent(id, { shippingAddressIds: ['jp-taro-home', 'jp-taro-work'] });
      const got = await f.call('getCheckoutSession', client.getCheckoutSession(id));
      const metadata = (got.data.shippingAddressList as { addressId: string }[]).map((a) => ({
        addressId: a.addressId,
        price: price('990', 'JPY'),
      }));
      await f.call(
        'updateCheckoutSession',
        client.updateCheckoutSession(id, {
          webCheckoutDetails: { checkoutResultReturnUrl: 'https://shop.example/result' },
          paymentDetails: { paymentIntent: 'Authorize' },
          multiAddressesCheckoutMetadata: metadata,
        }),
      );
      await t.processPayment(id);
      await f.call(
        'completeCheckoutSession',
        client.completeCheckoutSession(id, { chargeAmount: price('1980', 'JPY') }),
      );
      await f.call('getCheckoutSession (Completed)', client.getCheckoutSession(id));
      f.check(writer);
    });

    test('partners: register, store, token exchange, a delegated call, update, claim, delete (JP onboarding)', async () => {
      const f = new Flow('partners');
      const partner = await createPartner(reji.ctx, { region: 'jp' });
      const key = await createKeyPair(reji.ctx, {
        merchantId: partner.merchantId,
        environment: 'Sandbox',
        legacy: false,
      });
      const sdk = new AmazonPayModule.WebStoreClient({
        publicKeyId: key.publicKeyId,
        privateKey: key.privateKeyPem,
        region: 'jp',
        sandbox: true,
        overrideServiceUrl: reji.httpsHost,
      });
      const address = {
        addressLine1: '1-2-3 Shibuya',
        city: '渋谷区',
        stateOrRegion: '東京都',
        postalCode: '150-0002',
        countryCode: 'JP',
      };
      const businessInfo = {
        businessType: 'CORPORATE',
        countryOfEstablishment: 'JP',
        businessLegalName: '株式会社サンプル',
        businessAddress: address,
      };
      const registered = await f.call(
        'registerAmazonPayAccount',
        sdk.registerAmazonPayAccount({ uniqueReferenceId: 'conf-1', ledgerCurrency: 'JPY', businessInfo }),
      );
      const id = registered.data.merchantAccountId as string;
      const store = await f.call(
        'createStore',
        sdk.apiCall({
          method: 'POST',
          urlFragment: `merchantAccounts/${id}/stores`,
          payload: { storeName: 'Shop' },
          headers: {},
        }),
      );
      await f.call(
        'updateStore',
        sdk.apiCall({
          method: 'PATCH',
          urlFragment: `merchantAccounts/${id}/stores/${store.data.storeId}`,
          payload: { allowedOriginDomains: ['shop.example'] },
          headers: {},
        }),
      );
      const grants = await f.call(
        'listDelegations',
        sdk.apiCall({ method: 'GET', urlFragment: 'testing/delegations', headers: {} }),
      );
      const token = await f.call(
        'getAuthorizationToken',
        sdk.getAuthorizationToken(grants.data.delegations[0].mwsAuthToken, id),
      );
      const as = { 'x-amz-pay-authtoken': token.data.authorizationToken as string };
      await f.call(
        'createCheckoutSession (under review)',
        sdk.createCheckoutSession(
          {
            webCheckoutDetails: { checkoutReviewReturnUrl: 'https://shop.example/review' },
            storeId: store.data.storeId,
          },
          { ...idem(), ...as },
        ),
      );
      await sdk.apiCall({
        method: 'POST',
        urlFragment: 'testing/clock',
        payload: { advanceBySeconds: 16 * 60 },
        headers: as,
      });
      await f.call(
        'createCheckoutSession (delegated)',
        sdk.createCheckoutSession(
          {
            webCheckoutDetails: { checkoutReviewReturnUrl: 'https://shop.example/review' },
            storeId: store.data.storeId,
          },
          { ...idem(), ...as },
        ),
      );
      await f.call(
        'updateAmazonPayAccount',
        sdk.updateAmazonPayAccount(id, { businessInfo: { businessAddress: { addressLine2: 'Bldg 5' } } }),
      );
      const created = await f.call(
        'createMerchantAccount',
        sdk.createMerchantAccount({
          uniqueReferenceId: 'conf-2',
          ledgerCurrency: 'JPY',
          businessInfo: { ...businessInfo, email: 'owner@shop.example' },
          stores: [{ domainUrls: ['https://shop.example'], storeName: 'Shop' }],
        }),
      );
      await f.call(
        'updateMerchantAccount',
        sdk.updateMerchantAccount(
          created.data.merchantAccountId,
          { businessInfo: { businessDisplayName: 'Shop' } },
          {},
        ),
      );
      await f.call(
        'merchantAccountClaim',
        sdk.merchantAccountClaim(created.data.merchantAccountId, { uniqueReferenceId: 'conf-2' }),
      );
      await f.call('deleteAmazonPayAccount', sdk.deleteAmazonPayAccount(id));
      f.check(writer);
    });

    test('in-store: scan, charge, refund, a replay and a declining test code', async () => {
      const f = new Flow('in-store');
      const till = new AmazonPayModule.InStoreClient({
        publicKeyId: jp.sandboxKey.publicKeyId,
        privateKey: jp.sandboxKey.privateKeyPem,
        region: 'jp',
        sandbox: true,
        overrideServiceUrl: reji.httpsHost,
      });
      const scanBody = (scanData: string, scanReferenceId: string) => ({
        scanData,
        scanReferenceId,
        merchantCOE: 'JP',
        ledgerCurrency: 'JPY',
        chargeTotal: { currencyCode: 'JPY', amount: 1000 },
      });
      const scan = await f.call('merchantScan', till.merchantScan(scanBody('qr-1', `conf-scan-${dialect}`)));
      await f.call('merchantScan (replay)', till.merchantScan(scanBody('qr-1', `conf-scan-${dialect}`)));
      const charge = await f.call(
        'charge',
        till.charge({
          chargePermissionId: scan.data.chargePermissionId,
          chargeReferenceId: `conf-charge-${dialect}`,
          chargeTotal: { currencyCode: 'JPY', amount: 800 },
        }),
      );
      await f.call(
        'refund',
        till.refund({
          chargeId: charge.data.chargeId,
          refundReferenceId: `conf-refund-${dialect}`,
          refundTotal: { currencyCode: 'JPY', amount: 300 },
        }),
      );
      const declining = await till.merchantScan(scanBody('AMZN-TEST-HARD-DECLINE', `conf-scan-d-${dialect}`));
      await f.call(
        'charge (HardDeclined)',
        till.charge({
          chargePermissionId: declining.data.chargePermissionId,
          chargeReferenceId: `conf-charge-d-${dialect}`,
          chargeTotal: { currencyCode: 'JPY', amount: 500 },
        }),
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

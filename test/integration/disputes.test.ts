import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { setPaymentServiceProvider } from '../../src/app/merchants.js';
import { ledgerTotals } from '../../src/domain/ledger.js';
import { parseSettlementCsv, settlementRows } from '../../src/domain/settlement.js';
import { dialectCases } from '../support/dialects.js';
import { checkout } from '../support/flows.js';
import { idem, officialClient, settle, testing, type OfficialClient } from '../support/official-sdk.js';
import { startTestReji, type TestMerchant, type TestReji } from '../support/reji.js';

const JPY = (amount: string) => ({ amount, currencyCode: 'JPY' });
const DAY_S = 24 * 3600;

/** The keys of the Dispute object in the documentation's order (spec 12 §12.9.1). */
const DISPUTE_KEYS = [
  'disputeId',
  'releaseEnvironment',
  'chargeId',
  'disputeType',
  'disputeAmount',
  'filingReason',
  'statusDetails',
  'merchantEvidences',
  'merchantResponseDeadline',
  'resolutionAuthority',
  'creationTimestamp',
];

/** A PNG's first bytes: enough for a file whose content reji does not inspect. */
const PNG = Buffer.from('89504e470d0a1a0a0000000d49484452', 'hex');

for (const { dialect, skip } of await dialectCases()) {
  describe(`disputes, evidence files and PSP updates with the official SDK (${dialect})`, { skip }, () => {
    let reji: TestReji;
    let merchant: TestMerchant;
    let client: OfficialClient;
    let psp: TestMerchant;
    let pspClient: OfficialClient;
    before(async () => {
      reji = await startTestReji({ dialect });
      merchant = await reji.merchant('jp');
      client = officialClient(reji, merchant, { algorithm: 'AMZN-PAY-RSASSA-PSS-V2' });
      psp = await reji.merchant('jp');
      await setPaymentServiceProvider(reji.ctx, psp.merchantId, true);
      pspClient = officialClient(reji, psp);
    });
    after(() => reji?.stop());

    const captured = async (c: OfficialClient, m: TestMerchant, amount = '5000') => {
      const done = await checkout(c, m, { intent: 'AuthorizeWithCapture', amount });
      assert.equal(done.status, 200);
      return { chargeId: done.data.chargeId as string, chargePermissionId: done.data.chargePermissionId as string };
    };
    const chargebacks = async (objectId: string) =>
      (await reji.ctx.store.reader.notifications.ofMerchant(merchant.merchantId, { objectId })).map(
        (n) => JSON.parse(n.payload) as Record<string, string>,
      );

    test('a chargeback on a captured charge: notification, evidence file, contest, the investigator decides', async () => {
      const { chargeId, chargePermissionId } = await captured(client, merchant);
      const t = testing(client);
      const opened = await t.chargeback(chargeId, { filingReason: 'ProductNotReceived' });
      assert.equal(opened.status, 201);
      const dispute = opened.data;
      assert.deepEqual(Object.keys(dispute), DISPUTE_KEYS);
      assert.match(dispute.disputeId, new RegExp(`^${chargePermissionId}-B\\d{6}$`));
      assert.equal(dispute.releaseEnvironment, 'Sandbox');
      assert.equal(dispute.disputeType, 'Chargeback');
      assert.deepEqual(dispute.disputeAmount, JPY('5000'));
      assert.equal(dispute.resolutionAuthority, 'AmazonPay');
      assert.deepEqual(Object.keys(dispute.statusDetails), [
        'state',
        'reasonCode',
        'reasonDescription',
        'resolution',
        'lastUpdatedTimestamp',
      ]);
      assert.equal(dispute.statusDetails.state, 'ActionRequired');
      assert.equal(dispute.statusDetails.reasonCode, 'MerchantResponseRequired');
      assert.equal(dispute.statusDetails.resolution, null);
      assert.deepEqual(dispute.merchantEvidences, []);
      assert.match(dispute.merchantResponseDeadline, /^\d{8}T\d{6}Z$/);

      const [ipn] = await chargebacks(dispute.disputeId);
      assert.deepEqual(
        { ...ipn, NotificationId: undefined },
        {
          MerchantID: merchant.merchantId,
          ObjectType: 'CHARGEBACK',
          ObjectId: dispute.disputeId,
          ChargePermissionId: chargePermissionId,
          NotificationType: 'STATE_CHANGE',
          NotificationId: undefined,
          NotificationVersion: 'V2',
        },
      );

      const got = await client.getDispute(dispute.disputeId);
      assert.equal(got.status, 200);
      assert.deepEqual(got.data, dispute);

      // Upload File, then PUT the bytes to its url with the type's Content-Type.
      const file = await client.uploadFile({ type: 'png', purpose: 'disputeEvidence' }, idem());
      assert.equal(file.status, 200);
      assert.deepEqual(Object.keys(file.data), [
        'id',
        'type',
        'purpose',
        'size',
        'uploadTimestamp',
        'url',
        'urlExpirationTimestamp',
      ]);
      assert.equal(file.data.size, 0);
      const early = await settle(
        client.contestDispute(dispute.disputeId, {
          merchantEvidences: [{ evidenceType: 'Receipt', fileId: file.data.id }],
        }),
      );
      assert.equal(early.status, 400, 'a file that was not uploaded yet');
      const wrongType = await fetch(file.data.url, {
        method: 'PUT',
        headers: { 'content-type': 'image/jpeg' },
        body: PNG,
      });
      assert.equal(wrongType.status, 400);
      assert.equal(((await wrongType.json()) as { reasonCode: string }).reasonCode, 'InvalidHeaderValue');
      const badToken = await fetch(file.data.url.replace(/token=\w+/, 'token=0'), {
        method: 'PUT',
        headers: { 'content-type': 'image/png' },
        body: PNG,
      });
      assert.equal(badToken.status, 404);
      const put = await fetch(file.data.url, { method: 'PUT', headers: { 'content-type': 'image/png' }, body: PNG });
      assert.equal(put.status, 200);
      const uploaded = (await put.json()) as { size: number; uploadTimestamp: string };
      assert.equal(uploaded.size, PNG.length);
      assert.match(uploaded.uploadTimestamp, /^\d{8}T\d{6}Z$/);
      const twice = await fetch(file.data.url, { method: 'PUT', headers: { 'content-type': 'image/png' }, body: PNG });
      assert.equal(twice.status, 400, 'a file is uploaded once');
      const back = await fetch(file.data.url);
      assert.equal(back.headers.get('content-type'), 'image/png');
      assert.deepEqual(Buffer.from(await back.arrayBuffer()), PNG);

      const contested = await client.contestDispute(dispute.disputeId, {
        merchantEvidences: [
          { evidenceType: 'Receipt', fileId: file.data.id },
          { evidenceType: 'TrackingNumber', evidenceText: '1Z999AA10123456784' },
        ],
      });
      assert.equal(contested.status, 200);
      assert.equal(contested.data.statusDetails.state, 'UnderReview');
      assert.deepEqual(contested.data.merchantEvidences, [
        { evidenceType: 'Receipt', fileId: file.data.id, evidenceText: null },
        { evidenceType: 'TrackingNumber', fileId: null, evidenceText: '1Z999AA10123456784' },
      ]);
      const again = await settle(
        client.contestDispute(dispute.disputeId, { merchantEvidences: [{ evidenceType: 'Other', evidenceText: 'x' }] }),
      );
      assert.equal(again.status, 422);
      assert.equal(again.data.reasonCode, 'InvalidDisputeStatus');

      // The investigator wants more, the merchant answers again, the merchant wins.
      const more = await t.decideDispute(dispute.disputeId, 'RequestEvidence');
      assert.equal(more.data.statusDetails.state, 'ActionRequired');
      assert.equal(more.data.statusDetails.reasonCode, 'MerchantAdditionalEvidencesRequired');
      await client.contestDispute(dispute.disputeId, {
        merchantEvidences: [{ evidenceType: 'CarrierName', evidenceText: 'Yamato' }],
      });
      const won = await t.decideDispute(dispute.disputeId, 'MerchantWon');
      assert.equal(won.status, 200);
      assert.deepEqual(
        [won.data.statusDetails.state, won.data.statusDetails.reasonCode, won.data.statusDetails.resolution],
        ['Resolved', 'InvestigatorResolved', 'MerchantWon'],
      );
      assert.equal(won.data.merchantEvidences.length, 3);
      const final = await settle(t.decideDispute(dispute.disputeId, 'BuyerWon'));
      assert.equal(final.status, 422);
      // Opened, contested, more evidence, contested, won: one notification each.
      const states = (await chargebacks(dispute.disputeId)).map((n) => n.ObjectType);
      assert.deepEqual(states, Array(5).fill('CHARGEBACK'));

      // The ledger: the capture (and its fee), the chargeback's debit when it opened, its reversal when won.
      const entries = await reji.ctx.store.reader.ledger.entriesOfCharge(chargeId);
      const chargebackEntries = entries.filter((e) => e.disputeId !== null);
      assert.deepEqual(
        chargebackEntries.map((e) => [e.kind, e.amount, e.currencyCode, e.disputeId]),
        [
          ['ChargebackDebit', -5000, 'JPY', dispute.disputeId],
          ['ChargebackReversal', 5000, 'JPY', dispute.disputeId],
        ],
      );
      assert.equal(ledgerTotals(entries).chargebacks, 0);
      const rows = settlementRows(chargebackEntries);
      assert.deepEqual(
        rows.map((r) => [r.transactionType, r.description, r.amount, r.amazonTransactionId]),
        [
          ['Chargeback', 'Chargeback debited', -5000, dispute.disputeId],
          ['Chargeback', 'Chargeback reversed', 5000, dispute.disputeId],
        ],
      );
    });

    test('an unanswered chargeback is lost at its deadline (the sandbox clock); a late contest is refused', async () => {
      const { chargeId } = await captured(client, merchant);
      const t = testing(client);
      const { data: dispute } = await t.chargeback(chargeId, { disputeAmount: JPY('1200') });
      assert.deepEqual(dispute.disputeAmount, JPY('1200'));
      await t.advanceClock(11 * DAY_S + 60);
      const lost = await client.getDispute(dispute.disputeId);
      assert.deepEqual(
        [lost.data.statusDetails.state, lost.data.statusDetails.reasonCode, lost.data.statusDetails.resolution],
        ['Resolved', 'MerchantResponseDeadlineExpired', 'BuyerWon'],
      );
      const late = await settle(
        client.contestDispute(dispute.disputeId, { merchantEvidences: [{ evidenceType: 'Other', evidenceText: 'x' }] }),
      );
      assert.equal(late.status, 422);
      assert.equal(late.data.reasonCode, 'InvalidDisputeStatus');
      assert.equal((await chargebacks(dispute.disputeId)).length, 2);
      // Lost: the debit stays, nothing reverses it.
      const entries = await reji.ctx.store.reader.ledger.entriesOfCharge(chargeId);
      assert.deepEqual(
        entries.filter((e) => e.disputeId !== null).map((e) => [e.kind, e.amount]),
        [['ChargebackDebit', -1200]],
      );
      assert.equal(ledgerTotals(entries).chargebacks, 1200);
    });

    test('chargebacks only on captured charges, never above what may still be lost', async () => {
      const t = testing(client);
      const authorized = await checkout(client, merchant, { intent: 'Authorize', amount: '3000' });
      const notCaptured = await settle(t.chargeback(authorized.data.chargeId));
      assert.equal(notCaptured.status, 422);
      assert.equal(notCaptured.data.reasonCode, 'InvalidChargeStatus');

      const { chargeId } = await captured(client, merchant, '3000');
      await client.createRefund({ chargeId, refundAmount: JPY('1000') }, idem());
      await t.advanceClock(60);
      const tooMuch = await settle(t.chargeback(chargeId, { disputeAmount: JPY('2001') }));
      assert.equal(tooMuch.status, 400);
      assert.equal(tooMuch.data.reasonCode, 'TransactionAmountExceeded');
      const first = await t.chargeback(chargeId, { disputeAmount: JPY('1500') });
      assert.equal(first.status, 201);
      assert.equal((await settle(t.chargeback(chargeId, { disputeAmount: JPY('501') }))).status, 400);
      // Won disputes no longer hold their amount.
      await t.decideDispute(first.data.disputeId, 'MerchantWon');
      assert.equal((await t.chargeback(chargeId, { disputeAmount: JPY('2000') })).status, 201);

      const other = await reji.merchant('jp');
      const stranger = officialClient(reji, other);
      assert.equal((await settle(stranger.getDispute(first.data.disputeId))).status, 404);
      const live = await settle(testing(officialClient(reji, merchant, { key: 'live' })).chargeback(chargeId));
      assert.equal(live.status, 401);
      const badBody = await settle(t.chargeback(chargeId, { filingReason: 'Whatever' }));
      assert.equal(badBody.status, 400);
      assert.equal(badBody.data.reasonCode, 'InvalidParameterValue');
    });

    test('the settlement report shows a chargeback and its reversal as Chargeback rows', async () => {
      const m = await reji.merchant('jp');
      const c = officialClient(reji, m);
      const t = testing(c);
      const compact = (at: number) => `${new Date(at).toISOString().replace(/[-:]/g, '').slice(0, 15)}Z`;
      const nowOf = async () => {
        const n = (await t.clock()).data.now as string;
        return Date.UTC(
          +n.slice(0, 4),
          +n.slice(4, 6) - 1,
          +n.slice(6, 8),
          +n.slice(9, 11),
          +n.slice(11, 13),
          +n.slice(13, 15),
        );
      };
      const start = await nowOf();
      const { chargeId } = await captured(c, m, '8000');
      const won = await t.chargeback(chargeId, { disputeAmount: JPY('3000') });
      const lost = await t.chargeback(chargeId, { disputeAmount: JPY('2000') });
      await t.decideDispute(won.data.disputeId, 'MerchantWon');
      await t.decideDispute(lost.data.disputeId, 'BuyerWon');
      const created = await c.createReport(
        {
          reportType: '_GET_FLAT_FILE_OFFAMAZONPAYMENTS_SANDBOX_SETTLEMENT_DATA_',
          startTime: compact(start - 3600_000),
          endTime: compact(start + 3600_000),
        },
        idem(),
      );
      await t.advanceClock(60);
      const report = await c.getReportById(created.data.reportId);
      assert.equal(report.data.processingStatus, 'COMPLETED');
      const doc = await c.getReportDocument(report.data.reportDocumentId);
      const csv = parseSettlementCsv(await (await fetch(doc.data.url)).text());
      assert.deepEqual(
        csv.rows.map((r) => [r['TransactionType'], r['AmazonTransactionId'], r['TransactionAmount']]),
        [
          ['Capture', chargeId, '8000'],
          ['Chargeback', won.data.disputeId, '-3000'],
          ['Chargeback', lost.data.disputeId, '-2000'],
          ['Chargeback', won.data.disputeId, '3000'],
        ],
      );
    });

    test('a merchant key cannot call the payment service provider operations', async () => {
      const { chargeId } = await captured(client, merchant);
      const { data: dispute } = await testing(client).chargeback(chargeId);
      const refusals = [
        await settle(
          client.updateCharge(chargeId, { statusDetails: { state: 'Canceled', reasonCode: 'ExpiredUnused' } }),
        ),
        await settle(
          client.createDispute(
            {
              chargeId,
              disputeAmount: JPY('1'),
              filingReason: 'ProductNotReceived',
              filingTimestamp: Date.now(),
              statusDetails: { state: 'ActionRequired' },
              merchantResponseDeadline: Date.now() + 14 * DAY_S * 1000,
            },
            idem(),
          ),
        ),
        await settle(
          client.updateDispute(dispute.disputeId, {
            statusDetails: { resolution: 'MerchantWon', state: 'Resolved', reasonCode: 'MerchantAcceptedDispute' },
            closureTimestamp: Date.now(),
          }),
        ),
      ];
      for (const r of refusals) {
        assert.equal(r.status, 401);
        assert.equal(r.data.reasonCode, 'UnauthorizedAccess');
      }
      assert.equal((await client.getCharge(chargeId)).data.statusDetails.state, 'Captured');
      assert.equal((await client.getDispute(dispute.disputeId)).data.statusDetails.state, 'ActionRequired');
    });

    test('PSP: Update Charge moves a charge along its table and notifies; the README sample works', async () => {
      const authorized = await checkout(pspClient, psp, { intent: 'Authorize', amount: '4000' });
      const chargeId = authorized.data.chargeId as string;
      // Amazon's Node README sample, without an idempotency key.
      const canceled = await pspClient.updateCharge(chargeId, {
        statusDetails: { state: 'Canceled', reasonCode: 'ExpiredUnused' },
      });
      assert.equal(canceled.status, 200);
      assert.equal(canceled.data.chargeId, chargeId);
      assert.deepEqual(
        [canceled.data.statusDetails.state, canceled.data.statusDetails.reasonCode],
        ['Canceled', 'ExpiredUnused'],
      );
      const cp = await pspClient.getChargePermission(authorized.data.chargePermissionId);
      assert.deepEqual(cp.data.limits.amountBalance, JPY('4000'), 'the canceled authorization no longer holds');
      const outbox = await reji.ctx.store.reader.notifications.ofMerchant(psp.merchantId, { objectId: chargeId });
      assert.deepEqual(
        outbox.map((n) => [n.objectType, n.notificationType]),
        [
          ['CHARGE', 'STATE_CHANGE'],
          ['CHARGE', 'STATE_CHANGE'],
        ],
      );
      const final = await settle(pspClient.updateCharge(chargeId, { statusDetails: { state: 'Captured' } }));
      assert.equal(final.status, 422);
      assert.equal(final.data.reasonCode, 'InvalidChargeStatus');

      const other = await checkout(pspClient, psp, { intent: 'Authorize', amount: '2500' });
      const noReason = await settle(
        pspClient.updateCharge(other.data.chargeId, { statusDetails: { state: 'Canceled' } }),
      );
      assert.equal(noReason.status, 400);
      const wrongReason = await settle(
        pspClient.updateCharge(other.data.chargeId, {
          statusDetails: { state: 'Captured', reasonCode: 'HardDeclined' },
        }),
      );
      assert.equal(wrongReason.status, 400);
      const capturedByPsp = await pspClient.updateCharge(other.data.chargeId, { statusDetails: { state: 'Captured' } });
      assert.equal(capturedByPsp.data.statusDetails.state, 'Captured');
      assert.deepEqual(capturedByPsp.data.captureAmount, JPY('2500'));
      const unknownState = await settle(
        pspClient.updateCharge(other.data.chargeId, { statusDetails: { state: 'Done' } }),
      );
      assert.equal(unknownState.status, 400);
    });

    test('PSP: Create Dispute with the timestamps each SDK sends, Update Dispute closes it', async () => {
      const { chargeId, chargePermissionId } = await captured(pspClient, psp, '9000');
      const clock = (await testing(pspClient).clock()).data.now as string;
      const nowMs = Date.parse(
        `${clock.slice(0, 4)}-${clock.slice(4, 6)}-${clock.slice(6, 11)}:${clock.slice(11, 13)}:${clock.slice(13, 15)}Z`,
      );
      // Node sends milliseconds (Amazon's README sample)...
      const node = await pspClient.createDispute(
        {
          chargeId,
          providerMetadata: { providerDisputeId: 'PSP-1' },
          disputeAmount: JPY('1'),
          filingReason: 'ProductNotReceived',
          filingTimestamp: nowMs,
          statusDetails: { state: 'ActionRequired' },
          merchantResponseDeadline: nowMs + 14 * DAY_S * 1000,
        },
        idem(),
      );
      assert.equal(node.status, 200);
      assert.deepEqual(Object.keys(node.data), DISPUTE_KEYS);
      assert.match(node.data.disputeId, new RegExp(`^${chargePermissionId}-B\\d{6}$`));
      assert.equal(node.data.resolutionAuthority, 'PaymentServiceProvider');
      const deadline = new Date(nowMs + 14 * DAY_S * 1000).toISOString().replace(/[-:]/g, '').slice(0, 15);
      assert.equal(node.data.merchantResponseDeadline, `${deadline}Z`);
      // ... PHP and Java seconds (PHP calls the filing time creationTimestamp), the docs a dateTime.
      const php = await pspClient.createDispute(
        {
          chargeId,
          disputeAmount: JPY('2'),
          filingReason: 'Fraudulent',
          creationTimestamp: Math.floor(nowMs / 1000),
          statusDetails: { state: 'ActionRequired', reasonCode: 'MerchantResponseRequired' },
          merchantResponseDeadline: Math.floor(nowMs / 1000) + 7 * DAY_S,
        },
        idem(),
      );
      assert.equal(php.status, 200);
      assert.equal(
        php.data.creationTimestamp,
        `${new Date(Math.floor(nowMs / 1000) * 1000).toISOString().replace(/[-:]/g, '').slice(0, 15)}Z`,
      );
      const iso = await pspClient.createDispute(
        {
          chargeId,
          disputeAmount: JPY('3'),
          filingReason: 'Other',
          filingTimestamp: new Date(nowMs).toISOString(),
          merchantResponseDeadline: new Date(nowMs + DAY_S * 1000).toISOString(),
        },
        idem(),
      );
      assert.equal(iso.status, 200);
      const badTime = await settle(
        pspClient.createDispute(
          { chargeId, disputeAmount: JPY('1'), filingReason: 'Other', merchantResponseDeadline: 'tomorrow' },
          idem(),
        ),
      );
      assert.equal(badTime.status, 400);
      assert.equal(badTime.data.reasonCode, 'InvalidParameterValue');
      const tooMuch = await settle(
        pspClient.createDispute({ chargeId, disputeAmount: JPY('8995'), filingReason: 'Other' }, idem()),
      );
      assert.equal(tooMuch.status, 400, '9000 captured, 6 already disputed');
      const noKey = await settle(
        pspClient.createDispute({ chargeId, disputeAmount: JPY('1'), filingReason: 'Other' }, {}),
      );
      assert.equal(noKey.status, 400);

      // Amazon's Node README sample for Update Dispute.
      const closed = await pspClient.updateDispute(node.data.disputeId, {
        statusDetails: {
          resolution: 'MerchantWon',
          state: 'Resolved',
          reasonCode: 'MerchantAcceptedDispute',
          reasonDescription: 'Merchant accepted the dispute request',
        },
        closureTimestamp: nowMs,
      });
      assert.equal(closed.status, 200);
      assert.deepEqual(closed.data.statusDetails.resolution, 'MerchantWon');
      assert.equal(closed.data.statusDetails.reasonDescription, 'Merchant accepted the dispute request');
      // Java's sample: Closed / ChargebackFiled.
      const java = await pspClient.updateDispute(php.data.disputeId, {
        statusDetails: { resolution: 'MerchantWon', state: 'Closed', reasonCode: 'ChargebackFiled' },
        closureTimestamp: Math.floor(nowMs / 1000),
      });
      assert.equal(java.data.statusDetails.state, 'Closed');
      const reopen = await settle(
        pspClient.updateDispute(php.data.disputeId, { statusDetails: { state: 'UnderReview' } }),
      );
      assert.equal(reopen.status, 422);
      assert.equal(reopen.data.reasonCode, 'InvalidDisputeStatus');
      const noResolution = await settle(
        pspClient.updateDispute(iso.data.disputeId, { statusDetails: { state: 'Resolved' } }),
      );
      assert.equal(noResolution.status, 400);

      // A dispute Amazon opened is decided by Amazon: a PSP contests it, it does not update it.
      const amazons = await testing(pspClient).chargeback(chargeId, { disputeAmount: JPY('10') });
      const refused = await settle(
        pspClient.updateDispute(amazons.data.disputeId, {
          statusDetails: { resolution: 'MerchantWon', state: 'Resolved', reasonCode: 'MerchantAcceptedDispute' },
        }),
      );
      assert.equal(refused.status, 422);
      const outbox = await reji.ctx.store.reader.notifications.ofMerchant(psp.merchantId, {
        objectId: node.data.disputeId,
      });
      assert.deepEqual(
        outbox.map((n) => n.objectType),
        ['CHARGEBACK', 'CHARGEBACK'],
      );
    });

    test('Upload File: the types and purpose it accepts, the idempotency key it needs, the size bound', async () => {
      const bad = await settle(client.uploadFile({ type: 'exe', purpose: 'disputeEvidence' }, idem()));
      assert.equal(bad.status, 400);
      assert.equal(bad.data.reasonCode, 'InvalidParameterValue');
      const purpose = await settle(client.uploadFile({ type: 'pdf', purpose: 'fun' }, idem()));
      assert.equal(purpose.status, 400);
      const noKey = await settle(client.uploadFile({ type: 'pdf', purpose: 'disputeEvidence' }, {}));
      assert.equal(noKey.status, 400);
      const key = idem();
      const first = await client.uploadFile({ type: 'pdf', purpose: 'disputeEvidence' }, key);
      const replay = await client.uploadFile({ type: 'pdf', purpose: 'disputeEvidence' }, key);
      assert.deepEqual(replay.data, first.data, 'the same key answers the same file');
      const big = await fetch(first.data.url, {
        method: 'PUT',
        headers: { 'content-type': 'application/pdf' },
        body: Buffer.alloc(10 * 1024 * 1024 + 1, 0x25),
      });
      assert.equal(big.status, 400);
      assert.equal(((await big.json()) as { reasonCode: string }).reasonCode, 'InvalidRequest');
      const ok = await fetch(first.data.url, {
        method: 'PUT',
        headers: { 'content-type': 'application/pdf; charset=binary' },
        body: Buffer.from('%PDF-1.4\n'),
      });
      assert.equal(ok.status, 200);
      // Another merchant cannot use the file as evidence.
      const other = await reji.merchant('jp');
      const otherClient = officialClient(reji, other);
      const { chargeId } = await captured(otherClient, other);
      const { data: dispute } = await testing(otherClient).chargeback(chargeId);
      const foreign = await settle(
        otherClient.contestDispute(dispute.disputeId, {
          merchantEvidences: [{ evidenceType: 'Receipt', fileId: first.data.id }],
        }),
      );
      assert.equal(foreign.status, 400);
      assert.equal(foreign.data.reasonCode, 'InvalidParameterValue');
      // An expired upload URL.
      const late = await client.uploadFile({ type: 'csv', purpose: 'disputeEvidence' }, idem());
      await testing(client).advanceClock(16 * 60);
      const expired = await fetch(late.data.url, {
        method: 'PUT',
        headers: { 'content-type': 'text/csv' },
        body: 'a,b\n',
      });
      assert.equal(expired.status, 400);
    });
  });
}

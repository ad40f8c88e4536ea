import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { parseSettlementCsv, SETTLEMENT_COLUMNS } from '../../src/domain/settlement.js';
import { dialectCases } from '../support/dialects.js';
import { checkout } from '../support/flows.js';
import { idem, officialClient, settle, testing, type OfficialClient } from '../support/official-sdk.js';
import { signedRequest } from '../support/raw.js';
import { startTestReji, type TestMerchant, type TestReji } from '../support/reji.js';

const USD = (amount: string) => ({ amount, currencyCode: 'USD' });
const SANDBOX_SETTLEMENT = '_GET_FLAT_FILE_OFFAMAZONPAYMENTS_SANDBOX_SETTLEMENT_DATA_';
const AUTHORIZATION_DATA = '_GET_FLAT_FILE_OFFAMAZONPAYMENTS_AUTHORIZATION_DATA_';
const REPORT_KEYS = [
  'createdTime',
  'endTime',
  'processingEndTime',
  'processingStartTime',
  'processingStatus',
  'reportDocumentId',
  'reportId',
  'reportType',
  'startTime',
];

/** `20221114T074550Z` from epoch ms. */
function compact(at: number): string {
  return new Date(at)
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d{3}/, '');
}

function fromCompact(s: string): number {
  const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(s);
  assert.ok(m, s);
  return Date.UTC(+m[1]!, +m[2]! - 1, +m[3]!, +m[4]!, +m[5]!, +m[6]!);
}

/** Reports, schedules and disbursements computed from the ledger, with the official Node SDK (both databases). */
for (const { dialect, skip } of await dialectCases()) {
  describe(`reports, report schedules and disbursements (${dialect})`, { skip }, () => {
    let reji: TestReji;
    let merchant: TestMerchant;
    let client: OfficialClient;
    let clockNow: () => Promise<number>;
    before(async () => {
      reji = await startTestReji({ dialect });
      merchant = await reji.merchant('us');
      client = officialClient(reji, merchant);
      clockNow = async () => fromCompact((await testing(client).clock()).data.now);
    });
    after(() => reji?.stop());

    const disbursements = (query: [string, string][]) =>
      signedRequest(
        reji.httpUrl,
        { ...merchant.sandboxKey, region: 'na' },
        { method: 'GET', path: '/v2/disbursements', query },
      );

    test('settlement report: IN_PROGRESS, then COMPLETED with the ledger as a comma CSV; the link lives 30 s', async () => {
      const start = await clockNow();
      const one = await checkout(client, merchant, { intent: 'AuthorizeWithCapture', amount: '100.00' });
      const two = await checkout(client, merchant, { intent: 'Authorize', amount: '50.00' });
      await client.captureCharge(two.data.chargeId, { captureAmount: USD('20.00') }, idem());
      const refund = await client.createRefund({ chargeId: one.data.chargeId, refundAmount: USD('10.00') }, idem());
      const declined = await client.createRefund(
        { chargeId: one.data.chargeId, refundAmount: USD('5.00') },
        {
          ...idem(),
          'x-amz-pay-simulation-code': 'RefundDeclined',
        },
      );
      assert.equal(declined.status, 201);
      await testing(client).advanceClock(60);
      assert.equal((await client.getRefund(refund.data.refundId)).data.statusDetails.state, 'Refunded');

      const range = { startTime: compact(start - 3600_000), endTime: compact(start + 3600_000) };
      const created = await client.createReport({ reportType: SANDBOX_SETTLEMENT, ...range }, idem());
      assert.equal(created.status, 201);
      assert.deepEqual(Object.keys(created.data), ['reportId']);
      assert.match(created.data.reportId, /^\d{11}$/);
      const reportId = created.data.reportId as string;
      const pending = await client.getReportById(reportId);
      assert.deepEqual(Object.keys(pending.data), REPORT_KEYS, 'alphabetical keys (spec 12 §12.15)');
      assert.equal(pending.data.processingStatus, 'IN_PROGRESS');
      assert.equal(pending.data.processingEndTime, null);
      assert.equal(pending.data.reportDocumentId, null);
      assert.equal(pending.data.startTime, range.startTime);
      assert.equal(pending.data.reportType, SANDBOX_SETTLEMENT);

      await testing(client).advanceClock(60);
      const done = await client.getReportById(reportId);
      assert.equal(done.data.processingStatus, 'COMPLETED');
      assert.equal(fromCompact(done.data.processingEndTime) - fromCompact(done.data.processingStartTime), 60_000);
      assert.match(done.data.reportDocumentId, /^amzn1\.tortuga\.0\.[0-9a-f-]{36}\.\d{14}$/);

      const doc = await client.getReportDocument(done.data.reportDocumentId);
      assert.deepEqual(Object.keys(doc.data), ['compressionAlgorithm', 'reportDocumentId', 'url']);
      assert.equal(doc.data.compressionAlgorithm, 'N/A');
      const file = await fetch(doc.data.url);
      assert.equal(file.status, 200);
      assert.match(file.headers.get('content-type') ?? '', /^text\/csv/);
      const csv = parseSettlementCsv(await file.text());
      assert.equal(csv.header['SellerId'], merchant.merchantId);
      assert.deepEqual(Object.keys(csv.rows[0] ?? {}), [...SETTLEMENT_COLUMNS]);
      assert.deepEqual(
        csv.rows.map((r) => [
          r['TransactionType'],
          r['AmazonTransactionId'],
          r['TransactionAmount'],
          r['TransactionPercentageFee'],
          r['TransactionFixedFee'],
          r['NetTransactionAmount'],
        ]),
        [
          ['Capture', one.data.chargeId, '100.00', '-2.90', '-0.30', '96.80'],
          ['Capture', two.data.chargeId, '20.00', '-0.58', '-0.30', '19.12'],
          ['Refund', refund.data.refundId, '-10.00', '0.29', '0.00', '-9.71'],
        ],
        'the declined refund moved no money',
      );
      assert.ok(csv.rows.every((r) => r['CurrencyCode'] === 'USD' && /^\d{10}$/.test(r['SettlementId'] ?? '')));
      // 120.00 captured − 10.00 refunded − (3.20 + 0.88 − 0.29) fees
      assert.deepEqual(csv.totals, {
        CurrencyCode: 'USD',
        TotalTransactionAmount: '110.00',
        TotalTransactionFee: '-3.79',
        NetTransactionAmount: '106.21',
      });

      await testing(client).advanceClock(31);
      assert.equal((await fetch(doc.data.url)).status, 403, 'the link expired after 30 s of the merchant clock');
      const fresh = await client.getReportDocument(done.data.reportDocumentId);
      assert.equal((await fetch(fresh.data.url)).status, 200);

      // Disbursements: nothing until the day's settlement period ends, then the day's net (or the days' nets).
      const beforeEnd = await disbursements([]);
      assert.equal(beforeEnd.status, 200);
      assert.deepEqual(beforeEnd.json, { disbursements: [] });
      await testing(client).advanceClock(2 * 24 * 3600);
      const paid = await disbursements([
        ['startTime', compact(start - 24 * 3600_000)],
        ['endTime', compact(await clockNow())],
      ]);
      assert.equal(paid.status, 200);
      const items = paid.json.disbursements as Record<string, string>[];
      assert.ok(items.length >= 1 && items.length <= 2, JSON.stringify(items));
      assert.deepEqual(Object.keys(items[0] ?? {}), [
        'sellerId',
        'settlementId',
        'amazonDisbursementReferenceId',
        'amount',
        'currencyCode',
        'transactionTime',
      ]);
      assert.equal(
        items.reduce((sum, d) => sum + Math.round(Number(d['amount']) * 100), 0),
        10621,
      );
      assert.ok(items.every((d) => d['sellerId'] === merchant.merchantId && d['currencyCode'] === 'USD'));
      assert.match(items[0]?.['transactionTime'] ?? '', /^\d{4}-\d{2}-\d{2}T00:00:00\.000Z$/);
      const bad = await disbursements([['startTime', 'yesterday']]);
      assert.equal(bad.status, 400);
      assert.equal(bad.json.reasonCode, 'InvalidParameterValue');
    });

    test('other report types and empty ranges end CANCELLED; settlement and capture reports cannot be requested', async () => {
      const now = await clockNow();
      const auth = await client.createReport(
        { reportType: AUTHORIZATION_DATA, startTime: compact(now - 86_400_000), endTime: compact(now) },
        idem(),
      );
      assert.equal(auth.status, 201);
      // Extended ISO-8601 and the doc's 2022-08-04T00-00-00Z form are accepted too.
      const empty = await client.createReport(
        { reportType: SANDBOX_SETTLEMENT, startTime: '2020-01-01T00-00-00Z', endTime: '2020-01-02T00:00:00Z' },
        idem(),
      );
      assert.equal(empty.status, 201);
      await testing(client).advanceClock(60);
      for (const id of [auth.data.reportId, empty.data.reportId]) {
        const r = await client.getReportById(id);
        assert.equal(r.data.processingStatus, 'CANCELLED');
        assert.equal(r.data.reportDocumentId, null);
      }
      for (const reportType of [
        '_GET_FLAT_FILE_OFFAMAZONPAYMENTS_SETTLEMENT_DATA_',
        '_GET_FLAT_FILE_OFFAMAZONPAYMENTS_CAPTURE_DATA_',
        'NOT_A_TYPE',
      ]) {
        const refused = await settle(client.createReport({ reportType }, idem()));
        assert.equal(refused.status, 400, reportType);
        assert.equal(refused.data.reasonCode, 'InvalidParameterValue');
      }
      const backwards = await settle(
        client.createReport(
          { reportType: SANDBOX_SETTLEMENT, startTime: compact(now), endTime: compact(now - 1000) },
          idem(),
        ),
      );
      assert.equal(backwards.status, 400);
      assert.equal((await settle(client.getReportById('99999999999'))).status, 404);
      assert.equal((await settle(client.getReportDocument('amzn1.tortuga.0.nope'))).status, 404);
    });

    test('Get Reports filters by type and status, pages with nextToken (sent alone)', async () => {
      const all = await client.getReports({ reportTypes: [SANDBOX_SETTLEMENT, AUTHORIZATION_DATA], pageSize: 100 });
      assert.equal(all.status, 200);
      assert.deepEqual(Object.keys(all.data), ['reports']);
      const reports = all.data.reports as { reportId: string; createdTime: string; processingStatus: string }[];
      assert.equal(reports.length, 3);
      assert.ok(reports.every((r) => Object.keys(r).join() === REPORT_KEYS.join()));
      const created = reports.map((r) => r.createdTime);
      assert.deepEqual(created, [...created].sort().reverse(), 'newest first');
      const cancelled = await client.getReports({ processingStatuses: ['CANCELLED'] });
      assert.equal(cancelled.data.reports.length, 2);
      const completedSettlement = await client.getReports({
        reportTypes: SANDBOX_SETTLEMENT,
        processingStatuses: 'COMPLETED',
      });
      assert.equal(completedSettlement.data.reports.length, 1);

      const first = await client.getReports({ pageSize: 2 });
      assert.equal(first.data.reports.length, 2);
      assert.equal(typeof first.data.nextToken, 'string');
      const second = await client.getReports({ nextToken: first.data.nextToken });
      assert.deepEqual(
        [...first.data.reports, ...second.data.reports].map((r: { reportId: string }) => r.reportId),
        reports.map((r) => r.reportId),
      );
      assert.equal(second.data.nextToken, undefined);
      const mixed = await settle(client.getReports({ nextToken: first.data.nextToken, pageSize: 2 }));
      assert.equal(mixed.status, 400);
      const wrong = await settle(client.getReports({ processingStatuses: 'DONE' }));
      assert.equal(wrong.status, 400, 'DONE is the Selling Partner API, not Amazon Pay');
      // Java's SDK repeats the name for a list.
      const repeated = await signedRequest(
        reji.httpUrl,
        { ...merchant.sandboxKey, region: 'na' },
        {
          method: 'GET',
          path: '/v2/reports',
          query: [
            ['reportTypes', SANDBOX_SETTLEMENT],
            ['reportTypes', AUTHORIZATION_DATA],
          ],
        },
      );
      assert.equal(repeated.status, 200);
      assert.equal(repeated.json.reports.length, 3);
    });

    test('report schedules: one per type, run on the merchant clock, cancel', async () => {
      const now = await clockNow();
      const next = compact(now + 10 * 60_000);
      const created = await client.createReportSchedule(
        { reportType: SANDBOX_SETTLEMENT, scheduleFrequency: 'PT1H', nextReportCreationTime: next },
        idem(),
      );
      assert.equal(created.status, 201);
      assert.deepEqual(Object.keys(created.data), ['reportScheduleId']);
      const again = await settle(
        client.createReportSchedule(
          { reportType: SANDBOX_SETTLEMENT, scheduleFrequency: 'P1D', nextReportCreationTime: next },
          idem(),
        ),
      );
      assert.equal(again.status, 400);
      assert.equal(again.data.reasonCode, 'InvalidRequest');
      // Java sends the flag as a string; the documentation puts it in the query: both are honoured.
      const replaced = await client.createReportSchedule(
        {
          reportType: SANDBOX_SETTLEMENT,
          scheduleFrequency: 'PT1H',
          nextReportCreationTime: next,
          deleteExistingSchedule: 'true',
        },
        idem(),
      );
      assert.equal(replaced.status, 201);
      assert.equal((await settle(client.getReportScheduleById(created.data.reportScheduleId))).status, 404);
      const id = replaced.data.reportScheduleId as string;
      const got = await client.getReportScheduleById(id);
      assert.deepEqual(got.data, {
        nextReportCreationTime: next,
        reportScheduleId: id,
        reportType: SANDBOX_SETTLEMENT,
        scheduleFrequency: 'PT1H',
      });
      assert.deepEqual((await client.getReportSchedules(SANDBOX_SETTLEMENT)).data, { reportSchedules: [got.data] });
      assert.deepEqual((await client.getReportSchedules([AUTHORIZATION_DATA])).data, { reportSchedules: [] });
      const past = await settle(
        client.createReportSchedule(
          { reportType: AUTHORIZATION_DATA, scheduleFrequency: 'P1D', nextReportCreationTime: compact(now - 60_000) },
          idem(),
        ),
      );
      assert.equal(past.status, 400);

      const before = (await client.getReports({ pageSize: 100 })).data.reports.length;
      // 10 min, 1 h 10 min and 2 h 10 min fall in the next 3 hours.
      await testing(client).advanceClock(3 * 3600);
      const scheduled = (await client.getReports({ pageSize: 100 })).data.reports.slice(0, -before);
      assert.equal(scheduled.length, 3);
      assert.deepEqual(
        scheduled.map((r: { startTime: string; endTime: string }) => fromCompact(r.endTime) - fromCompact(r.startTime)),
        [3600_000, 3600_000, 3600_000],
      );
      assert.ok(scheduled.every((r: { processingStatus: string }) => r.processingStatus !== 'IN_PROGRESS'));
      assert.equal(
        (await client.getReportScheduleById(id)).data.nextReportCreationTime,
        compact(now + 10 * 60_000 + 3 * 3600_000),
      );

      const cancelled = await client.cancelReportSchedule(id);
      assert.equal(cancelled.status, 200);
      assert.equal((await settle(client.getReportScheduleById(id))).status, 404);
      assert.equal((await settle(client.cancelReportSchedule(id))).status, 404);
      await testing(client).advanceClock(2 * 3600);
      assert.equal((await client.getReports({ pageSize: 100 })).data.reports.length, before + 3, 'no more reports');

      const viaQuery = await signedRequest(
        reji.httpUrl,
        { ...merchant.sandboxKey, region: 'na' },
        {
          method: 'POST',
          path: '/v2/report-schedules',
          query: [['deleteExistingSchedule', 'true']],
          body: JSON.stringify({ reportType: AUTHORIZATION_DATA, scheduleFrequency: 'P7D' }),
        },
      );
      assert.equal(viaQuery.status, 201);
    });

    test('another merchant sees none of it', async () => {
      const other = await reji.merchant('us');
      const otherClient = officialClient(reji, other);
      assert.deepEqual((await otherClient.getReports()).data, { reports: [] });
      assert.deepEqual((await otherClient.getReportSchedules()).data, { reportSchedules: [] });
      const mine = (await client.getReports({ pageSize: 1 })).data.reports[0];
      assert.equal((await settle(otherClient.getReportById(mine.reportId))).status, 404);
    });
  });
}

import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  createReport,
  dueScheduledPeriods,
  finishReport,
  isReportDue,
  MAX_SCHEDULED_REPORTS_PER_RUN,
  parseReportTime,
  REPORT_PROCESSING_DELAY,
  type ReportSchedule,
} from '../../../src/domain/report.js';
import { disbursements, settlementIdOf } from '../../../src/domain/settlement.js';
import type { LedgerEntry } from '../../../src/domain/ledger.js';
import { DAY, HOUR } from '../../../src/domain/time.js';

const T = Date.UTC(2022, 10, 14, 7, 45, 50);

test('report times: compact, extended, the doc example form and a date; nonsense refused', () => {
  assert.equal(parseReportTime('20221114T074550Z'), T);
  assert.equal(parseReportTime('2022-11-14T07:45:50Z'), T);
  assert.equal(parseReportTime('2022-11-14T07:45:50.123Z'), T);
  assert.equal(parseReportTime('2022-11-14T07-45-50Z'), T);
  assert.equal(parseReportTime('2022-11-14'), Date.UTC(2022, 10, 14));
  for (const bad of ['20221131T000000Z', '2022-11-14T25:00:00Z', '2022-11-14 07:45:50', '', 'yesterday']) {
    assert.equal(parseReportTime(bad), undefined, bad);
  }
});

test('a report is IN_PROGRESS for the processing delay, then finishes once', () => {
  const r = createReport(
    {
      reportId: '12345678901',
      merchantId: 'M',
      environment: 'Sandbox',
      reportType: '_GET_FLAT_FILE_OFFAMAZONPAYMENTS_SANDBOX_SETTLEMENT_DATA_',
      startTime: T - DAY,
      endTime: T,
    },
    T,
  );
  assert.ok(r.ok);
  assert.equal(isReportDue(r.value, T + REPORT_PROCESSING_DELAY - 1), false);
  assert.equal(isReportDue(r.value, T + REPORT_PROCESSING_DELAY), true);
  const done = finishReport(r.value, { kind: 'Completed', reportDocumentId: 'doc' });
  assert.deepEqual(
    [done.processingStatus, done.processingEndTime, done.reportDocumentId],
    ['COMPLETED', T + 60_000, 'doc'],
  );
  assert.equal(finishReport(done, { kind: 'Cancelled' }), done, 'final');
  const backwards = createReport({ ...r.value, startTime: T, endTime: T }, T);
  assert.equal(backwards.ok, false);
});

test('a schedule makes one report per missed occurrence, at most the latest 100', () => {
  const s: ReportSchedule = {
    reportScheduleId: '1',
    merchantId: 'M',
    environment: 'Sandbox',
    reportType: '_GET_FLAT_FILE_OFFAMAZONPAYMENTS_SANDBOX_SETTLEMENT_DATA_',
    scheduleFrequency: 'PT1H',
    nextReportCreationTime: T,
  };
  assert.deepEqual(dueScheduledPeriods(s, T - 1).periods, []);
  const three = dueScheduledPeriods(s, T + 2 * HOUR + 5);
  assert.deepEqual(
    three.periods.map((p) => [p.startTime - T, p.endTime - T]),
    [
      [-HOUR, 0],
      [0, HOUR],
      [HOUR, 2 * HOUR],
    ],
  );
  assert.equal(three.next.nextReportCreationTime, T + 3 * HOUR);
  const many = dueScheduledPeriods(s, T + 1000 * HOUR);
  assert.equal(many.periods.length, MAX_SCHEDULED_REPORTS_PER_RUN);
  assert.equal(many.periods.at(-1)?.endTime, T + 1000 * HOUR);
  assert.equal(many.next.nextReportCreationTime, T + 1001 * HOUR);
});

test('disbursements: one per ended day with a positive balance; a negative day carries on', () => {
  const day0 = Date.UTC(2026, 0, 5);
  const entry = (at: number, amount: number, n: number): LedgerEntry => ({
    entryId: `e${n}`,
    merchantId: 'M',
    environment: 'Sandbox',
    kind: amount > 0 ? 'Capture' : 'Refund',
    amount,
    currencyCode: 'JPY',
    chargePermissionId: 'S01-0000000-0000000',
    chargeId: null,
    refundId: null,
    disputeId: null,
    occurredAt: at,
    relatesTo: null,
    percentageFee: 0,
    fixedFee: 0,
    sellerOrderId: null,
    storeName: null,
  });
  const entries = [
    entry(day0 + HOUR, 1000, 1),
    entry(day0 + DAY + HOUR, -3000, 2),
    entry(day0 + 2 * DAY + HOUR, 3500, 3),
    entry(day0 + 3 * DAY + HOUR, 700, 4),
  ];
  const paid = disbursements('M', 'Sandbox', 'JPY', entries, day0 + 3 * DAY + 2 * HOUR);
  assert.deepEqual(
    paid.map((d) => [d.transactionTime - day0, d.amount, d.settlementId]),
    [
      [DAY, 1000, settlementIdOf('M', 'Sandbox', day0)],
      [3 * DAY, 500, settlementIdOf('M', 'Sandbox', day0 + 2 * DAY)],
    ],
    'day 2 pays 3500 − the 3000 day 1 carried; day 3 has not ended',
  );
  assert.match(paid[0]?.settlementId ?? '', /^\d{10}$/);
  assert.notEqual(settlementIdOf('M', 'Sandbox', day0), settlementIdOf('M', 'Live', day0));
});

import type { Environment } from './environment.js';
import { fail, ok, type Result } from './errors.js';
import { randomDigits, randomUuid, type RandomSource } from './random.js';
import { DAY, HOUR, MINUTE, type Instant } from './time.js';

/** Amazon Pay's report types (spec 12 §12.4.1). */
export const REPORT_TYPES = [
  '_GET_FLAT_FILE_OFFAMAZONPAYMENTS_SETTLEMENT_DATA_',
  '_GET_FLAT_FILE_OFFAMAZONPAYMENTS_SANDBOX_SETTLEMENT_DATA_',
  '_GET_FLAT_FILE_OFFAMAZONPAYMENTS_ORDER_REFERENCE_DATA_',
  '_GET_FLAT_FILE_OFFAMAZONPAYMENTS_BILLING_AGREEMENT_DATA_',
  '_GET_FLAT_FILE_OFFAMAZONPAYMENTS_AUTHORIZATION_DATA_',
  '_GET_FLAT_FILE_OFFAMAZONPAYMENTS_CAPTURE_DATA_',
  '_GET_FLAT_FILE_OFFAMAZONPAYMENTS_REFUND_DATA_',
  '_GET_CSV_CUSTOM_OFFAMAZONPAYMENTS_MULTI_CURRENCY_PAYMENTS_DATA_',
] as const;
export type ReportType = (typeof REPORT_TYPES)[number];

/** The one type whose file reji fills (from the ledger); every other accepted type ends CANCELLED (spec 12 §12.16). */
export const SANDBOX_SETTLEMENT_REPORT: ReportType = '_GET_FLAT_FILE_OFFAMAZONPAYMENTS_SANDBOX_SETTLEMENT_DATA_';

/** Settlement reports are made by Amazon per settlement; capture reports are "not available via API". */
const NOT_REQUESTABLE: readonly ReportType[] = [
  '_GET_FLAT_FILE_OFFAMAZONPAYMENTS_SETTLEMENT_DATA_',
  '_GET_FLAT_FILE_OFFAMAZONPAYMENTS_CAPTURE_DATA_',
];
/** The multi-currency report can be requested but not scheduled. */
const NOT_SCHEDULABLE: readonly ReportType[] = [
  ...NOT_REQUESTABLE,
  '_GET_CSV_CUSTOM_OFFAMAZONPAYMENTS_MULTI_CURRENCY_PAYMENTS_DATA_',
];

export const PROCESSING_STATUSES = ['IN_PROGRESS', 'COMPLETED', 'FAILED', 'CANCELLED'] as const;
export type ProcessingStatus = (typeof PROCESSING_STATUSES)[number];

/** ISO-8601 durations Amazon accepts as a schedule's frequency, with their length. */
export const SCHEDULE_FREQUENCIES = {
  PT5M: 5 * MINUTE,
  PT15M: 15 * MINUTE,
  PT30M: 30 * MINUTE,
  PT1H: HOUR,
  PT2H: 2 * HOUR,
  PT4H: 4 * HOUR,
  PT8H: 8 * HOUR,
  PT12H: 12 * HOUR,
  PT24H: 24 * HOUR,
  PT84H: 84 * HOUR,
  P1D: DAY,
  P2D: 2 * DAY,
  P3D: 3 * DAY,
  P7D: 7 * DAY,
  P14D: 14 * DAY,
  P15D: 15 * DAY,
  P18D: 18 * DAY,
  P30D: 30 * DAY,
} as const satisfies Record<string, number>;
export type ScheduleFrequency = keyof typeof SCHEDULE_FREQUENCIES;
export const SCHEDULE_FREQUENCY_NAMES = Object.keys(SCHEDULE_FREQUENCIES) as ScheduleFrequency[];

/** How long a report stays IN_PROGRESS, on the merchant's clock (docs/sandbox.md, "Reports"). */
export const REPORT_PROCESSING_DELAY = MINUTE;
/** Reports older than this are no longer listed or found (spec 12 §12.4). */
export const REPORT_RETENTION = 90 * DAY;
/** The life of a Get Report Document URL (spec 12 §12.4.1). */
export const REPORT_DOCUMENT_URL_LIFETIME = 30 * 1000;
/** A schedule that missed more occurrences than this (a clock moved far) makes reports for the latest ones only. */
export const MAX_SCHEDULED_REPORTS_PER_RUN = 100;

export interface Report {
  readonly reportId: string;
  readonly merchantId: string;
  readonly environment: Environment;
  readonly reportType: ReportType;
  readonly startTime: Instant;
  readonly endTime: Instant;
  readonly createdTime: Instant;
  readonly processingStatus: ProcessingStatus;
  readonly processingStartTime: Instant;
  readonly processingEndTime: Instant | null;
  readonly reportDocumentId: string | null;
  /** When processing ends (the report's timer). */
  readonly completesAt: Instant;
  /** The schedule that made it, if any. */
  readonly reportScheduleId: string | null;
}

export interface ReportSchedule {
  readonly reportScheduleId: string;
  readonly merchantId: string;
  readonly environment: Environment;
  readonly reportType: ReportType;
  readonly scheduleFrequency: ScheduleFrequency;
  readonly nextReportCreationTime: Instant;
}

export function newReportId(random: RandomSource): string {
  return `${1 + (Number(randomDigits(random, 1)) % 9)}${randomDigits(random, 10)}`;
}

export const newReportScheduleId = newReportId;

/** `amzn1.tortuga.0.<uuid>.<14 digits>`, the shape Amazon's SDK samples show. */
export function newReportDocumentId(random: RandomSource): string {
  return `amzn1.tortuga.0.${randomUuid(random)}.${randomDigits(random, 14)}`;
}

export const REPORT_ID_PATTERN = /^\d{1,20}$/;
export const REPORT_DOCUMENT_ID_PATTERN = /^amzn1\.tortuga\.\d\.[0-9a-f-]{36}\.\d{14}$/;

export function checkRequestable(type: ReportType, path: string): Result<ReportType> {
  if (NOT_REQUESTABLE.includes(type))
    return fail('InvalidParameterValue', `The value provided for ${path} is invalid. ${type} cannot be requested.`);
  return ok(type);
}

export function checkSchedulable(type: ReportType, path: string): Result<ReportType> {
  if (NOT_SCHEDULABLE.includes(type))
    return fail('InvalidParameterValue', `The value provided for ${path} is invalid. ${type} cannot be scheduled.`);
  return ok(type);
}

/** A new report, IN_PROGRESS until `REPORT_PROCESSING_DELAY` has passed on the merchant's clock. */
export function createReport(
  input: {
    reportId: string;
    merchantId: string;
    environment: Environment;
    reportType: ReportType;
    startTime: Instant;
    endTime: Instant;
    reportScheduleId?: string | null;
  },
  now: Instant,
): Result<Report> {
  if (input.endTime <= input.startTime)
    return fail('InvalidParameterValue', 'The value provided for endTime is invalid. It must be after startTime.');
  return ok({
    reportId: input.reportId,
    merchantId: input.merchantId,
    environment: input.environment,
    reportType: input.reportType,
    startTime: input.startTime,
    endTime: input.endTime,
    createdTime: now,
    processingStatus: 'IN_PROGRESS',
    processingStartTime: now,
    processingEndTime: null,
    reportDocumentId: null,
    completesAt: now + REPORT_PROCESSING_DELAY,
    reportScheduleId: input.reportScheduleId ?? null,
  });
}

/** Whether the report's processing is over at `now` (its timer fired or a read came after it). */
export function isReportDue(report: Report, now: Instant): boolean {
  return report.processingStatus === 'IN_PROGRESS' && now >= report.completesAt;
}

/** What processing found: a file (COMPLETED) or nothing to report (CANCELLED). */
export type ReportOutcome =
  | { readonly kind: 'Completed'; readonly reportDocumentId: string }
  | { readonly kind: 'Cancelled' };

export function finishReport(report: Report, outcome: ReportOutcome): Report {
  if (report.processingStatus !== 'IN_PROGRESS') return report;
  return {
    ...report,
    processingStatus: outcome.kind === 'Completed' ? 'COMPLETED' : 'CANCELLED',
    processingEndTime: report.completesAt,
    reportDocumentId: outcome.kind === 'Completed' ? outcome.reportDocumentId : null,
  };
}

export function nextReportDeadline(report: Report): Instant | null {
  return report.processingStatus === 'IN_PROGRESS' ? report.completesAt : null;
}

/**
 * The reports a schedule makes at `now`: one per occurrence that is due (each covering the period since the
 * one before), at most MAX_SCHEDULED_REPORTS_PER_RUN (the latest), and the schedule moved to its next future
 * occurrence.
 */
export function dueScheduledPeriods(
  schedule: ReportSchedule,
  now: Instant,
): { periods: { startTime: Instant; endTime: Instant }[]; next: ReportSchedule } {
  const step = SCHEDULE_FREQUENCIES[schedule.scheduleFrequency];
  if (now < schedule.nextReportCreationTime) return { periods: [], next: schedule };
  const missed = Math.floor((now - schedule.nextReportCreationTime) / step) + 1;
  const first = Math.max(0, missed - MAX_SCHEDULED_REPORTS_PER_RUN);
  const periods: { startTime: Instant; endTime: Instant }[] = [];
  for (let i = first; i < missed; i++) {
    const endTime = schedule.nextReportCreationTime + i * step;
    periods.push({ startTime: endTime - step, endTime });
  }
  return { periods, next: { ...schedule, nextReportCreationTime: schedule.nextReportCreationTime + missed * step } };
}

const COMPACT = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})(?:\.\d{1,3})?Z$/;
// Extended ISO-8601 with ':' (or '-' between the time parts, as in Amazon's doc example 2022-08-04T00-00-00Z).
const EXTENDED = /^(\d{4})-(\d{2})-(\d{2})T(\d{2})[:-](\d{2})[:-](\d{2})(?:\.\d{1,3})?Z$/;
const DATE_ONLY = /^(\d{4})-(\d{2})-(\d{2})$/;

/** Report and disbursement times: `20221114T074550Z`, `2022-11-14T07:45:50Z` (ms allowed), `2022-08-04T00-00-00Z`, `2022-08-04`. */
export function parseReportTime(value: string): Instant | undefined {
  const m = COMPACT.exec(value) ?? EXTENDED.exec(value);
  const d = m ? undefined : DATE_ONLY.exec(value);
  const parts = m ? m.slice(1, 7) : d ? [...d.slice(1, 4), '0', '0', '0'] : undefined;
  if (!parts) return undefined;
  const [y, mo, day, h, mi, s] = parts.map(Number) as [number, number, number, number, number, number];
  const at = Date.UTC(y, mo - 1, day, h, mi, s);
  const check = new Date(at);
  if (check.getUTCFullYear() !== y || check.getUTCMonth() !== mo - 1 || check.getUTCDate() !== day) return undefined;
  if (h > 23 || mi > 59 || s > 59) return undefined;
  return at;
}

import type { Environment } from '../domain/environment.js';
import {
  createReport as createReportDomain,
  dueScheduledPeriods,
  finishReport,
  isReportDue,
  newReportDocumentId,
  newReportId,
  newReportScheduleId,
  nextReportDeadline,
  REPORT_DOCUMENT_ID_PATTERN,
  REPORT_DOCUMENT_URL_LIFETIME,
  REPORT_ID_PATTERN,
  REPORT_RETENTION,
  SANDBOX_SETTLEMENT_REPORT,
  SCHEDULE_FREQUENCIES,
  type ProcessingStatus,
  type Report,
  type ReportSchedule,
  type ReportType,
  type ScheduleFrequency,
} from '../domain/report.js';
import { disbursements as disbursementsOf, settlementReportCsv, type Disbursement } from '../domain/settlement.js';
import { DAY, type Instant } from '../domain/time.js';
import type { StoreTx } from '../store/store.js';
import { ApiError, notFound, unwrap } from './api-error.js';
import { hashSecret, newSecret } from './buyer-sessions.js';
import { nowFor, type AppContext, type Caller } from './context.js';
import { inTransaction } from './transactions.js';

/**
 * Reports, report schedules and disbursements, all computed from the ledger (docs/sandbox.md, "Reports").
 * A report is IN_PROGRESS until REPORT_PROCESSING_DELAY passed on the merchant's clock; then its timer (or
 * the first read after that) finishes it: the sandbox settlement report gets its file from the ledger, or
 * CANCELLED when the range holds no money movement; every other type ends CANCELLED (spec 12 §12.16).
 */

function ownedBy(caller: Caller, o: { merchantId: string; environment: Environment } | undefined): boolean {
  return o !== undefined && o.merchantId === caller.merchant.merchantId && o.environment === caller.environment;
}

export async function createReport(
  ctx: AppContext,
  tx: StoreTx,
  caller: Caller,
  input: { reportType: ReportType; startTime?: Instant; endTime?: Instant },
  now: Instant,
): Promise<Report> {
  const endTime = input.endTime ?? now;
  const report = unwrap(
    createReportDomain(
      {
        reportId: newReportId(ctx.random),
        merchantId: caller.merchant.merchantId,
        environment: caller.environment,
        reportType: input.reportType,
        startTime: input.startTime ?? endTime - 30 * DAY,
        endTime,
      },
      now,
    ),
  );
  await insertReport(tx, report);
  return report;
}

async function insertReport(tx: StoreTx, report: Report): Promise<void> {
  await tx.reports.insert(report);
  await tx.timers.set('report', report, report.reportId, nextReportDeadline(report));
}

/** Finishes a report whose processing time has come (idempotent: a finished report is left alone). */
export async function settleReport(ctx: AppContext, tx: StoreTx, reportId: string, now: Instant): Promise<void> {
  const report = await tx.reports.getForUpdate(reportId);
  if (!report) return tx.timers.set('report', { merchantId: '', environment: 'Sandbox' }, reportId, null);
  if (!isReportDue(report, now)) {
    return tx.timers.set('report', report, reportId, nextReportDeadline(report));
  }
  let finished = finishReport(report, { kind: 'Cancelled' });
  if (report.reportType === SANDBOX_SETTLEMENT_REPORT) {
    const entries = await tx.ledger.entries(report.merchantId, report.environment, report.startTime, report.endTime);
    const merchant = await tx.merchants.get(report.merchantId);
    if (entries.length > 0 && merchant) {
      const reportDocumentId = newReportDocumentId(ctx.random);
      await tx.reports.insertDocument({
        reportDocumentId,
        reportId,
        merchantId: report.merchantId,
        environment: report.environment,
        createdAt: report.completesAt,
        content: settlementReportCsv({
          sellerId: merchant.merchantId,
          startTime: report.startTime,
          endTime: report.endTime,
          currencyCode: merchant.ledgerCurrency,
          entries,
        }),
      });
      finished = finishReport(report, { kind: 'Completed', reportDocumentId });
    }
  }
  await tx.reports.finish(finished);
  await tx.timers.set('report', report, reportId, null);
}

/** Makes the reports a schedule owes at `now` and moves it to its next occurrence. */
export async function settleReportSchedule(
  ctx: AppContext,
  tx: StoreTx,
  reportScheduleId: string,
  now: Instant,
): Promise<void> {
  const schedule = await tx.reports.scheduleForUpdate(reportScheduleId);
  if (!schedule) {
    return tx.timers.set('reportSchedule', { merchantId: '', environment: 'Sandbox' }, reportScheduleId, null);
  }
  const { periods, next } = dueScheduledPeriods(schedule, now);
  for (const period of periods) {
    // Created when it was due (the period's end), so it finishes on the same schedule however late the timer ran.
    const report = unwrap(
      createReportDomain(
        {
          reportId: newReportId(ctx.random),
          merchantId: schedule.merchantId,
          environment: schedule.environment,
          reportType: schedule.reportType,
          ...period,
          reportScheduleId,
        },
        period.endTime,
      ),
    );
    await insertReport(tx, report);
  }
  if (periods.length > 0) await tx.reports.moveSchedule(next, schedule.nextReportCreationTime);
  await tx.timers.set('reportSchedule', next, reportScheduleId, next.nextReportCreationTime);
}

/** Reads a report of the caller's, finishing it first when its processing time has passed. */
export async function readReport(ctx: AppContext, caller: Caller, reportId: string): Promise<Report> {
  const now = nowFor(ctx, caller.merchant, caller.environment);
  const missing = () => notFound('Report', reportId);
  if (!REPORT_ID_PATTERN.test(reportId)) throw missing();
  let report = await ctx.store.reader.reports.get(reportId);
  if (!ownedBy(caller, report) || !report || report.createdTime < now - REPORT_RETENTION) throw missing();
  if (isReportDue(report, now)) {
    await inTransaction(ctx, (tx) => settleReport(ctx, tx, reportId, now));
    report = (await ctx.store.reader.reports.get(reportId)) ?? report;
  }
  return report;
}

export interface ReportFilter {
  readonly reportTypes?: readonly ReportType[];
  readonly processingStatuses?: readonly ProcessingStatus[];
  readonly createdSince?: Instant;
  readonly createdUntil?: Instant;
  readonly pageSize: number;
}

/** Get Reports: newest first; `nextToken` carries the filters and where the page ended. */
export async function listReports(
  ctx: AppContext,
  caller: Caller,
  request: { filter: ReportFilter } | { nextToken: string },
): Promise<{ reports: Report[]; nextToken?: string }> {
  const now = nowFor(ctx, caller.merchant, caller.environment);
  const token = 'nextToken' in request ? readPageToken(request.nextToken) : undefined;
  const filter = token ? token.filter : (request as { filter: ReportFilter }).filter;
  const createdSince = Math.max(filter.createdSince ?? now - REPORT_RETENTION, now - REPORT_RETENTION);
  const createdUntil = filter.createdUntil ?? now;
  if (createdUntil < createdSince) {
    throw new ApiError(
      'InvalidParameterValue',
      'The value provided for createdUntil is invalid. It is before createdSince.',
    );
  }
  const page = await ctx.store.reader.reports.list({
    merchantId: caller.merchant.merchantId,
    environment: caller.environment,
    ...(filter.reportTypes ? { reportTypes: filter.reportTypes } : {}),
    ...(filter.processingStatuses ? { processingStatuses: filter.processingStatuses } : {}),
    createdSince,
    createdUntil,
    ...(token ? { after: token.after } : {}),
    limit: filter.pageSize + 1,
  });
  const more = page.length > filter.pageSize;
  const reports: Report[] = [];
  for (const report of page.slice(0, filter.pageSize)) {
    if (!isReportDue(report, now)) {
      reports.push(report);
      continue;
    }
    await inTransaction(ctx, (tx) => settleReport(ctx, tx, report.reportId, now));
    reports.push((await ctx.store.reader.reports.get(report.reportId)) ?? report);
  }
  const last = reports[reports.length - 1];
  if (!more || !last) return { reports };
  return {
    reports,
    nextToken: pageToken({ filter, after: { createdTime: last.createdTime, reportId: last.reportId } }),
  };
}

interface PageToken {
  readonly filter: ReportFilter;
  readonly after: { readonly createdTime: Instant; readonly reportId: string };
}

function pageToken(token: PageToken): string {
  return Buffer.from(JSON.stringify(token), 'utf8').toString('base64url');
}

function readPageToken(raw: string): PageToken {
  try {
    const t = JSON.parse(Buffer.from(raw, 'base64url').toString('utf8')) as PageToken;
    if (typeof t.after?.createdTime === 'number' && typeof t.after.reportId === 'string' && t.filter) return t;
  } catch {
    // Falls through to the error below.
  }
  throw new ApiError('InvalidParameterValue', 'The value provided for nextToken is invalid.');
}

/**
 * Get Report Document: a URL on reji that serves the file for REPORT_DOCUMENT_URL_LIFETIME (on the
 * merchant's clock), like Amazon's pre-signed S3 URL; its secret is kept only as a hash.
 */
export async function reportDocumentLink(
  ctx: AppContext,
  caller: Caller,
  reportDocumentId: string,
): Promise<{ compressionAlgorithm: string; reportDocumentId: string; url: string }> {
  const missing = () => notFound('Report Document', reportDocumentId);
  if (!REPORT_DOCUMENT_ID_PATTERN.test(reportDocumentId)) throw missing();
  const document = await ctx.store.reader.reports.document(reportDocumentId);
  if (!document || !ownedBy(caller, document)) throw missing();
  const now = nowFor(ctx, caller.merchant, caller.environment);
  if (document.createdAt < now - REPORT_RETENTION) throw missing();
  const secret = newSecret();
  await inTransaction(ctx, (tx) =>
    tx.hosted.insertToken({
      tokenHash: hashSecret(secret),
      kind: 'reportDownload',
      subject: reportDocumentId,
      createdAt: now,
      expiresAt: now + REPORT_DOCUMENT_URL_LIFETIME,
      usedAt: null,
      data: { merchantId: document.merchantId, environment: document.environment },
    }),
  );
  return {
    compressionAlgorithm: 'N/A',
    reportDocumentId,
    url: `${ctx.publicUrl}${REPORT_DOWNLOAD_PATH}${secret}`,
  };
}

export const REPORT_DOWNLOAD_PATH = '/report-documents/download/';

/** The file behind a Get Report Document URL; undefined when the link is unknown or expired (403). */
export async function downloadReportDocument(
  ctx: AppContext,
  secret: string,
): Promise<{ fileName: string; content: string } | undefined> {
  if (!/^[A-Za-z0-9_-]{43}$/.test(secret)) return undefined;
  const token = await ctx.store.reader.hosted.token(hashSecret(secret));
  if (token?.kind !== 'reportDownload') return undefined;
  const merchant = await ctx.store.reader.merchants.get(String(token.data['merchantId']));
  if (!merchant) return undefined;
  const environment = token.data['environment'] === 'Live' ? 'Live' : 'Sandbox';
  if (nowFor(ctx, merchant, environment) >= token.expiresAt) return undefined;
  const document = await ctx.store.reader.reports.document(token.subject);
  if (!document) return undefined;
  return { fileName: `${document.reportId}.csv`, content: document.content };
}

export async function createReportSchedule(
  ctx: AppContext,
  tx: StoreTx,
  caller: Caller,
  input: {
    reportType: ReportType;
    scheduleFrequency: ScheduleFrequency;
    nextReportCreationTime?: Instant;
    deleteExistingSchedule?: boolean;
  },
  now: Instant,
): Promise<ReportSchedule> {
  const next = input.nextReportCreationTime ?? now + SCHEDULE_FREQUENCIES[input.scheduleFrequency];
  if (next < now) {
    throw new ApiError(
      'InvalidParameterValue',
      'The value provided for nextReportCreationTime is invalid. It must not be in the past.',
    );
  }
  const [existing] = await tx.reports.schedules(caller.merchant.merchantId, caller.environment, [input.reportType]);
  if (existing) {
    if (!input.deleteExistingSchedule) {
      throw new ApiError(
        'InvalidRequest',
        `A report schedule for ${input.reportType} exists (${existing.reportScheduleId}); cancel it first or send deleteExistingSchedule true.`,
      );
    }
    await tx.reports.deleteSchedule(existing.reportScheduleId);
  }
  const schedule: ReportSchedule = {
    reportScheduleId: newReportScheduleId(ctx.random),
    merchantId: caller.merchant.merchantId,
    environment: caller.environment,
    reportType: input.reportType,
    scheduleFrequency: input.scheduleFrequency,
    nextReportCreationTime: next,
  };
  if (!(await tx.reports.insertSchedule(schedule))) {
    throw new ApiError('InvalidRequest', `A report schedule for ${input.reportType} was created at the same time.`);
  }
  await tx.timers.set('reportSchedule', schedule, schedule.reportScheduleId, next);
  return schedule;
}

export async function readReportSchedule(ctx: AppContext, caller: Caller, id: string): Promise<ReportSchedule> {
  const schedule = REPORT_ID_PATTERN.test(id) ? await ctx.store.reader.reports.schedule(id) : undefined;
  if (!schedule || !ownedBy(caller, schedule)) throw notFound('Report Schedule', id);
  return schedule;
}

export async function listReportSchedules(
  ctx: AppContext,
  caller: Caller,
  reportTypes: readonly ReportType[] | undefined,
): Promise<ReportSchedule[]> {
  return ctx.store.reader.reports.schedules(caller.merchant.merchantId, caller.environment, reportTypes);
}

export async function cancelReportSchedule(ctx: AppContext, caller: Caller, id: string): Promise<void> {
  await inTransaction(ctx, async (tx) => {
    const schedule = REPORT_ID_PATTERN.test(id) ? await tx.reports.scheduleForUpdate(id) : undefined;
    if (!schedule || !ownedBy(caller, schedule)) throw notFound('Report Schedule', id);
    await tx.reports.deleteSchedule(id);
  });
}

/** Get Disbursements: the payouts (docs/decisions.md) whose transactionTime lies in [startTime, endTime]. */
export async function listDisbursements(
  ctx: AppContext,
  caller: Caller,
  input: { startTime?: Instant; endTime?: Instant; pageSize: number; offset: number },
): Promise<{ disbursements: Disbursement[]; nextOffset: number | null }> {
  const now = nowFor(ctx, caller.merchant, caller.environment);
  const endTime = Math.min(input.endTime ?? now, now);
  const startTime = input.startTime ?? endTime - 30 * DAY;
  if (endTime < startTime) {
    throw new ApiError('InvalidParameterValue', 'The value provided for endTime is invalid. It is before startTime.');
  }
  const entries = await ctx.store.reader.ledger.entries(caller.merchant.merchantId, caller.environment, 0, endTime);
  const all = disbursementsOf(
    caller.merchant.merchantId,
    caller.environment,
    caller.merchant.ledgerCurrency,
    entries,
    now,
  ).filter((d) => d.transactionTime >= startTime && d.transactionTime <= endTime);
  const page = all.slice(input.offset, input.offset + input.pageSize);
  const nextOffset = input.offset + input.pageSize < all.length ? input.offset + input.pageSize : null;
  return { disbursements: page, nextOffset };
}

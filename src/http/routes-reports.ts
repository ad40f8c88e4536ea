import { ApiError } from '../app/api-error.js';
import { createDeliveryTracker } from '../app/delivery-trackers.js';
import {
  cancelReportSchedule,
  createReport,
  createReportSchedule,
  listDisbursements,
  listReportSchedules,
  listReports,
  readReport,
  readReportSchedule,
  reportDocumentLink,
} from '../app/reports.js';
import {
  PROCESSING_STATUSES,
  REPORT_TYPES,
  parseReportTime,
  type ProcessingStatus,
  type ReportType,
} from '../domain/report.js';
import type { Instant } from '../domain/time.js';
import { createReportRequest, createReportScheduleRequest, deliveryTrackerRequest } from '../wire/requests.js';
import { RESPONSES } from '../wire/responses.js';
import { defineRoute } from './route-table.js';
import {
  wireDeliveryTracker,
  wireDisbursement,
  wireReport,
  wireReportDocument,
  wireReportSchedule,
} from './wire-mapping.js';

type Query = Readonly<Record<string, readonly string[]>>;

function invalidQuery(name: string, why: string): ApiError {
  return new ApiError('InvalidParameterValue', `The value provided for ${name} is invalid. ${why}`);
}

function single(query: Query, name: string): string | undefined {
  const values = query[name];
  if (values === undefined || values.length === 0) return undefined;
  if (values.length > 1) throw invalidQuery(name, 'It was given more than once.');
  return values[0];
}

/** A list: comma-separated (Node, PHP, .NET) or the name repeated (Java's SDK), or both. */
function list<T extends string>(query: Query, name: string, allowed: readonly T[]): T[] | undefined {
  const values = query[name];
  if (values === undefined) return undefined;
  const items = values
    .flatMap((v) => v.split(','))
    .map((v) => v.trim())
    .filter((v) => v !== '');
  for (const item of items) {
    if (!(allowed as readonly string[]).includes(item))
      throw invalidQuery(name, `${item} is not one of ${allowed.join(', ')}.`);
  }
  return items.length > 0 ? (items as T[]) : undefined;
}

function time(query: Query, name: string): Instant | undefined {
  const raw = single(query, name);
  if (raw === undefined || raw === '') return undefined;
  const at = parseReportTime(raw);
  if (at === undefined)
    throw invalidQuery(name, 'Expected a UTC date-time such as 20221114T074550Z or 2022-11-14T07:45:50Z.');
  return at;
}

function pageSize(query: Query, fallback: number): number {
  const raw = single(query, 'pageSize');
  if (raw === undefined || raw === '') return fallback;
  if (!/^\d{1,3}$/.test(raw) || Number(raw) < 1 || Number(raw) > 100)
    throw invalidQuery('pageSize', 'Expected a whole number from 1 to 100.');
  return Number(raw);
}

/** Delivery trackers, reports, report schedules and disbursements (spec 12 §12.3–12.5). */
export const REPORT_ROUTES = [
  defineRoute({
    method: 'POST',
    path: '/v2/deliveryTrackers',
    operation: 'CreateDeliveryTracker',
    body: deliveryTrackerRequest,
    response: RESPONSES.DeliveryTracker,
    simulation: 'Other',
    idempotency: 'optional',
    handler: async (ctx, { tx, caller, body, now }) =>
      wireDeliveryTracker(await createDeliveryTracker(ctx, tx, caller, body, now())),
  }),
  defineRoute({
    method: 'GET',
    path: '/v2/reports',
    operation: 'GetReports',
    query: ['reportTypes', 'processingStatuses', 'createdSince', 'createdUntil', 'pageSize', 'nextToken'],
    response: RESPONSES.ReportList,
    simulation: 'Other',
    handler: async (ctx, { caller, query }) => {
      const nextToken = single(query, 'nextToken');
      if (nextToken !== undefined && nextToken !== '') {
        const others = Object.keys(query).filter((k) => k !== 'nextToken');
        if (others.length > 0) {
          throw new ApiError(
            'InvalidParameterCombination',
            `nextToken must be sent alone; also sent: ${others.join(', ')}.`,
          );
        }
        const page = await listReports(ctx, caller, { nextToken });
        return { reports: page.reports.map(wireReport), ...(page.nextToken ? { nextToken: page.nextToken } : {}) };
      }
      const reportTypes = list<ReportType>(query, 'reportTypes', REPORT_TYPES);
      const processingStatuses = list<ProcessingStatus>(query, 'processingStatuses', PROCESSING_STATUSES);
      const createdSince = time(query, 'createdSince');
      const createdUntil = time(query, 'createdUntil');
      const page = await listReports(ctx, caller, {
        filter: {
          ...(reportTypes ? { reportTypes } : {}),
          ...(processingStatuses ? { processingStatuses } : {}),
          ...(createdSince !== undefined ? { createdSince } : {}),
          ...(createdUntil !== undefined ? { createdUntil } : {}),
          pageSize: pageSize(query, 10),
        },
      });
      return { reports: page.reports.map(wireReport), ...(page.nextToken ? { nextToken: page.nextToken } : {}) };
    },
  }),
  defineRoute({
    method: 'GET',
    path: '/v2/reports/:reportId',
    operation: 'GetReportById',
    response: RESPONSES.Report,
    simulation: 'Other',
    handler: async (ctx, { caller, params }) => wireReport(await readReport(ctx, caller, params.reportId)),
  }),
  defineRoute({
    method: 'POST',
    path: '/v2/reports',
    operation: 'CreateReport',
    body: createReportRequest,
    response: RESPONSES.CreateReportResult,
    simulation: 'Other',
    idempotency: 'optional',
    status: 201,
    handler: async (ctx, { tx, caller, body, now }) => ({
      reportId: (await createReport(ctx, tx, caller, body, now())).reportId,
    }),
  }),
  defineRoute({
    method: 'GET',
    path: '/v2/report-documents/:reportDocumentId',
    operation: 'GetReportDocument',
    response: RESPONSES.ReportDocument,
    simulation: 'Other',
    handler: async (ctx, { caller, params }) =>
      wireReportDocument(await reportDocumentLink(ctx, caller, params.reportDocumentId)),
  }),
  defineRoute({
    method: 'GET',
    path: '/v2/report-schedules',
    operation: 'GetReportSchedules',
    query: ['reportTypes'],
    response: RESPONSES.ReportScheduleList,
    simulation: 'Other',
    handler: async (ctx, { caller, query }) => ({
      reportSchedules: (
        await listReportSchedules(ctx, caller, list<ReportType>(query, 'reportTypes', REPORT_TYPES))
      ).map(wireReportSchedule),
    }),
  }),
  defineRoute({
    method: 'GET',
    path: '/v2/report-schedules/:reportScheduleId',
    operation: 'GetReportScheduleById',
    response: RESPONSES.ReportSchedule,
    simulation: 'Other',
    handler: async (ctx, { caller, params }) =>
      wireReportSchedule(await readReportSchedule(ctx, caller, params.reportScheduleId)),
  }),
  defineRoute({
    method: 'POST',
    path: '/v2/report-schedules',
    operation: 'CreateReportSchedule',
    body: createReportScheduleRequest,
    query: ['deleteExistingSchedule'],
    response: RESPONSES.CreateReportScheduleResult,
    simulation: 'Other',
    idempotency: 'optional',
    status: 201,
    handler: async (ctx, { tx, caller, body, query, now }) => {
      // The documentation puts deleteExistingSchedule in the query, every SDK in the body: both count.
      const fromQuery = single(query, 'deleteExistingSchedule');
      if (fromQuery !== undefined && fromQuery !== 'true' && fromQuery !== 'false') {
        throw invalidQuery('deleteExistingSchedule', 'Expected true or false.');
      }
      const deleteExistingSchedule = body.deleteExistingSchedule === true || fromQuery === 'true';
      const schedule = await createReportSchedule(ctx, tx, caller, { ...body, deleteExistingSchedule }, now());
      return { reportScheduleId: schedule.reportScheduleId };
    },
  }),
  defineRoute({
    method: 'DELETE',
    path: '/v2/report-schedules/:reportScheduleId',
    operation: 'CancelReportSchedule',
    response: RESPONSES.Empty,
    simulation: 'Other',
    handler: async (ctx, { caller, params }) => {
      await cancelReportSchedule(ctx, caller, params.reportScheduleId);
      return {};
    },
  }),
  defineRoute({
    method: 'GET',
    path: '/v2/disbursements',
    operation: 'GetDisbursements',
    query: ['startTime', 'endTime', 'pageSize', 'nextToken'],
    response: RESPONSES.DisbursementList,
    simulation: 'Other',
    handler: async (ctx, { caller, query }) => {
      const token = single(query, 'nextToken') ?? '';
      // The token is the position of the next page; the range is sent again with it (PHP's sample does).
      if (token !== '' && !/^\d{1,6}$/.test(token)) throw invalidQuery('nextToken', 'It is not a token reji gave.');
      const startTime = time(query, 'startTime');
      const endTime = time(query, 'endTime');
      const page = await listDisbursements(ctx, caller, {
        ...(startTime !== undefined ? { startTime } : {}),
        ...(endTime !== undefined ? { endTime } : {}),
        pageSize: pageSize(query, 30),
        offset: token === '' ? 0 : Number(token),
      });
      return {
        disbursements: page.disbursements.map((d) => wireDisbursement(caller.merchant.merchantId, d)),
        ...(page.nextOffset !== null ? { nextToken: String(page.nextOffset) } : {}),
      };
    },
  }),
];

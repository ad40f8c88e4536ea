import type { Kysely, Selectable, Transaction } from 'kysely';
import type { Environment } from '../domain/environment.js';
import type { ProcessingStatus, Report, ReportSchedule, ReportType } from '../domain/report.js';
import type { Instant } from '../domain/time.js';
import type { DialectName } from './migrations.js';
import type {
  DeliveryTrackerReads,
  DeliveryTrackerRecord,
  DeliveryTrackerTx,
  ReportDocumentRecord,
  ReportQuery,
  ReportReads,
  ReportSearch,
  ReportTx,
} from './reports.js';
import type { Database, DeliveryTrackerRow, ReportRow, ReportScheduleRow } from './schema.js';
import { ConcurrentUpdateError } from './store.js';

type Executor = Kysely<Database> | Transaction<Database>;

function reportOf(r: Selectable<ReportRow>): Report {
  return JSON.parse(r.doc) as Report;
}

function scheduleOf(r: Selectable<ReportScheduleRow>): ReportSchedule {
  return JSON.parse(r.doc) as ReportSchedule;
}

export class KyselyReportReads implements ReportReads {
  constructor(protected readonly db: Executor) {}

  async get(reportId: string): Promise<Report | undefined> {
    const r = await this.db.selectFrom('reports').selectAll().where('report_id', '=', reportId).executeTakeFirst();
    return r && reportOf(r);
  }

  async list(query: ReportQuery): Promise<Report[]> {
    let q = this.db
      .selectFrom('reports')
      .selectAll()
      .where('merchant_id', '=', query.merchantId)
      .where('environment', '=', query.environment)
      .where('created_at', '>=', query.createdSince)
      .where('created_at', '<=', query.createdUntil);
    if (query.reportTypes?.length) q = q.where('report_type', 'in', [...query.reportTypes]);
    if (query.processingStatuses?.length) q = q.where('processing_status', 'in', [...query.processingStatuses]);
    const after = query.after;
    if (after) {
      q = q.where((eb) =>
        eb.or([
          eb('created_at', '<', after.createdTime),
          eb.and([eb('created_at', '=', after.createdTime), eb('report_id', '<', after.reportId)]),
        ]),
      );
    }
    const rows = await q.orderBy('created_at', 'desc').orderBy('report_id', 'desc').limit(query.limit).execute();
    return rows.map(reportOf);
  }

  async search(f: ReportSearch): Promise<Report[]> {
    let q = this.db.selectFrom('reports').selectAll();
    if (f.merchantId !== undefined) q = q.where('merchant_id', '=', f.merchantId);
    if (f.environment !== undefined) q = q.where('environment', '=', f.environment);
    if (f.id !== undefined) q = q.where('report_id', '=', f.id);
    if (f.state !== undefined) q = q.where('processing_status', '=', f.state);
    if (f.createdFrom !== undefined) q = q.where('created_at', '>=', f.createdFrom);
    if (f.createdTo !== undefined) q = q.where('created_at', '<', f.createdTo);
    const rows = await q.orderBy('created_at', 'desc').orderBy('report_id', 'desc').limit(f.limit).execute();
    return rows.map(reportOf);
  }

  async document(reportDocumentId: string): Promise<ReportDocumentRecord | undefined> {
    const r = await this.db
      .selectFrom('report_documents')
      .selectAll()
      .where('report_document_id', '=', reportDocumentId)
      .executeTakeFirst();
    if (!r) return undefined;
    return {
      reportDocumentId: r.report_document_id,
      reportId: r.report_id,
      merchantId: r.merchant_id,
      environment: r.environment as Environment,
      createdAt: Number(r.created_at),
      content: r.content,
    };
  }

  async schedule(reportScheduleId: string): Promise<ReportSchedule | undefined> {
    const r = await this.db
      .selectFrom('report_schedules')
      .selectAll()
      .where('report_schedule_id', '=', reportScheduleId)
      .executeTakeFirst();
    return r && scheduleOf(r);
  }

  async schedules(
    merchantId: string,
    environment: Environment,
    reportTypes?: readonly ReportType[],
  ): Promise<ReportSchedule[]> {
    let q = this.db
      .selectFrom('report_schedules')
      .selectAll()
      .where('merchant_id', '=', merchantId)
      .where('environment', '=', environment);
    if (reportTypes?.length) q = q.where('report_type', 'in', [...reportTypes]);
    return (await q.orderBy('report_type').execute()).map(scheduleOf);
  }
}

export class KyselyReportTx extends KyselyReportReads implements ReportTx {
  constructor(
    private readonly trx: Transaction<Database>,
    private readonly dialect: DialectName,
  ) {
    super(trx);
  }

  async getForUpdate(reportId: string): Promise<Report | undefined> {
    let q = this.trx.selectFrom('reports').selectAll().where('report_id', '=', reportId);
    if (this.dialect === 'postgres') q = q.forUpdate();
    const r = await q.executeTakeFirst();
    return r && reportOf(r);
  }

  async insert(report: Report): Promise<void> {
    await this.trx
      .insertInto('reports')
      .values({
        report_id: report.reportId,
        merchant_id: report.merchantId,
        environment: report.environment,
        report_type: report.reportType,
        processing_status: report.processingStatus,
        created_at: report.createdTime,
        doc: JSON.stringify(report),
      })
      .execute();
  }

  async finish(report: Report): Promise<void> {
    const inProgress: ProcessingStatus = 'IN_PROGRESS';
    const r = await this.trx
      .updateTable('reports')
      .set({ processing_status: report.processingStatus, doc: JSON.stringify(report) })
      .where('report_id', '=', report.reportId)
      .where('processing_status', '=', inProgress)
      .executeTakeFirst();
    if (Number(r.numUpdatedRows) !== 1) throw new ConcurrentUpdateError('report', report.reportId);
  }

  async insertDocument(d: ReportDocumentRecord): Promise<void> {
    await this.trx
      .insertInto('report_documents')
      .values({
        report_document_id: d.reportDocumentId,
        report_id: d.reportId,
        merchant_id: d.merchantId,
        environment: d.environment,
        created_at: d.createdAt,
        content: d.content,
      })
      .execute();
  }

  async scheduleForUpdate(reportScheduleId: string): Promise<ReportSchedule | undefined> {
    let q = this.trx.selectFrom('report_schedules').selectAll().where('report_schedule_id', '=', reportScheduleId);
    if (this.dialect === 'postgres') q = q.forUpdate();
    const r = await q.executeTakeFirst();
    return r && scheduleOf(r);
  }

  async insertSchedule(s: ReportSchedule): Promise<boolean> {
    const r = await this.trx
      .insertInto('report_schedules')
      .values({
        report_schedule_id: s.reportScheduleId,
        merchant_id: s.merchantId,
        environment: s.environment,
        report_type: s.reportType,
        doc: JSON.stringify(s),
      })
      .onConflict((oc) => oc.columns(['merchant_id', 'environment', 'report_type']).doNothing())
      .executeTakeFirst();
    return Number(r.numInsertedOrUpdatedRows ?? 0) === 1;
  }

  async moveSchedule(s: ReportSchedule, previousNext: Instant): Promise<boolean> {
    const current = await this.scheduleForUpdate(s.reportScheduleId);
    if (!current || current.nextReportCreationTime !== previousNext) return false;
    await this.trx
      .updateTable('report_schedules')
      .set({ doc: JSON.stringify(s) })
      .where('report_schedule_id', '=', s.reportScheduleId)
      .execute();
    return true;
  }

  async deleteSchedule(reportScheduleId: string): Promise<void> {
    await this.trx.deleteFrom('report_schedules').where('report_schedule_id', '=', reportScheduleId).execute();
    // A deleted schedule's timer goes with it.
    await this.trx
      .deleteFrom('timers')
      .where('object_type', '=', 'reportSchedule')
      .where('object_id', '=', reportScheduleId)
      .execute();
  }
}

function trackerOf(r: Selectable<DeliveryTrackerRow>): DeliveryTrackerRecord {
  return {
    merchantId: r.merchant_id,
    environment: r.environment as Environment,
    trackingNumber: r.tracking_number,
    carrierCode: r.carrier_code,
    chargePermissionId: r.charge_permission_id,
    amazonOrderReferenceId: r.amazon_order_reference_id,
    createdAt: Number(r.created_at),
  };
}

export class KyselyDeliveryTrackerReads implements DeliveryTrackerReads {
  constructor(protected readonly db: Executor) {}

  async ofChargePermission(chargePermissionId: string): Promise<DeliveryTrackerRecord[]> {
    const rows = await this.db
      .selectFrom('delivery_trackers')
      .selectAll()
      .where('charge_permission_id', '=', chargePermissionId)
      .orderBy('created_at')
      .orderBy('tracking_number')
      .execute();
    return rows.map(trackerOf);
  }
}

export class KyselyDeliveryTrackerTx extends KyselyDeliveryTrackerReads implements DeliveryTrackerTx {
  async insert(t: DeliveryTrackerRecord): Promise<boolean> {
    const r = await this.db
      .insertInto('delivery_trackers')
      .values({
        merchant_id: t.merchantId,
        environment: t.environment,
        tracking_number: t.trackingNumber,
        carrier_code: t.carrierCode,
        charge_permission_id: t.chargePermissionId,
        amazon_order_reference_id: t.amazonOrderReferenceId,
        created_at: t.createdAt,
      })
      .onConflict((oc) => oc.columns(['merchant_id', 'environment', 'tracking_number']).doNothing())
      .executeTakeFirst();
    return Number(r.numInsertedOrUpdatedRows ?? 0) === 1;
  }
}

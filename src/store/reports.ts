import type { Environment } from '../domain/environment.js';
import type { ProcessingStatus, Report, ReportSchedule, ReportType } from '../domain/report.js';
import type { Instant } from '../domain/time.js';

export type { Report, ReportSchedule } from '../domain/report.js';

export interface ReportDocumentRecord {
  readonly reportDocumentId: string;
  readonly reportId: string;
  readonly merchantId: string;
  readonly environment: Environment;
  readonly createdAt: Instant;
  readonly content: string;
}

export interface ReportQuery {
  readonly merchantId: string;
  readonly environment: Environment;
  readonly reportTypes?: readonly ReportType[];
  readonly processingStatuses?: readonly ProcessingStatus[];
  /** createdTime >= createdSince and <= createdUntil. */
  readonly createdSince: Instant;
  readonly createdUntil: Instant;
  /** Continue after this report (newest first: older createdTime, or the same one and a smaller id). */
  readonly after?: { readonly createdTime: Instant; readonly reportId: string };
  readonly limit: number;
}

export interface ReportSearch {
  readonly merchantId?: string | undefined;
  readonly environment?: Environment | undefined;
  readonly id?: string | undefined;
  readonly state?: string | undefined;
  /** `createdTime` range, inclusive start and exclusive end. */
  readonly createdFrom?: Instant | undefined;
  readonly createdTo?: Instant | undefined;
  readonly limit: number;
}

/** Reports, their files and report schedules: reads that need no transaction. */
export interface ReportReads {
  get(reportId: string): Promise<Report | undefined>;
  /** Newest first. */
  list(query: ReportQuery): Promise<Report[]>;
  /** The console's object browser: any merchant, newest first; `state` is the processing status. */
  search(filter: ReportSearch): Promise<Report[]>;
  document(reportDocumentId: string): Promise<ReportDocumentRecord | undefined>;
  schedule(reportScheduleId: string): Promise<ReportSchedule | undefined>;
  schedules(
    merchantId: string,
    environment: Environment,
    reportTypes?: readonly ReportType[],
  ): Promise<ReportSchedule[]>;
}

export interface ReportTx extends ReportReads {
  /** Reads a report and, on PostgreSQL, locks its row. */
  getForUpdate(reportId: string): Promise<Report | undefined>;
  insert(report: Report): Promise<void>;
  /** Finishes an IN_PROGRESS report (compare-and-set on the status: ConcurrentUpdateError when another writer won). */
  finish(report: Report): Promise<void>;
  insertDocument(document: ReportDocumentRecord): Promise<void>;
  scheduleForUpdate(reportScheduleId: string): Promise<ReportSchedule | undefined>;
  /** False when the merchant already has a schedule of this type (the unique index decides). */
  insertSchedule(schedule: ReportSchedule): Promise<boolean>;
  /** Compare-and-set on the old next creation time: false when another writer moved it first. */
  moveSchedule(schedule: ReportSchedule, previousNext: Instant): Promise<boolean>;
  deleteSchedule(reportScheduleId: string): Promise<void>;
}

/** A tracking number sent for a shipped order (Create Delivery Tracker). */
export interface DeliveryTrackerRecord {
  readonly merchantId: string;
  readonly environment: Environment;
  readonly trackingNumber: string;
  readonly carrierCode: string;
  readonly chargePermissionId: string | null;
  readonly amazonOrderReferenceId: string | null;
  readonly createdAt: Instant;
}

export interface DeliveryTrackerReads {
  ofChargePermission(chargePermissionId: string): Promise<DeliveryTrackerRecord[]>;
}

export interface DeliveryTrackerTx extends DeliveryTrackerReads {
  /** False when the merchant used this tracking number before (the primary key decides). */
  insert(tracker: DeliveryTrackerRecord): Promise<boolean>;
}

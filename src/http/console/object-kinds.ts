import {
  chargePermissionBooks,
  consoleInStore,
  consoleObject,
  consoleReport,
  documentId,
  evidenceFilesOf,
  IN_STORE_STATES,
  searchDocuments,
  searchInStore,
  type InStoreEntry,
  searchReports,
  type DocumentFilter,
  type DocumentKind,
} from '../../app/console.js';
import type { AppContext } from '../../app/context.js';
import { DISPUTE_STATES } from '../../domain/dispute.js';
import type { Environment } from '../../domain/environment.js';
import { display, money } from '../../domain/money.js';
import { PROCESSING_STATUSES, type Report } from '../../domain/report.js';
import type { Instant } from '../../domain/time.js';
import { html, type SafeHtml } from '../html.js';
import {
  wireCharge,
  wireChargePermission,
  wireCheckoutSession,
  wireDispute,
  wireRefund,
  wireReport,
} from '../wire-mapping.js';
import { table, tr, when, type ViewContext } from './views.js';

/**
 * The object browser's kinds: one entry each. A new kind of document (reports, disputes...) is one more
 * entry with its search, its load and its wire rendering; the pages read only this table.
 */
export interface ConsoleObjectSummary {
  readonly id: string;
  readonly merchantId: string;
  readonly environment: Environment;
  readonly state: string;
  readonly createdAt: Instant;
  readonly merchantReferenceId: string | null;
}

export interface ConsoleObject extends ConsoleObjectSummary {
  /** The JSON body the API's GET answers for it, in the wire's key order. */
  readonly wire: unknown;
}

export interface ConsoleObjectKind {
  readonly slug: string;
  readonly label: string;
  /** The wire field that carries the id (ties request log entries and response bodies to the object). */
  readonly idField: string;
  readonly states: readonly string[];
  search(ctx: AppContext, filter: DocumentFilter): Promise<ConsoleObjectSummary[]>;
  load(ctx: AppContext, id: string): Promise<ConsoleObject>;
  /** What the object's page shows beside its timeline and JSON (delivery trackers, ledger, files...). */
  sections?(ctx: AppContext, object: ConsoleObject, v: ViewContext): Promise<SafeHtml>;
}

function referenceOf(doc: unknown): string | null {
  const text = JSON.stringify(doc);
  const m = /"merchantReferenceId":("(?:[^"\\]|\\.)*")/.exec(text);
  return m ? (JSON.parse(m[1]!) as string) : null;
}

function documentKind<K extends DocumentKind>(
  kind: K,
  label: string,
  idField: string,
  states: readonly string[],
  render: (ctx: AppContext, doc: Parameters<typeof documentId>[1], now: Instant) => unknown,
  sections?: ConsoleObjectKind['sections'],
): ConsoleObjectKind {
  const summary = (doc: Parameters<typeof documentId>[1]): ConsoleObjectSummary => ({
    id: documentId(kind, doc),
    merchantId: doc.merchantId,
    environment: doc.environment,
    state: doc.state,
    createdAt: doc.createdAt,
    merchantReferenceId: referenceOf(doc),
  });
  return {
    slug: kind,
    label,
    idField,
    states,
    async search(ctx, filter) {
      return (await searchDocuments(ctx, kind, filter)).map(summary);
    },
    async load(ctx, id) {
      const { doc, now } = await consoleObject(ctx, kind, id);
      return { ...summary(doc), wire: render(ctx, doc, now) };
    },
    ...(sections ? { sections } : {}),
  };
}

/** The charge permission's delivery trackers and its ledger entries (all its charges) with their sum. */
async function chargePermissionSections(ctx: AppContext, object: ConsoleObject, v: ViewContext): Promise<SafeHtml> {
  const books = await chargePermissionBooks(ctx, object.id);
  const trackerRows = books.trackers.map(
    (t) =>
      html`<tr><td class="mono">${t.trackingNumber}</td><td>${t.carrierCode}</td><td>${when(t.createdAt)}</td></tr>`,
  );
  const entryRows = books.entries.map(
    (e) =>
      html`<tr><td>${when(e.occurredAt)}</td><td>${e.kind}</td><td>${e.chargeId ? html`<a href="/console/objects/charge/${encodeURIComponent(e.chargeId)}">${e.chargeId}</a>` : ''}</td><td>${e.refundId ? html`<a href="/console/objects/refund/${encodeURIComponent(e.refundId)}">${e.refundId}</a>` : e.disputeId ? html`<a href="/console/objects/dispute/${encodeURIComponent(e.disputeId)}">${e.disputeId}</a>` : ''}</td><td class="amount">${display(money(e.amount, e.currencyCode))}</td></tr>`,
  );
  return html`<section id="delivery-trackers"><h2>${tr(v, 'deliveryTrackers')}</h2>
${books.trackers.length === 0 ? html`<p>${tr(v, 'noTrackers')}</p>` : table([tr(v, 'trackingNumber'), tr(v, 'carrierCode'), tr(v, 'createdAt')], trackerRows)}
</section>
<section id="ledger"><h2>${tr(v, 'ledger')}</h2>
${
  books.total === null
    ? html`<p>${tr(v, 'noLedger')}</p>`
    : html`${table([tr(v, 'time'), tr(v, 'entryKind'), 'chargeId', 'refundId / disputeId', tr(v, 'amount')], entryRows)}
<p>${tr(v, 'total')}: <strong id="ledger-total">${display(books.total)}</strong></p>`
}
</section>`;
}

/** A dispute's evidence files, each with a link to its bytes when uploaded. */
async function disputeSections(ctx: AppContext, object: ConsoleObject, v: ViewContext): Promise<SafeHtml> {
  const { doc } = await consoleObject(ctx, 'dispute', object.id);
  const files = await evidenceFilesOf(ctx, doc);
  const rows = files.map(
    (f) =>
      html`<tr><td class="mono">${f.fileId}</td><td>${f.evidenceType}</td><td>${f.file?.type ?? ''}</td><td>${f.file?.size ?? ''}</td><td>${
        f.file?.uploadedAt != null
          ? html`<a href="/console/files/${encodeURIComponent(f.fileId)}" download>${tr(v, 'download')}</a>`
          : tr(v, 'notUploaded')
      }</td></tr>`,
  );
  return html`<p><a href="/console/objects/charge/${encodeURIComponent(doc.chargeId)}">${doc.chargeId}</a> · <a href="/console/objects/chargePermission/${encodeURIComponent(doc.chargePermissionId)}">${doc.chargePermissionId}</a></p>
<section id="evidence-files"><h2>${tr(v, 'evidenceFiles')}</h2>
${files.length === 0 ? html`<p>${tr(v, 'noEvidenceFiles')}</p>` : table(['fileId', tr(v, 'evidenceType'), tr(v, 'fileType'), tr(v, 'size'), ''], rows)}
</section>`;
}

function reportSummary(r: Report): ConsoleObjectSummary {
  return {
    id: r.reportId,
    merchantId: r.merchantId,
    environment: r.environment,
    state: r.processingStatus,
    createdAt: r.createdTime,
    merchantReferenceId: null,
  };
}

function inStoreSummary({ merchantId, environment, record: r }: InStoreEntry): ConsoleObjectSummary {
  return {
    id: r.kind === 'scan' ? r.chargePermissionId : r.kind === 'charge' ? r.chargeId : r.refundId,
    merchantId,
    environment,
    state: IN_STORE_STATES[r.kind],
    createdAt: r.createdAt,
    merchantReferenceId:
      r.kind === 'scan' ? r.scanReferenceId : r.kind === 'charge' ? r.chargeReferenceId : r.refundReferenceId,
  };
}

/**
 * In-store scans, charges and refunds (a till's records, apart from the checkout objects). The API has no read
 * for them, so the page shows the record reji keeps (docs/decisions.md, "The console's books").
 */
const IN_STORE_KIND: ConsoleObjectKind = {
  slug: 'inStore',
  label: 'In-store transaction',
  idField: 'chargeId',
  states: Object.values(IN_STORE_STATES),
  async search(ctx, filter) {
    return (await searchInStore(ctx, filter)).map(inStoreSummary);
  },
  async load(ctx, id) {
    const entry = await consoleInStore(ctx, id);
    return { ...inStoreSummary(entry), wire: entry.record };
  },
};

/** Reports live beside the documents (their own table): searched by merchant, status and date, read like Get Report. */
const REPORT_KIND: ConsoleObjectKind = {
  slug: 'report',
  label: 'Report',
  idField: 'reportId',
  states: PROCESSING_STATUSES,
  async search(ctx, filter) {
    if (filter.merchantReferenceId !== undefined) return [];
    return (await searchReports(ctx, { ...filter })).map(reportSummary);
  },
  async load(ctx, id) {
    const { report } = await consoleReport(ctx, id);
    return { ...reportSummary(report), wire: wireReport(report) };
  },
  async sections(_ctx, object, v) {
    const wire = object.wire as { reportDocumentId: string | null; reportType: string };
    return html`<section id="report-document"><h2>${tr(v, 'reportDocument')}</h2>
${
  wire.reportDocumentId === null
    ? html`<p>${tr(v, 'noReportDocument')}</p>`
    : html`<p><span class="mono">${wire.reportDocumentId}</span> · <a class="button" id="download-report" href="/console/reports/${encodeURIComponent(object.id)}/document" download>${tr(v, 'downloadReport')}</a></p>`
}
</section>`;
  },
};

export const OBJECT_KINDS: readonly ConsoleObjectKind[] = [
  documentKind(
    'checkoutSession',
    'Checkout Session',
    'checkoutSessionId',
    ['Open', 'Completed', 'Canceled'],
    (ctx, d) => wireCheckoutSession(ctx, d as never),
  ),
  documentKind(
    'chargePermission',
    'Charge Permission',
    'chargePermissionId',
    ['Chargeable', 'NonChargeable', 'Closed'],
    (_ctx, d, now) => wireChargePermission(d as never, now),
    chargePermissionSections,
  ),
  documentKind(
    'charge',
    'Charge',
    'chargeId',
    ['AuthorizationInitiated', 'Authorized', 'CaptureInitiated', 'Captured', 'Canceled', 'Declined'],
    (_ctx, d) => wireCharge(d as never),
  ),
  documentKind('refund', 'Refund', 'refundId', ['RefundInitiated', 'Refunded', 'Declined'], (_ctx, d) =>
    wireRefund(d as never),
  ),
  documentKind(
    'dispute',
    'Dispute',
    'disputeId',
    DISPUTE_STATES,
    (_ctx, d) => wireDispute(d as never),
    disputeSections,
  ),
  REPORT_KIND,
  IN_STORE_KIND,
];

export function objectKind(slug: string | null | undefined): ConsoleObjectKind | undefined {
  return OBJECT_KINDS.find((k) => k.slug === slug);
}

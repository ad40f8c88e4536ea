import type { Environment } from '../domain/environment.js';
import type { EvidenceFile } from '../domain/evidence-file.js';
import { money, type Money } from '../domain/money.js';
import type { Report } from '../domain/report.js';
import type { Disbursement } from '../domain/settlement.js';
import type { Merchant, MerchantStore, PublicKeyRecord } from '../domain/merchant.js';
import { DAY, type Instant } from '../domain/time.js';
import type {
  DeliveryTrackerRecord,
  DocumentFilter,
  DocumentKind,
  Documents,
  IpnAttempt,
  InStoreEntry,
  IpnEndpoint,
  LedgerEntry,
  NotificationRecord,
  ReportSearch,
  RequestLogEntry,
} from '../store/store.js';
import { ApiError, notFound } from './api-error.js';
import { marketplaceOf } from './buyer-flow.js';
import { nowFor, type AppContext, type Caller } from './context.js';
import { nextDeadline } from './deadlines.js';
import { delegationsOf } from './delegation.js';
import { deliveryTrackersOf } from './delivery-trackers.js';
import { replayNotification } from './ipn/admin.js';
import { readOwned } from './loading.js';
import { merchantAccountsOf } from './merchant-accounts.js';
import { createKeyPair } from './merchants.js';
import { listDisbursements, readReport } from './reports.js';
import { testBuyersWithWallets } from './test-buyers.js';
import { advanceClock, buyerConsent, cancelAsBuyer, processPaymentForTest } from './testing.js';
import { inTransaction } from './transactions.js';

// The records the console's pages render (src/http never imports the store itself).
export type {
  DocumentFilter,
  DocumentKind,
  InStoreEntry,
  IpnAttempt,
  IpnEndpoint,
  NewRequestLogEntry,
  NotificationRecord,
  Report,
  ReportSearch,
  RequestLogEntry,
  SignatureDebug,
} from '../store/store.js';

/**
 * The developer console's use cases (issue 14): what the console shows and does, on the same use cases as the
 * CLI and the testing endpoints. Live objects are read-only here: every action checks `requireSandboxObject`.
 */

/** The console acts as the merchant itself (the testing endpoints' caller), never with a key. */
export function consoleCaller(merchant: Merchant, environment: Environment): Caller {
  return { merchant, environment, publicKeyId: 'console' };
}

async function merchantOrFail(ctx: AppContext, merchantId: string): Promise<Merchant> {
  const merchant = await ctx.store.reader.merchants.get(merchantId);
  if (!merchant) throw new ApiError('ResourceNotFound', `Merchant ${merchantId} does not exist.`);
  return merchant;
}

export function consoleMerchants(ctx: AppContext): Promise<Merchant[]> {
  return ctx.store.reader.merchants.list(500);
}

export interface PendingTimer {
  readonly kind: DocumentKind;
  readonly id: string;
  readonly state: string;
  readonly dueAt: Instant;
}

export interface MerchantDetail {
  readonly merchant: Merchant;
  readonly stores: MerchantStore[];
  readonly keys: PublicKeyRecord[];
  readonly endpoints: IpnEndpoint[];
  /** The merchant's sandbox clock now. */
  readonly sandboxNow: Instant;
  readonly timers: PendingTimer[];
  /** Newest first. */
  readonly notifications: NotificationRecord[];
}

const KINDS: readonly DocumentKind[] = ['checkoutSession', 'chargePermission', 'charge', 'refund', 'dispute'];
/** Objects whose next deadline is only their deletion after the retention period are not "pending". */
const SETTLING_STATES = new Set([
  'Open',
  'AuthorizationInitiated',
  'Authorized',
  'CaptureInitiated',
  'RefundInitiated',
  'Chargeable',
  'NonChargeable',
  'ActionRequired',
  'UnderReview',
]);

export async function merchantDetail(ctx: AppContext, merchantId: string): Promise<MerchantDetail> {
  const merchant = await merchantOrFail(ctx, merchantId);
  const reader = ctx.store.reader;
  const timers: PendingTimer[] = [];
  for (const kind of KINDS) {
    const docs = await reader.documents.search(kind, { merchantId, environment: 'Sandbox', limit: 200 });
    for (const doc of docs) {
      if (!SETTLING_STATES.has(doc.state)) continue;
      const dueAt = nextDeadline(kind, doc);
      if (dueAt !== null) timers.push({ kind, id: documentId(kind, doc), state: doc.state, dueAt });
    }
  }
  timers.sort((a, b) => a.dueAt - b.dueAt);
  const notifications = await reader.notifications.ofMerchant(merchantId, { limit: 1000 });
  return {
    merchant,
    stores: await reader.merchants.storesOf(merchantId),
    keys: await reader.merchants.publicKeysOf(merchantId),
    endpoints: await reader.notifications.endpointsOf(merchantId),
    sandboxNow: nowFor(ctx, merchant, 'Sandbox'),
    timers: timers.slice(0, 50),
    notifications: notifications.slice(-100).reverse(),
  };
}

const ID_FIELDS: Readonly<Record<DocumentKind, string>> = {
  checkoutSession: 'checkoutSessionId',
  chargePermission: 'chargePermissionId',
  charge: 'chargeId',
  refund: 'refundId',
  dispute: 'disputeId',
};

export function documentId(kind: DocumentKind, doc: Documents[DocumentKind]): string {
  return (doc as unknown as Record<string, string>)[ID_FIELDS[kind]]!;
}

export function searchDocuments<K extends DocumentKind>(
  ctx: AppContext,
  kind: K,
  filter: DocumentFilter,
): Promise<Documents[K][]> {
  return ctx.store.reader.documents.search(kind, filter);
}

/** An object with due timers applied first (as an API read does), its merchant and its clock. */
export async function consoleObject<K extends DocumentKind>(
  ctx: AppContext,
  kind: K,
  id: string,
): Promise<{ doc: Documents[K]; now: Instant; merchant: Merchant }> {
  const found = await ctx.store.reader.documents.get(kind, id);
  if (!found) throw notFound(kind, id);
  const merchant = await merchantOrFail(ctx, found.merchantId);
  const { doc, now } = await readOwned(ctx, consoleCaller(merchant, found.environment), kind, id);
  return { doc, now, merchant };
}

export interface TimelineSources {
  readonly calls: RequestLogEntry[];
  readonly notifications: NotificationRecord[];
  readonly attempts: IpnAttempt[];
}

/** What touched an object: API calls (request log), its notifications and their delivery attempts. */
export async function objectHistory(ctx: AppContext, merchantId: string, id: string): Promise<TimelineSources> {
  const reader = ctx.store.reader;
  const calls = await reader.requestLog.list({ objectId: id, limit: 200 });
  const notifications = await reader.notifications.ofMerchant(merchantId, { objectId: id, limit: 200 });
  const attempts: IpnAttempt[] = [];
  for (const n of notifications) {
    attempts.push(
      ...(await reader.notifications.attemptsOf(merchantId, { notificationId: n.notificationId, limit: 20 })),
    );
  }
  return { calls, notifications, attempts };
}

/** Every console action on objects: Live objects are read-only in the console. */
function requireSandboxObject(environment: Environment): void {
  if (environment !== 'Sandbox') {
    throw new ApiError('UnauthorizedAccess', 'Live objects are read-only in the console.');
  }
}

export async function advanceConsoleClock(ctx: AppContext, merchantId: string, seconds: number): Promise<Instant> {
  if (!Number.isFinite(seconds) || seconds <= 0 || seconds > 400 * 86_400) {
    throw new ApiError('InvalidParameterValue', 'The clock moves forward by 1 second to 400 days.');
  }
  const merchant = await merchantOrFail(ctx, merchantId);
  return advanceClock(ctx, consoleCaller(merchant, 'Sandbox'), seconds);
}

export function testBuyersFor(ctx: AppContext, merchant: Merchant) {
  return testBuyersWithWallets(ctx, marketplaceOf(merchant.region));
}

export type BuyerAction =
  | {
      readonly kind: 'consent';
      readonly buyerEmail?: string;
      readonly shippingAddressId?: string;
      readonly paymentMethodId?: string;
    }
  | { readonly kind: 'process' }
  | { readonly kind: 'decline' }
  | { readonly kind: 'cancel' };

/** Acts as the buyer on an open Sandbox checkout: the testing endpoints' use cases, with the console as caller. */
export async function actAsBuyer(ctx: AppContext, checkoutSessionId: string, action: BuyerAction): Promise<void> {
  const found = await ctx.store.reader.documents.get('checkoutSession', checkoutSessionId);
  if (!found) throw notFound('Checkout Session', checkoutSessionId);
  requireSandboxObject(found.environment);
  const caller = consoleCaller(await merchantOrFail(ctx, found.merchantId), 'Sandbox');
  switch (action.kind) {
    case 'consent':
      await buyerConsent(ctx, caller, checkoutSessionId, {
        ...(action.buyerEmail ? { buyerEmail: action.buyerEmail } : {}),
        ...(action.shippingAddressId ? { shippingAddressId: action.shippingAddressId } : {}),
        ...(action.paymentMethodId ? { paymentMethodId: action.paymentMethodId } : {}),
      });
      return;
    case 'process':
      await processPaymentForTest(ctx, caller, checkoutSessionId, undefined);
      return;
    case 'decline':
      await processPaymentForTest(ctx, caller, checkoutSessionId, { kind: 'CancelCheckout', reason: 'Declined' });
      return;
    case 'cancel':
      await cancelAsBuyer(ctx, caller, checkoutSessionId);
      return;
  }
}

export async function replayForConsole(ctx: AppContext, notificationId: string): Promise<NotificationRecord> {
  const n = await ctx.store.reader.notifications.get(notificationId);
  if (!n) throw new ApiError('ResourceNotFound', `Notification ${notificationId} does not exist.`);
  requireSandboxObject(n.environment);
  return replayNotification(ctx, notificationId);
}

/**
 * Deletes a merchant's Sandbox objects, timers, notifications, delivery log, idempotency keys and request log;
 * the merchant, its keys, stores, endpoints and clock stay.
 */
export async function resetSandbox(ctx: AppContext, merchantId: string): Promise<void> {
  await merchantOrFail(ctx, merchantId);
  await ctx.requestLog?.flush();
  await inTransaction(ctx, async (tx) => {
    await tx.documents.removeAllOf(merchantId, 'Sandbox');
    await tx.notifications.removeAllOf(merchantId, 'Sandbox');
    await tx.idempotency.removeAllOf(merchantId, 'Sandbox');
    await tx.requestLog.removeOf(merchantId, 'Sandbox');
  });
}

// ---------------------------------------------------------------- disputes, reports, the ledger (issues 12, 13)

/** A dispute's evidence files as the merchant uploaded them (metadata; the bytes come from `evidenceFileContent`). */
export async function evidenceFilesOf(
  ctx: AppContext,
  dispute: Documents['dispute'],
): Promise<{ fileId: string; evidenceType: string; file: EvidenceFile | undefined }[]> {
  const out = [];
  for (const e of dispute.evidences) {
    if (e.fileId === null) continue;
    const stored = await ctx.store.reader.files.get(e.fileId);
    out.push({ fileId: e.fileId, evidenceType: e.evidenceType, file: stored?.file });
  }
  return out;
}

/** An uploaded evidence file's bytes, for the console's download link. */
export async function evidenceFileContent(
  ctx: AppContext,
  fileId: string,
): Promise<{ file: EvidenceFile; content: Uint8Array }> {
  const stored = await ctx.store.reader.files.get(fileId);
  const content = stored && (await ctx.store.reader.files.content(fileId));
  if (!stored || !content) throw new ApiError('ResourceNotFound', `File ${fileId} was not found or not uploaded.`);
  return { file: stored.file, content };
}

export function searchReports(ctx: AppContext, filter: ReportSearch): Promise<Report[]> {
  return ctx.store.reader.reports.search(filter);
}

/** A report as Get Report answers it (finished first when its processing time has passed), and its merchant. */
export async function consoleReport(ctx: AppContext, reportId: string): Promise<{ report: Report; now: Instant }> {
  const found = (await ctx.store.reader.reports.search({ id: reportId, limit: 1 }))[0];
  if (!found) throw notFound('Report', reportId);
  const merchant = await merchantOrFail(ctx, found.merchantId);
  const report = await readReport(ctx, consoleCaller(merchant, found.environment), reportId);
  return { report, now: nowFor(ctx, merchant, found.environment) };
}

/** The file of a finished report (what Get Report Document's URL serves). */
export async function reportFile(ctx: AppContext, reportId: string): Promise<{ fileName: string; content: string }> {
  const { report } = await consoleReport(ctx, reportId);
  const document = report.reportDocumentId && (await ctx.store.reader.reports.document(report.reportDocumentId));
  if (!document) throw new ApiError('ResourceNotFound', `Report ${reportId} has no document (yet).`);
  return { fileName: `${report.reportId}.csv`, content: document.content };
}

export interface ChargePermissionBooks {
  readonly trackers: DeliveryTrackerRecord[];
  /** Every ledger entry of its charges (captures, fees, refunds, chargebacks), oldest first. */
  readonly entries: LedgerEntry[];
  /** Their sum in the ledger currency (minor units), or null when there is none. */
  readonly total: Money | null;
}

/** What the charge permission's page shows beside its JSON: delivery trackers and the ledger. */
export async function chargePermissionBooks(
  ctx: AppContext,
  chargePermissionId: string,
): Promise<ChargePermissionBooks> {
  const { doc, merchant } = await consoleObject(ctx, 'chargePermission', chargePermissionId);
  const trackers = await deliveryTrackersOf(ctx, consoleCaller(merchant, doc.environment), chargePermissionId);
  const entries: LedgerEntry[] = [];
  for (const charge of await ctx.store.reader.documents.chargesOfPermission(chargePermissionId)) {
    entries.push(...(await ctx.store.reader.ledger.entriesOfCharge(charge.chargeId)));
  }
  entries.sort((a, b) => a.occurredAt - b.occurredAt);
  const first = entries[0];
  const total = first
    ? money(
        entries.reduce((sum, e) => sum + e.amount, 0),
        first.currencyCode,
      )
    : null;
  return { trackers, entries, total };
}

/** The merchant's last payouts (newest first) in each environment over the last 90 days of its clock. */
export async function recentDisbursements(
  ctx: AppContext,
  merchantId: string,
): Promise<(Disbursement & { environment: Environment })[]> {
  const merchant = await merchantOrFail(ctx, merchantId);
  const out: (Disbursement & { environment: Environment })[] = [];
  for (const environment of ['Sandbox', 'Live'] as const) {
    const now = nowFor(ctx, merchant, environment);
    const { disbursements } = await listDisbursements(ctx, consoleCaller(merchant, environment), {
      startTime: now - 90 * DAY,
      pageSize: 1000,
      offset: 0,
    });
    out.push(...disbursements.slice(-10).map((d) => ({ ...d, environment })));
  }
  return out.sort((a, b) => b.transactionTime - a.transactionTime);
}

// ---------------------------------------------------------------- partners (issue 13)

export async function consolePartners(ctx: AppContext): Promise<Merchant[]> {
  return (await ctx.store.reader.merchants.list(500)).filter((m) => m.kind === 'partner');
}

async function partnerOrFail(ctx: AppContext, partnerId: string): Promise<Merchant> {
  const partner = await ctx.store.reader.merchants.get(partnerId);
  if (partner?.kind !== 'partner') throw new ApiError('ResourceNotFound', `Partner ${partnerId} does not exist.`);
  return partner;
}

/** A partner, its keys, the merchant accounts it onboarded and the grants it holds (as `reji partner` shows). */
export async function partnerDetail(ctx: AppContext, partnerId: string) {
  const partner = await partnerOrFail(ctx, partnerId);
  return {
    partner,
    keys: await ctx.store.reader.merchants.publicKeysOf(partnerId),
    accounts: await merchantAccountsOf(ctx, partnerId),
    delegations: await delegationsOf(ctx, { partnerId }),
  };
}

/** A key pair of a partner (`reji partner keys create`): refused for an account that is not a partner. */
export async function createPartnerKeyPair(ctx: AppContext, partnerId: string, environment: Environment) {
  await partnerOrFail(ctx, partnerId);
  return createKeyPair(ctx, { merchantId: partnerId, environment, legacy: false });
}

// ---------------------------------------------------------------- in-store (issue 13)

/** The state the console shows for an in-store record (a scan has none of its own: it is a charge permission). */
export const IN_STORE_STATES = { scan: 'Scanned', charge: 'Completed', refund: 'Pending' } as const;

export function searchInStore(ctx: AppContext, filter: DocumentFilter): Promise<InStoreEntry[]> {
  const kinds =
    filter.state === undefined
      ? undefined
      : (Object.keys(IN_STORE_STATES) as (keyof typeof IN_STORE_STATES)[]).filter(
          (k) => IN_STORE_STATES[k] === filter.state,
        );
  return ctx.store.reader.inStore.search({
    merchantId: filter.merchantId,
    environment: filter.environment,
    id: filter.id,
    kinds,
    referenceId: filter.merchantReferenceId,
    createdFrom: filter.createdFrom,
    createdTo: filter.createdTo,
    limit: filter.limit,
  });
}

export async function consoleInStore(ctx: AppContext, id: string): Promise<InStoreEntry> {
  const [found] = await ctx.store.reader.inStore.search({ id, limit: 1 });
  if (!found) throw notFound('In-store transaction', id);
  return found;
}

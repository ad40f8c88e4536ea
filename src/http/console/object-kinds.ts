import {
  consoleObject,
  documentId,
  searchDocuments,
  type DocumentFilter,
  type DocumentKind,
} from '../../app/console.js';
import type { AppContext } from '../../app/context.js';
import type { Environment } from '../../domain/environment.js';
import type { Instant } from '../../domain/time.js';
import { wireCharge, wireChargePermission, wireCheckoutSession, wireRefund } from '../wire-mapping.js';

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
  };
}

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
];

export function objectKind(slug: string | null | undefined): ConsoleObjectKind | undefined {
  return OBJECT_KINDS.find((k) => k.slug === slug);
}

import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Lang } from './i18n.js';
import type { Line } from './pricing.js';

/**
 * The shop's own orders, keyed by checkoutSessionId, in one JSON file in the shop's data directory.
 * An order is created when the review page is first shown for a checkout session, so the result page
 * (even up to 24 hours later) completes the right order.
 */
export const ORDER_STATUSES = ['pending', 'authorized', 'captured', 'refunded', 'canceled', 'declined'] as const;
export type OrderStatus = (typeof ORDER_STATUSES)[number];

export interface OrderAddress {
  readonly name: string | null;
  readonly postalCode: string | null;
  readonly stateOrRegion: string | null;
  readonly city: string | null;
  readonly addressLine1: string | null;
  readonly addressLine2: string | null;
  readonly addressLine3: string | null;
  readonly countryCode: string | null;
  readonly phoneNumber: string | null;
}

export interface OrderRefund {
  readonly refundId: string;
  readonly amount: number;
  /** RefundInitiated, Refunded or Declined. */
  readonly state: string;
  readonly createdAt: string;
}

/** A tracking number sent to Amazon Pay (Create Delivery Tracker) when the order was marked shipped. */
export interface OrderShipment {
  readonly trackingNumber: string;
  readonly carrierCode: string;
  readonly shippedAt: string;
}

/** The carriers the admin offers (codes from Amazon Pay's carrier list). */
export const SHIPPING_CARRIERS = [
  { code: 'TAQBIN_JP', name: 'ヤマト運輸 / Yamato' },
  { code: 'SAGAWA', name: '佐川急便 / Sagawa' },
  { code: 'JAPAN_POST', name: '日本郵便 / Japan Post' },
  { code: 'SEINO', name: '西濃運輸 / Seino' },
] as const;

export interface Order {
  /** Our order number, sent as `merchantMetadata.merchantReferenceId`. */
  readonly orderId: string;
  readonly checkoutSessionId: string;
  /** SHA-256 of the shop session that started it: only that browser sees the buyer's data. */
  readonly owner: string;
  readonly status: OrderStatus;
  readonly lang: Lang;
  readonly createdAt: string;
  readonly updatedAt: string;
  readonly lines: readonly Line[];
  readonly couponCode: string | null;
  readonly subtotal: number;
  readonly discount: number;
  readonly shipping: number;
  readonly total: number;
  /** The amount sent with Update Checkout Session when 注文確定 was pressed; Complete must repeat it. */
  readonly placedAmount: number | null;
  readonly placedAt: string | null;
  readonly buyerName: string | null;
  readonly buyerEmail: string | null;
  readonly shippingAddress: OrderAddress | null;
  readonly paymentDescriptor: string | null;
  readonly chargePermissionId: string | null;
  readonly chargeId: string | null;
  /** The charge's state as Amazon Pay last told us. */
  readonly chargeState: string | null;
  readonly capturedAmount: number;
  readonly refunds: readonly OrderRefund[];
  readonly completedAt: string | null;
  /** Why the payment did not go through (`Declined`, `BuyerCanceled`, `AmountMismatch`, …). */
  readonly failureReason: string | null;
  /** Absent on orders saved before shipping existed. */
  readonly shipments?: readonly OrderShipment[];
}

/** Refunds that count against the captured amount (not declined ones). */
export function refundedAmount(order: Pick<Order, 'refunds'>): number {
  return order.refunds.filter((r) => r.state !== 'Declined').reduce((sum, r) => sum + r.amount, 0);
}

/** The order status that follows from the charge and refunds Amazon Pay reported. */
export function statusFromCharge(order: Order): OrderStatus {
  switch (order.chargeState) {
    case null:
      return order.status;
    case 'AuthorizationInitiated':
    case 'Authorized':
      return 'authorized';
    case 'CaptureInitiated':
    case 'Captured':
      return order.capturedAmount > 0 && refundedAmount(order) >= order.capturedAmount ? 'refunded' : 'captured';
    case 'Canceled':
      return 'canceled';
    case 'Declined':
      return 'declined';
    default:
      return order.status;
  }
}

/** A new order with what the shop knows before Amazon Pay's answers: no buyer, no charge, nothing refunded. */
export function newOrder(
  now: Date,
  known: Pick<
    Order,
    'checkoutSessionId' | 'owner' | 'lang' | 'lines' | 'subtotal' | 'discount' | 'shipping' | 'total'
  > &
    Partial<Pick<Order, 'placedAmount' | 'placedAt'>>,
): Order {
  return {
    orderId: newOrderId(now),
    checkoutSessionId: known.checkoutSessionId,
    owner: known.owner,
    status: 'pending',
    lang: known.lang,
    createdAt: now.toISOString(),
    updatedAt: now.toISOString(),
    lines: known.lines,
    couponCode: null,
    subtotal: known.subtotal,
    discount: known.discount,
    shipping: known.shipping,
    total: known.total,
    placedAmount: known.placedAmount ?? null,
    placedAt: known.placedAt ?? null,
    buyerName: null,
    buyerEmail: null,
    shippingAddress: null,
    paymentDescriptor: null,
    chargePermissionId: null,
    chargeId: null,
    chargeState: null,
    capturedAmount: 0,
    refunds: [],
    completedAt: null,
    failureReason: null,
  };
}

function newOrderId(now: Date): string {
  const day = now.toISOString().slice(0, 10).replace(/-/g, '');
  return `R${day}-${randomBytes(4).toString('hex').toUpperCase()}`;
}

interface OrderFile {
  readonly version: 1;
  readonly orders: Order[];
}

export class OrderStore {
  readonly #file: string;
  readonly #orders = new Map<string, Order>();
  #writes: Promise<void> = Promise.resolve();
  readonly #locks = new Map<string, Promise<unknown>>();

  constructor(dataDir: string) {
    mkdirSync(dataDir, { recursive: true });
    this.#file = join(dataDir, 'orders.json');
    if (existsSync(this.#file)) {
      const data = JSON.parse(readFileSync(this.#file, 'utf8')) as OrderFile;
      for (const order of data.orders) this.#orders.set(order.checkoutSessionId, order);
    }
  }

  get(checkoutSessionId: string): Order | undefined {
    return this.#orders.get(checkoutSessionId);
  }

  /** Newest first. */
  list(): Order[] {
    return [...this.#orders.values()].sort((a, b) =>
      a.createdAt < b.createdAt ? 1 : a.createdAt > b.createdAt ? -1 : 0,
    );
  }

  async put(order: Order): Promise<Order> {
    const saved = { ...order, updatedAt: new Date().toISOString() };
    this.#orders.set(order.checkoutSessionId, saved);
    await this.#persist();
    return saved;
  }

  /**
   * Runs `fn` alone for one checkout session, so a reload racing the first request cannot
   * complete or capture the same order twice in this process.
   */
  async exclusive<T>(checkoutSessionId: string, fn: () => Promise<T>): Promise<T> {
    const previous = this.#locks.get(checkoutSessionId) ?? Promise.resolve();
    const run = previous.then(fn, fn);
    const tail = run.catch(() => undefined);
    this.#locks.set(checkoutSessionId, tail);
    try {
      return await run;
    } finally {
      if (this.#locks.get(checkoutSessionId) === tail) this.#locks.delete(checkoutSessionId);
    }
  }

  /** Writes the whole file atomically (temp file + rename), one write at a time. */
  #persist(): Promise<void> {
    const write = () => {
      const data: OrderFile = { version: 1, orders: [...this.#orders.values()] };
      const tmp = `${this.#file}.${process.pid}.tmp`;
      writeFileSync(tmp, `${JSON.stringify(data, null, 2)}\n`, { mode: 0o600 });
      renameSync(tmp, this.#file);
    };
    this.#writes = this.#writes.then(write, write);
    return this.#writes;
  }
}

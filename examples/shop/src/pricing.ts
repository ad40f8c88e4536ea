import { PRODUCTS, productById } from './catalog.js';

/**
 * Cart and order arithmetic in integer yen (JPY has no minor unit); never floats.
 * Shipping: ¥500, free when the goods come to ¥5,000 or more before any coupon.
 */
export const SHIPPING_FEE = 500;
export const FREE_SHIPPING_FROM = 5000;
export const MAX_QUANTITY = 10;

/** productId -> quantity (1..MAX_QUANTITY). */
export type CartItems = Readonly<Record<string, number>>;

export interface Line {
  readonly productId: string;
  readonly unitPrice: number;
  readonly quantity: number;
  readonly amount: number;
}

export interface Totals {
  readonly lines: readonly Line[];
  readonly subtotal: number;
  readonly discount: number;
  readonly shipping: number;
  readonly total: number;
  readonly coupon: Coupon | null;
}

export type Coupon =
  | { readonly code: string; readonly kind: 'percent'; readonly percent: number; readonly minimum: number }
  | { readonly code: string; readonly kind: 'fixed'; readonly amount: number; readonly minimum: number };

export const COUPONS: readonly Coupon[] = [
  { code: 'WELCOME10', kind: 'percent', percent: 10, minimum: 0 },
  { code: 'SENCHA500', kind: 'fixed', amount: 500, minimum: 3000 },
];

export type CouponVerdict =
  | { readonly ok: true; readonly coupon: Coupon }
  | {
      readonly ok: false;
      readonly error: 'couponEmpty' | 'couponUnknown' | 'couponMinimum';
      readonly minimum?: number;
    };

/** Checks a code the buyer typed (trimmed, case-insensitive) against the goods' subtotal. */
export function checkCoupon(input: string, subtotal: number): CouponVerdict {
  const code = input.trim().toUpperCase();
  if (code === '') return { ok: false, error: 'couponEmpty' };
  const coupon = COUPONS.find((c) => c.code === code);
  if (!coupon) return { ok: false, error: 'couponUnknown' };
  if (subtotal < coupon.minimum) return { ok: false, error: 'couponMinimum', minimum: coupon.minimum };
  return { ok: true, coupon };
}

/** The discount in yen, rounded down so the buyer is never charged a fraction and never more than the goods. */
export function discountOf(coupon: Coupon, subtotal: number): number {
  const d = coupon.kind === 'percent' ? Math.floor((subtotal * coupon.percent) / 100) : coupon.amount;
  return Math.min(d, subtotal);
}

export function shippingOf(subtotal: number): number {
  return subtotal === 0 || subtotal >= FREE_SHIPPING_FROM ? 0 : SHIPPING_FEE;
}

/** Known products only, quantities clamped to 1..MAX_QUANTITY, in catalogue order. */
export function normalizeCart(items: Readonly<Record<string, unknown>>): Record<string, number> {
  const out: Record<string, number> = {};
  for (const p of PRODUCTS) {
    const q = items[p.id];
    if (typeof q === 'number' && Number.isSafeInteger(q) && q > 0) out[p.id] = Math.min(q, MAX_QUANTITY);
  }
  return out;
}

/** A quantity typed into a form: a whole number 0..MAX_QUANTITY, or null. */
export function parseQuantity(text: string | undefined): number | null {
  if (text === undefined || !/^\s*\d{1,3}\s*$/.test(text)) return null;
  const n = Number(text.trim());
  return n <= MAX_QUANTITY ? n : null;
}

/** The lines of a cart at today's catalogue prices. */
export function linesOf(items: CartItems): Line[] {
  return Object.entries(normalizeCart(items)).map(([productId, quantity]) => {
    const unitPrice = productById(productId)!.price;
    return { productId, unitPrice, quantity, amount: unitPrice * quantity };
  });
}

/** Totals of some lines, with an optional coupon that is dropped if it does not apply. */
export function totalsOfLines(lines: readonly Line[], couponCode: string | null = null): Totals {
  const subtotal = lines.reduce((sum, l) => sum + l.amount, 0);
  const verdict = couponCode === null ? null : checkCoupon(couponCode, subtotal);
  const coupon = verdict?.ok ? verdict.coupon : null;
  const discount = coupon ? discountOf(coupon, subtotal) : 0;
  const shipping = shippingOf(subtotal);
  return { lines, subtotal, discount, shipping, total: subtotal - discount + shipping, coupon };
}

/** Totals of a cart. */
export function totalsOf(items: CartItems, couponCode: string | null = null): Totals {
  return totalsOfLines(linesOf(items), couponCode);
}

/** A JPY amount from the wire (`"1980"`) as integer yen, or null. */
export function parseYen(amount: string | null | undefined): number | null {
  if (typeof amount !== 'string') return null;
  const m = /^(\d{1,12})(?:\.0+)?$/.exec(amount);
  return m ? Number(m[1]) : null;
}

/** `1980` -> `¥1,980` (integer yen only). */
export function yen(amount: number): string {
  if (!Number.isSafeInteger(amount)) throw new RangeError(`not an integer amount of yen: ${amount}`);
  const sign = amount < 0 ? '-' : '';
  return `${sign}¥${String(Math.abs(amount)).replace(/\B(?=(\d{3})+(?!\d))/g, ',')}`;
}

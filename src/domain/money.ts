import { fail, ok, type Result } from './errors.js';

/** Every currency reji knows: the four ledger currencies and the EU/UK multi-currency presentment list. */
export const CURRENCIES = {
  USD: { decimals: 2 },
  EUR: { decimals: 2 },
  GBP: { decimals: 2 },
  JPY: { decimals: 0 },
  AUD: { decimals: 2 },
  CHF: { decimals: 2 },
  DKK: { decimals: 2 },
  HKD: { decimals: 2 },
  NOK: { decimals: 2 },
  NZD: { decimals: 2 },
  SEK: { decimals: 2 },
  ZAR: { decimals: 2 },
} as const satisfies Record<string, { decimals: 0 | 2 }>;

export type CurrencyCode = keyof typeof CURRENCIES;

export function isCurrencyCode(value: unknown): value is CurrencyCode {
  return typeof value === 'string' && Object.hasOwn(CURRENCIES, value);
}

/** An amount in integer minor units (cents, yen) of one currency. Never a float. */
export interface Money {
  readonly minor: number;
  readonly currency: CurrencyCode;
}

export function money(minor: number, currency: CurrencyCode): Money {
  if (!Number.isSafeInteger(minor)) throw new RangeError(`minor units must be a safe integer, got ${minor}`);
  return { minor, currency };
}

/** Whole units as minor units, for tables of limits: `major(150_000, 'USD')` is 15,000,000 cents. */
export function major(units: number, currency: CurrencyCode): Money {
  return money(units * 10 ** CURRENCIES[currency].decimals, currency);
}

const DECIMAL = /^(\d+)(?:\.(\d*))?$/;

/**
 * Parses the wire's decimal amount (a JSON string such as "15.00", or a JSON number such as 50) exactly.
 * One rule (docs/decisions.md, Money): digits only, no whitespace, no sign, no exponent, no leading zeros
 * ("0" and "0.50" are fine); JPY without a decimal point; other currencies at most two decimals. A JSON
 * number is read as its shortest decimal form (`100.0` is the number 100). Zero and negatives are refused.
 * `path` names the field in error messages.
 */
export function parseAmount(
  raw: unknown,
  currency: CurrencyCode,
  path: string,
  options: { readonly allowZero?: boolean } = {},
): Result<Money> {
  const invalid = (why: string) => fail('InvalidParameterValue', `The value provided for ${path} is invalid. ${why}`);
  let text: string;
  if (typeof raw === 'string') text = raw;
  else if (typeof raw === 'number' && Number.isFinite(raw)) text = numberToPlainString(raw);
  else return invalid('Expected a decimal amount such as "10.00".');
  if (/\s/.test(text)) return invalid(`"${truncate(text)}" contains whitespace; send digits only, e.g. "10.00".`);
  const m = DECIMAL.exec(text);
  if (!m) return invalid(`"${truncate(text)}" is not a positive decimal amount such as "10.00".`);
  const [, whole = '', fraction] = m;
  if (whole.length > 1 && whole.startsWith('0'))
    return invalid(
      `"${truncate(text)}" has a leading zero; write "${whole.replace(/^0+(?=\d)/, '')}${fraction === undefined ? '' : `.${fraction}`}".`,
    );
  const decimals = CURRENCIES[currency].decimals;
  if (fraction !== undefined && decimals === 0)
    return invalid(`${currency} amounts have no decimal places: send "${truncate(text)}" without a decimal point.`);
  if (fraction === '') return invalid(`"${truncate(text)}" ends with a decimal point.`);
  if (fraction !== undefined && fraction.length > decimals)
    return invalid(`${currency} amounts have at most ${decimals} decimal places; got "${truncate(text)}".`);
  if (whole.length > 13) return invalid('The amount is too large.');
  const minor = Number(whole) * 10 ** decimals + Number((fraction ?? '').padEnd(decimals, '0') || '0');
  // Buy Now carts may hold zero amounts (free shipping, no tax); every other amount must be positive.
  if (minor < 0 || (minor === 0 && !options.allowZero)) return invalid('The amount must be greater than zero.');
  return ok(money(minor, currency));
}

function numberToPlainString(n: number): string {
  // Numbers like 1e21 or 1e-7 have no exact plain form we accept; toString is exact for the rest.
  const s = String(n);
  return /e/i.test(s) ? 'invalid' : s;
}

function truncate(s: string): string {
  return s.length > 40 ? `${s.slice(0, 40)}...` : s;
}

/** Formats minor units back to the wire: "15.00" for USD, "500" for JPY. */
export function formatAmount(m: Money): string {
  const decimals = CURRENCIES[m.currency].decimals;
  const sign = m.minor < 0 ? '-' : '';
  const digits = String(Math.abs(m.minor));
  if (decimals === 0) return sign + digits;
  const padded = digits.padStart(decimals + 1, '0');
  return `${sign}${padded.slice(0, -decimals)}.${padded.slice(-decimals)}`;
}

function sameCurrency(a: Money, b: Money): void {
  if (a.currency !== b.currency) throw new TypeError(`currency mismatch: ${a.currency} and ${b.currency}`);
}

export function add(a: Money, b: Money): Money {
  sameCurrency(a, b);
  return money(a.minor + b.minor, a.currency);
}

export function subtract(a: Money, b: Money): Money {
  sameCurrency(a, b);
  return money(a.minor - b.minor, a.currency);
}

export function compare(a: Money, b: Money): -1 | 0 | 1 {
  sameCurrency(a, b);
  return a.minor < b.minor ? -1 : a.minor > b.minor ? 1 : 0;
}

export function zero(currency: CurrencyCode): Money {
  return money(0, currency);
}

export function min(a: Money, b: Money): Money {
  return compare(a, b) <= 0 ? a : b;
}

export function max(a: Money, b: Money): Money {
  return compare(a, b) >= 0 ? a : b;
}

/** `percent` of an amount, rounded down to whole minor units (integer arithmetic only). */
export function percentOf(m: Money, percent: number): Money {
  return money(Math.floor((m.minor * percent) / 100), m.currency);
}

export function equals(a: Money, b: Money): boolean {
  return a.currency === b.currency && a.minor === b.minor;
}

export function display(m: Money): string {
  return `${formatAmount(m)} ${m.currency}`;
}

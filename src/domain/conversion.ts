import { CURRENCIES, money, type CurrencyCode, type Money } from './money.js';

/**
 * Fixed sandbox exchange rates for multi-currency (EU/UK) charges, as units of the currency per 1 EUR,
 * in millionths. Amazon reports a real rate; reji reports these so that convertedAmount is stable in tests.
 */
const PER_EUR_MICRO: Readonly<Record<CurrencyCode, bigint>> = {
  EUR: 1_000_000n,
  USD: 1_080_000n,
  GBP: 850_000n,
  JPY: 160_000_000n,
  AUD: 1_650_000n,
  CHF: 950_000n,
  DKK: 7_460_000n,
  HKD: 8_450_000n,
  NOK: 11_500_000n,
  NZD: 1_800_000n,
  SEK: 11_300_000n,
  ZAR: 20_000_000n,
};

/** Units of `presentment` per one unit of `ledger`, in millionths. */
export function rateMicro(ledger: CurrencyCode, presentment: CurrencyCode): bigint {
  if (ledger === presentment) return 1_000_000n;
  return (PER_EUR_MICRO[presentment] * 1_000_000n) / PER_EUR_MICRO[ledger];
}

/** The amount in the ledger currency, rounded half up to its minor unit (integer arithmetic only). */
export function toLedger(amount: Money, ledger: CurrencyCode): Money {
  const rate = rateMicro(ledger, amount.currency);
  const num = BigInt(amount.minor) * 10n ** BigInt(CURRENCIES[ledger].decimals) * 1_000_000n;
  const den = 10n ** BigInt(CURRENCIES[amount.currency].decimals) * rate;
  return money(Number((num * 2n + den) / (2n * den)), ledger);
}

/** The rate as the decimal string Amazon's `conversionRate` carries, e.g. "1.08". */
export function formatRate(ledger: CurrencyCode, presentment: CurrencyCode): string {
  const micro = rateMicro(ledger, presentment);
  const whole = micro / 1_000_000n;
  const fraction = (micro % 1_000_000n).toString().padStart(6, '0').replace(/0+$/, '');
  return fraction === '' ? `${whole}.0` : `${whole}.${fraction}`;
}

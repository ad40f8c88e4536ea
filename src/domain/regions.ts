import type { CurrencyCode } from './money.js';

/** The regions a merchant account can belong to (the `--region` of `reji merchant create`). */
export const REGIONS = ['jp', 'us', 'uk', 'de', 'eu'] as const;
export type Region = (typeof REGIONS)[number];

/** The value of the signed `x-amz-pay-region` header: V2 knows only these three. */
export type ApiRegion = 'na' | 'eu' | 'jp';

export const CHECKOUT_LANGUAGES = ['en_US', 'en_GB', 'de_DE', 'fr_FR', 'it_IT', 'es_ES', 'ja_JP'] as const;
export type CheckoutLanguage = (typeof CHECKOUT_LANGUAGES)[number];

export interface RegionInfo {
  readonly apiRegion: ApiRegion;
  readonly ledgerCurrency: CurrencyCode;
  /** Amazon's API host for the region, for reference and for the SDK's defaults. */
  readonly amazonApiHost: string;
  readonly languages: readonly CheckoutLanguage[];
  readonly defaultLanguage: CheckoutLanguage;
  /** Country of the region's test buyers and default addresses. */
  readonly country: string;
  /** EU and UK ledgers may present other currencies (multi-currency). */
  readonly multiCurrency: boolean;
}

export const REGION_INFO: Readonly<Record<Region, RegionInfo>> = {
  jp: {
    apiRegion: 'jp',
    ledgerCurrency: 'JPY',
    amazonApiHost: 'pay-api.amazon.jp',
    languages: ['ja_JP'],
    defaultLanguage: 'ja_JP',
    country: 'JP',
    multiCurrency: false,
  },
  us: {
    apiRegion: 'na',
    ledgerCurrency: 'USD',
    amazonApiHost: 'pay-api.amazon.com',
    languages: ['en_US'],
    defaultLanguage: 'en_US',
    country: 'US',
    multiCurrency: false,
  },
  uk: {
    apiRegion: 'eu',
    ledgerCurrency: 'GBP',
    amazonApiHost: 'pay-api.amazon.eu',
    languages: ['en_GB'],
    defaultLanguage: 'en_GB',
    country: 'GB',
    multiCurrency: true,
  },
  de: {
    apiRegion: 'eu',
    ledgerCurrency: 'EUR',
    amazonApiHost: 'pay-api.amazon.eu',
    languages: ['de_DE', 'en_GB', 'fr_FR', 'it_IT', 'es_ES'],
    defaultLanguage: 'de_DE',
    country: 'DE',
    multiCurrency: true,
  },
  eu: {
    apiRegion: 'eu',
    ledgerCurrency: 'EUR',
    amazonApiHost: 'pay-api.amazon.eu',
    languages: ['de_DE', 'en_GB', 'fr_FR', 'it_IT', 'es_ES'],
    defaultLanguage: 'en_GB',
    country: 'DE',
    multiCurrency: true,
  },
};

export function isRegion(value: unknown): value is Region {
  return typeof value === 'string' && (REGIONS as readonly string[]).includes(value);
}

/** Accepts what the SDKs send (`na`, `eu`, `jp`) and the legacy aliases (`us`, `de`, `uk`), any case. */
export function apiRegionOf(headerValue: string): ApiRegion | undefined {
  switch (headerValue.trim().toLowerCase()) {
    case 'na':
    case 'us':
      return 'na';
    case 'eu':
    case 'de':
    case 'uk':
      return 'eu';
    case 'jp':
      return 'jp';
    default:
      return undefined;
  }
}

export function isCheckoutLanguage(value: unknown): value is CheckoutLanguage {
  return typeof value === 'string' && (CHECKOUT_LANGUAGES as readonly string[]).includes(value);
}

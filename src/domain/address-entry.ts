import type { Address } from './shared-types.js';

/** The 47 prefectures in their usual (north to south) order, for the Japanese address form. */
export const JP_PREFECTURES = [
  '北海道',
  '青森県',
  '岩手県',
  '宮城県',
  '秋田県',
  '山形県',
  '福島県',
  '茨城県',
  '栃木県',
  '群馬県',
  '埼玉県',
  '千葉県',
  '東京都',
  '神奈川県',
  '新潟県',
  '富山県',
  '石川県',
  '福井県',
  '山梨県',
  '長野県',
  '岐阜県',
  '静岡県',
  '愛知県',
  '三重県',
  '滋賀県',
  '京都府',
  '大阪府',
  '兵庫県',
  '奈良県',
  '和歌山県',
  '鳥取県',
  '島根県',
  '岡山県',
  '広島県',
  '山口県',
  '徳島県',
  '香川県',
  '愛媛県',
  '高知県',
  '福岡県',
  '佐賀県',
  '長崎県',
  '熊本県',
  '大分県',
  '宮崎県',
  '鹿児島県',
  '沖縄県',
] as const;

/** The countries a buyer of each marketplace may add addresses in. */
export const ADDRESS_COUNTRIES: Readonly<Record<'jp' | 'na' | 'eu', readonly string[]>> = {
  jp: ['JP'],
  na: ['US'],
  eu: ['DE', 'GB', 'FR', 'IT', 'ES', 'AT', 'NL', 'BE', 'IE', 'LU'],
};

/** What a buyer typed into the address form (every field a string, possibly empty). */
export interface AddressEntry {
  readonly name: string;
  readonly addressLine1: string;
  readonly addressLine2: string;
  readonly city: string;
  readonly stateOrRegion: string;
  readonly postalCode: string;
  readonly countryCode: string;
  readonly phoneNumber: string;
}

export type AddressField = keyof AddressEntry;
export type AddressProblem =
  | 'required'
  | 'tooLong'
  | 'invalidPostalCode'
  | 'invalidPrefecture'
  | 'invalidState'
  | 'invalidCountry'
  | 'invalidPhone';

const MAX: Readonly<Record<AddressField, number>> = {
  name: 50,
  addressLine1: 180,
  addressLine2: 60,
  city: 50,
  stateOrRegion: 50,
  postalCode: 20,
  countryCode: 2,
  phoneNumber: 20,
};

/**
 * Checks an address form the way the marketplace needs it. Japan: 〒NNN-NNNN, a prefecture, no city
 * (municipality and block number go in line 1, building in line 2). US: city, 2-letter state, ZIP.
 * Returns the stored address or the problem of each field.
 */
export function addressFromEntry(
  raw: AddressEntry,
  allowedCountries: readonly string[],
): { ok: true; address: Address } | { ok: false; problems: Partial<Record<AddressField, AddressProblem>> } {
  const e = Object.fromEntries(
    Object.entries(raw).map(([k, v]) => [k, v.normalize('NFC').trim()]),
  ) as unknown as AddressEntry;
  const country = e.countryCode.toUpperCase();
  const problems: Partial<Record<AddressField, AddressProblem>> = {};
  const required: AddressField[] = ['name', 'addressLine1', 'postalCode', 'countryCode', 'phoneNumber'];
  if (country !== 'JP') required.push('city');
  if (country === 'JP' || country === 'US') required.push('stateOrRegion');
  for (const field of Object.keys(MAX) as AddressField[]) {
    if (e[field].length > MAX[field]) problems[field] = 'tooLong';
    else if (required.includes(field) && e[field] === '') problems[field] = 'required';
  }
  if (!problems.countryCode && !allowedCountries.includes(country)) problems.countryCode = 'invalidCountry';
  let postalCode = e.postalCode.toUpperCase();
  if (!problems.postalCode && country === 'JP') {
    // Full-width digits and hyphens are common in Japanese input.
    const ascii = postalCode
      .replace(/[０-９]/g, (d) => String.fromCharCode(d.charCodeAt(0) - 0xfee0))
      .replace(/[－ー−‐]/g, '-');
    const m = /^〒?\s*(\d{3})-?(\d{4})$/.exec(ascii);
    if (m) postalCode = `${m[1]}-${m[2]}`;
    else problems.postalCode = 'invalidPostalCode';
  }
  if (!problems.postalCode && country === 'US' && !/^\d{5}(-\d{4})?$/.test(postalCode))
    problems.postalCode = 'invalidPostalCode';
  if (!problems.stateOrRegion && country === 'JP' && !(JP_PREFECTURES as readonly string[]).includes(e.stateOrRegion))
    problems.stateOrRegion = 'invalidPrefecture';
  if (!problems.stateOrRegion && country === 'US' && !/^[A-Z]{2}$/.test(e.stateOrRegion.toUpperCase()))
    problems.stateOrRegion = 'invalidState';
  if (!problems.phoneNumber && e.phoneNumber !== '' && !/^[+0-9][0-9 ()-]{5,19}$/.test(e.phoneNumber))
    problems.phoneNumber = 'invalidPhone';
  if (Object.keys(problems).length > 0) return { ok: false, problems };
  const orNull = (s: string) => (s === '' ? null : s);
  return {
    ok: true,
    address: {
      name: e.name,
      addressLine1: e.addressLine1,
      addressLine2: orNull(e.addressLine2),
      addressLine3: null,
      city: country === 'JP' ? null : orNull(e.city),
      county: null,
      district: null,
      stateOrRegion: orNull(country === 'US' ? e.stateOrRegion.toUpperCase() : e.stateOrRegion),
      postalCode,
      countryCode: country,
      phoneNumber: e.phoneNumber,
    },
  };
}

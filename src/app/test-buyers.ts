import type { ApiRegion } from '../domain/regions.js';
import type { Address } from '../domain/shared-types.js';
import { SANDBOX_CARD_BEHAVIOURS, type CardBrand, type WalletCard } from '../domain/wallet.js';
import type { BuyerRecord, StoreTx } from '../store/store.js';
import { walletOf } from './buyer-wallet.js';
import type { AppContext } from './context.js';
import { hashPassword } from './passwords.js';

/** The password of every seeded sandbox test buyer (they can also be picked with one click). */
export const TEST_BUYER_PASSWORD = 'sandbox';

interface TestBuyerSeed {
  readonly slug: string;
  readonly region: ApiRegion;
  readonly email: string;
  readonly name: string;
  readonly phoneNumber: string;
  readonly language: string;
  readonly addresses: readonly { readonly key: string; readonly address: Address }[];
}

function address(a: Partial<Address> & Pick<Address, 'name' | 'addressLine1' | 'postalCode' | 'countryCode'>): Address {
  return {
    addressLine2: null,
    addressLine3: null,
    city: null,
    county: null,
    district: null,
    stateOrRegion: null,
    phoneNumber: null,
    ...a,
  };
}

/**
 * Test buyers for every marketplace, with local addresses (Japanese ones in Japanese order and fields:
 * prefecture in stateOrRegion, the rest in addressLine1-3, no city).
 */
export const TEST_BUYERS: readonly TestBuyerSeed[] = [
  {
    slug: 'jp-taro',
    region: 'jp',
    email: 'taro.yamada@example.jp',
    name: '山田 太郎',
    phoneNumber: '090-1234-5678',
    language: 'ja_JP',
    addresses: [
      {
        key: 'home',
        address: address({
          name: '山田 太郎',
          addressLine1: '千代田区千代田1-1',
          addressLine2: 'レジハイツ101',
          stateOrRegion: '東京都',
          postalCode: '100-0001',
          countryCode: 'JP',
          phoneNumber: '090-1234-5678',
        }),
      },
      {
        key: 'work',
        address: address({
          name: '山田 太郎',
          addressLine1: '大阪市北区梅田3-1-1',
          addressLine2: 'レジタワー5階',
          stateOrRegion: '大阪府',
          postalCode: '530-0001',
          countryCode: 'JP',
          phoneNumber: '06-1234-5678',
        }),
      },
      {
        key: 'pobox',
        address: address({
          name: '山田 太郎',
          addressLine1: '中央区日本橋1-1-1',
          addressLine2: '日本橋郵便局 私書箱 第12号',
          stateOrRegion: '東京都',
          postalCode: '103-8799',
          countryCode: 'JP',
          phoneNumber: '090-1234-5678',
        }),
      },
    ],
  },
  {
    slug: 'jp-hanako',
    region: 'jp',
    email: 'hanako.sato@example.jp',
    name: '佐藤 花子',
    phoneNumber: '080-9876-5432',
    language: 'ja_JP',
    addresses: [
      {
        key: 'home',
        address: address({
          name: '佐藤 花子',
          addressLine1: '札幌市中央区北一条西2丁目1',
          addressLine2: 'さっぽろレジ 202',
          stateOrRegion: '北海道',
          postalCode: '060-0001',
          countryCode: 'JP',
          phoneNumber: '080-9876-5432',
        }),
      },
      {
        key: 'okinawa',
        address: address({
          name: '佐藤 花子',
          addressLine1: '那覇市泉崎1-2-2',
          stateOrRegion: '沖縄県',
          postalCode: '900-0021',
          countryCode: 'JP',
          phoneNumber: '080-9876-5432',
        }),
      },
    ],
  },
  {
    slug: 'us-jane',
    region: 'na',
    email: 'jane.doe@example.com',
    name: 'Jane Doe',
    phoneNumber: '+1 206 555 0100',
    language: 'en_US',
    addresses: [
      {
        key: 'home',
        address: address({
          name: 'Jane Doe',
          addressLine1: '410 Terry Ave N',
          city: 'Seattle',
          stateOrRegion: 'WA',
          postalCode: '98109',
          countryCode: 'US',
          phoneNumber: '+1 206 555 0100',
        }),
      },
      {
        key: 'pobox',
        address: address({
          name: 'Jane Doe',
          addressLine1: 'PO Box 1234',
          city: 'Anchorage',
          stateOrRegion: 'AK',
          postalCode: '99501',
          countryCode: 'US',
          phoneNumber: '+1 206 555 0100',
        }),
      },
      {
        key: 'hawaii',
        address: address({
          name: 'Jane Doe',
          addressLine1: '2255 Kalakaua Ave',
          city: 'Honolulu',
          stateOrRegion: 'HI',
          postalCode: '96815',
          countryCode: 'US',
          phoneNumber: '+1 206 555 0100',
        }),
      },
    ],
  },
  {
    slug: 'us-john',
    region: 'na',
    email: 'john.smith@example.com',
    name: 'John Smith',
    phoneNumber: '+1 312 555 0199',
    language: 'en_US',
    addresses: [
      {
        key: 'home',
        address: address({
          name: 'John Smith',
          addressLine1: '123 Main St',
          addressLine2: 'Apt 4B',
          city: 'Springfield',
          stateOrRegion: 'IL',
          postalCode: '62701',
          countryCode: 'US',
          phoneNumber: '+1 312 555 0199',
        }),
      },
    ],
  },
  {
    slug: 'de-max',
    region: 'eu',
    email: 'max.mustermann@example.de',
    name: 'Max Mustermann',
    phoneNumber: '+49 30 1234567',
    language: 'de_DE',
    addresses: [
      {
        key: 'home',
        address: address({
          name: 'Max Mustermann',
          addressLine1: 'Musterstraße 1',
          city: 'Berlin',
          postalCode: '10115',
          countryCode: 'DE',
          phoneNumber: '+49 30 1234567',
        }),
      },
      {
        key: 'packstation',
        address: address({
          name: 'Max Mustermann',
          addressLine1: 'Packstation 101',
          addressLine2: '12345678',
          city: 'München',
          postalCode: '80331',
          countryCode: 'DE',
          phoneNumber: '+49 30 1234567',
        }),
      },
    ],
  },
  {
    slug: 'uk-oliver',
    region: 'eu',
    email: 'oliver.brown@example.co.uk',
    name: 'Oliver Brown',
    phoneNumber: '+44 20 7946 0000',
    language: 'en_GB',
    addresses: [
      {
        key: 'home',
        address: address({
          name: 'Oliver Brown',
          addressLine1: '1 Example Road',
          city: 'London',
          postalCode: 'SW1A 1AA',
          countryCode: 'GB',
          phoneNumber: '+44 20 7946 0000',
        }),
      },
    ],
  },
  {
    slug: 'fr-marie',
    region: 'eu',
    email: 'marie.dupont@example.fr',
    name: 'Marie Dupont',
    phoneNumber: '+33 1 23 45 67 89',
    language: 'fr_FR',
    addresses: [
      {
        key: 'home',
        address: address({
          name: 'Marie Dupont',
          addressLine1: '12 rue de Rivoli',
          city: 'Paris',
          postalCode: '75001',
          countryCode: 'FR',
          phoneNumber: '+33 1 23 45 67 89',
        }),
      },
    ],
  },
  {
    slug: 'it-giulia',
    region: 'eu',
    email: 'giulia.rossi@example.it',
    name: 'Giulia Rossi',
    phoneNumber: '+39 06 1234 5678',
    language: 'it_IT',
    addresses: [
      {
        key: 'home',
        address: address({
          name: 'Giulia Rossi',
          addressLine1: 'Via Roma 1',
          city: 'Roma',
          stateOrRegion: 'RM',
          postalCode: '00184',
          countryCode: 'IT',
          phoneNumber: '+39 06 1234 5678',
        }),
      },
    ],
  },
  {
    slug: 'es-lucia',
    region: 'eu',
    email: 'lucia.garcia@example.es',
    name: 'Lucía García',
    phoneNumber: '+34 91 123 45 67',
    language: 'es_ES',
    addresses: [
      {
        key: 'home',
        address: address({
          name: 'Lucía García',
          addressLine1: 'Calle Mayor 1',
          city: 'Madrid',
          stateOrRegion: 'Madrid',
          postalCode: '28013',
          countryCode: 'ES',
          phoneNumber: '+34 91 123 45 67',
        }),
      },
    ],
  },
];

/** Wallet order: the first (default) card succeeds. */
const SANDBOX_CARD_ORDER = ['1111', '0005', '4444', '9424', '0000', '3064', '3434', '0701', '4354'] as const;

const CARD_BRAND_OF: Readonly<Record<string, CardBrand>> = {
  '1111': 'Visa',
  '0005': 'American Express',
  '4444': 'Mastercard',
  '9424': 'Discover',
  '0000': 'JCB',
  '3064': 'Visa',
  '3434': 'Mastercard',
  '0701': 'Visa',
  '4354': 'Mastercard',
  '3155': 'Visa',
};

/** The EU/UK marketplace's buyers also hold the card that asks for strong customer authentication (last). */
const SCA_CARD = '3155';

/** Deterministic ids, so that tests can name them: `jp-taro-home`, `jp-taro-1111`, ... */
export function testAddressId(slug: string, key: string): string {
  return `${slug}-${key}`;
}
export function testPaymentMethodId(slug: string, last4: string): string {
  return `${slug}-${last4}`;
}
export function testBuyerId(slug: string): string {
  return `amzn1.account.SANDBOX${slug
    .toUpperCase()
    .replace(/[^A-Z0-9]/g, '')
    .padEnd(21, '0')}`;
}

/** Creates the test buyers that are missing; safe to call at every start and from several processes. */
export async function ensureTestBuyers(tx: StoreTx, now: number): Promise<number> {
  let created = 0;
  let passwordHash: string | undefined;
  for (const [index, seed] of TEST_BUYERS.entries()) {
    if (await tx.buyers.get(testBuyerId(seed.slug))) continue;
    passwordHash ??= await hashPassword(TEST_BUYER_PASSWORD);
    const buyerId = testBuyerId(seed.slug);
    // Another process seeding at the same time got there first (its transaction has committed by now).
    const inserted = await tx.buyers.insert(
      {
        buyerId,
        region: seed.region,
        email: seed.email,
        name: seed.name,
        phoneNumber: seed.phoneNumber,
        passwordHash,
        isTest: true,
        // Creation order is listing order: the first buyer of a marketplace is its default.
        createdAt: now + index,
        profile: { language: seed.language, primeMembershipTypes: [] },
      },
      { ifAbsent: true },
    );
    if (!inserted) continue;
    let position = 0;
    for (const { key, address: a } of seed.addresses) {
      await tx.buyers.insertItem('address', {
        id: testAddressId(seed.slug, key),
        buyerId,
        position: position++,
        value: a,
        createdAt: now,
      });
    }
    position = 0;
    for (const last4 of seed.region === 'eu' ? [...SANDBOX_CARD_ORDER, SCA_CARD] : SANDBOX_CARD_ORDER) {
      const card: WalletCard = {
        brand: CARD_BRAND_OF[last4] ?? 'Visa',
        last4,
        holderName: seed.name,
        expiry: '12/30',
        behaviour: SANDBOX_CARD_BEHAVIOURS[last4]!,
      };
      await tx.buyers.insertItem('paymentMethod', {
        id: testPaymentMethodId(seed.slug, last4),
        buyerId,
        position: position++,
        value: card,
        createdAt: now,
      });
    }
    created++;
  }
  return created;
}

/** The sandbox test buyers of a marketplace (the sign-in page offers them with one click). */
export function testBuyersOf(ctx: AppContext, marketplace: ApiRegion): Promise<BuyerRecord[]> {
  return ctx.store.reader.buyers.ofRegion(marketplace, true);
}

/** The test buyers of a marketplace with the address and payment method ids buyerConsent takes. */
export async function testBuyersWithWallets(ctx: AppContext, marketplace: ApiRegion) {
  const out = [];
  for (const b of await testBuyersOf(ctx, marketplace)) {
    const { addresses, cards } = await walletOf(ctx, b.buyerId);
    out.push({
      buyerId: b.buyerId,
      email: b.email,
      name: b.name,
      addresses: addresses.map((a) => ({ addressId: a.id, ...a.value })),
      paymentMethods: cards.map((m) => ({
        paymentMethodId: m.id,
        brand: m.value.brand,
        last4: m.value.last4,
        behaviour: m.value.behaviour,
      })),
    });
  }
  return out;
}

import type { PaymentMethodBehaviour, PaymentMethodSnapshot } from './shared-types.js';

export const CARD_BRANDS = ['Visa', 'Mastercard', 'American Express', 'JCB', 'Discover', 'Diners Club'] as const;
export type CardBrand = (typeof CARD_BRANDS)[number];

/** A card in a buyer's wallet. The number itself is never kept, only what is shown. */
export interface WalletCard {
  readonly brand: CardBrand;
  readonly last4: string;
  readonly holderName: string;
  /** `MM/YY` */
  readonly expiry: string;
  readonly behaviour: PaymentMethodBehaviour;
}

/**
 * The simulated cards of the sandbox: what using a card ending in these digits does.
 * Any other card (a buyer's own, or Live) succeeds.
 */
export const SANDBOX_CARD_BEHAVIOURS: Readonly<Record<string, PaymentMethodBehaviour>> = {
  '1111': 'Succeeds',
  '0005': 'Succeeds',
  '4444': 'Succeeds',
  '9424': 'Succeeds',
  '0000': 'Succeeds',
  '3064': 'BuyerCancels',
  '3434': 'Declines',
  '0701': 'PendsThenAuthorizes',
  '4354': 'PendsThenHardDeclines',
  '3155': 'RequiresAuthentication',
};

export function behaviourOfCard(last4: string, sandbox: boolean): PaymentMethodBehaviour {
  return sandbox ? (SANDBOX_CARD_BEHAVIOURS[last4] ?? 'Succeeds') : 'Succeeds';
}

export function paymentDescriptor(card: Pick<WalletCard, 'brand' | 'last4'>): string {
  return `${card.brand} ****${card.last4} (Amazon Pay)`;
}

export function snapshotOf(paymentMethodId: string, card: WalletCard): PaymentMethodSnapshot {
  return { paymentMethodId, descriptor: paymentDescriptor(card), behaviour: card.behaviour };
}

/** Luhn check for card numbers a buyer types in (the number is dropped after this). */
export function luhnValid(digits: string): boolean {
  if (!/^\d{12,19}$/.test(digits)) return false;
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    let d = Number(digits[digits.length - 1 - i]);
    if (i % 2 === 1) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return sum % 10 === 0;
}

export function brandOfNumber(digits: string): CardBrand {
  if (/^4/.test(digits)) return 'Visa';
  if (/^(5[1-5]|2[2-7])/.test(digits)) return 'Mastercard';
  if (/^3[47]/.test(digits)) return 'American Express';
  if (/^35/.test(digits)) return 'JCB';
  if (/^(6011|65|64[4-9])/.test(digits)) return 'Discover';
  if (/^3(0[0-5]|[68])/.test(digits)) return 'Diners Club';
  return 'Visa';
}

export type CardProblem = 'invalidNumber' | 'invalidExpiry' | 'expired' | 'holderRequired';

/**
 * A card the buyer typed in, checked (Luhn, expiry not past) and reduced to what reji keeps:
 * brand, last four digits, holder and expiry. The full number goes no further than this function.
 */
export function cardFromEntry(
  entry: { readonly number: string; readonly expiry: string; readonly holderName: string },
  now: { readonly year: number; readonly month: number },
):
  | { ok: true; card: WalletCard }
  | { ok: false; problems: Partial<Record<'number' | 'expiry' | 'holderName', CardProblem>> } {
  const digits = entry.number.replace(/[\s-]/g, '');
  const problems: Partial<Record<'number' | 'expiry' | 'holderName', CardProblem>> = {};
  if (!luhnValid(digits)) problems.number = 'invalidNumber';
  const m = /^(\d{1,2})\s*\/\s*(\d{2}|\d{4})$/.exec(entry.expiry.trim());
  const month = m ? Number(m[1]) : 0;
  const year = m ? (m[2]!.length === 2 ? 2000 + Number(m[2]) : Number(m[2])) : 0;
  if (!m || month < 1 || month > 12) problems.expiry = 'invalidExpiry';
  else if (year < now.year || (year === now.year && month < now.month)) problems.expiry = 'expired';
  const holderName = entry.holderName.trim();
  if (holderName === '' || holderName.length > 50) problems.holderName = 'holderRequired';
  if (Object.keys(problems).length > 0) return { ok: false, problems };
  const last4 = digits.slice(-4);
  return {
    ok: true,
    card: {
      brand: brandOfNumber(digits),
      last4,
      holderName,
      expiry: `${String(month).padStart(2, '0')}/${String(year % 100).padStart(2, '0')}`,
      // Wallets are shared by both environments; Live always succeeds (see applyBuyerChoice).
      behaviour: behaviourOfCard(last4, true),
    },
  };
}

/** Whether a card is one of the sandbox's simulated cards (shown marked with * on the hosted pages). */
export function isSimulatedCard(last4: string): boolean {
  return Object.hasOwn(SANDBOX_CARD_BEHAVIOURS, last4);
}

import type { Money } from './money.js';

/** A postal address as Amazon Pay returns it; unset parts are null. */
export interface Address {
  readonly name: string | null;
  readonly addressLine1: string | null;
  readonly addressLine2: string | null;
  readonly addressLine3: string | null;
  readonly city: string | null;
  readonly county: string | null;
  readonly district: string | null;
  readonly stateOrRegion: string | null;
  readonly postalCode: string | null;
  readonly countryCode: string | null;
  readonly phoneNumber: string | null;
}

export interface MerchantMetadata {
  readonly merchantReferenceId: string | null;
  readonly merchantStoreName: string | null;
  readonly noteToBuyer: string | null;
  readonly customInformation: string | null;
}

export const EMPTY_MERCHANT_METADATA: MerchantMetadata = {
  merchantReferenceId: null,
  merchantStoreName: null,
  noteToBuyer: null,
  customInformation: null,
};

/** The buyer as a merchant sees them on a checkout session or charge permission. */
export interface BuyerSnapshot {
  readonly buyerId: string;
  readonly name: string | null;
  readonly email: string | null;
  readonly phoneNumber: string | null;
  readonly primeMembershipTypes: readonly string[] | null;
}

export const FREQUENCY_UNITS = ['Year', 'Month', 'Week', 'Day', 'Variable'] as const;
export type FrequencyUnit = (typeof FREQUENCY_UNITS)[number];

export interface RecurringMetadata {
  readonly frequency: { readonly unit: FrequencyUnit; readonly value: number } | null;
  readonly amount: Money | null;
}

/**
 * How a sandbox payment method behaves when it is used (the simulated cards of the sandbox docs).
 * Live payment methods always succeed unless a decline is forced.
 */
export const PAYMENT_METHOD_BEHAVIOURS = [
  'Succeeds',
  'BuyerCancels',
  'Declines',
  'PendsThenAuthorizes',
  'PendsThenHardDeclines',
  /** EU/UK: asks for strong customer authentication (a one-time code) before it pays (src/domain/sca.ts). */
  'RequiresAuthentication',
] as const;
export type PaymentMethodBehaviour = (typeof PAYMENT_METHOD_BEHAVIOURS)[number];

/** The payment instrument the buyer chose, as far as the merchant and the processor need to know it. */
export interface PaymentMethodSnapshot {
  readonly paymentMethodId: string;
  /** e.g. `Visa ****1111 (Amazon Pay)` */
  readonly descriptor: string;
  readonly behaviour: PaymentMethodBehaviour;
}

export interface ProviderMetadata {
  readonly providerReferenceId: string | null;
}

import { EMPTY_BUY_NOW, checkCart, sameAddress, type BuyNowState, type CartDetails } from './buy-now.js';
import type { Environment } from './environment.js';
import { domainError, fail, ok, type DomainError, type Result } from './errors.js';
import { TIMERS, maxTransactionAmount } from './limits.js';
import { checkReturnUrl, type Merchant, type MerchantStore } from './merchant.js';
import { compare, display, equals, type CurrencyCode, type Money } from './money.js';
import { REGION_INFO, type CheckoutLanguage } from './regions.js';
import { scaApplies } from './sca.js';
import {
  EMPTY_MERCHANT_METADATA,
  type Address,
  type BuyerSnapshot,
  type MerchantMetadata,
  type PaymentMethodSnapshot,
  type ProviderMetadata,
  type RecurringMetadata,
} from './shared-types.js';
import type { Instant } from './time.js';

export const CHECKOUT_SESSION_STATES = ['Open', 'Completed', 'Canceled'] as const;
export type CheckoutSessionState = (typeof CHECKOUT_SESSION_STATES)[number];

export const CHECKOUT_SESSION_INITIAL_STATES: readonly CheckoutSessionState[] = ['Open'];

/**
 * Where a change of status (state or reason code) may lead; saving checks it (domain/state-machines.ts).
 * Update and buyer selection keep the status (no transition). Final states have no way out.
 */
export const CHECKOUT_SESSION_TRANSITIONS: Readonly<Record<CheckoutSessionState, readonly CheckoutSessionState[]>> = {
  Open: ['Completed', 'Canceled'],
  Completed: [],
  Canceled: [],
};

export const CHECKOUT_SESSION_CANCEL_REASONS = [
  'Expired',
  'BuyerCanceled',
  'Declined',
  'AmazonCanceled',
  'MFAFailed',
] as const;
export type CheckoutSessionCancelReason = (typeof CHECKOUT_SESSION_CANCEL_REASONS)[number];

/** The reason codes a session in each state carries (exactly one where the list is not empty). */
export const CHECKOUT_SESSION_STATE_REASONS: Readonly<
  Record<CheckoutSessionState, readonly CheckoutSessionCancelReason[]>
> = {
  Open: [],
  Completed: [],
  Canceled: CHECKOUT_SESSION_CANCEL_REASONS,
};

const CANCEL_DESCRIPTIONS: Readonly<Record<CheckoutSessionCancelReason, string>> = {
  Expired: 'The Checkout Session expired: it was not completed within 24 hours.',
  BuyerCanceled: 'The buyer canceled the checkout.',
  Declined: 'The payment was declined during checkout.',
  AmazonCanceled: 'Amazon Pay canceled the checkout.',
  MFAFailed: 'The buyer failed strong customer authentication.',
};

/** The operations on a checkout session and the states each may start from. */
export const CHECKOUT_SESSION_OPERATION_SOURCES = {
  update: ['Open'],
  associateBuyer: ['Open'],
  process: ['Open'],
  complete: ['Open'],
  cancel: ['Open'],
  expire: ['Open'],
} as const satisfies Record<string, readonly CheckoutSessionState[]>;

export type PaymentIntent = 'Confirm' | 'Authorize' | 'AuthorizeWithCapture';
export type ProductType = 'PayAndShip' | 'PayOnly' | 'PayAndShipMultiAddress';
export type ChargePermissionType = 'OneTime' | 'Recurring' | 'PaymentMethodOnFile';
export const SCOPES = [
  'name',
  'email',
  'phoneNumber',
  'billingAddress',
  'postalCode',
  'shippingAddress',
  'primeStatus',
] as const;
export type Scope = (typeof SCOPES)[number];

export interface DeliverySpecifications {
  readonly specialRestrictions: readonly ('RestrictPOBoxes' | 'RestrictPackstations')[];
  readonly addressRestrictions: {
    readonly type: 'Allowed' | 'NotAllowed';
    readonly restrictions: Readonly<
      Record<string, { readonly statesOrRegions: readonly string[]; readonly zipCodes: readonly string[] }>
    >;
  } | null;
}

export interface WebCheckoutDetails {
  readonly checkoutReviewReturnUrl: string | null;
  readonly checkoutResultReturnUrl: string | null;
  readonly checkoutCancelUrl: string | null;
  readonly checkoutMode: 'ProcessOrder' | null;
}

export interface PaymentDetails {
  readonly paymentIntent: PaymentIntent | null;
  readonly canHandlePendingAuthorization: boolean;
  readonly chargeAmount: Money | null;
  readonly totalOrderAmount: Money | null;
  readonly softDescriptor: string | null;
  readonly presentmentCurrency: CurrencyCode | null;
  readonly allowOvercharge: boolean | null;
  readonly extendExpiration: boolean | null;
  readonly estimateOrderTotal: Money | null;
}

/** What happened when the buyer went through `amazonPayRedirectUrl` (or pressed "Pay now" in APB). */
export interface ProcessingResult {
  readonly processedAt: Instant;
  /** Confirm: validated only; Authorized / Captured / Pending: an authorization exists, finalized by Complete. */
  readonly outcome: 'Confirmed' | 'Authorized' | 'Captured' | 'Pending';
  /** For a pending authorization: what it turns into after the sandbox delay. */
  readonly pendingResolution: 'Authorized' | 'HardDeclined' | null;
  readonly paymentIntent: PaymentIntent;
  readonly chargeAmount: Money | null;
  readonly paymentMethod: PaymentMethodSnapshot;
}

export interface CheckoutSession {
  readonly checkoutSessionId: string;
  readonly merchantId: string;
  readonly environment: Environment;
  readonly storeId: string;
  readonly ledgerCurrency: CurrencyCode;
  readonly version: number;
  readonly state: CheckoutSessionState;
  readonly reasonCode: CheckoutSessionCancelReason | null;
  readonly reasonDescription: string | null;
  readonly lastUpdatedAt: Instant;
  readonly createdAt: Instant;
  readonly expiresAt: Instant;
  readonly productType: ProductType;
  readonly checkoutLanguage: CheckoutLanguage | null;
  readonly scopes: readonly Scope[] | null;
  readonly chargePermissionType: ChargePermissionType;
  readonly recurringMetadata: RecurringMetadata | null;
  readonly webCheckoutDetails: WebCheckoutDetails;
  readonly paymentDetails: PaymentDetails;
  readonly merchantMetadata: MerchantMetadata;
  readonly supplementaryData: string | null;
  readonly platformId: string | null;
  readonly providerMetadata: ProviderMetadata;
  readonly deliverySpecifications: DeliverySpecifications | null;
  /** APB: the address the merchant collected, used as the shipping address. */
  readonly addressDetails: Address | null;
  readonly paymentMethodOnFileSetupOnly: boolean | null;
  readonly buyer: BuyerSnapshot | null;
  readonly shippingAddress: Address | null;
  readonly billingAddress: Address | null;
  readonly paymentMethod: PaymentMethodSnapshot | null;
  readonly processing: ProcessingResult | null;
  readonly chargePermissionId: string | null;
  readonly chargeId: string | null;
  readonly completedAt: Instant | null;
  /** Buy Now (the button had onInitCheckout): the cart and the buyer's "place order"; absent otherwise. */
  readonly buyNow?: BuyNowState | null;
  /** PayAndShipMultiAddress: the addresses the buyer chose (with Amazon's address ids). */
  readonly shippingAddressList?: readonly AddressWithId[] | null;
  /** PayAndShipMultiAddress: the merchant's price per chosen address (Update Checkout Session). */
  readonly multiAddressesCheckoutMetadata?: readonly MultiAddressEntry[] | null;
}

export interface AddressWithId {
  readonly addressId: string;
  readonly address: Address;
}

export interface MultiAddressEntry {
  readonly addressId: string;
  readonly price: Money;
}

// ---------- inputs (already shape-checked at the edge) ----------

export interface CheckoutSessionCreateInput {
  readonly webCheckoutDetails: {
    readonly checkoutReviewReturnUrl?: string;
    readonly checkoutResultReturnUrl?: string;
    readonly checkoutCancelUrl?: string;
    readonly checkoutMode?: 'ProcessOrder';
  };
  readonly storeId: string;
  readonly scopes?: readonly Scope[];
  readonly chargePermissionType?: ChargePermissionType;
  readonly recurringMetadata?: RecurringMetadata;
  readonly paymentDetails?: {
    readonly paymentIntent?: PaymentIntent;
    readonly canHandlePendingAuthorization?: boolean;
    readonly chargeAmount?: Money;
    readonly totalOrderAmount?: Money;
    readonly softDescriptor?: string;
    readonly presentmentCurrency?: CurrencyCode;
    readonly allowOvercharge?: boolean;
    readonly extendExpiration?: boolean;
    readonly estimateOrderTotal?: Money;
  };
  readonly merchantMetadata?: Partial<MerchantMetadata>;
  readonly supplementaryData?: string;
  readonly platformId?: string;
  readonly providerMetadata?: Partial<ProviderMetadata>;
  readonly deliverySpecifications?: DeliverySpecifications;
  readonly addressDetails?: Address;
  readonly paymentMethodOnFileMetadata?: { readonly setupOnly?: boolean };
  readonly chargePermissionId?: string;
}

export interface CheckoutSessionUpdateInput {
  readonly webCheckoutDetails?: {
    readonly checkoutResultReturnUrl?: string;
    readonly checkoutReviewReturnUrl?: string;
    readonly checkoutCancelUrl?: string;
  };
  readonly paymentDetails?: {
    readonly paymentIntent?: PaymentIntent;
    readonly canHandlePendingAuthorization?: boolean;
    readonly chargeAmount?: Money;
    readonly totalOrderAmount?: Money;
    readonly softDescriptor?: string;
    readonly estimateOrderTotal?: Money;
    readonly extendExpiration?: boolean;
    readonly presentmentCurrency?: CurrencyCode;
    readonly allowOvercharge?: boolean;
  };
  readonly merchantMetadata?: Partial<MerchantMetadata>;
  readonly chargePermissionType?: ChargePermissionType;
  readonly recurringMetadata?: RecurringMetadata;
  readonly supplementaryData?: string;
  readonly platformId?: string;
  readonly providerMetadata?: Partial<ProviderMetadata>;
  readonly multiAddressesCheckoutMetadata?: readonly MultiAddressEntry[];
}

export interface CreateContext {
  readonly checkoutSessionId: string;
  readonly merchant: Merchant;
  readonly store: MerchantStore;
  readonly environment: Environment;
  readonly now: Instant;
  /** From the button: PayAndShip unless it says otherwise. */
  readonly productType?: ProductType;
  readonly checkoutLanguage?: CheckoutLanguage;
  /** The button registered Buy Now handlers (onInitCheckout): no return URLs, the cart comes from the handlers. */
  readonly buyNow?: boolean;
}

// ---------- guards ----------

function notOpen(cs: CheckoutSession, operation: string): DomainError {
  switch (cs.state) {
    case 'Completed':
      return domainError(
        'InvalidCheckoutSessionStatus',
        `You cannot ${operation} Checkout Session ${cs.checkoutSessionId} because it is in the Completed state.`,
      );
    case 'Canceled':
      return domainError(
        'InvalidCheckoutSessionStatus',
        `You cannot ${operation} Checkout Session ${cs.checkoutSessionId} because it is in the Canceled state (reasonCode ${cs.reasonCode}).`,
      );
    case 'Open':
      throw new Error('notOpen called on an Open session');
  }
}

function requireState<S extends CheckoutSessionState>(
  cs: CheckoutSession,
  allowed: readonly S[],
  operation: string,
): Result<CheckoutSession & { state: S }> {
  if ((allowed as readonly CheckoutSessionState[]).includes(cs.state)) return ok(cs as CheckoutSession & { state: S });
  return fail(notOpen(cs, operation));
}

// ---------- money rules ----------

/**
 * The currencies a session may charge in: the ledger currency, or (EU/UK multi-currency)
 * any presentment currency.
 */
function checkCurrency(
  amount: Money,
  path: string,
  merchant: { ledgerCurrency: CurrencyCode; multiCurrency: boolean },
  presentment: CurrencyCode | null,
): Result<null> {
  if (amount.currency === merchant.ledgerCurrency) return ok(null);
  if (merchant.multiCurrency) {
    if (presentment !== null && amount.currency !== presentment && presentment !== merchant.ledgerCurrency) {
      return fail(
        'CurrencyMismatch',
        `${path}.currencyCode ${amount.currency} differs from presentmentCurrency ${presentment}.`,
      );
    }
    return ok(null);
  }
  return fail(
    'CurrencyMismatch',
    `${path}.currencyCode must be ${merchant.ledgerCurrency}, the ledger currency of this merchant; got ${amount.currency}.`,
  );
}

function checkMaximum(amount: Money, path: string): Result<null> {
  const max = maxTransactionAmount(amount.currency);
  if (compare(amount, max) > 0)
    return fail('TransactionAmountExceeded', `${path} ${display(amount)} exceeds the maximum of ${display(max)}.`);
  return ok(null);
}

function checkPaymentDetails(details: PaymentDetails, merchant: Merchant): Result<null> {
  const info = { ledgerCurrency: merchant.ledgerCurrency, multiCurrency: REGION_INFO[merchant.region].multiCurrency };
  const amounts: [Money | null, string][] = [
    [details.chargeAmount, 'paymentDetails.chargeAmount'],
    [details.totalOrderAmount, 'paymentDetails.totalOrderAmount'],
    [details.estimateOrderTotal, 'paymentDetails.estimateOrderTotal'],
  ];
  for (const [amount, path] of amounts) {
    if (amount === null) continue;
    const currency = checkCurrency(amount, path, info, details.presentmentCurrency);
    if (!currency.ok) return currency;
    const max = checkMaximum(amount, path);
    if (!max.ok) return max;
  }
  if (
    details.presentmentCurrency !== null &&
    !info.multiCurrency &&
    details.presentmentCurrency !== merchant.ledgerCurrency
  ) {
    return fail(
      'CurrencyMismatch',
      `paymentDetails.presentmentCurrency must be ${merchant.ledgerCurrency} for this merchant.`,
    );
  }
  if (details.chargeAmount && details.totalOrderAmount) {
    if (details.chargeAmount.currency !== details.totalOrderAmount.currency) {
      return fail(
        'CurrencyMismatch',
        'paymentDetails.chargeAmount and paymentDetails.totalOrderAmount must use the same currency.',
      );
    }
    if (compare(details.totalOrderAmount, details.chargeAmount) < 0) {
      return fail(
        'InvalidParameterCombination',
        'paymentDetails.totalOrderAmount must not be less than paymentDetails.chargeAmount.',
      );
    }
  }
  if (details.paymentIntent === 'AuthorizeWithCapture' && details.canHandlePendingAuthorization) {
    return fail(
      'InvalidParameterCombination',
      'paymentDetails.canHandlePendingAuthorization cannot be true when paymentIntent is AuthorizeWithCapture.',
    );
  }
  return ok(null);
}

function checkRecurring(
  type: ChargePermissionType,
  recurring: RecurringMetadata | null,
  merchant: Merchant,
): Result<null> {
  if (recurring === null) return ok(null);
  if (type !== 'Recurring') {
    return fail(
      'InvalidParameterCombination',
      'recurringMetadata can only be set when chargePermissionType is Recurring.',
    );
  }
  if (recurring.frequency?.unit === 'Variable' && recurring.frequency.value !== 0) {
    return fail(
      'InvalidParameterValue',
      'The value provided for recurringMetadata.frequency.value is invalid. It must be 0 when the unit is Variable.',
    );
  }
  if (recurring.frequency && recurring.frequency.unit !== 'Variable' && recurring.frequency.value <= 0) {
    return fail(
      'InvalidParameterValue',
      'The value provided for recurringMetadata.frequency.value is invalid. It must be a positive number.',
    );
  }
  if (recurring.amount) {
    const currency = checkCurrency(
      recurring.amount,
      'recurringMetadata.amount',
      { ledgerCurrency: merchant.ledgerCurrency, multiCurrency: REGION_INFO[merchant.region].multiCurrency },
      null,
    );
    if (!currency.ok) return currency;
  }
  return ok(null);
}

/** Return URLs in signed calls: the URL rule only; allowed origins guard the button (app/hosted-checkout.ts). */
function checkUrl(url: string | null, path: string, environment: Environment): Result<null> {
  if (url === null) return ok(null);
  const verdict = checkReturnUrl(url, environment);
  return verdict.allowed
    ? ok(null)
    : fail('InvalidParameterValue', `The value provided for ${path} is invalid. ${capitalize(verdict.why)}.`);
}

function capitalize(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}

// ---------- constraints ----------

export interface ConstraintItem {
  readonly constraintId:
    | 'BuyerNotAssociated'
    | 'ChargeAmountNotSet'
    | 'CheckoutResultReturnUrlNotSet'
    | 'PaymentIntentNotSet'
    | 'RecurringFrequencyNotSet';
  readonly description: string;
}

/** What still blocks the redirect to `amazonPayRedirectUrl`; an empty list means the buyer may pay. */
export function constraintsOf(cs: CheckoutSession): ConstraintItem[] {
  const out: ConstraintItem[] = [];
  if (cs.buyer === null) {
    out.push({
      constraintId: 'BuyerNotAssociated',
      description:
        'There is no buyer associated with the Checkout Session. Return the checkout session id to the Amazon Pay Button to allow buyer to login.',
    });
  }
  const setupOnly = cs.paymentMethodOnFileSetupOnly === true;
  if (cs.paymentDetails.chargeAmount === null && !setupOnly)
    out.push({ constraintId: 'ChargeAmountNotSet', description: 'chargeAmount is not set.' });
  // Buy Now: the buyer never leaves the sheet for a result URL, and Finalize brings the paymentIntent.
  const buyNow = isBuyNow(cs);
  if (cs.webCheckoutDetails.checkoutResultReturnUrl === null && !buyNow) {
    out.push({ constraintId: 'CheckoutResultReturnUrlNotSet', description: 'checkoutResultReturnUrl is not set.' });
  }
  if (cs.paymentDetails.paymentIntent === null && !buyNow)
    out.push({ constraintId: 'PaymentIntentNotSet', description: 'paymentIntent is not set.' });
  if (cs.chargePermissionType === 'Recurring' && !cs.recurringMetadata?.frequency) {
    out.push({ constraintId: 'RecurringFrequencyNotSet', description: 'recurringMetadata.frequency is not set.' });
  }
  return out;
}

export function isBuyNow(cs: CheckoutSession): boolean {
  return cs.buyNow !== undefined && cs.buyNow !== null;
}

export function isMultiAddress(cs: CheckoutSession): boolean {
  return cs.productType === 'PayAndShipMultiAddress';
}

/** Only a merchant-review flow (not APB) hands the buyer a processing URL, and only once nothing blocks it. */
export function hasRedirectUrl(cs: CheckoutSession): boolean {
  return (
    cs.state === 'Open' &&
    cs.webCheckoutDetails.checkoutMode !== 'ProcessOrder' &&
    !isBuyNow(cs) &&
    cs.processing === null &&
    constraintsOf(cs).length === 0
  );
}

// ---------- operations ----------

function merge<T extends object>(base: T, patch: Partial<T> | undefined): T {
  if (!patch) return base;
  const out: Record<string, unknown> = { ...(base as Record<string, unknown>) };
  for (const [k, v] of Object.entries(patch)) if (v !== undefined) out[k] = v;
  return out as T;
}

export function createCheckoutSession(input: CheckoutSessionCreateInput, ctx: CreateContext): Result<CheckoutSession> {
  const { merchant, store, environment, now } = ctx;
  if (store.merchantId !== merchant.merchantId) {
    return fail(
      'InvalidParameterValue',
      `The value provided for storeId is invalid. Store ${input.storeId} does not belong to merchant ${merchant.merchantId}.`,
    );
  }
  const web = input.webCheckoutDetails;
  const processOrder = web.checkoutMode === 'ProcessOrder';
  const productType = ctx.productType ?? 'PayAndShip';
  const buyNow = ctx.buyNow === true;
  if (buyNow && (processOrder || productType === 'PayAndShipMultiAddress')) {
    return fail(
      'InvalidParameterCombination',
      'A Buy Now checkout (onInitCheckout) is PayAndShip or PayOnly and has no checkoutMode.',
    );
  }
  if (!processOrder && !buyNow && !web.checkoutReviewReturnUrl) {
    return fail(
      'MissingParameterValue',
      'webCheckoutDetails.checkoutReviewReturnUrl is required unless checkoutMode is ProcessOrder.',
    );
  }
  const pd = input.paymentDetails ?? {};
  if (processOrder) {
    if (!web.checkoutResultReturnUrl)
      return fail(
        'MissingParameterValue',
        'webCheckoutDetails.checkoutResultReturnUrl is required when checkoutMode is ProcessOrder.',
      );
    if (!pd.paymentIntent)
      return fail(
        'MissingParameterValue',
        'paymentDetails.paymentIntent is required when checkoutMode is ProcessOrder.',
      );
    if (!pd.chargeAmount && input.paymentMethodOnFileMetadata?.setupOnly !== true) {
      return fail(
        'MissingParameterValue',
        'paymentDetails.chargeAmount is required when checkoutMode is ProcessOrder.',
      );
    }
    if (productType === 'PayAndShip' && !input.addressDetails) {
      return fail(
        'MissingParameterValue',
        'addressDetails is required when checkoutMode is ProcessOrder and productType is PayAndShip.',
      );
    }
  } else if (input.addressDetails) {
    return fail('InvalidParameterCombination', 'addressDetails can only be given when checkoutMode is ProcessOrder.');
  }
  const chargePermissionType = input.chargePermissionType ?? 'OneTime';
  const setupOnly = input.paymentMethodOnFileMetadata?.setupOnly ?? null;
  if (setupOnly !== null && chargePermissionType !== 'PaymentMethodOnFile') {
    return fail(
      'InvalidParameterCombination',
      'paymentMethodOnFileMetadata can only be given when chargePermissionType is PaymentMethodOnFile.',
    );
  }
  if (setupOnly === true && pd.paymentIntent !== undefined && pd.paymentIntent !== 'Confirm') {
    return fail(
      'InvalidParameterCombination',
      'paymentIntent must be Confirm when paymentMethodOnFileMetadata.setupOnly is true.',
    );
  }
  const paymentDetails: PaymentDetails = {
    paymentIntent: pd.paymentIntent ?? null,
    canHandlePendingAuthorization: pd.canHandlePendingAuthorization ?? false,
    chargeAmount: pd.chargeAmount ?? null,
    totalOrderAmount: pd.totalOrderAmount ?? null,
    softDescriptor: pd.softDescriptor ?? null,
    presentmentCurrency: pd.presentmentCurrency ?? pd.chargeAmount?.currency ?? null,
    allowOvercharge: pd.allowOvercharge ?? null,
    extendExpiration: pd.extendExpiration ?? null,
    estimateOrderTotal: pd.estimateOrderTotal ?? null,
  };
  const checked = checkPaymentDetails(paymentDetails, merchant);
  if (!checked.ok) return checked;
  const recurring = checkRecurring(chargePermissionType, input.recurringMetadata ?? null, merchant);
  if (!recurring.ok) return recurring;
  const webCheckoutDetails: WebCheckoutDetails = {
    checkoutReviewReturnUrl: web.checkoutReviewReturnUrl ?? null,
    checkoutResultReturnUrl: web.checkoutResultReturnUrl ?? null,
    checkoutCancelUrl: web.checkoutCancelUrl ?? null,
    checkoutMode: web.checkoutMode ?? null,
  };
  for (const key of ['checkoutReviewReturnUrl', 'checkoutResultReturnUrl', 'checkoutCancelUrl'] as const) {
    const urlCheck = checkUrl(webCheckoutDetails[key], `webCheckoutDetails.${key}`, environment);
    if (!urlCheck.ok) return urlCheck;
  }
  return ok({
    checkoutSessionId: ctx.checkoutSessionId,
    merchantId: merchant.merchantId,
    environment,
    storeId: store.storeId,
    ledgerCurrency: merchant.ledgerCurrency,
    version: 0,
    state: 'Open',
    reasonCode: null,
    reasonDescription: null,
    lastUpdatedAt: now,
    createdAt: now,
    expiresAt: now + TIMERS.checkoutSessionLifetime,
    productType,
    checkoutLanguage: ctx.checkoutLanguage ?? null,
    scopes: input.scopes ?? null,
    chargePermissionType,
    recurringMetadata: input.recurringMetadata ?? null,
    webCheckoutDetails,
    paymentDetails,
    merchantMetadata: merge(EMPTY_MERCHANT_METADATA, input.merchantMetadata),
    supplementaryData: input.supplementaryData ?? null,
    platformId: input.platformId ?? null,
    providerMetadata: { providerReferenceId: input.providerMetadata?.providerReferenceId ?? null },
    deliverySpecifications: input.deliverySpecifications ?? null,
    addressDetails: input.addressDetails ?? null,
    paymentMethodOnFileSetupOnly: setupOnly,
    buyer: null,
    shippingAddress: null,
    billingAddress: null,
    paymentMethod: null,
    processing: null,
    chargePermissionId: input.chargePermissionId ?? null,
    chargeId: null,
    completedAt: null,
    buyNow: buyNow ? EMPTY_BUY_NOW : null,
    shippingAddressList: productType === 'PayAndShipMultiAddress' ? [] : null,
    multiAddressesCheckoutMetadata: null,
  });
}

/** Once the buyer has been through processing, the payment is fixed: only Complete may follow. */
function requireNotProcessed(cs: CheckoutSession, operation: string): Result<null> {
  if (cs.processing === null) return ok(null);
  return fail(
    'InvalidCheckoutSessionStatus',
    `You cannot ${operation} Checkout Session ${cs.checkoutSessionId}: the buyer has already been through payment processing. Call Complete Checkout Session.`,
  );
}

export function updateCheckoutSession(
  cs: CheckoutSession,
  input: CheckoutSessionUpdateInput,
  ctx: { readonly merchant: Merchant; readonly store: MerchantStore; readonly now: Instant },
): Result<CheckoutSession> {
  const open = requireState(cs, CHECKOUT_SESSION_OPERATION_SOURCES.update, 'update');
  if (!open.ok) return open;
  const fresh = requireNotProcessed(cs, 'update');
  if (!fresh.ok) return fresh;
  const pd = input.paymentDetails;
  if (pd?.presentmentCurrency !== undefined && pd.presentmentCurrency !== cs.paymentDetails.presentmentCurrency) {
    return fail(
      'InvalidParameterValue',
      'The value provided for paymentDetails.presentmentCurrency is invalid. It cannot be updated; set chargeAmount.currencyCode instead.',
    );
  }
  if (pd?.allowOvercharge !== undefined) {
    return fail(
      'InvalidParameterValue',
      'The value provided for paymentDetails.allowOvercharge is invalid. It can only be set when the Checkout Session is created.',
    );
  }
  if (cs.webCheckoutDetails.checkoutMode === 'ProcessOrder' && pd && (pd.chargeAmount || pd.paymentIntent)) {
    return fail(
      'InvalidCheckoutSessionStatus',
      'The payment details of an APB (ProcessOrder) Checkout Session are fixed by the button payload.',
    );
  }
  if (isBuyNow(cs) && pd && (pd.chargeAmount || pd.totalOrderAmount)) {
    return fail(
      'InvalidParameterCombination',
      'The amounts of a Buy Now Checkout Session come from the cart the checkout.js handlers return.',
    );
  }
  const multi = checkMultiAddressMetadata(cs, input);
  if (!multi.ok) return multi;
  const web = input.webCheckoutDetails;
  const webCheckoutDetails: WebCheckoutDetails = {
    ...cs.webCheckoutDetails,
    checkoutResultReturnUrl: web?.checkoutResultReturnUrl ?? cs.webCheckoutDetails.checkoutResultReturnUrl,
    checkoutReviewReturnUrl: web?.checkoutReviewReturnUrl ?? cs.webCheckoutDetails.checkoutReviewReturnUrl,
    checkoutCancelUrl: web?.checkoutCancelUrl ?? cs.webCheckoutDetails.checkoutCancelUrl,
  };
  for (const key of ['checkoutReviewReturnUrl', 'checkoutResultReturnUrl', 'checkoutCancelUrl'] as const) {
    if (web?.[key] === undefined) continue;
    const urlCheck = checkUrl(webCheckoutDetails[key], `webCheckoutDetails.${key}`, cs.environment);
    if (!urlCheck.ok) return urlCheck;
  }
  const chargeAmount = pd?.chargeAmount ?? multi.value?.sum ?? cs.paymentDetails.chargeAmount;
  // Multi-currency: the presentment currency follows the charge currency (Amazon updates it itself).
  const presentmentCurrency = pd?.chargeAmount ? pd.chargeAmount.currency : cs.paymentDetails.presentmentCurrency;
  const paymentDetails: PaymentDetails = {
    paymentIntent: pd?.paymentIntent ?? cs.paymentDetails.paymentIntent,
    canHandlePendingAuthorization: pd?.canHandlePendingAuthorization ?? cs.paymentDetails.canHandlePendingAuthorization,
    chargeAmount,
    totalOrderAmount: pd?.totalOrderAmount ?? cs.paymentDetails.totalOrderAmount,
    softDescriptor: pd?.softDescriptor ?? cs.paymentDetails.softDescriptor,
    presentmentCurrency,
    allowOvercharge: cs.paymentDetails.allowOvercharge,
    extendExpiration: pd?.extendExpiration ?? cs.paymentDetails.extendExpiration,
    estimateOrderTotal: pd?.estimateOrderTotal ?? cs.paymentDetails.estimateOrderTotal,
  };
  const checked = checkPaymentDetails(
    { ...paymentDetails, presentmentCurrency: pd?.chargeAmount ? null : presentmentCurrency },
    ctx.merchant,
  );
  if (!checked.ok) return checked;
  const chargePermissionType = input.chargePermissionType ?? cs.chargePermissionType;
  const recurringMetadata = input.recurringMetadata ?? cs.recurringMetadata;
  const recurring = checkRecurring(chargePermissionType, recurringMetadata, ctx.merchant);
  if (!recurring.ok) return recurring;
  return ok({
    ...cs,
    lastUpdatedAt: ctx.now,
    webCheckoutDetails,
    paymentDetails,
    chargePermissionType,
    recurringMetadata,
    merchantMetadata: merge(cs.merchantMetadata, input.merchantMetadata),
    supplementaryData: input.supplementaryData ?? cs.supplementaryData,
    platformId: input.platformId ?? cs.platformId,
    providerMetadata: merge(cs.providerMetadata, input.providerMetadata),
    ...(multi.value ? { multiAddressesCheckoutMetadata: multi.value.entries } : {}),
  });
}

/**
 * `multiAddressesCheckoutMetadata` on Update (spec 12 §12.12): only on a multi-address session, one entry per
 * address the buyer chose (by `addressId`), in the charge currency. The charge amount is their sum: set by it
 * when the update has no chargeAmount, checked against it when it has one.
 */
function checkMultiAddressMetadata(
  cs: CheckoutSession,
  input: CheckoutSessionUpdateInput,
): Result<{ entries: readonly MultiAddressEntry[]; sum: Money } | null> {
  const entries = input.multiAddressesCheckoutMetadata;
  if (entries === undefined) return ok(null);
  const path = 'multiAddressesCheckoutMetadata';
  if (!isMultiAddress(cs)) {
    return fail(
      'InvalidParameterValue',
      `The value provided for ${path} is invalid. It applies only to a PayAndShipMultiAddress Checkout Session.`,
    );
  }
  if (entries.length === 0)
    return fail('InvalidParameterValue', `The value provided for ${path} is invalid. It is empty.`);
  const chosen = new Set((cs.shippingAddressList ?? []).map((a) => a.addressId));
  const seen = new Set<string>();
  let sum: Money | null = null;
  for (const [i, entry] of entries.entries()) {
    if (!chosen.has(entry.addressId)) {
      return fail(
        'InvalidParameterValue',
        `The value provided for ${path}[${i}].addressId is invalid. ${entry.addressId} is not one of the addresses the buyer chose (shippingAddressList).`,
      );
    }
    if (seen.has(entry.addressId))
      return fail(
        'InvalidParameterValue',
        `The value provided for ${path}[${i}].addressId is invalid. It is repeated.`,
      );
    seen.add(entry.addressId);
    if (sum !== null && sum.currency !== entry.price.currency)
      return fail('CurrencyMismatch', `${path}[${i}].price.currencyCode must be ${sum.currency}.`);
    sum = sum === null ? entry.price : { minor: sum.minor + entry.price.minor, currency: sum.currency };
  }
  const total = sum as Money;
  const given = input.paymentDetails?.chargeAmount;
  if (given !== undefined && !equals(given, total)) {
    return fail(
      'AmountMismatch',
      `paymentDetails.chargeAmount ${display(given)} is not the sum of ${path} prices (${display(total)}).`,
    );
  }
  return ok({ entries, sum: total });
}

export interface BuyerSelection {
  readonly buyer: BuyerSnapshot;
  readonly shippingAddress: Address | null;
  readonly billingAddress: Address | null;
  readonly paymentMethod: PaymentMethodSnapshot;
  /** PayAndShipMultiAddress: every address the buyer chose (the first is also `shippingAddress`). */
  readonly shippingAddresses?: readonly AddressWithId[];
}

/** The buyer signed in and chose an address and a payment method (also for "change address / payment"). */
export function associateBuyer(cs: CheckoutSession, selection: BuyerSelection, now: Instant): Result<CheckoutSession> {
  const open = requireState(cs, CHECKOUT_SESSION_OPERATION_SOURCES.associateBuyer, 'change the buyer selection of');
  if (!open.ok) return open;
  const fresh = requireNotProcessed(cs, 'change the buyer selection of');
  if (!fresh.ok) return fresh;
  if (cs.buyer !== null && cs.buyer.buyerId !== selection.buyer.buyerId) {
    return fail(
      'InvalidCheckoutSessionStatus',
      `Checkout Session ${cs.checkoutSessionId} already belongs to another buyer.`,
    );
  }
  if (cs.buyNow?.placedAt != null) {
    return fail(
      'InvalidCheckoutSessionStatus',
      `You cannot change the buyer selection of Checkout Session ${cs.checkoutSessionId}: the order was placed.`,
    );
  }
  const needsShipping = cs.productType !== 'PayOnly';
  const multi = isMultiAddress(cs);
  const list = multi ? (selection.shippingAddresses ?? []) : null;
  if (list !== null) {
    if (list.length === 0)
      return fail('InvalidParameterValue', 'A multi-address checkout needs at least one shipping address.');
    if (new Set(list.map((a) => a.addressId)).size !== list.length)
      return fail('InvalidParameterValue', 'The same shipping address was chosen twice.');
    for (const entry of list) {
      if (!cs.deliverySpecifications) break;
      const verdict = addressMeetsDeliverySpecifications(entry.address, cs.deliverySpecifications);
      if (!verdict.ok) return verdict;
    }
  }
  const shippingAddress =
    cs.webCheckoutDetails.checkoutMode === 'ProcessOrder'
      ? cs.addressDetails
      : list !== null
        ? list[0]!.address
        : selection.shippingAddress;
  if (needsShipping && shippingAddress === null) {
    return fail('InvalidParameterValue', 'A shipping address is required for a PayAndShip checkout.');
  }
  if (needsShipping && shippingAddress && cs.deliverySpecifications) {
    const verdict = addressMeetsDeliverySpecifications(shippingAddress, cs.deliverySpecifications);
    if (!verdict.ok) return verdict;
  }
  return ok({
    ...cs,
    lastUpdatedAt: now,
    buyer: selection.buyer,
    shippingAddress: needsShipping ? shippingAddress : null,
    billingAddress: selection.billingAddress,
    paymentMethod: selection.paymentMethod,
    ...(cs.buyNow?.cartDetails &&
    cs.shippingAddress &&
    shippingAddress &&
    !sameAddress(shippingAddress, cs.shippingAddress)
      ? { buyNow: { ...cs.buyNow, addressChanged: true } }
      : {}),
    ...(list !== null
      ? {
          shippingAddressList: list,
          // Prices for addresses the buyer no longer ships to go; the merchant updates them again.
          multiAddressesCheckoutMetadata: sameIds(list, cs.shippingAddressList ?? [])
            ? (cs.multiAddressesCheckoutMetadata ?? null)
            : null,
        }
      : {}),
  });
}

function sameIds(a: readonly AddressWithId[], b: readonly AddressWithId[]): boolean {
  return a.length === b.length && a.every((x, i) => x.addressId === b[i]?.addressId);
}

const PO_BOX = /\b(p\.?\s*o\.?\s*box|post\s*office\s*box|postfach|私書箱)\b|私書箱/i;
const PACKSTATION = /\b(packstation|postfiliale|paketshop)\b/i;

/** Whether an address may be chosen under the merchant's delivery specifications. */
export function addressMeetsDeliverySpecifications(address: Address, spec: DeliverySpecifications): Result<null> {
  const lines = [address.addressLine1, address.addressLine2, address.addressLine3].filter(Boolean).join(' ');
  if (spec.specialRestrictions.includes('RestrictPOBoxes') && PO_BOX.test(lines)) {
    return fail('InvalidParameterValue', 'The merchant does not ship to PO boxes.');
  }
  if (spec.specialRestrictions.includes('RestrictPackstations') && PACKSTATION.test(lines)) {
    return fail('InvalidParameterValue', 'The merchant does not ship to Packstations.');
  }
  const restrictions = spec.addressRestrictions;
  if (restrictions) {
    const country = (address.countryCode ?? '').toUpperCase();
    const rule = restrictions.restrictions[country];
    const matches = rule !== undefined && ruleMatches(rule, address);
    const allowed = restrictions.type === 'Allowed' ? matches : !matches;
    if (!allowed)
      return fail(
        'InvalidParameterValue',
        `The merchant does not ship to this address (${country || 'unknown country'}).`,
      );
  }
  return ok(null);
}

function ruleMatches(
  rule: { readonly statesOrRegions: readonly string[]; readonly zipCodes: readonly string[] },
  address: Address,
): boolean {
  // A country entry without states or zip codes covers the whole country.
  if (rule.statesOrRegions.length === 0 && rule.zipCodes.length === 0) return true;
  const state = (address.stateOrRegion ?? '').trim().toLowerCase();
  const zip = (address.postalCode ?? '').trim().toUpperCase();
  return (
    rule.statesOrRegions.some((s) => s.trim().toLowerCase() === state) ||
    rule.zipCodes.some((z) => z.trim().toUpperCase() === zip)
  );
}

/** The buyer's payment method asks for a one-time code before this session can be processed (EU/UK sandbox). */
export function needsAuthentication(
  cs: CheckoutSession,
  method: PaymentMethodSnapshot | null = cs.paymentMethod,
): boolean {
  return (
    method?.behaviour === 'RequiresAuthentication' && cs.environment === 'Sandbox' && scaApplies(cs.ledgerCurrency)
  );
}

/** How processing ended, before Complete turns it into objects. */
export type ProcessingDecision =
  | { readonly kind: 'Confirmed' }
  | { readonly kind: 'Authorized' }
  | { readonly kind: 'Captured' }
  | { readonly kind: 'Pending'; readonly resolution: 'Authorized' | 'HardDeclined' }
  | { readonly kind: 'Declined' }
  | { readonly kind: 'BuyerCanceled' }
  | { readonly kind: 'AmazonCanceled' }
  | { readonly kind: 'MFAFailed' };

/**
 * Decides what the buyer's chosen payment method does with the session's paymentIntent.
 * A pending card without canHandlePendingAuthorization is an error the buyer or test sees.
 */
export function decideProcessing(
  cs: CheckoutSession,
  method: PaymentMethodSnapshot,
  authenticated = false,
): Result<ProcessingDecision> {
  const intent = cs.paymentDetails.paymentIntent;
  if (intent === null) return fail('InvalidCheckoutSessionStatus', 'paymentIntent is not set.');
  if (needsAuthentication(cs, method) && !authenticated) {
    return fail(
      'MFANotCompleted',
      `The payment method ${method.descriptor} asks for strong customer authentication: the buyer must enter the one-time code first.`,
    );
  }
  switch (method.behaviour) {
    case 'RequiresAuthentication':
    case 'Succeeds':
      return ok(
        intent === 'Confirm'
          ? { kind: 'Confirmed' }
          : intent === 'Authorize'
            ? { kind: 'Authorized' }
            : { kind: 'Captured' },
      );
    case 'BuyerCancels':
      return ok({ kind: 'BuyerCanceled' });
    case 'Declines':
      return ok({ kind: 'Declined' });
    case 'PendsThenAuthorizes':
    case 'PendsThenHardDeclines': {
      if (intent !== 'Authorize' || !cs.paymentDetails.canHandlePendingAuthorization) {
        return fail(
          'InvalidSandboxSimulationSpecified',
          `The payment method ${method.descriptor} simulates a pending authorization: it needs paymentIntent Authorize and canHandlePendingAuthorization true (this session has paymentIntent ${intent} and canHandlePendingAuthorization ${cs.paymentDetails.canHandlePendingAuthorization}).`,
        );
      }
      return ok({
        kind: 'Pending',
        resolution: method.behaviour === 'PendsThenAuthorizes' ? 'Authorized' : 'HardDeclined',
      });
    }
  }
}

/**
 * The buyer went through `amazonPayRedirectUrl` (or "Pay now" in APB) and the decision is known.
 * Successful decisions are recorded for Complete; a decline or cancel cancels the session unless the
 * caller lets the buyer try another payment method (`keepOpenOnDecline`).
 */
export function recordProcessing(
  cs: CheckoutSession,
  decision: ProcessingDecision,
  now: Instant,
  options: { readonly keepOpenOnDecline?: boolean } = {},
): Result<CheckoutSession> {
  const open = requireState(cs, CHECKOUT_SESSION_OPERATION_SOURCES.process, 'process');
  if (!open.ok) return open;
  const fresh = requireNotProcessed(cs, 'process');
  if (!fresh.ok) return fresh;
  const blocking = constraintsOf(cs);
  if (blocking.length > 0) {
    return fail(
      'InvalidCheckoutSessionStatus',
      `Checkout Session ${cs.checkoutSessionId} cannot be processed yet: ${blocking.map((c) => c.constraintId).join(', ')}.`,
    );
  }
  const method = cs.paymentMethod!;
  const intent = cs.paymentDetails.paymentIntent!;
  switch (decision.kind) {
    case 'Declined':
      return options.keepOpenOnDecline ? ok(cs) : cancelCheckoutSession(cs, 'Declined', now);
    case 'BuyerCanceled':
      return cancelCheckoutSession(cs, 'BuyerCanceled', now);
    case 'AmazonCanceled':
      return cancelCheckoutSession(cs, 'AmazonCanceled', now);
    case 'MFAFailed':
      return cancelCheckoutSession(cs, 'MFAFailed', now);
    case 'Confirmed':
    case 'Authorized':
    case 'Captured':
    case 'Pending':
      return ok({
        ...cs,
        lastUpdatedAt: now,
        processing: {
          processedAt: now,
          outcome: decision.kind,
          pendingResolution: decision.kind === 'Pending' ? decision.resolution : null,
          paymentIntent: intent,
          chargeAmount: cs.paymentDetails.chargeAmount,
          paymentMethod: method,
        },
      });
  }
}

export function cancelCheckoutSession(
  cs: CheckoutSession,
  reason: CheckoutSessionCancelReason,
  now: Instant,
): Result<CheckoutSession> {
  const open = requireState(cs, CHECKOUT_SESSION_OPERATION_SOURCES.cancel, 'cancel');
  if (!open.ok) return open;
  return ok({
    ...cs,
    state: 'Canceled',
    reasonCode: reason,
    reasonDescription: CANCEL_DESCRIPTIONS[reason],
    lastUpdatedAt: now,
  });
}

/** The 24-hour timer: an Open session that reached its expiration is Canceled / Expired. */
export function expireIfDue(cs: CheckoutSession, now: Instant): CheckoutSession | null {
  if (!(CHECKOUT_SESSION_OPERATION_SOURCES.expire as readonly CheckoutSessionState[]).includes(cs.state)) return null;
  if (now < cs.expiresAt) return null;
  const r = cancelCheckoutSession(cs, 'Expired', cs.expiresAt);
  return r.ok ? r.value : null;
}

export interface CompleteInput {
  readonly chargeAmount?: Money;
  readonly totalOrderAmount?: Money;
}

/** Checks Complete's request against the session; on success the caller creates the permission and charge. */
export function checkComplete(cs: CheckoutSession, input: CompleteInput): Result<ProcessingResult> {
  switch (cs.state) {
    case 'Open':
      break;
    case 'Canceled':
      return fail(
        'CheckoutSessionCanceled',
        `Checkout Session ${cs.checkoutSessionId} was canceled (reasonCode ${cs.reasonCode}). Call Get Checkout Session for statusDetails and start a new checkout.`,
      );
    case 'Completed':
      return fail('InvalidCheckoutSessionStatus', `Checkout Session ${cs.checkoutSessionId} is already Completed.`);
  }
  const setupOnly = cs.paymentMethodOnFileSetupOnly === true;
  const expected = cs.paymentDetails.chargeAmount;
  if (expected === null && (input.chargeAmount !== undefined || !setupOnly)) {
    return fail(
      'InvalidCheckoutSessionStatus',
      `Checkout Session ${cs.checkoutSessionId} has no chargeAmount yet: set paymentDetails.chargeAmount with Update Checkout Session before Complete.`,
    );
  }
  if (input.chargeAmount === undefined && !setupOnly) return fail('MissingParameterValue', 'chargeAmount is required.');
  const amounts: [Money | undefined, Money | null, string][] = [
    [input.chargeAmount, expected, 'chargeAmount'],
    [input.totalOrderAmount, cs.paymentDetails.totalOrderAmount, 'totalOrderAmount'],
  ];
  for (const [given, fixed, path] of amounts) {
    if (given !== undefined && fixed !== null && given.currency !== fixed.currency) {
      return fail(
        'CurrencyMismatch',
        `${path}.currencyCode ${given.currency} differs from the Checkout Session's ${path} currency ${fixed.currency}.`,
      );
    }
  }
  if (input.chargeAmount !== undefined && expected !== null && !equals(input.chargeAmount, expected)) {
    return fail(
      'AmountMismatch',
      `chargeAmount ${display(input.chargeAmount)} does not match the Checkout Session's chargeAmount ${display(expected)}.`,
    );
  }
  const expectedTotal = cs.paymentDetails.totalOrderAmount;
  if (expectedTotal !== null) {
    if (input.totalOrderAmount === undefined)
      return fail('MissingParameterValue', 'totalOrderAmount is required because it was set on the Checkout Session.');
    if (!equals(input.totalOrderAmount, expectedTotal)) {
      return fail(
        'AmountMismatch',
        `totalOrderAmount ${display(input.totalOrderAmount)} does not match the Checkout Session's totalOrderAmount ${display(expectedTotal)}.`,
      );
    }
  } else if (input.totalOrderAmount !== undefined) {
    return fail('AmountMismatch', 'totalOrderAmount was given but the Checkout Session has no totalOrderAmount.');
  }
  if (cs.processing === null) {
    const why =
      constraintsOf(cs).length > 0
        ? `it still has constraints (${constraintsOf(cs)
            .map((c) => c.constraintId)
            .join(', ')})`
        : 'the buyer has not been redirected to amazonPayRedirectUrl yet';
    return fail(
      'InvalidCheckoutSessionStatus',
      `Checkout Session ${cs.checkoutSessionId} cannot be completed: ${why}.`,
    );
  }
  return ok(cs.processing);
}

export function markCompleted(
  cs: CheckoutSession,
  ids: { chargePermissionId: string; chargeId: string | null },
  now: Instant,
): CheckoutSession {
  return {
    ...cs,
    state: 'Completed',
    reasonCode: null,
    reasonDescription: null,
    lastUpdatedAt: now,
    completedAt: now,
    ...ids,
  };
}

/** When the session and its data are deleted (Get answers 404 afterwards). */
export function retentionEndsAt(cs: CheckoutSession): Instant {
  return cs.createdAt + TIMERS.checkoutSessionRetention;
}

// ---------- Buy Now ----------

function requireBuyNow(cs: CheckoutSession, operation: string): Result<BuyNowState> {
  const open = requireState(cs, CHECKOUT_SESSION_OPERATION_SOURCES.associateBuyer, operation);
  if (!open.ok) return open;
  if (!cs.buyNow) {
    return fail(
      'InvalidCheckoutSessionStatus',
      `Checkout Session ${cs.checkoutSessionId} is not a Buy Now checkout (its button had no onInitCheckout).`,
    );
  }
  if (cs.buyNow.placedAt !== null) {
    return fail(
      'InvalidCheckoutSessionStatus',
      `You cannot ${operation} Checkout Session ${cs.checkoutSessionId}: the buyer already placed the order.`,
    );
  }
  return ok(cs.buyNow);
}

/**
 * The cart the merchant's handler returned (onInitCheckout, onShippingAddressSelection, onDeliveryOptionSelection)
 * becomes what the sheet shows: the session's chargeAmount is its totalChargeAmount (and totalOrderAmount).
 */
export function setBuyNowCart(cs: CheckoutSession, cart: CartDetails, now: Instant): Result<CheckoutSession> {
  const state = requireBuyNow(cs, 'set the cart of');
  if (!state.ok) return state;
  const currency = cs.paymentDetails.presentmentCurrency ?? cs.ledgerCurrency;
  const checked = checkCart(cart, currency, { shipping: cs.productType !== 'PayOnly', path: 'cartDetails' });
  if (!checked.ok) return checked;
  const max = checkMaximum(cart.totalChargeAmount, 'cartDetails.totalChargeAmount');
  if (!max.ok) return max;
  return ok({
    ...cs,
    lastUpdatedAt: now,
    buyNow: { ...state.value, cartDetails: cart, addressChanged: false },
    paymentDetails: {
      ...cs.paymentDetails,
      chargeAmount: cart.totalChargeAmount,
      totalOrderAmount: cart.totalOrderAmount,
    },
  });
}

/** The buyer pressed "place order" on the sheet: the merchant's onCompleteCheckout now calls Finalize. */
export function placeBuyNowOrder(cs: CheckoutSession, now: Instant): Result<CheckoutSession> {
  const state = requireBuyNow(cs, 'place the order of');
  if (!state.ok) return state;
  if (cs.buyer === null || cs.paymentMethod === null)
    return fail('InvalidCheckoutSessionStatus', `Checkout Session ${cs.checkoutSessionId} has no buyer yet.`);
  if (state.value.cartDetails === null) {
    return fail(
      'InvalidCheckoutSessionStatus',
      `Checkout Session ${cs.checkoutSessionId} has no cart yet: onInitCheckout has not answered.`,
    );
  }
  return ok({ ...cs, lastUpdatedAt: now, buyNow: { ...state.value, placedAt: now } });
}

export interface FinalizeInput {
  readonly chargeAmount: Money;
  readonly totalOrderAmount?: Money;
  readonly supplementaryData?: string;
  readonly shippingAddress?: Address;
  readonly billingAddress?: Address;
  readonly paymentIntent?: PaymentIntent;
  readonly canHandlePendingAuthorization?: boolean;
}

/**
 * Finalize Checkout Session (spec 12 §12.2): what the merchant sends must match what the buyer saw: the amounts,
 * supplementaryData, and the address Amazon shared (shipping for PayAndShip, billing for PayOnly). A Buy Now
 * session whose buyer placed the order gets the request's paymentIntent and is then processed like a redirect
 * to amazonPayRedirectUrl; a session already processed (the mobile flows) is completed like Complete.
 * Returns the session ready for processing (or already processed).
 */
export function checkFinalize(cs: CheckoutSession, input: FinalizeInput): Result<CheckoutSession> {
  const { totalOrderAmount, chargeAmount } = input;
  if (cs.state === 'Open' && cs.processing === null && cs.buyNow?.placedAt == null) {
    return fail(
      'InvalidCheckoutSessionStatus',
      isBuyNow(cs)
        ? `Checkout Session ${cs.checkoutSessionId} cannot be finalized: the buyer has not placed the order on the Buy Now sheet.`
        : `Checkout Session ${cs.checkoutSessionId} cannot be finalized: the buyer has not been redirected to amazonPayRedirectUrl yet.`,
    );
  }
  const amounts = checkComplete(
    { ...cs, processing: cs.processing ?? placeholderProcessing(cs) },
    totalOrderAmount === undefined ? { chargeAmount } : { chargeAmount, totalOrderAmount },
  );
  if (!amounts.ok) return amounts;
  if (cs.supplementaryData !== null) {
    if (input.supplementaryData === undefined)
      return fail('MissingParameterValue', 'supplementaryData is required because it was set on the Checkout Session.');
    if (input.supplementaryData !== cs.supplementaryData) {
      return fail(
        'InvalidParameterValue',
        "The value provided for supplementaryData is invalid. It differs from the Checkout Session's.",
      );
    }
  }
  const [name, shared, given] =
    cs.productType === 'PayOnly'
      ? (['billingAddress', cs.billingAddress, input.billingAddress] as const)
      : (['shippingAddress', cs.shippingAddress, input.shippingAddress] as const);
  if (shared !== null) {
    if (given === undefined) return fail('MissingParameterValue', `${name} is required.`);
    if (!sameAddress(given, shared)) {
      return fail(
        'InvalidParameterValue',
        `The value provided for ${name} is invalid. It differs from the address the buyer chose (Get Checkout Session shows it).`,
      );
    }
  }
  if (cs.processing !== null) {
    if (input.paymentIntent !== undefined && input.paymentIntent !== cs.processing.paymentIntent) {
      return fail(
        'InvalidParameterValue',
        `The value provided for paymentIntent is invalid. The buyer was processed with ${cs.processing.paymentIntent}.`,
      );
    }
    return ok(cs);
  }
  const paymentIntent = input.paymentIntent ?? cs.paymentDetails.paymentIntent;
  if (paymentIntent === null) return fail('MissingParameterValue', 'paymentIntent is required.');
  const canHandlePendingAuthorization =
    input.canHandlePendingAuthorization ?? cs.paymentDetails.canHandlePendingAuthorization;
  if (paymentIntent === 'AuthorizeWithCapture' && canHandlePendingAuthorization) {
    return fail(
      'InvalidParameterCombination',
      'canHandlePendingAuthorization cannot be true when paymentIntent is AuthorizeWithCapture.',
    );
  }
  return ok({ ...cs, paymentDetails: { ...cs.paymentDetails, paymentIntent, canHandlePendingAuthorization } });
}

/** Lets Complete's amount checks run on a Buy Now session that is processed only after them. */
function placeholderProcessing(cs: CheckoutSession): ProcessingResult {
  return {
    processedAt: cs.lastUpdatedAt,
    outcome: 'Confirmed',
    pendingResolution: null,
    paymentIntent: 'Confirm',
    chargeAmount: cs.paymentDetails.chargeAmount,
    paymentMethod: cs.paymentMethod!,
  };
}

/**
 * The JSON shapes of Amazon Pay API v2 as reji sends and accepts them.
 * Shared by the HTTP edge (which produces them) and the SDK (which consumes them); types only.
 */
import type { ReasonCode } from '../domain/errors.js';

export type { ReasonCode };

/** `20220306T074611Z` */
export type WireTimestamp = string;

export interface Price {
  /** A decimal string: "15.00" (USD/EUR/GBP), "500" (JPY). */
  amount: string;
  currencyCode: string;
}

/** Amounts may be sent as JSON numbers too; reji always answers with strings. */
export interface PriceInput {
  amount: string | number;
  currencyCode: string;
}

export interface Address {
  name: string | null;
  addressLine1: string | null;
  addressLine2: string | null;
  addressLine3: string | null;
  city: string | null;
  county: string | null;
  district: string | null;
  stateOrRegion: string | null;
  postalCode: string | null;
  countryCode: string | null;
  phoneNumber: string | null;
}

export interface AddressDetails {
  name?: string;
  addressLine1?: string;
  addressLine2?: string;
  addressLine3?: string;
  city?: string;
  districtOrCounty?: string;
  stateOrRegion?: string;
  postalCode?: string;
  countryCode?: string;
  phoneNumber?: string;
}

export interface StatusDetails<State extends string = string> {
  state: State;
  reasonCode: string | null;
  reasonDescription: string | null;
  lastUpdatedTimestamp: WireTimestamp;
}

export interface ChargePermissionReason {
  reasonCode: string;
  reasonDescription: string | null;
}

export interface ChargePermissionStatusDetails {
  state: ChargePermissionState;
  reasons: ChargePermissionReason[] | null;
  lastUpdatedTimestamp: WireTimestamp;
}

export interface MerchantMetadata {
  merchantReferenceId: string | null;
  merchantStoreName: string | null;
  noteToBuyer: string | null;
  customInformation: string | null;
}

export interface ProviderMetadata {
  providerReferenceId: string | null;
}

export interface PaymentPreference {
  paymentDescriptor: string | null;
}

export interface Constraint {
  constraintId: ConstraintId;
  description: string;
}

export type ConstraintId =
  | 'BuyerNotAssociated'
  | 'ChargeAmountNotSet'
  | 'CheckoutResultReturnUrlNotSet'
  | 'PaymentIntentNotSet'
  | 'RecurringFrequencyNotSet';

export interface Buyer {
  buyerId: string;
  name: string | null;
  email: string | null;
  phoneNumber: string | null;
  primeMembershipTypes: string[] | null;
}

export type FrequencyUnit = 'Year' | 'Month' | 'Week' | 'Day' | 'Variable';

export interface RecurringMetadata {
  frequency: { unit: FrequencyUnit; value: string } | null;
  amount: Price | null;
}

export interface DeliverySpecifications {
  specialRestrictions?: ('RestrictPOBoxes' | 'RestrictPackstations')[];
  addressRestrictions?: {
    type: 'Allowed' | 'NotAllowed';
    restrictions: Record<string, { statesOrRegions?: string[]; zipCodes?: string[] }>;
  };
}

export type PaymentIntent = 'Confirm' | 'Authorize' | 'AuthorizeWithCapture';
export type ProductType = 'PayAndShip' | 'PayOnly' | 'PayAndShipMultiAddress';
export type ChargePermissionType = 'OneTime' | 'Recurring' | 'PaymentMethodOnFile';
export type ReleaseEnvironment = 'Sandbox' | 'Live';
export type Scope =
  | 'name'
  | 'email'
  | 'phoneNumber'
  | 'billingAddress'
  | 'postalCode'
  | 'shippingAddress'
  | 'primeStatus';

export type CheckoutSessionState = 'Open' | 'Completed' | 'Canceled';
export type ChargePermissionState = 'Chargeable' | 'NonChargeable' | 'Closed';
export type ChargeState =
  | 'AuthorizationInitiated'
  | 'Authorized'
  | 'CaptureInitiated'
  | 'Captured'
  | 'Canceled'
  | 'Declined';
export type RefundState = 'RefundInitiated' | 'Refunded' | 'Declined';

export interface WebCheckoutDetails {
  checkoutReviewReturnUrl: string | null;
  checkoutResultReturnUrl: string | null;
  checkoutCancelUrl: string | null;
  amazonPayRedirectUrl: string | null;
  checkoutMode: 'ProcessOrder' | null;
}

export interface PaymentDetails {
  paymentIntent: PaymentIntent | null;
  canHandlePendingAuthorization: boolean;
  chargeAmount: Price | null;
  totalOrderAmount: Price | null;
  softDescriptor: string | null;
  presentmentCurrency: string | null;
  allowOvercharge: boolean | null;
  extendExpiration: boolean | null;
}

export interface CheckoutSession {
  checkoutSessionId: string;
  webCheckoutDetails: WebCheckoutDetails | null;
  productType: ProductType | null;
  paymentDetails: PaymentDetails | null;
  chargePermissionType: ChargePermissionType | null;
  recurringMetadata: RecurringMetadata | null;
  merchantMetadata: MerchantMetadata | null;
  supplementaryData: string | null;
  buyer: Buyer | null;
  billingAddress: Address | null;
  paymentPreferences: PaymentPreference[] | null;
  statusDetails: StatusDetails<CheckoutSessionState>;
  shippingAddress: Address | null;
  platformId: string | null;
  chargePermissionId: string | null;
  chargeId: string | null;
  constraints: Constraint[] | null;
  creationTimestamp: WireTimestamp;
  expirationTimestamp: WireTimestamp | null;
  storeId: string | null;
  deliverySpecifications: DeliverySpecifications | null;
  providerMetadata: ProviderMetadata | null;
  checkoutButtonText: string | null;
  releaseEnvironment: ReleaseEnvironment | null;
  paymentMethodOnFileMetadata: { setupOnly: boolean } | null;
  shippingAddressList: string[] | null;
  multiAddressesCheckoutMetadata: { addressId: string; price: Price }[] | null;
}

export interface ChargePermission {
  chargePermissionId: string;
  chargePermissionReferenceId: string | null;
  chargePermissionType: ChargePermissionType;
  recurringMetadata: RecurringMetadata | null;
  buyer: Buyer | null;
  releaseEnvironment: ReleaseEnvironment;
  shippingAddress: Address | null;
  billingAddress: Address | null;
  paymentPreferences: PaymentPreference[] | null;
  statusDetails: ChargePermissionStatusDetails;
  creationTimestamp: WireTimestamp;
  expirationTimestamp: WireTimestamp | null;
  merchantMetadata: MerchantMetadata;
  platformId: string | null;
  limits: { amountLimit: Price; amountBalance: Price };
  presentmentCurrency: string;
}

export type ChargeInitiator = 'CITU' | 'MITU' | 'CITR' | 'MITR';
export type Channel = 'Web' | 'Phone' | 'App' | 'Alexa' | 'PointOfSale' | 'FireTv' | 'Offline' | 'Amazon';

export interface Charge {
  chargeId: string;
  chargePermissionId: string;
  chargeAmount: Price;
  captureAmount: Price | null;
  refundedAmount: Price | null;
  convertedAmount: Price | null;
  conversionRate: number | null;
  softDescriptor: string | null;
  merchantMetadata: MerchantMetadata | null;
  providerMetadata: ProviderMetadata | null;
  platformId: string | null;
  chargeInitiator: ChargeInitiator | null;
  channel: Channel | null;
  captureNow: boolean;
  canHandlePendingAuthorization: boolean;
  webCheckoutDetails: { checkoutResultReturnUrl: string | null; amazonPayRedirectUrl: string | null } | null;
  statusDetails: StatusDetails<ChargeState>;
  creationTimestamp: WireTimestamp;
  expirationTimestamp: WireTimestamp | null;
  releaseEnvironment: ReleaseEnvironment;
}

export interface Refund {
  refundId: string;
  chargeId: string;
  creationTimestamp: WireTimestamp;
  refundAmount: Price;
  softDescriptor: string | null;
  statusDetails: StatusDetails<RefundState>;
  releaseEnvironment: ReleaseEnvironment;
}

export interface BuyerProfile {
  buyerId: string;
  name: string | null;
  email: string | null;
  postalCode: string | null;
  countryCode: string | null;
  phoneNumber: string | null;
  shippingAddress: Address | null;
  billingAddress: Address | null;
  primeMembershipTypes: string[] | null;
}

export interface ErrorBody {
  reasonCode: ReasonCode;
  message: string;
}

// ---- request bodies ----

export interface MerchantMetadataInput {
  merchantReferenceId?: string;
  merchantStoreName?: string;
  noteToBuyer?: string;
  customInformation?: string;
}

export interface RecurringMetadataInput {
  frequency?: { unit: FrequencyUnit; value: string | number };
  amount?: PriceInput;
}

export interface CreateCheckoutSessionRequest {
  webCheckoutDetails: {
    checkoutReviewReturnUrl?: string;
    checkoutResultReturnUrl?: string;
    checkoutCancelUrl?: string;
    checkoutMode?: 'ProcessOrder';
  };
  storeId: string;
  scopes?: Scope[];
  chargePermissionType?: ChargePermissionType;
  recurringMetadata?: RecurringMetadataInput;
  paymentDetails?: {
    paymentIntent?: PaymentIntent;
    canHandlePendingAuthorization?: boolean;
    chargeAmount?: PriceInput;
    totalOrderAmount?: PriceInput;
    softDescriptor?: string;
    presentmentCurrency?: string;
    allowOvercharge?: boolean;
    extendExpiration?: boolean;
    estimateOrderTotal?: PriceInput;
  };
  merchantMetadata?: MerchantMetadataInput;
  supplementaryData?: string;
  platformId?: string;
  providerMetadata?: { providerReferenceId?: string };
  deliverySpecifications?: DeliverySpecifications;
  addressDetails?: AddressDetails;
  paymentMethodOnFileMetadata?: { setupOnly?: boolean };
  chargePermissionId?: string;
}

export interface UpdateCheckoutSessionRequest {
  webCheckoutDetails?: {
    checkoutResultReturnUrl?: string;
    checkoutCancelUrl?: string;
    checkoutReviewReturnUrl?: string;
  };
  paymentDetails?: {
    paymentIntent?: PaymentIntent;
    canHandlePendingAuthorization?: boolean;
    chargeAmount?: PriceInput;
    totalOrderAmount?: PriceInput;
    softDescriptor?: string;
    estimateOrderTotal?: PriceInput;
    extendExpiration?: boolean;
  };
  merchantMetadata?: MerchantMetadataInput;
  chargePermissionType?: ChargePermissionType;
  recurringMetadata?: RecurringMetadataInput;
  supplementaryData?: string;
  platformId?: string;
  providerMetadata?: { providerReferenceId?: string };
  multiAddressesCheckoutMetadata?: { addressId: string; price: PriceInput }[];
}

export interface CompleteCheckoutSessionRequest {
  chargeAmount?: PriceInput;
  totalOrderAmount?: PriceInput;
}

export interface UpdateChargePermissionRequest {
  merchantMetadata?: MerchantMetadataInput;
  recurringMetadata?: RecurringMetadataInput;
}

export interface CloseChargePermissionRequest {
  closureReason: string;
  cancelPendingCharges?: boolean;
}

export interface CreateChargeRequest {
  chargePermissionId: string;
  chargeAmount: PriceInput;
  captureNow?: boolean;
  softDescriptor?: string;
  canHandlePendingAuthorization?: boolean;
  merchantMetadata?: MerchantMetadataInput;
  providerMetadata?: { providerReferenceId?: string };
  platformId?: string;
  chargeInitiator?: ChargeInitiator;
  channel?: Channel;
  webCheckoutDetails?: { checkoutResultReturnUrl?: string };
}

export interface CaptureChargeRequest {
  captureAmount: PriceInput;
  softDescriptor?: string;
}

export interface CancelChargeRequest {
  cancellationReason: string;
}

export interface CreateRefundRequest {
  chargeId: string;
  refundAmount: PriceInput;
  softDescriptor?: string;
}

// ---- sandbox testing endpoints (reji's own) ----

export interface BuyerConsentRequest {
  buyerEmail?: string;
  shippingAddressId?: string;
  paymentMethodId?: string;
}

export interface TestingRedirect {
  checkoutSessionId: string;
  redirectUrl: string;
}

export interface ClockAdvanceRequest {
  advanceBySeconds: number;
}

export interface ClockState {
  now: WireTimestamp;
}

export interface TestBuyerAddress extends Address {
  /** The id buyerConsent takes as `shippingAddressId`. */
  addressId: string;
}

export type TestPaymentMethodBehaviour =
  | 'Succeeds'
  | 'BuyerCancels'
  | 'Declines'
  | 'PendsThenAuthorizes'
  | 'PendsThenHardDeclines';

export interface TestBuyerPaymentMethod {
  /** The id buyerConsent takes as `paymentMethodId`. */
  paymentMethodId: string;
  brand: string;
  last4: string;
  behaviour: TestPaymentMethodBehaviour;
}

export interface TestBuyer {
  buyerId: string;
  email: string;
  name: string;
  addresses: TestBuyerAddress[];
  paymentMethods: TestBuyerPaymentMethod[];
}

export interface TestBuyerList {
  buyers: TestBuyer[];
}

// ---- more request bodies ----

export interface FinalizeCheckoutSessionRequest {
  chargeAmount: PriceInput;
  totalOrderAmount?: PriceInput;
  supplementaryData?: string;
  shippingAddress?: AddressDetails;
  billingAddress?: AddressDetails;
  paymentIntent?: PaymentIntent;
  canHandlePendingAuthorization?: boolean;
}

/** The payload of `signInConfig` (Amazon Sign-in button); signed like the checkout payload. */
export interface SignInPayload {
  signInReturnUrl: string;
  storeId: string;
  signInScopes?: Scope[];
}

// ---- instant payment notifications (spec 08) ----

export type IpnObjectType = 'CHARGE_PERMISSION' | 'CHARGE' | 'REFUND' | 'CHARGEBACK';
export type IpnNotificationType = 'STATE_CHANGE' | 'ATTRIBUTE_CHANGE';

/** The CV2 notification: the JSON string in the SNS envelope's `Message`. */
export interface IpnMessage {
  MerchantID: string;
  ObjectType: IpnObjectType;
  ObjectId: string;
  ChargePermissionId: string;
  NotificationType: IpnNotificationType;
  NotificationId: string;
  NotificationVersion: string;
}

export type SnsMessageType = 'Notification' | 'SubscriptionConfirmation' | 'UnsubscribeConfirmation';

/** The Amazon SNS HTTP(S) envelope an IPN arrives in (`text/plain` JSON). */
export interface SnsEnvelope {
  Type: SnsMessageType;
  MessageId: string;
  TopicArn: string;
  Subject?: string;
  Message: string;
  Timestamp: string;
  SignatureVersion: string;
  Signature: string;
  SigningCertURL: string;
  UnsubscribeURL?: string;
  SubscribeURL?: string;
  Token?: string;
}

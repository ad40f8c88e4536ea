/**
 * The JSON shapes of Amazon Pay API v2 as reji sends and accepts them.
 * Shared by the HTTP edge (which produces them) and the SDK (which consumes them); types only.
 */
import type { ReasonCode } from '../domain/errors.js';

export type { ReasonCode };

import type * as R from './responses.js';
import type * as Q from './requests.js';
import type { Input, Output } from './schema.js';

export type { Input, Output, PriceInput } from './schema.js';

/** `20220306T074611Z` */
export type WireTimestamp = string;

// ---- response objects: derived from their declarations in responses.ts (key order = rendering order) ----

export interface Price extends Output<typeof R.priceResponse> {}
export interface Address extends Output<typeof R.addressResponse> {}
export interface Buyer extends Output<typeof R.buyerResponse> {}
export interface MerchantMetadata extends Output<typeof R.merchantMetadataResponse> {}
export interface ProviderMetadata extends Output<typeof R.providerMetadataResponse> {}
export interface PaymentPreference extends Output<typeof R.paymentPreferenceResponse> {}
export interface Constraint extends Output<typeof R.constraintResponse> {}
export interface RecurringMetadata extends Output<typeof R.recurringMetadataResponse> {}
export interface DeliverySpecifications extends Output<typeof R.deliverySpecificationsResponse> {}
export interface WebCheckoutDetails extends Output<typeof R.webCheckoutDetailsResponse> {}
export interface PaymentDetails extends Output<typeof R.paymentDetailsResponse> {}
export interface ChargePermissionStatusDetails extends Output<typeof R.chargePermissionStatusDetailsResponse> {}
export type ChargePermissionReason = NonNullable<ChargePermissionStatusDetails['reasons']>[number];
export interface Limits extends Output<typeof R.limitsResponse> {}
export interface CheckoutSession extends Output<typeof R.checkoutSessionResponse> {}
export interface ChargePermission extends Output<typeof R.chargePermissionResponse> {}
export interface Charge extends Output<typeof R.chargeResponse> {}
export interface Refund extends Output<typeof R.refundResponse> {}
export interface BuyerProfile extends Output<typeof R.buyerProfileResponse> {}
export interface Dispute extends Output<typeof R.disputeResponse> {}
export interface EvidenceFile extends Output<typeof R.fileResponse> {}
export interface Report extends Output<typeof R.reportResponse> {}
export interface ReportList extends Output<typeof R.reportListResponse> {}
export interface ReportDocument extends Output<typeof R.reportDocumentResponse> {}
export interface ReportSchedule extends Output<typeof R.reportScheduleResponse> {}
export interface ReportScheduleList extends Output<typeof R.reportScheduleListResponse> {}
export interface Disbursement extends Output<typeof R.disbursementResponse> {}
export interface DisbursementList extends Output<typeof R.disbursementListResponse> {}
export interface DeliveryTracker extends Output<typeof R.deliveryTrackerResponse> {}

export interface StatusDetails<State extends string = string> {
  state: State;
  reasonCode: string | null;
  reasonDescription: string | null;
  lastUpdatedTimestamp: WireTimestamp;
}

export type ConstraintId = (typeof R.CONSTRAINT_IDS)[number];
export type FrequencyUnit = NonNullable<RecurringMetadata['frequency']>['unit'];
export type PaymentIntent = (typeof R.PAYMENT_INTENTS)[number];
export type ProductType = (typeof R.PRODUCT_TYPES)[number];
export type ChargePermissionType = (typeof R.CHARGE_PERMISSION_TYPES)[number];
export type ReleaseEnvironment = ChargePermission['releaseEnvironment'];
export type Scope = NonNullable<CreateCheckoutSessionRequest['scopes']>[number];
export type CheckoutSessionState = CheckoutSession['statusDetails']['state'];
export type ChargePermissionState = ChargePermission['statusDetails']['state'];
export type ChargeState = Charge['statusDetails']['state'];
export type RefundState = Refund['statusDetails']['state'];
export type ChargeInitiator = NonNullable<Charge['chargeInitiator']>;
export type Channel = NonNullable<Charge['channel']>;

export interface ErrorBody {
  reasonCode: ReasonCode;
  message: string;
}

// ---- request bodies: what a client may send, derived from their declarations in requests.ts ----

export interface CreateCheckoutSessionRequest extends Input<typeof Q.createCheckoutSessionRequest> {}
export interface UpdateCheckoutSessionRequest extends Input<typeof Q.updateCheckoutSessionRequest> {}
export interface CompleteCheckoutSessionRequest extends Input<typeof Q.completeCheckoutSessionRequest> {}
export interface FinalizeCheckoutSessionRequest extends Input<typeof Q.finalizeCheckoutSessionRequest> {}
export interface UpdateChargePermissionRequest extends Input<typeof Q.updateChargePermissionRequest> {}
export interface CloseChargePermissionRequest extends Input<typeof Q.closeChargePermissionRequest> {}
export interface CreateChargeRequest extends Input<typeof Q.createChargeRequest> {}
export interface CaptureChargeRequest extends Input<typeof Q.captureChargeRequest> {}
export interface CancelChargeRequest extends Input<typeof Q.cancelChargeRequest> {}
export interface CreateRefundRequest extends Input<typeof Q.createRefundRequest> {}
export interface CreateReportRequest extends Input<typeof Q.createReportRequest> {}
export interface CreateReportScheduleRequest extends Input<typeof Q.createReportScheduleRequest> {}
export type DeliveryTrackerRequest = Input<typeof Q.deliveryTrackerRequest>;
export type MerchantMetadataInput = NonNullable<CreateCheckoutSessionRequest['merchantMetadata']>;
export type RecurringMetadataInput = NonNullable<CreateCheckoutSessionRequest['recurringMetadata']>;
export type AddressDetails = NonNullable<CreateCheckoutSessionRequest['addressDetails']>;
export type DeliverySpecificationsInput = NonNullable<CreateCheckoutSessionRequest['deliverySpecifications']>;

// ---- sandbox testing endpoints (reji's own) ----

export interface BuyerConsentRequest extends Input<typeof Q.buyerConsentRequest> {}

export interface TestingRedirect {
  checkoutSessionId: string;
  redirectUrl: string;
}

export interface ClockAdvanceRequest extends Input<typeof Q.clockAdvanceRequest> {}

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

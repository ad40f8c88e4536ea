import { CHANNELS, CHARGE_INITIATORS, CHARGE_STATES } from '../domain/charge.js';
import { CHARGE_PERMISSION_STATES } from '../domain/charge-permission.js';
import { CHECKOUT_SESSION_STATES } from '../domain/checkout-session.js';
import {
  DISPUTE_RESOLUTIONS,
  DISPUTE_STATES,
  DISPUTE_TYPES,
  EVIDENCE_TYPES,
  FILING_REASONS,
  RESOLUTION_AUTHORITIES,
} from '../domain/dispute.js';
import { FILE_PURPOSES, FILE_TYPES } from '../domain/evidence-file.js';
import { ENVIRONMENTS } from '../domain/environment.js';
import { REFUND_STATES } from '../domain/refund.js';
import { PROCESSING_STATUSES, REPORT_TYPES, SCHEDULE_FREQUENCY_NAMES } from '../domain/report.js';
import { FREQUENCY_UNITS } from '../domain/shared-types.js';
import {
  array,
  boolean,
  literal,
  nullable,
  number,
  object,
  opaqueObject,
  optional,
  record,
  string,
  text,
  type Schema,
} from './schema.js';

/**
 * Response objects of every operation. The order of each declaration's keys IS the order reji renders them in
 * (`render`), taken from spec 11 §11.1 (the live service); where spec 11 is silent, reji's earlier order stands
 * (docs/decisions.md says which). Every key is always present, null when unset, unless declared `optional`.
 */

const nullableText = () => nullable(text());

/** `20220306T074611Z` */
export const wireTimestamp = string({ max: 16, min: 16, pattern: /^\d{8}T\d{6}Z$/ });

export const priceResponse = object({ amount: text(), currencyCode: text() });

export const addressResponse = object({
  name: nullableText(),
  addressLine1: nullableText(),
  addressLine2: nullableText(),
  addressLine3: nullableText(),
  city: nullableText(),
  county: nullableText(),
  district: nullableText(),
  stateOrRegion: nullableText(),
  postalCode: nullableText(),
  countryCode: nullableText(),
  phoneNumber: nullableText(),
});

export const buyerResponse = object({
  name: nullableText(),
  email: nullableText(),
  buyerId: text(),
  primeMembershipTypes: nullable(array(text())),
  phoneNumber: nullableText(),
});

export function statusDetailsResponse<const S extends string>(states: readonly S[]) {
  return object({
    state: literal(states),
    reasonCode: nullableText(),
    reasonDescription: nullableText(),
    lastUpdatedTimestamp: wireTimestamp,
  });
}

export const merchantMetadataResponse = object({
  merchantReferenceId: nullableText(),
  merchantStoreName: nullableText(),
  noteToBuyer: nullableText(),
  customInformation: nullableText(),
});

export const providerMetadataResponse = object({ providerReferenceId: nullableText() });

export const paymentPreferenceResponse = object({ paymentDescriptor: nullableText() });

export const CONSTRAINT_IDS = [
  'BuyerNotAssociated',
  'ChargeAmountNotSet',
  'CheckoutResultReturnUrlNotSet',
  'PaymentIntentNotSet',
  'RecurringFrequencyNotSet',
] as const;

export const constraintResponse = object({ constraintId: literal(CONSTRAINT_IDS), description: text() });

export const recurringMetadataResponse = object({
  frequency: nullable(object({ unit: literal(FREQUENCY_UNITS), value: text() })),
  amount: nullable(priceResponse),
});

export const SPECIAL_RESTRICTIONS = ['RestrictPOBoxes', 'RestrictPackstations'] as const;

export const deliverySpecificationsResponse = object({
  specialRestrictions: array(literal(SPECIAL_RESTRICTIONS)),
  // Left out (not null) when the merchant set none, as before.
  addressRestrictions: optional(
    object({
      type: literal(['Allowed', 'NotAllowed'] as const),
      restrictions: record(/^[A-Z]{2}$/, object({ statesOrRegions: array(text()), zipCodes: array(text()) })),
    }),
  ),
});

export const PAYMENT_INTENTS = ['Confirm', 'Authorize', 'AuthorizeWithCapture'] as const;
export const PRODUCT_TYPES = ['PayAndShip', 'PayOnly', 'PayAndShipMultiAddress'] as const;
export const CHARGE_PERMISSION_TYPES = ['OneTime', 'Recurring', 'PaymentMethodOnFile'] as const;

export const webCheckoutDetailsResponse = object({
  checkoutReviewReturnUrl: nullableText(),
  checkoutResultReturnUrl: nullableText(),
  amazonPayRedirectUrl: nullableText(),
  checkoutCancelUrl: nullableText(),
  checkoutMode: nullable(literal(['ProcessOrder'] as const)),
});

export const paymentDetailsResponse = object({
  paymentIntent: nullable(literal(PAYMENT_INTENTS)),
  canHandlePendingAuthorization: boolean(),
  chargeAmount: nullable(priceResponse),
  totalOrderAmount: nullable(priceResponse),
  softDescriptor: nullableText(),
  presentmentCurrency: nullableText(),
  allowOvercharge: nullable(boolean()),
  extendExpiration: nullable(boolean()),
});

const releaseEnvironment = literal(ENVIRONMENTS);

/** Checkout Session (Create, Get, Update, Complete): exactly the 28 keys of spec 11 §11.1, in its order. */
export const checkoutSessionResponse = object({
  checkoutSessionId: text(),
  webCheckoutDetails: nullable(webCheckoutDetailsResponse),
  productType: nullable(literal(PRODUCT_TYPES)),
  paymentDetails: nullable(paymentDetailsResponse),
  chargePermissionType: nullable(literal(CHARGE_PERMISSION_TYPES)),
  orderType: nullableText(),
  recurringMetadata: nullable(recurringMetadataResponse),
  paymentMethodOnFileMetadata: nullable(object({ setupOnly: boolean() })),
  merchantDetails: nullable(opaqueObject()),
  merchantMetadata: nullable(merchantMetadataResponse),
  supplementaryData: nullableText(),
  buyer: nullable(buyerResponse),
  billingAddress: nullable(addressResponse),
  paymentPreferences: nullable(array(paymentPreferenceResponse)),
  statusDetails: statusDetailsResponse(CHECKOUT_SESSION_STATES),
  shippingAddress: nullable(addressResponse),
  platformId: nullableText(),
  chargePermissionId: nullableText(),
  chargeId: nullableText(),
  constraints: nullable(array(constraintResponse)),
  creationTimestamp: wireTimestamp,
  expirationTimestamp: nullable(wireTimestamp),
  storeId: nullableText(),
  providerMetadata: nullable(providerMetadataResponse),
  releaseEnvironment: nullable(releaseEnvironment),
  checkoutButtonText: nullableText(),
  deliverySpecifications: nullable(deliverySpecificationsResponse),
  tokens: nullable(array(opaqueObject())),
});

export const chargePermissionStatusDetailsResponse = object({
  state: literal(CHARGE_PERMISSION_STATES),
  reasons: nullable(array(object({ reasonCode: text(), reasonDescription: nullableText() }))),
  lastUpdatedTimestamp: wireTimestamp,
});

export const limitsResponse = object({ amountLimit: priceResponse, amountBalance: priceResponse });

/** Charge Permission (Get, Update, Close): the 17 keys of spec 11 §11.1, in its order. */
export const chargePermissionResponse = object({
  chargePermissionId: text(),
  amazonPayToken: nullableText(),
  chargePermissionReferenceId: nullableText(),
  platformId: nullableText(),
  buyer: nullable(buyerResponse),
  shippingAddress: nullable(addressResponse),
  billingAddress: nullable(addressResponse),
  paymentPreferences: nullable(array(paymentPreferenceResponse)),
  statusDetails: chargePermissionStatusDetailsResponse,
  creationTimestamp: wireTimestamp,
  expirationTimestamp: nullable(wireTimestamp),
  merchantMetadata: merchantMetadataResponse,
  releaseEnvironment,
  limits: limitsResponse,
  chargePermissionType: literal(CHARGE_PERMISSION_TYPES),
  // Never null: a OneTime permission answers {"frequency": null, "amount": null} (spec 11 §11.1).
  recurringMetadata: recurringMetadataResponse,
  presentmentCurrency: text(),
});

/**
 * Charge (Create, Get, Capture, Cancel): the 18 keys of spec 11 §11.1 in its order, then the two request
 * echoes reji has always returned (captureNow, canHandlePendingAuthorization; docs/decisions.md).
 */
export const chargeResponse = object({
  chargeId: text(),
  chargeAmount: priceResponse,
  chargePermissionId: text(),
  captureAmount: nullable(priceResponse),
  refundedAmount: nullable(priceResponse),
  softDescriptor: nullableText(),
  providerMetadata: nullable(providerMetadataResponse),
  convertedAmount: nullable(priceResponse),
  conversionRate: nullable(number()),
  channel: nullable(literal(CHANNELS)),
  chargeInitiator: nullable(literal(CHARGE_INITIATORS)),
  statusDetails: statusDetailsResponse(CHARGE_STATES),
  creationTimestamp: wireTimestamp,
  expirationTimestamp: nullable(wireTimestamp),
  releaseEnvironment,
  merchantMetadata: nullable(merchantMetadataResponse),
  platformId: nullableText(),
  webCheckoutDetails: nullable(
    object({ checkoutResultReturnUrl: nullableText(), amazonPayRedirectUrl: nullableText() }),
  ),
  captureNow: boolean(),
  canHandlePendingAuthorization: boolean(),
});

/** Refund (Create, Get): the 7 keys of spec 11 §11.1, in its order. */
export const refundResponse = object({
  refundId: text(),
  chargeId: text(),
  refundAmount: priceResponse,
  softDescriptor: nullableText(),
  creationTimestamp: wireTimestamp,
  statusDetails: statusDetailsResponse(REFUND_STATES),
  releaseEnvironment,
});

/** Get Buyer: spec 11 fixes only the address order; the top-level order is reji's earlier one. */
export const buyerProfileResponse = object({
  buyerId: text(),
  name: nullableText(),
  email: nullableText(),
  postalCode: nullableText(),
  countryCode: nullableText(),
  phoneNumber: nullableText(),
  shippingAddress: nullable(addressResponse),
  billingAddress: nullable(addressResponse),
  primeMembershipTypes: nullable(array(text())),
});

/**
 * Dispute (Create, Get, Update, Contest): the fields of spec 12 §12.9.1 in the documentation's order, which holds
 * the live service's key set (spec 12: "suggested order: doc order").
 */
export const disputeResponse = object({
  disputeId: text(),
  releaseEnvironment,
  chargeId: text(),
  disputeType: literal(DISPUTE_TYPES),
  disputeAmount: priceResponse,
  filingReason: literal(FILING_REASONS),
  statusDetails: object({
    state: literal(DISPUTE_STATES),
    reasonCode: nullableText(),
    reasonDescription: nullableText(),
    resolution: nullable(literal(DISPUTE_RESOLUTIONS)),
    lastUpdatedTimestamp: wireTimestamp,
  }),
  merchantEvidences: array(
    object({ evidenceType: literal(EVIDENCE_TYPES), fileId: nullableText(), evidenceText: nullableText() }),
  ),
  merchantResponseDeadline: wireTimestamp,
  resolutionAuthority: literal(RESOLUTION_AUTHORITIES),
  creationTimestamp: wireTimestamp,
});

/** Upload File: the 7 keys of the File object (spec 12 §12.10); size is 0 and uploadTimestamp null until the PUT. */
export const fileResponse = object({
  id: text(),
  type: literal(FILE_TYPES),
  purpose: literal(FILE_PURPOSES),
  size: number(),
  uploadTimestamp: nullable(wireTimestamp),
  url: text(),
  urlExpirationTimestamp: wireTimestamp,
});

/** Report (Get Reports' items, Get Report By Id): alphabetical keys, as the live service (spec 12 §12.4.1, §12.15). */
export const reportResponse = object({
  createdTime: wireTimestamp,
  endTime: wireTimestamp,
  processingEndTime: nullable(wireTimestamp),
  processingStartTime: nullable(wireTimestamp),
  processingStatus: literal(PROCESSING_STATUSES),
  reportDocumentId: nullableText(),
  reportId: text(),
  reportType: literal(REPORT_TYPES),
  startTime: wireTimestamp,
});

export const reportListResponse = object({
  reports: array(reportResponse),
  nextToken: optional(text()),
});

export const createReportResponse = object({ reportId: text() });

/** Get Report Document: alphabetical like the other report objects (docs/decisions.md). */
export const reportDocumentResponse = object({
  compressionAlgorithm: text(),
  reportDocumentId: text(),
  url: text(),
});

export const reportScheduleResponse = object({
  nextReportCreationTime: wireTimestamp,
  reportScheduleId: text(),
  reportType: literal(REPORT_TYPES),
  scheduleFrequency: literal(SCHEDULE_FREQUENCY_NAMES),
});

export const reportScheduleListResponse = object({ reportSchedules: array(reportScheduleResponse) });

export const createReportScheduleResponse = object({ reportScheduleId: text() });

export const emptyResponse = object({});

/** Get Disbursements (spec 12 §12.5): amount a decimal string, transactionTime extended ISO-8601 with ms. */
export const disbursementResponse = object({
  sellerId: text(),
  settlementId: text(),
  amazonDisbursementReferenceId: text(),
  amount: text(),
  currencyCode: text(),
  transactionTime: text(),
});

export const disbursementListResponse = object({
  disbursements: array(disbursementResponse),
  nextToken: optional(text()),
});

/** Create Delivery Tracker: the request echoed, with the one id it was sent (spec 12 §12.3). */
export const deliveryTrackerResponse = object({
  amazonOrderReferenceId: optional(text()),
  chargePermissionId: optional(text()),
  deliveryDetails: array(object({ trackingNumber: text(), carrierCode: text() })),
});

/** Every response declaration by name (JSON Schema components, tests). */
export const RESPONSES = {
  CheckoutSession: checkoutSessionResponse,
  ChargePermission: chargePermissionResponse,
  Charge: chargeResponse,
  Refund: refundResponse,
  BuyerProfile: buyerProfileResponse,
  Dispute: disputeResponse,
  File: fileResponse,
  Report: reportResponse,
  ReportList: reportListResponse,
  CreateReportResult: createReportResponse,
  ReportDocument: reportDocumentResponse,
  ReportSchedule: reportScheduleResponse,
  ReportScheduleList: reportScheduleListResponse,
  CreateReportScheduleResult: createReportScheduleResponse,
  Empty: emptyResponse,
  DisbursementList: disbursementListResponse,
  DeliveryTracker: deliveryTrackerResponse,
} as const satisfies Record<string, Schema<unknown, unknown>>;

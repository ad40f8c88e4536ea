import { CHANNELS, CHARGE_INITIATORS, CHARGE_STATES } from '../domain/charge.js';
import { SCOPES, type DeliverySpecifications } from '../domain/checkout-session.js';
import {
  DISPUTE_REASON_CODES,
  DISPUTE_RESOLUTIONS,
  DISPUTE_STATES,
  EVIDENCE_TEXT_MAX,
  EVIDENCE_TYPES,
  FILING_REASONS,
  MAX_EVIDENCES,
} from '../domain/dispute.js';
import { fail, ok } from '../domain/errors.js';
import { FILE_PURPOSES, FILE_TYPES } from '../domain/evidence-file.js';
import { TEXT_LIMITS } from '../domain/limits.js';
import { CURRENCIES, type CurrencyCode } from '../domain/money.js';
import {
  REPORT_TYPES,
  SCHEDULE_FREQUENCY_NAMES,
  checkRequestable,
  checkSchedulable,
  parseReportTime,
} from '../domain/report.js';
import { FREQUENCY_UNITS, type Address, type RecurringMetadata } from '../domain/shared-types.js';
import {
  array,
  boolean,
  instant,
  integerLike,
  invalid,
  literal,
  map,
  object,
  optional,
  price,
  record,
  string,
  url,
  type Input,
  type Schema,
} from './schema.js';

/** Request bodies of every operation, checked once at the edge; their `Input` types are the SDK's (types.ts). */

const merchantMetadata = object({
  merchantReferenceId: optional(string({ max: TEXT_LIMITS.merchantReferenceId })),
  merchantStoreName: optional(string({ max: TEXT_LIMITS.merchantStoreName })),
  noteToBuyer: optional(string({ max: TEXT_LIMITS.noteToBuyer })),
  customInformation: optional(string({ max: TEXT_LIMITS.customInformation })),
});

const providerMetadata = object({ providerReferenceId: optional(string({ max: TEXT_LIMITS.providerReferenceId })) });

const currencyCode = map(string({ max: 3 }), (v, p) =>
  Object.hasOwn(CURRENCIES, v) ? ok(v as CurrencyCode) : invalid(p, `${v} is not a supported currency.`),
);

const recurringMetadata = map(
  object({
    frequency: optional(object({ unit: literal(FREQUENCY_UNITS), value: integerLike({ min: 0, max: 9999 }) })),
    amount: optional(price()),
  }),
  (v): ReturnType<typeof ok<RecurringMetadata>> => ok({ frequency: v.frequency ?? null, amount: v.amount ?? null }),
);

const addressDetails = map(
  object({
    name: optional(string({ max: 50 })),
    addressLine1: optional(string({ max: 180 })),
    addressLine2: optional(string({ max: 60 })),
    addressLine3: optional(string({ max: 60 })),
    city: optional(string({ max: 50 })),
    districtOrCounty: optional(string({ max: 50 })),
    stateOrRegion: optional(string({ max: 50 })),
    postalCode: optional(string({ max: 20 })),
    countryCode: optional(string({ max: 2, min: 2 })),
    phoneNumber: optional(string({ max: 20 })),
  }),
  (a, p) => {
    // Amazon trims every field and upper-cases postal and country codes.
    const t = (s: string | undefined) => (s === undefined ? null : s.trim() === '' ? null : s.trim());
    const address: Address = {
      name: t(a.name),
      addressLine1: t(a.addressLine1),
      addressLine2: t(a.addressLine2),
      addressLine3: t(a.addressLine3),
      city: t(a.city),
      county: t(a.districtOrCounty),
      district: null,
      stateOrRegion: t(a.stateOrRegion),
      postalCode: t(a.postalCode)?.toUpperCase() ?? null,
      countryCode: t(a.countryCode)?.toUpperCase() ?? null,
      phoneNumber: t(a.phoneNumber),
    };
    const country = address.countryCode ?? '';
    const required: (keyof Address)[] = ['name', 'addressLine1', 'postalCode', 'countryCode', 'phoneNumber'];
    if (country !== 'JP') required.push('city');
    if (country === 'JP' || country === 'US') required.push('stateOrRegion');
    for (const field of required) {
      if (address[field] === null)
        return invalid(
          `${p}.${field === 'county' ? 'districtOrCounty' : field}`,
          `It is required for addresses in ${country || 'this country'}.`,
        );
    }
    return ok(address);
  },
);

const deliverySpecifications = map(
  object({
    specialRestrictions: optional(array(literal(['RestrictPOBoxes', 'RestrictPackstations'] as const), { max: 2 })),
    addressRestrictions: optional(
      object({
        type: literal(['Allowed', 'NotAllowed'] as const),
        restrictions: record(
          /^[A-Z]{2}$/,
          object({
            statesOrRegions: optional(array(string({ max: 50, min: 1 }), { max: 100 })),
            zipCodes: optional(array(string({ max: 20, min: 1 }), { max: 1000 })),
          }),
          { max: 250 },
        ),
      }),
    ),
  }),
  (d): ReturnType<typeof ok<DeliverySpecifications>> => {
    const restrictions: Record<string, { statesOrRegions: string[]; zipCodes: string[] }> = {};
    for (const [country, rule] of Object.entries(d.addressRestrictions?.restrictions ?? {})) {
      restrictions[country] = { statesOrRegions: rule.statesOrRegions ?? [], zipCodes: rule.zipCodes ?? [] };
    }
    return ok({
      specialRestrictions: d.specialRestrictions ?? [],
      addressRestrictions: d.addressRestrictions ? { type: d.addressRestrictions.type, restrictions } : null,
    });
  },
);

const paymentIntent = literal(['Confirm', 'Authorize', 'AuthorizeWithCapture'] as const);
const chargePermissionType = literal(['OneTime', 'Recurring', 'PaymentMethodOnFile'] as const);
const softDescriptor = string({ max: TEXT_LIMITS.softDescriptor, min: 1 });

export const createCheckoutSessionRequest = object({
  webCheckoutDetails: object({
    checkoutReviewReturnUrl: optional(url(TEXT_LIMITS.url)),
    checkoutResultReturnUrl: optional(url(TEXT_LIMITS.url)),
    checkoutCancelUrl: optional(url(TEXT_LIMITS.url)),
    checkoutMode: optional(literal(['ProcessOrder'] as const)),
  }),
  storeId: string({ max: 100, min: 1 }),
  scopes: optional(array(literal(SCOPES), { max: SCOPES.length })),
  chargePermissionType: optional(chargePermissionType),
  recurringMetadata: optional(recurringMetadata),
  paymentDetails: optional(
    object({
      paymentIntent: optional(paymentIntent),
      canHandlePendingAuthorization: optional(boolean()),
      chargeAmount: optional(price()),
      totalOrderAmount: optional(price()),
      softDescriptor: optional(softDescriptor),
      presentmentCurrency: optional(currencyCode),
      allowOvercharge: optional(boolean()),
      extendExpiration: optional(boolean()),
      estimateOrderTotal: optional(price()),
    }),
  ),
  merchantMetadata: optional(merchantMetadata),
  supplementaryData: optional(string({ max: TEXT_LIMITS.supplementaryData })),
  platformId: optional(string({ max: TEXT_LIMITS.platformId })),
  providerMetadata: optional(providerMetadata),
  deliverySpecifications: optional(deliverySpecifications),
  addressDetails: optional(addressDetails),
  paymentMethodOnFileMetadata: optional(object({ setupOnly: optional(boolean()) })),
  chargePermissionId: optional(string({ max: 64, min: 1 })),
});

export const updateCheckoutSessionRequest = object({
  webCheckoutDetails: optional(
    object({
      checkoutResultReturnUrl: optional(url(TEXT_LIMITS.url)),
      checkoutReviewReturnUrl: optional(url(TEXT_LIMITS.url)),
      checkoutCancelUrl: optional(url(TEXT_LIMITS.url)),
    }),
  ),
  paymentDetails: optional(
    object({
      paymentIntent: optional(paymentIntent),
      canHandlePendingAuthorization: optional(boolean()),
      chargeAmount: optional(price()),
      totalOrderAmount: optional(price()),
      softDescriptor: optional(softDescriptor),
      estimateOrderTotal: optional(price()),
      extendExpiration: optional(boolean()),
      presentmentCurrency: optional(currencyCode),
      allowOvercharge: optional(boolean()),
    }),
  ),
  merchantMetadata: optional(merchantMetadata),
  chargePermissionType: optional(chargePermissionType),
  recurringMetadata: optional(recurringMetadata),
  supplementaryData: optional(string({ max: TEXT_LIMITS.supplementaryData })),
  platformId: optional(string({ max: TEXT_LIMITS.platformId })),
  providerMetadata: optional(providerMetadata),
});

export const completeCheckoutSessionRequest = object({
  chargeAmount: optional(price()),
  totalOrderAmount: optional(price()),
});

/**
 * Finalize Checkout Session (Amazon Pay Buy Now): declared for the SDK and the API description; reji answers
 * 405 UnsupportedOperation before reading it.
 */
export const finalizeCheckoutSessionRequest = object({
  chargeAmount: price(),
  totalOrderAmount: optional(price()),
  supplementaryData: optional(string({ max: TEXT_LIMITS.supplementaryData })),
  shippingAddress: optional(addressDetails),
  billingAddress: optional(addressDetails),
  paymentIntent: optional(paymentIntent),
  canHandlePendingAuthorization: optional(boolean()),
});

export const updateChargePermissionRequest = object({
  merchantMetadata: optional(merchantMetadata),
  recurringMetadata: optional(recurringMetadata),
});

export const closeChargePermissionRequest = object({
  closureReason: string({ max: TEXT_LIMITS.closureReason, min: 1 }),
  cancelPendingCharges: optional(boolean()),
});

export const createChargeRequest = object({
  chargePermissionId: string({ max: 64, min: 1 }),
  chargeAmount: price(),
  captureNow: optional(boolean()),
  softDescriptor: optional(softDescriptor),
  canHandlePendingAuthorization: optional(boolean()),
  merchantMetadata: optional(merchantMetadata),
  providerMetadata: optional(providerMetadata),
  platformId: optional(string({ max: TEXT_LIMITS.platformId })),
  chargeInitiator: optional(literal(CHARGE_INITIATORS)),
  channel: optional(literal(CHANNELS)),
  webCheckoutDetails: optional(object({ checkoutResultReturnUrl: optional(url(TEXT_LIMITS.url)) })),
});

export const captureChargeRequest = object({
  captureAmount: price(),
  softDescriptor: optional(softDescriptor),
});

export const cancelChargeRequest = object({
  cancellationReason: string({ max: TEXT_LIMITS.cancellationReason, min: 1 }),
});

export const createRefundRequest = object({
  chargeId: string({ max: 64, min: 1 }),
  refundAmount: price(),
  softDescriptor: optional(softDescriptor),
});

/** Update Charge (payment service providers only, spec 12 §12.8). */
export const updateChargeRequest = object({
  statusDetails: object({
    state: literal(CHARGE_STATES),
    reasonCode: optional(string({ max: 64, min: 1 })),
  }),
});

const disputeReasonDescription = string({ max: 1024, min: 1 });

/** Create Dispute (payment service providers only, spec 12 §12.9.3); timestamps as `instant()` accepts them. */
export const createDisputeRequest = object({
  chargeId: string({ max: 64, min: 1 }),
  providerMetadata: optional(object({ providerDisputeId: optional(string({ max: 256, min: 1 })) })),
  disputeAmount: price(),
  filingReason: literal(FILING_REASONS),
  filingTimestamp: optional(instant()),
  // The PHP README's name for the filing time.
  creationTimestamp: optional(instant()),
  statusDetails: optional(
    object({
      state: literal(['ActionRequired'] as const),
      reasonCode: optional(literal(DISPUTE_REASON_CODES)),
      reasonDescription: optional(disputeReasonDescription),
    }),
  ),
  merchantResponseDeadline: optional(instant()),
});

/** Update Dispute (payment service providers only): the status a PSP reports. */
export const updateDisputeRequest = object({
  statusDetails: object({
    state: literal(DISPUTE_STATES),
    reasonCode: optional(literal(DISPUTE_REASON_CODES)),
    reasonDescription: optional(disputeReasonDescription),
    resolution: optional(literal(DISPUTE_RESOLUTIONS)),
  }),
  closureTimestamp: optional(instant()),
});

export const contestDisputeRequest = object({
  merchantEvidences: array(
    object({
      evidenceType: literal(EVIDENCE_TYPES),
      fileId: optional(string({ max: 100, min: 1 })),
      evidenceText: optional(string({ max: EVIDENCE_TEXT_MAX, min: 1 })),
    }),
    { max: MAX_EVIDENCES, min: 1 },
  ),
});

export const uploadFileRequest = object({
  type: literal(FILE_TYPES),
  purpose: literal(FILE_PURPOSES),
});

/** `POST /v2/testing/charges/{chargeId}/chargeback`: the buyer files a chargeback (docs/sandbox.md). */
export const testingChargebackRequest = object({
  disputeAmount: optional(price()),
  filingReason: optional(literal(FILING_REASONS)),
});

/** `POST /v2/testing/disputes/{disputeId}/decision`: the investigator decides, or asks for more evidence. */
export const testingDisputeDecisionRequest = object({
  decision: literal(['MerchantWon', 'BuyerWon', 'NoFault', 'RequestEvidence'] as const),
});

export const buyerConsentRequest = object({
  buyerEmail: optional(string({ max: 254, min: 3 })),
  shippingAddressId: optional(string({ max: 100, min: 1 })),
  paymentMethodId: optional(string({ max: 100, min: 1 })),
});

export const emptyRequest = object({});

/** What checkout.js submits for a button click, for `POST /v2/testing/button` (docs/sandbox.md). */
export const testingButtonRequest = object({
  merchantId: optional(string({ max: 100, min: 1 })),
  payloadJSON: string({ max: 16_384, min: 1 }),
  signature: string({ max: 1024, min: 1 }),
  publicKeyId: string({ max: 100, min: 1 }),
  algorithm: optional(string({ max: 100, min: 1 })),
  productType: optional(string({ max: 20, min: 1 })),
  placement: optional(string({ max: 20, min: 1 })),
  checkoutLanguage: optional(string({ max: 10, min: 1 })),
  ledgerCurrency: optional(string({ max: 3, min: 1 })),
  estimatedOrderAmount: optional(price()),
  sandbox: optional(boolean()),
});

export const testingSignInRequest = object({
  buyerEmail: optional(string({ max: 254, min: 3 })),
  decision: optional(literal(['allow', 'deny'])),
});

export const clockAdvanceRequest = object({
  // Up to ten years at a time; the clock only moves forward.
  advanceBySeconds: integerLike({ min: 0, max: 10 * 366 * 24 * 3600 }),
});

/** A report or disbursement time: compact `20221114T074550Z` or extended ISO-8601 (spec 12 §12.15); epoch ms. */
export const reportTime = map(string({ max: 40, min: 1 }), (v, p) => {
  const at = parseReportTime(v);
  return at === undefined
    ? invalid(p, 'Expected a UTC date-time such as 20221114T074550Z or 2022-11-14T07:45:50Z.')
    : ok(at);
});

/** `true`/`false`, or the strings Java's SDK sends for them. */
const booleanLike: Schema<boolean | 'true' | 'false', boolean> = {
  ...boolean(),
  parse: (v, p) => (v === 'true' || v === 'false' ? ok(v === 'true') : boolean().parse(v, p)),
  json: () => ({ anyOf: [{ type: 'boolean' }, { type: 'string', enum: ['true', 'false'] }] }),
};

export const createReportRequest = object({
  reportType: map(literal(REPORT_TYPES), (t, p) => checkRequestable(t, p)),
  startTime: optional(reportTime),
  endTime: optional(reportTime),
});

export const createReportScheduleRequest = object({
  reportType: map(literal(REPORT_TYPES), (t, p) => checkSchedulable(t, p)),
  scheduleFrequency: literal(SCHEDULE_FREQUENCY_NAMES),
  nextReportCreationTime: optional(reportTime),
  deleteExistingSchedule: optional(booleanLike),
});

export const deliveryTrackerRequest = map(
  object({
    amazonOrderReferenceId: optional(string({ max: 64, min: 1 })),
    chargePermissionId: optional(string({ max: 64, min: 1 })),
    deliveryDetails: array(
      object({ trackingNumber: string({ max: 100, min: 1 }), carrierCode: string({ max: 100, min: 1 }) }),
      { min: 1, max: 10 },
    ),
  }),
  (v) =>
    (v.amazonOrderReferenceId === undefined) === (v.chargePermissionId === undefined)
      ? fail('InvalidParameterCombination', 'Send exactly one of chargePermissionId and amazonOrderReferenceId.')
      : ok(v),
);

export type UpdateCheckoutSessionBody = Input<typeof updateCheckoutSessionRequest>;
export type UpdateCheckoutSessionPaymentDetails = NonNullable<UpdateCheckoutSessionBody['paymentDetails']>;

/** Every request body declaration by name (JSON Schema components of the API description). */
export const REQUESTS = {
  CreateCheckoutSessionRequest: createCheckoutSessionRequest,
  UpdateCheckoutSessionRequest: updateCheckoutSessionRequest,
  CompleteCheckoutSessionRequest: completeCheckoutSessionRequest,
  FinalizeCheckoutSessionRequest: finalizeCheckoutSessionRequest,
  UpdateChargePermissionRequest: updateChargePermissionRequest,
  CloseChargePermissionRequest: closeChargePermissionRequest,
  CreateChargeRequest: createChargeRequest,
  CaptureChargeRequest: captureChargeRequest,
  CancelChargeRequest: cancelChargeRequest,
  CreateRefundRequest: createRefundRequest,
  UpdateChargeRequest: updateChargeRequest,
  CreateDisputeRequest: createDisputeRequest,
  UpdateDisputeRequest: updateDisputeRequest,
  ContestDisputeRequest: contestDisputeRequest,
  UploadFileRequest: uploadFileRequest,
  TestingChargebackRequest: testingChargebackRequest,
  TestingDisputeDecisionRequest: testingDisputeDecisionRequest,
  BuyerConsentRequest: buyerConsentRequest,
  ClockAdvanceRequest: clockAdvanceRequest,
  TestingButtonRequest: testingButtonRequest,
  TestingSignInRequest: testingSignInRequest,
  CreateReportRequest: createReportRequest,
  CreateReportScheduleRequest: createReportScheduleRequest,
  DeliveryTrackerRequest: deliveryTrackerRequest,
} as const;

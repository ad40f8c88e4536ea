import { CHANNELS, CHARGE_INITIATORS } from '../domain/charge.js';
import { SCOPES, type DeliverySpecifications } from '../domain/checkout-session.js';
import { ok } from '../domain/errors.js';
import { TEXT_LIMITS } from '../domain/limits.js';
import { CURRENCIES, type CurrencyCode } from '../domain/money.js';
import { FREQUENCY_UNITS, type Address, type RecurringMetadata } from '../domain/shared-types.js';
import {
  array,
  boolean,
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

// ---- partners: JP onboarding (spec 12 §12.6) and delegation (§12.7) ----

const countryCode = string({ max: 2, min: 2, pattern: /^[A-Z]{2}$/, patternHint: 'Use an ISO 3166 code such as JP.' });
const phoneNumber = object({
  countryCode: string({ max: 5, min: 1 }),
  number: string({ max: 20, min: 1 }),
  extension: optional(string({ max: 10 })),
});
const accountAddressFields = {
  addressLine1: string({ max: 180, min: 1 }),
  addressLine2: optional(string({ max: 60 })),
  addressLine3: optional(string({ max: 60 })),
  city: optional(string({ max: 50 })),
  stateOrRegion: optional(string({ max: 50 })),
  postalCode: string({ max: 20, min: 1 }),
  countryCode,
  phoneNumber: optional(phoneNumber),
};
const accountAddress = object(accountAddressFields);
const partialAccountAddress = object({
  ...accountAddressFields,
  addressLine1: optional(accountAddressFields.addressLine1),
  postalCode: optional(accountAddressFields.postalCode),
  countryCode: optional(countryCode),
});
/** `YYYYMMDD`, as the SDKs' samples send it. */
const dateOfBirth = string({ max: 10, min: 8, pattern: /^\d{4}-?\d{2}-?\d{2}$/, patternHint: 'Use YYYYMMDD.' });
const personFields = {
  personId: optional(string({ max: 100, min: 1 })),
  personFullName: string({ max: 200, min: 1 }),
  residentialAddress: optional(accountAddress),
  dateOfBirth: optional(dateOfBirth),
};
const person = object(personFields);
const businessInfoFields = {
  email: optional(string({ max: 254, min: 3 })),
  businessType: literal(['CORPORATE', 'INDIVIDUAL'] as const),
  countryOfEstablishment: countryCode,
  businessLegalName: string({ max: 200, min: 1 }),
  businessCategory: optional(string({ max: 100, min: 1 })),
  businessAddress: accountAddress,
  businessDisplayName: optional(string({ max: 200, min: 1 })),
  annualSalesVolume: optional(object({ amount: string({ max: 20, min: 1 }), currencyCode: currencyCode })),
  customerSupportInformation: optional(
    object({
      customerSupportEmail: optional(string({ max: 254, min: 3 })),
      customerSupportPhoneNumber: optional(phoneNumber),
    }),
  ),
};
/** `ACTIVE` (PHP, Ruby) and `Active` (Java) are both sent (spec 12 §12.6.2). */
const activeState = literal(['ACTIVE', 'Active', 'INACTIVE', 'Inactive'] as const);
const onboardingStore = object({
  domainUrls: optional(array(string({ max: 1024, min: 1 }), { max: 20 })),
  storeName: optional(string({ max: 100, min: 1 })),
  privacyPolicyUrl: optional(url(TEXT_LIMITS.url)),
  storeStatus: optional(object({ state: activeState, reasonCode: optional(string({ max: 100 })) })),
});
const accountLedgerCurrency = literal(['GBP', 'EUR', 'JPY', 'USD'] as const);

/** Register Amazon Pay Account and Create Merchant Account share `POST /merchantAccounts` (decisions.md). */
export const registerMerchantAccountRequest = object({
  uniqueReferenceId: string({ max: 100, min: 1 }),
  ledgerCurrency: accountLedgerCurrency,
  businessInfo: object(businessInfoFields),
  primaryContactPerson: optional(object({ ...personFields, personFullName: personFields.personFullName })),
  beneficiaryOwners: optional(array(person, { max: 10 })),
  integrationInfo: optional(object({ ipnEndpointUrls: optional(array(url(TEXT_LIMITS.url), { max: 5 })) })),
  stores: optional(array(onboardingStore, { max: 1, min: 1 })),
  defaultStore: optional(onboardingStore),
  merchantStatus: optional(
    object({
      statusProvider: optional(string({ max: 100 })),
      state: activeState,
      reasonCode: optional(string({ max: 100 })),
    }),
  ),
});

/** Update Amazon Pay Account / Update Merchant Account: every field optional, objects merged into what is kept. */
export const updateMerchantAccountRequest = object({
  uniqueReferenceId: optional(string({ max: 100, min: 1 })),
  ledgerCurrency: optional(accountLedgerCurrency),
  businessInfo: optional(
    object({
      ...businessInfoFields,
      businessType: optional(businessInfoFields.businessType),
      countryOfEstablishment: optional(countryCode),
      businessLegalName: optional(businessInfoFields.businessLegalName),
      businessAddress: optional(partialAccountAddress),
    }),
  ),
  primaryContactPerson: optional(
    object({
      ...personFields,
      personFullName: optional(personFields.personFullName),
      residentialAddress: optional(partialAccountAddress),
    }),
  ),
  beneficiaryOwners: optional(array(person, { max: 10 })),
  integrationInfo: optional(object({ ipnEndpointUrls: optional(array(url(TEXT_LIMITS.url), { max: 5 })) })),
  stores: optional(array(onboardingStore, { max: 1, min: 1 })),
  defaultStore: optional(onboardingStore),
});

export const claimMerchantAccountRequest = object({ uniqueReferenceId: string({ max: 100, min: 1 }) });

const storeFields = {
  allowedOriginDomains: optional(array(string({ max: 1024, min: 1 }), { max: 20 })),
  allowedRedirectURLs: optional(array(url(TEXT_LIMITS.url), { max: 20 })),
  storeName: string({ max: 100, min: 1 }),
  privacyPolicyUrl: optional(url(TEXT_LIMITS.url)),
  merchantLogoUrl: optional(url(TEXT_LIMITS.url)),
};
export const createStoreRequest = object(storeFields);
export const updateStoreRequest = object({ ...storeFields, storeName: optional(storeFields.storeName) });

/** A merchant grants a partner delegated access (`POST /v2/testing/delegations`, docs/sandbox.md). */
export const testingDelegationRequest = object({ partnerId: string({ max: 100, min: 1 }) });

// ---- in-store (spec 12 §12.11) ----

const inStoreMetadata = object({
  merchantNote: optional(string({ max: 255 })),
  customInformation: optional(string({ max: TEXT_LIMITS.customInformation })),
  communicationContext: optional(
    object({
      merchantStoreName: optional(string({ max: TEXT_LIMITS.merchantStoreName })),
      merchantOrderId: optional(string({ max: TEXT_LIMITS.merchantReferenceId })),
    }),
  ),
});
const referenceId = string({ max: 64, min: 1 });

export const merchantScanRequest = object({
  scanData: string({ max: 4096, min: 1 }),
  scanReferenceId: referenceId,
  merchantCOE: countryCode,
  ledgerCurrency: currencyCode,
  chargeTotal: optional(price()),
  storeLocation: optional(object({ countryCode: optional(countryCode) })),
  metadata: optional(inStoreMetadata),
});

export const inStoreChargeRequest = object({
  chargePermissionId: string({ max: 64, min: 1 }),
  chargeReferenceId: referenceId,
  chargeTotal: price(),
  softDescriptor: optional(softDescriptor),
  metadata: optional(inStoreMetadata),
});

export const inStoreRefundRequest = object({
  chargeId: string({ max: 64, min: 1 }),
  refundReferenceId: referenceId,
  refundTotal: price(),
  softDescriptor: optional(softDescriptor),
  metadata: optional(inStoreMetadata),
});

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
  BuyerConsentRequest: buyerConsentRequest,
  ClockAdvanceRequest: clockAdvanceRequest,
  TestingButtonRequest: testingButtonRequest,
  TestingSignInRequest: testingSignInRequest,
  RegisterMerchantAccountRequest: registerMerchantAccountRequest,
  UpdateMerchantAccountRequest: updateMerchantAccountRequest,
  ClaimMerchantAccountRequest: claimMerchantAccountRequest,
  CreateStoreRequest: createStoreRequest,
  UpdateStoreRequest: updateStoreRequest,
  TestingDelegationRequest: testingDelegationRequest,
  MerchantScanRequest: merchantScanRequest,
  InStoreChargeRequest: inStoreChargeRequest,
  InStoreRefundRequest: inStoreRefundRequest,
} as const;

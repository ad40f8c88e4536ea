import { amazonPayRedirectUrl } from '../app/buyer-flow.js';
import type { AppContext } from '../app/context.js';
import type { BuyerProfileView } from '../app/hosted-checkout.js';
import type { Charge } from '../domain/charge.js';
import { buyerDataVisible, limitsOf, type ChargePermission } from '../domain/charge-permission.js';
import type { CartDetails } from '../domain/buy-now.js';
import { constraintsOf, type AddressWithId, type CheckoutSession, type Scope } from '../domain/checkout-session.js';
import { formatRate, toLedger } from '../domain/conversion.js';
import type { Dispute } from '../domain/dispute.js';
import type { EvidenceFile } from '../domain/evidence-file.js';
import { formatAmount, money, type Money } from '../domain/money.js';
import type { Refund } from '../domain/refund.js';
import type { Address, BuyerSnapshot, MerchantMetadata, RecurringMetadata } from '../domain/shared-types.js';
import { formatWireTimestamp, type Instant } from '../domain/time.js';
import type { Report, ReportSchedule } from '../domain/report.js';
import { formatDisbursementTime, type Disbursement } from '../domain/settlement.js';
import type { InStoreCharge, InStoreScan, NewInStoreRefund } from '../domain/in-store.js';
import type { Delegation } from '../domain/partners.js';
import {
  addressResponse,
  authorizationTokenResponse,
  delegationResponse,
  inStoreChargeResponse,
  inStoreRefundResponse,
  merchantAccountClaimResponse,
  merchantAccountResponse,
  merchantScanResponse,
  storeIdResponse,
  buyerProfileResponse,
  deliveryTrackerResponse,
  disbursementResponse,
  reportDocumentResponse,
  reportResponse,
  reportScheduleResponse,
  chargePermissionResponse,
  chargeResponse,
  checkoutSessionResponse,
  disputeResponse,
  fileResponse,
  refundResponse,
} from '../wire/responses.js';
import { render } from '../wire/schema.js';
import type * as Wire from '../wire/types.js';

/**
 * The one place where domain objects become Amazon Pay's JSON values: amounts as decimal strings, timestamps as
 * `20220306T074611Z`. Which keys appear, and in which order, is the response declarations' business
 * (src/wire/responses.ts): every public function here ends in `render`.
 */

export function wirePrice(m: Money): Wire.Price;
export function wirePrice(m: Money | null): Wire.Price | null;
export function wirePrice(m: Money | null): Wire.Price | null {
  return m === null ? null : { amount: formatAmount(m), currencyCode: m.currency };
}

function wireAddress(a: Address | null): Wire.Address | null {
  return a;
}

function wireMerchantMetadata(m: MerchantMetadata): Wire.MerchantMetadata {
  return m;
}

function wireRecurring(r: RecurringMetadata | null): Wire.RecurringMetadata | null {
  if (r === null) return null;
  return {
    frequency: r.frequency ? { unit: r.frequency.unit, value: String(r.frequency.value) } : null,
    amount: wirePrice(r.amount),
  };
}

/** Which buyer fields the merchant asked for (`scopes`); without scopes, everything but the billing address. */
function scopeAllows(scopes: readonly Scope[] | null, scope: Scope): boolean {
  return scopes === null ? scope !== 'billingAddress' : scopes.includes(scope);
}

function wireBuyer(b: BuyerSnapshot | null, scopes: readonly Scope[] | null): Wire.Buyer | null {
  if (b === null) return null;
  return {
    buyerId: b.buyerId,
    name: scopeAllows(scopes, 'name') ? b.name : null,
    email: scopeAllows(scopes, 'email') ? b.email : null,
    phoneNumber: scopeAllows(scopes, 'phoneNumber') ? b.phoneNumber : null,
    primeMembershipTypes: scopes?.includes('primeStatus') ? [...(b.primeMembershipTypes ?? [])] : null,
  };
}

function statusDetails<S extends string>(
  state: S,
  reasonCode: string | null,
  reasonDescription: string | null,
  at: Instant,
): Wire.StatusDetails<S> {
  return { state, reasonCode, reasonDescription, lastUpdatedTimestamp: formatWireTimestamp(at) };
}

/**
 * A checkout session. Buyer, addresses and payment preferences are only shown while it is Open
 * (afterwards the charge permission has them); Complete answers with the ids only.
 */
export function wireCheckoutSession(
  ctx: Pick<AppContext, 'publicUrl'>,
  cs: CheckoutSession,
  view: 'full' | 'complete' | 'finalize' = 'full',
): Wire.CheckoutSession {
  const status = statusDetails(cs.state, cs.reasonCode, cs.reasonDescription, cs.lastUpdatedAt);
  if (view === 'complete') return render(checkoutSessionResponse, completeView(cs, status));
  // Finalize hands the merchant the buyer's details with the ids (spec 12 §12.2.1, the mobile flows).
  const open = cs.state === 'Open' || view === 'finalize';
  const stillOpen = cs.state === 'Open';
  const euLedger = cs.ledgerCurrency === 'EUR' || cs.ledgerCurrency === 'GBP';
  const showBilling = cs.scopes?.includes('billingAddress') || cs.productType === 'PayOnly' || euLedger;
  const showShipping = cs.productType !== 'PayOnly' && scopeAllows(cs.scopes, 'shippingAddress');
  const pd = cs.paymentDetails;
  return render(checkoutSessionResponse, {
    checkoutSessionId: cs.checkoutSessionId,
    webCheckoutDetails: {
      checkoutReviewReturnUrl: cs.webCheckoutDetails.checkoutReviewReturnUrl,
      checkoutResultReturnUrl: cs.webCheckoutDetails.checkoutResultReturnUrl,
      checkoutCancelUrl: cs.webCheckoutDetails.checkoutCancelUrl,
      amazonPayRedirectUrl: amazonPayRedirectUrl(ctx, cs),
      checkoutMode: cs.webCheckoutDetails.checkoutMode,
    },
    productType: cs.productType,
    paymentDetails: {
      paymentIntent: pd.paymentIntent,
      canHandlePendingAuthorization: pd.canHandlePendingAuthorization,
      chargeAmount: wirePrice(pd.chargeAmount),
      totalOrderAmount: wirePrice(pd.totalOrderAmount),
      softDescriptor: pd.softDescriptor,
      presentmentCurrency: pd.presentmentCurrency,
      allowOvercharge: pd.allowOvercharge,
      extendExpiration: pd.extendExpiration,
    },
    ...(cs.buyNow || view === 'finalize' ? { cartDetails: wireCart(cs.buyNow?.cartDetails ?? null) } : {}),
    ...(cs.productType === 'PayAndShipMultiAddress'
      ? {
          shippingAddressList: open ? (cs.shippingAddressList ?? []).map(wireAddressListEntry) : null,
          multiAddressesCheckoutMetadata:
            cs.multiAddressesCheckoutMetadata?.map((e) => ({ addressId: e.addressId, price: wirePrice(e.price) })) ??
            null,
        }
      : {}),
    chargePermissionType: cs.chargePermissionType,
    recurringMetadata: wireRecurring(cs.recurringMetadata),
    merchantMetadata: wireMerchantMetadata(cs.merchantMetadata),
    supplementaryData: cs.supplementaryData,
    buyer: open ? wireBuyer(cs.buyer, cs.scopes) : null,
    billingAddress: open && showBilling ? wireAddress(cs.billingAddress) : null,
    paymentPreferences: open && cs.paymentMethod ? [{ paymentDescriptor: cs.paymentMethod.descriptor }] : null,
    statusDetails: status,
    shippingAddress: open && showShipping ? wireAddress(cs.shippingAddress) : null,
    platformId: cs.platformId,
    chargePermissionId: cs.chargePermissionId,
    chargeId: cs.chargeId,
    constraints: stillOpen
      ? constraintsOf(cs).map((c) => ({ constraintId: c.constraintId, description: c.description }))
      : [],
    creationTimestamp: formatWireTimestamp(cs.createdAt),
    expirationTimestamp: stillOpen ? formatWireTimestamp(cs.expiresAt) : null,
    storeId: cs.storeId,
    deliverySpecifications: cs.deliverySpecifications ? wireDeliverySpecifications(cs.deliverySpecifications) : null,
    providerMetadata: { providerReferenceId: cs.providerMetadata.providerReferenceId },
    checkoutButtonText: null,
    releaseEnvironment: cs.environment,
    paymentMethodOnFileMetadata:
      cs.paymentMethodOnFileSetupOnly === null ? null : { setupOnly: cs.paymentMethodOnFileSetupOnly },
    ...AMAZON_ONLY_SESSION_FIELDS,
  });
}

/** One entry of shippingAddressList: the Address plus its addressId, JSON-encoded as the live API sends it. */
function wireAddressListEntry(entry: AddressWithId): string {
  return JSON.stringify({ addressId: entry.addressId, ...render(addressResponse, entry.address) });
}

export function wireCart(cart: CartDetails | null): Wire.CartDetails | null {
  if (cart === null) return null;
  return {
    lineItems:
      cart.lineItems?.map((i) => ({
        id: i.id,
        title: i.title,
        variantTitle: i.variantTitle,
        quantity: i.quantity,
        listPrice: wirePrice(i.listPrice),
        totalListPrice: wirePrice(i.totalListPrice),
        discountedPrice: wirePrice(i.discountedPrice),
      })) ?? null,
    deliveryOptions:
      cart.deliveryOptions?.map((o) => ({
        id: o.id,
        price: wirePrice(o.price),
        shippingMethod: { ...o.shippingMethod },
        shippingEstimate: o.shippingEstimate?.map((e) => ({ ...e })) ?? null,
        isDefault: o.isDefault,
      })) ?? null,
    totalShippingAmount: wirePrice(cart.totalShippingAmount),
    totalBaseAmount: wirePrice(cart.totalBaseAmount),
    totalTaxAmount: wirePrice(cart.totalTaxAmount),
    totalDiscountAmount: wirePrice(cart.totalDiscountAmount),
    totalChargeAmount: wirePrice(cart.totalChargeAmount),
    totalOrderAmount: wirePrice(cart.totalOrderAmount),
  };
}

/** Session fields only Amazon fills (docs/decisions.md, "Fields only Amazon fills"). */
const AMAZON_ONLY_SESSION_FIELDS = { orderType: null, merchantDetails: null, tokens: null } as const;

function wireDeliverySpecifications(
  d: NonNullable<CheckoutSession['deliverySpecifications']>,
): Wire.DeliverySpecifications {
  const out: Wire.DeliverySpecifications = { specialRestrictions: [...d.specialRestrictions] };
  if (d.addressRestrictions) {
    const restrictions: Record<string, { statesOrRegions: string[]; zipCodes: string[] }> = {};
    for (const [country, rule] of Object.entries(d.addressRestrictions.restrictions)) {
      restrictions[country] = { statesOrRegions: [...rule.statesOrRegions], zipCodes: [...rule.zipCodes] };
    }
    out.addressRestrictions = { type: d.addressRestrictions.type, restrictions };
  }
  return out;
}

function completeView(
  cs: CheckoutSession,
  status: Wire.StatusDetails<Wire.CheckoutSessionState>,
): Wire.CheckoutSession {
  return {
    checkoutSessionId: cs.checkoutSessionId,
    webCheckoutDetails: null,
    productType: null,
    paymentDetails: null,
    chargePermissionType: null,
    recurringMetadata: null,
    merchantMetadata: null,
    supplementaryData: null,
    buyer: null,
    billingAddress: null,
    paymentPreferences: null,
    statusDetails: status,
    shippingAddress: null,
    // A multi-address session keeps its two keys (null here like the rest), so its key set never changes.
    ...(cs.productType === 'PayAndShipMultiAddress'
      ? { shippingAddressList: null, multiAddressesCheckoutMetadata: null }
      : {}),
    platformId: null,
    chargePermissionId: cs.chargePermissionId,
    chargeId: cs.chargeId,
    constraints: null,
    creationTimestamp: formatWireTimestamp(cs.createdAt),
    expirationTimestamp: null,
    storeId: null,
    deliverySpecifications: null,
    providerMetadata: null,
    checkoutButtonText: null,
    releaseEnvironment: null,
    paymentMethodOnFileMetadata: null,
    ...AMAZON_ONLY_SESSION_FIELDS,
  };
}

/** A charge permission; buyer data only within its visibility window. */
export function wireChargePermission(cp: ChargePermission, now: Instant): Wire.ChargePermission {
  const visible = buyerDataVisible(cp, now);
  const limits = limitsOf(cp, now);
  return render(chargePermissionResponse, {
    chargePermissionId: cp.chargePermissionId,
    // Only Amazon fills these two (docs/decisions.md).
    amazonPayToken: null,
    chargePermissionReferenceId: null,
    chargePermissionType: cp.chargePermissionType,
    recurringMetadata: wireRecurring(cp.recurringMetadata) ?? { frequency: null, amount: null },
    buyer: visible ? wireBuyer(cp.buyer, null) : null,
    releaseEnvironment: cp.environment,
    shippingAddress: visible ? wireAddress(cp.shippingAddress) : null,
    billingAddress: visible ? wireAddress(cp.billingAddress) : null,
    paymentPreferences: visible ? [{ paymentDescriptor: cp.paymentMethod.descriptor }] : null,
    statusDetails: {
      state: cp.state,
      reasons:
        cp.reasons.length === 0
          ? null
          : cp.reasons.map((r) => ({ reasonCode: r.reasonCode, reasonDescription: r.reasonDescription })),
      lastUpdatedTimestamp: formatWireTimestamp(cp.lastUpdatedAt),
    },
    creationTimestamp: formatWireTimestamp(cp.createdAt),
    expirationTimestamp: cp.expiresAt === null ? null : formatWireTimestamp(cp.expiresAt),
    merchantMetadata: wireMerchantMetadata(cp.merchantMetadata),
    platformId: cp.platformId,
    limits: { amountLimit: wirePrice(limits.amountLimit), amountBalance: wirePrice(limits.amountBalance) },
    presentmentCurrency: cp.presentmentCurrency,
  });
}

export function wireCharge(charge: Charge): Wire.Charge {
  const captured = charge.capturedAmount;
  const currency = charge.chargeAmount.currency;
  return render(chargeResponse, {
    chargeId: charge.chargeId,
    chargePermissionId: charge.chargePermissionId,
    chargeAmount: wirePrice(charge.chargeAmount),
    captureAmount: wirePrice(captured),
    refundedAmount: charge.refundedMinor > 0 ? wirePrice(money(charge.refundedMinor, currency)) : null,
    convertedAmount: captured ? wirePrice(toLedger(captured, charge.ledgerCurrency)) : null,
    conversionRate: captured ? Number(formatRate(charge.ledgerCurrency, currency)) : null,
    softDescriptor: charge.softDescriptor,
    merchantMetadata: wireMerchantMetadata(charge.merchantMetadata),
    providerMetadata: { providerReferenceId: charge.providerMetadata.providerReferenceId },
    platformId: charge.platformId,
    chargeInitiator: charge.chargeInitiator,
    channel: charge.channel,
    captureNow: charge.captureNow,
    canHandlePendingAuthorization: charge.canHandlePendingAuthorization,
    webCheckoutDetails: charge.webCheckoutDetails
      ? {
          checkoutResultReturnUrl: charge.webCheckoutDetails.checkoutResultReturnUrl,
          // Only while the charge waits for the buyer's step-up.
          amazonPayRedirectUrl:
            charge.state === 'AuthorizationInitiated' ? charge.webCheckoutDetails.amazonPayRedirectUrl : null,
        }
      : null,
    statusDetails: statusDetails(charge.state, charge.reasonCode, charge.reasonDescription, charge.lastUpdatedAt),
    creationTimestamp: formatWireTimestamp(charge.createdAt),
    expirationTimestamp: formatWireTimestamp(charge.expiresAt),
    releaseEnvironment: charge.environment,
  });
}

export function wireRefund(refund: Refund): Wire.Refund {
  return render(refundResponse, {
    refundId: refund.refundId,
    chargeId: refund.chargeId,
    creationTimestamp: formatWireTimestamp(refund.createdAt),
    refundAmount: wirePrice(refund.refundAmount),
    softDescriptor: refund.softDescriptor,
    statusDetails: statusDetails(refund.state, refund.reasonCode, refund.reasonDescription, refund.lastUpdatedAt),
    releaseEnvironment: refund.environment,
  });
}

/** Get Buyer: the profile as the app layer sees it, with addresses in Amazon's key order. */
export function wireBuyerProfile(profile: BuyerProfileView): Wire.BuyerProfile {
  return render(buyerProfileResponse, {
    ...profile,
    shippingAddress: wireAddress(profile.shippingAddress),
    billingAddress: wireAddress(profile.billingAddress),
    primeMembershipTypes: profile.primeMembershipTypes === null ? null : [...profile.primeMembershipTypes],
  });
}

export function wireDispute(dispute: Dispute): Wire.Dispute {
  return render(disputeResponse, {
    disputeId: dispute.disputeId,
    releaseEnvironment: dispute.environment,
    chargeId: dispute.chargeId,
    disputeType: 'Chargeback',
    disputeAmount: wirePrice(dispute.disputeAmount),
    filingReason: dispute.filingReason,
    statusDetails: {
      state: dispute.state,
      reasonCode: dispute.reasonCode,
      reasonDescription: dispute.reasonDescription,
      resolution: dispute.resolution,
      lastUpdatedTimestamp: formatWireTimestamp(dispute.lastUpdatedAt),
    },
    merchantEvidences: dispute.evidences.map((e) => ({ ...e })),
    merchantResponseDeadline: formatWireTimestamp(dispute.merchantResponseDeadline),
    resolutionAuthority: dispute.resolutionAuthority,
    creationTimestamp: formatWireTimestamp(dispute.filedAt),
  });
}

export function wireFile(file: EvidenceFile, url: string): Wire.EvidenceFile {
  return render(fileResponse, {
    id: file.fileId,
    type: file.type,
    purpose: file.purpose,
    size: file.size ?? 0,
    uploadTimestamp: file.uploadedAt === null ? null : formatWireTimestamp(file.uploadedAt),
    url,
    urlExpirationTimestamp: formatWireTimestamp(file.urlExpiresAt),
  });
}

export function wireReport(r: Report): Wire.Report {
  return render(reportResponse, {
    createdTime: formatWireTimestamp(r.createdTime),
    endTime: formatWireTimestamp(r.endTime),
    processingEndTime: r.processingEndTime === null ? null : formatWireTimestamp(r.processingEndTime),
    processingStartTime: formatWireTimestamp(r.processingStartTime),
    processingStatus: r.processingStatus,
    reportDocumentId: r.reportDocumentId,
    reportId: r.reportId,
    reportType: r.reportType,
    startTime: formatWireTimestamp(r.startTime),
  });
}

export function wireReportDocument(d: {
  compressionAlgorithm: string;
  reportDocumentId: string;
  url: string;
}): Wire.ReportDocument {
  return render(reportDocumentResponse, d);
}

export function wireReportSchedule(s: ReportSchedule): Wire.ReportSchedule {
  return render(reportScheduleResponse, {
    nextReportCreationTime: formatWireTimestamp(s.nextReportCreationTime),
    reportScheduleId: s.reportScheduleId,
    reportType: s.reportType,
    scheduleFrequency: s.scheduleFrequency,
  });
}

export function wireDisbursement(sellerId: string, d: Disbursement): Wire.Disbursement {
  return render(disbursementResponse, {
    sellerId,
    settlementId: d.settlementId,
    amazonDisbursementReferenceId: d.amazonDisbursementReferenceId,
    amount: formatAmount(money(d.amount, d.currencyCode)),
    currencyCode: d.currencyCode,
    transactionTime: formatDisbursementTime(d.transactionTime),
  });
}

export function wireDeliveryTracker(t: {
  chargePermissionId?: string;
  amazonOrderReferenceId?: string;
  deliveryDetails: readonly { trackingNumber: string; carrierCode: string }[];
}): Wire.DeliveryTracker {
  return render(deliveryTrackerResponse, {
    ...(t.amazonOrderReferenceId !== undefined ? { amazonOrderReferenceId: t.amazonOrderReferenceId } : {}),
    ...(t.chargePermissionId !== undefined ? { chargePermissionId: t.chargePermissionId } : {}),
    deliveryDetails: t.deliveryDetails.map((d) => ({ trackingNumber: d.trackingNumber, carrierCode: d.carrierCode })),
  });
}

/** An address in Amazon's key order (what the Buy Now handlers receive). */
export function wireAddressOf(a: Address): Wire.Address {
  return render(addressResponse, a);
}

// ---- partners and in-store (spec 12 §12.6, §12.7, §12.11) ----

export function wireMerchantAccount(a: { uniqueReferenceId: string; merchantAccountId: string }) {
  return render(merchantAccountResponse, {
    uniqueReferenceId: a.uniqueReferenceId,
    merchantAccountId: a.merchantAccountId,
  });
}

export function wireMerchantAccountClaim(c: { merchantAccountId: string; claimUrl: string }) {
  return render(merchantAccountClaimResponse, c);
}

export function wireStoreId(s: { storeId: string }) {
  return render(storeIdResponse, { storeId: s.storeId });
}

export function wireAuthorizationToken(t: { authorizationToken: string }) {
  return render(authorizationTokenResponse, t);
}

export function wireDelegation(d: Delegation) {
  return render(delegationResponse, {
    mwsAuthToken: d.mwsAuthToken,
    merchantId: d.merchantId,
    partnerId: d.partnerId,
    creationTimestamp: formatWireTimestamp(d.createdAt),
    revocationTimestamp: d.revokedAt === null ? null : formatWireTimestamp(d.revokedAt),
  });
}

export function wireDelegations(ds: readonly Delegation[]) {
  return { delegations: ds.map(wireDelegation) };
}

export function wireMerchantScan(cp: InStoreScan) {
  return render(merchantScanResponse, { chargePermissionId: cp.chargePermissionId });
}

export function wireInStoreCharge(c: InStoreCharge) {
  return render(inStoreChargeResponse, { chargeId: c.chargeId, chargeStatus: { state: c.state } });
}

export function wireInStoreRefund(r: NewInStoreRefund) {
  return render(inStoreRefundResponse, { refundId: r.refundId, refundStatus: { state: r.state } });
}

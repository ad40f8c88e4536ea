import type {
  BuyerConsentRequest,
  BuyerProfile,
  CancelChargeRequest,
  CaptureChargeRequest,
  Charge,
  ChargePermission,
  CheckoutSession,
  ClockState,
  CloseChargePermissionRequest,
  CompleteCheckoutSessionRequest,
  CreateChargeRequest,
  CreateCheckoutSessionRequest,
  CreateRefundRequest,
  DeliveryTracker,
  DeliveryTrackerRequest,
  FinalizeCheckoutSessionRequest,
  Refund,
  TestBuyerList,
  TestingRedirect,
  UpdateChargePermissionRequest,
  UpdateCheckoutSessionRequest,
} from '../../src/wire/types.js';
import { segment, type ApiResponse, type RequestOptions, type RequestSender } from './request-sender.js';

/**
 * Checkout Session: create, read, update, complete (and finalize for Amazon's Buy Now). Reach it as `client.checkoutSessions`.
 *
 * @example
 * const { body: session } = await client.checkoutSessions.get(amazonCheckoutSessionId);
 */
export class CheckoutSessions {
  readonly #sender: RequestSender;

  constructor(sender: RequestSender) {
    this.#sender = sender;
  }

  /**
   * Create Checkout Session (`POST /v2/checkoutSessions`, 201). Usually checkout.js creates the session
   * from the signed button payload instead; a server-side create has the `BuyerNotAssociated` constraint.
   *
   * @example
   * const { body: session } = await client.checkoutSessions.create({
   *   webCheckoutDetails: { checkoutReviewReturnUrl: 'https://shop.example/review' },
   *   storeId: 'amzn1.application-oa2-client.0123456789abcdef',
   * });
   */
  async create(body: CreateCheckoutSessionRequest, options?: RequestOptions): Promise<ApiResponse<CheckoutSession>> {
    return this.#sender.send({ method: 'POST', path: '/checkoutSessions', body, options });
  }

  /**
   * Get Checkout Session: buyer, addresses and payment preferences while the session is Open.
   *
   * @example
   * const { body: session } = await client.checkoutSessions.get(amazonCheckoutSessionId);
   * console.log(session.buyer?.name, session.shippingAddress?.postalCode);
   */
  async get(checkoutSessionId: string, options?: RequestOptions): Promise<ApiResponse<CheckoutSession>> {
    return this.#sender.send({
      method: 'GET',
      path: `/checkoutSessions/${segment(checkoutSessionId, 'checkoutSessionId')}`,
      options,
    });
  }

  /**
   * Update Checkout Session (PATCH): set the amount, intent and result URL; once `constraints` is empty,
   * `webCheckoutDetails.amazonPayRedirectUrl` is where to send the buyer.
   *
   * @example
   * const { body } = await client.checkoutSessions.update(id, {
   *   webCheckoutDetails: { checkoutResultReturnUrl: 'https://shop.example/result' },
   *   paymentDetails: { paymentIntent: 'Authorize', chargeAmount: { amount: '1980', currencyCode: 'JPY' } },
   * });
   * redirect(body.webCheckoutDetails!.amazonPayRedirectUrl!);
   */
  async update(
    checkoutSessionId: string,
    body: UpdateCheckoutSessionRequest,
    options?: RequestOptions,
  ): Promise<ApiResponse<CheckoutSession>> {
    return this.#sender.send({
      method: 'PATCH',
      path: `/checkoutSessions/${segment(checkoutSessionId, 'checkoutSessionId')}`,
      body,
      options,
    });
  }

  /**
   * Complete Checkout Session after the buyer came back to `checkoutResultReturnUrl`: returns
   * `chargePermissionId` and (Authorize / AuthorizeWithCapture) `chargeId`. 202 means the authorization pends.
   *
   * @example
   * const { body } = await client.checkoutSessions.complete(id, { chargeAmount: { amount: '1980', currencyCode: 'JPY' } });
   * saveOrder(body.chargePermissionId, body.chargeId);
   */
  async complete(
    checkoutSessionId: string,
    body: CompleteCheckoutSessionRequest,
    options?: RequestOptions,
  ): Promise<ApiResponse<CheckoutSession>> {
    return this.#sender.send({
      method: 'POST',
      path: `/checkoutSessions/${segment(checkoutSessionId, 'checkoutSessionId')}/complete`,
      body,
      options,
    });
  }

  /**
   * Finalize Checkout Session (Amazon Pay Buy Now). reji answers 405 `UnsupportedOperation`; Amazon's hosts support it.
   *
   * @example
   * await client.checkoutSessions.finalize(id, { chargeAmount: { amount: '10.00', currencyCode: 'USD' }, paymentIntent: 'Authorize' });
   */
  async finalize(
    checkoutSessionId: string,
    body: FinalizeCheckoutSessionRequest,
    options?: RequestOptions,
  ): Promise<ApiResponse<CheckoutSession>> {
    return this.#sender.send({
      method: 'POST',
      path: `/checkoutSessions/${segment(checkoutSessionId, 'checkoutSessionId')}/finalize`,
      body,
      options,
    });
  }
}

/**
 * Charge Permission: the buyer's consent to be charged (read, update metadata, close). Reach it as `client.chargePermissions`.
 *
 * @example
 * const { body: cp } = await client.chargePermissions.get(chargePermissionId);
 */
export class ChargePermissions {
  readonly #sender: RequestSender;

  constructor(sender: RequestSender) {
    this.#sender = sender;
  }

  /**
   * Get Charge Permission.
   *
   * @example
   * const { body: cp } = await client.chargePermissions.get(chargePermissionId);
   * if (cp.statusDetails.state === 'Chargeable') console.log(cp.limits.amountBalance);
   */
  async get(chargePermissionId: string, options?: RequestOptions): Promise<ApiResponse<ChargePermission>> {
    return this.#sender.send({
      method: 'GET',
      path: `/chargePermissions/${segment(chargePermissionId, 'chargePermissionId')}`,
      options,
    });
  }

  /**
   * Update Charge Permission: merchant metadata (e.g. your order id) or recurring metadata.
   *
   * @example
   * await client.chargePermissions.update(chargePermissionId, { merchantMetadata: { merchantReferenceId: 'order-42' } });
   */
  async update(
    chargePermissionId: string,
    body: UpdateChargePermissionRequest,
    options?: RequestOptions,
  ): Promise<ApiResponse<ChargePermission>> {
    return this.#sender.send({
      method: 'PATCH',
      path: `/chargePermissions/${segment(chargePermissionId, 'chargePermissionId')}`,
      body,
      options,
    });
  }

  /**
   * Close Charge Permission (`DELETE …/close` with a body); `cancelPendingCharges` also cancels open charges.
   *
   * @example
   * await client.chargePermissions.close(chargePermissionId, { closureReason: 'Subscription canceled', cancelPendingCharges: true });
   */
  async close(
    chargePermissionId: string,
    body: CloseChargePermissionRequest,
    options?: RequestOptions,
  ): Promise<ApiResponse<ChargePermission>> {
    return this.#sender.send({
      method: 'DELETE',
      path: `/chargePermissions/${segment(chargePermissionId, 'chargePermissionId')}/close`,
      body,
      options,
    });
  }
}

/**
 * Charge: authorize (and optionally capture) against a charge permission; capture; cancel. Reach it as `client.charges`.
 *
 * @example
 * const { body: charge } = await client.charges.get(chargeId);
 */
export class Charges {
  readonly #sender: RequestSender;

  constructor(sender: RequestSender) {
    this.#sender = sender;
  }

  /**
   * Create Charge (201). A synchronous decline throws `DeclineError` (`SoftDeclined`, `HardDeclined`, …).
   *
   * @example
   * const { body: charge } = await client.charges.create({
   *   chargePermissionId,
   *   chargeAmount: { amount: '1000', currencyCode: 'JPY' },
   *   captureNow: true,
   * }, { idempotencyKey: `order-42-charge-1` });
   */
  async create(body: CreateChargeRequest, options?: RequestOptions): Promise<ApiResponse<Charge>> {
    return this.#sender.send({ method: 'POST', path: '/charges', body, options });
  }

  /**
   * Get Charge.
   *
   * @example
   * const { body: charge } = await client.charges.get(chargeId);
   * console.log(charge.statusDetails.state); // 'Authorized', 'Captured', …
   */
  async get(chargeId: string, options?: RequestOptions): Promise<ApiResponse<Charge>> {
    return this.#sender.send({ method: 'GET', path: `/charges/${segment(chargeId, 'chargeId')}`, options });
  }

  /**
   * Capture Charge of an Authorized charge.
   *
   * @example
   * const { body: charge } = await client.charges.capture(chargeId, { captureAmount: { amount: '1980', currencyCode: 'JPY' }, softDescriptor: 'REJI SHOP' });
   */
  async capture(chargeId: string, body: CaptureChargeRequest, options?: RequestOptions): Promise<ApiResponse<Charge>> {
    return this.#sender.send({
      method: 'POST',
      path: `/charges/${segment(chargeId, 'chargeId')}/capture`,
      body,
      options,
    });
  }

  /**
   * Cancel Charge (`DELETE …/cancel` with a body) of an Authorized charge.
   *
   * @example
   * await client.charges.cancel(chargeId, { cancellationReason: 'Out of stock' });
   */
  async cancel(chargeId: string, body: CancelChargeRequest, options?: RequestOptions): Promise<ApiResponse<Charge>> {
    return this.#sender.send({
      method: 'DELETE',
      path: `/charges/${segment(chargeId, 'chargeId')}/cancel`,
      body,
      options,
    });
  }
}

/**
 * Refund: refunds of captured charges (always asynchronous: `RefundInitiated` first). Reach it as `client.refunds`.
 *
 * @example
 * const { body: refund } = await client.refunds.get(refundId);
 */
export class Refunds {
  readonly #sender: RequestSender;

  constructor(sender: RequestSender) {
    this.#sender = sender;
  }

  /**
   * Create Refund (201, `RefundInitiated`); poll `get` or wait for the REFUND notification.
   *
   * @example
   * const { body: refund } = await client.refunds.create({ chargeId, refundAmount: { amount: '500', currencyCode: 'JPY' } });
   */
  async create(body: CreateRefundRequest, options?: RequestOptions): Promise<ApiResponse<Refund>> {
    return this.#sender.send({ method: 'POST', path: '/refunds', body, options });
  }

  /**
   * Get Refund.
   *
   * @example
   * const { body: refund } = await client.refunds.get(refundId);
   * console.log(refund.statusDetails.state); // 'RefundInitiated', 'Refunded' or 'Declined'
   */
  async get(refundId: string, options?: RequestOptions): Promise<ApiResponse<Refund>> {
    return this.#sender.send({ method: 'GET', path: `/refunds/${segment(refundId, 'refundId')}`, options });
  }
}

/**
 * Delivery trackers: tell Amazon Pay the tracking number of a shipped order. Reach it as `client.deliveryTrackers`.
 *
 * @example
 * await client.deliveryTrackers.create({
 *   chargePermissionId,
 *   deliveryDetails: [{ trackingNumber: '1234-5678-9012', carrierCode: 'TAQBIN_JP' }],
 * });
 */
export class DeliveryTrackers {
  readonly #sender: RequestSender;

  constructor(sender: RequestSender) {
    this.#sender = sender;
  }

  /**
   * Create Delivery Tracker (200, the request echoed). A tracking number is accepted once; send an idempotency
   * key so that a retry replays instead of failing as a reused number.
   *
   * @example
   * await client.deliveryTrackers.create(
   *   { chargePermissionId, deliveryDetails: [{ trackingNumber, carrierCode: 'SAGAWA' }] },
   *   { idempotencyKey: `ship-${orderId}` },
   * );
   */
  async create(body: DeliveryTrackerRequest, options?: RequestOptions): Promise<ApiResponse<DeliveryTracker>> {
    return this.#sender.send({ method: 'POST', path: '/deliveryTrackers', body, options });
  }
}

/**
 * Buyer: the profile behind an Amazon Sign-in `buyerToken`. Reach it as `client.buyers`.
 *
 * @example
 * const { body: buyer } = await client.buyers.get(buyerToken);
 */
export class Buyers {
  readonly #sender: RequestSender;

  constructor(sender: RequestSender) {
    this.#sender = sender;
  }

  /**
   * Get Buyer (`GET /v2/buyers/{buyerToken}`); the token arrives as `buyerToken` on `signInReturnUrl`.
   *
   * @example
   * const { body: buyer } = await client.buyers.get(new URL(req.url!, 'https://shop.example').searchParams.get('buyerToken')!);
   * console.log(buyer.buyerId, buyer.email);
   */
  async get(buyerToken: string, options?: RequestOptions): Promise<ApiResponse<BuyerProfile>> {
    return this.#sender.send({ method: 'GET', path: `/buyers/${segment(buyerToken, 'buyerToken')}`, options });
  }
}

/**
 * reji's sandbox testing endpoints (not on Amazon's hosts): drive the buyer's side and the clock from tests.
 * Reach it as `client.testing`.
 *
 * @example
 * await client.testing.buyerConsent(checkoutSessionId);
 * await client.testing.advanceClock(60);
 */
export class Testing {
  readonly #sender: RequestSender;

  constructor(sender: RequestSender) {
    this.#sender = sender;
  }

  /**
   * What the buyer does on the hosted sign-in/selection page: picks a test buyer, address and payment method.
   * Returns the `checkoutReviewReturnUrl` the buyer would land on.
   *
   * @example
   * const { body } = await client.testing.buyerConsent(checkoutSessionId, { paymentMethodId: 'jp-taro-1111' });
   * console.log(body.redirectUrl); // https://shop.example/review?amazonCheckoutSessionId=…
   */
  async buyerConsent(
    checkoutSessionId: string,
    body: BuyerConsentRequest = {},
    options?: RequestOptions,
  ): Promise<ApiResponse<TestingRedirect>> {
    return this.#sender.send({
      method: 'POST',
      path: `/testing/checkoutSessions/${segment(checkoutSessionId, 'checkoutSessionId')}/buyerConsent`,
      body,
      options,
    });
  }

  /**
   * What happens when the buyer follows `amazonPayRedirectUrl`: the payment is processed. Use
   * `simulationCode` (`BuyerCanceled`, `Declined`, `AmazonCanceled`) to simulate failures.
   *
   * @example
   * const { body } = await client.testing.processPayment(checkoutSessionId);
   * console.log(body.redirectUrl); // https://shop.example/result?amazonCheckoutSessionId=…
   */
  async processPayment(checkoutSessionId: string, options?: RequestOptions): Promise<ApiResponse<TestingRedirect>> {
    return this.#sender.send({
      method: 'POST',
      path: `/testing/checkoutSessions/${segment(checkoutSessionId, 'checkoutSessionId')}/processPayment`,
      body: {},
      options,
    });
  }

  /**
   * Moves the merchant's sandbox clock forward and fires what became due (pending authorizations, refunds, expiries).
   *
   * @example
   * await client.testing.advanceClock(60); // refunds settle
   * await client.testing.advanceClock(24 * 3600); // open checkout sessions expire
   */
  async advanceClock(advanceBySeconds: number, options?: RequestOptions): Promise<ApiResponse<ClockState>> {
    return this.#sender.send({ method: 'POST', path: '/testing/clock', body: { advanceBySeconds }, options });
  }

  /**
   * The merchant's sandbox clock.
   *
   * @example
   * const { body } = await client.testing.getClock();
   * console.log(body.now); // '20260127T101010Z'
   */
  async getClock(options?: RequestOptions): Promise<ApiResponse<ClockState>> {
    return this.#sender.send({ method: 'GET', path: '/testing/clock', options });
  }

  /**
   * The sandbox test buyers of the merchant's region, with the address and payment-method ids `buyerConsent` takes.
   *
   * @example
   * const { body } = await client.testing.listBuyers();
   * const card = body.buyers[0]!.paymentMethods.find((m) => m.behaviour === 'Declines');
   */
  async listBuyers(options?: RequestOptions): Promise<ApiResponse<TestBuyerList>> {
    return this.#sender.send({ method: 'GET', path: '/testing/buyers', options });
  }
}

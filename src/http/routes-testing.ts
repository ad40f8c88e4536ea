import { ApiError } from '../app/api-error.js';
import { marketplaceOf } from '../app/buyer-flow.js';
import { allowedReturnUrl, cancelUrl } from '../app/return-urls.js';
import { testBuyersWithWallets } from '../app/test-buyers.js';
import { deliveryTrackersOf } from '../app/delivery-trackers.js';
import { startCheckout, startSignIn } from '../app/hosted-checkout.js';
import {
  advanceClock,
  buyerConsent,
  cancelAsBuyer,
  clockNow,
  processPaymentForTest,
  requireSandbox,
  signInAsTestBuyer,
} from '../app/testing.js';
import { applyBuyNowCart, placeBuyNowOrderFor } from '../app/buy-now.js';
import { wireCheckoutSession } from './wire-mapping.js';
import { armedFaultsOf, armFaultFor, disarmFaultsFor } from '../app/faults.js';
import { setThrottling } from '../app/throttling.js';
import type { ArmedFault } from '../domain/faults.js';
import { throttleLimit } from '../domain/throttling.js';
import { formatAmount } from '../domain/money.js';
import type { Caller } from '../app/context.js';
import { formatWireTimestamp } from '../domain/time.js';
import { prepareButton } from '../app/button-request.js';
import { defineRoute } from './route-table.js';
import {
  buyerConsentRequest,
  clockAdvanceRequest,
  emptyRequest,
  testingButtonRequest,
  testingCartRequest,
  testingFaultRequest,
  testingProcessPaymentRequest,
  testingSignInRequest,
  testingThrottlingRequest,
} from '../wire/requests.js';

/** The operations a fault or the throttle can apply to: every route but the testing endpoints. */
async function faultableRoutes(): Promise<readonly { operation: string; method: string }[]> {
  // Loaded when called: routes.ts imports this file.
  const { API_ROUTES } = await import('./routes.js');
  return API_ROUTES.filter((r) => !r.operation.startsWith('Testing'));
}

function faultView(f: ArmedFault) {
  return {
    faultId: f.faultId,
    operation: f.operation,
    outcome: f.outcome,
    remaining: f.remaining,
    delayMs: f.delayMs,
    armedAt: formatWireTimestamp(f.armedAt),
  };
}

async function throttlingView(caller: Caller, enabled: boolean) {
  const limits: Record<string, { maxQuota: number; restorePerSecond: number }> = {};
  for (const r of await faultableRoutes())
    limits[r.operation] = throttleLimit(r.operation, r.method, caller.environment);
  return { enabled, limits };
}

/** Sandbox-only testing operations (docs/sandbox.md): what a buyer would do on the hosted pages, and the clock. */
export const TESTING_ROUTES = [
  defineRoute({
    method: 'POST',
    path: '/v2/testing/checkoutSessions/:checkoutSessionId/buyerConsent',
    operation: 'TestingBuyerConsent',
    body: buyerConsentRequest,
    simulation: 'Other',
    sandboxOnly: true,
    handler: async (ctx, { caller, params, body }) => {
      const r = await buyerConsent(ctx, caller, params.checkoutSessionId, body);
      return { checkoutSessionId: r.checkoutSession.checkoutSessionId, redirectUrl: r.redirectUrl };
    },
  }),
  defineRoute({
    method: 'POST',
    path: '/v2/testing/checkoutSessions/:checkoutSessionId/processPayment',
    operation: 'TestingProcessPayment',
    body: testingProcessPaymentRequest,
    simulation: 'ProcessPayment',
    sandboxOnly: true,
    handler: async (ctx, { caller, params, simulation, body }) => {
      const r = await processPaymentForTest(ctx, caller, params.checkoutSessionId, simulation, body.oneTimeCode);
      return { checkoutSessionId: r.checkoutSession.checkoutSessionId, redirectUrl: r.redirectUrl };
    },
  }),
  defineRoute({
    method: 'POST',
    path: '/v2/testing/checkoutSessions/:checkoutSessionId/cart',
    operation: 'TestingBuyNowCart',
    body: testingCartRequest,
    simulation: 'Other',
    sandboxOnly: true,
    // What the merchant's Buy Now handler (onInitCheckout, ...) returned, as the sheet passes it on.
    handler: async (ctx, { caller, params, body }) => {
      requireSandbox(caller);
      const cs = await applyBuyNowCart(ctx, caller, params.checkoutSessionId, body.cartDetails, body.deliveryOptionId);
      return wireCheckoutSession(ctx, cs);
    },
  }),
  defineRoute({
    method: 'POST',
    path: '/v2/testing/checkoutSessions/:checkoutSessionId/placeOrder',
    operation: 'TestingBuyNowPlaceOrder',
    body: emptyRequest,
    simulation: 'Other',
    sandboxOnly: true,
    // The buyer's "place order" on the Buy Now sheet; the merchant then calls Finalize.
    handler: async (ctx, { caller, params }) => {
      requireSandbox(caller);
      return wireCheckoutSession(ctx, await placeBuyNowOrderFor(ctx, caller, params.checkoutSessionId));
    },
  }),
  defineRoute({
    method: 'POST',
    path: '/v2/testing/clock',
    operation: 'TestingAdvanceClock',
    // A partner moves the clock of a merchant it acts for (an account under review included), or its own.
    access: 'any',
    body: clockAdvanceRequest,
    simulation: 'Other',
    sandboxOnly: true,
    handler: async (ctx, { caller, body }) => ({
      now: formatWireTimestamp(await advanceClock(ctx, caller, body.advanceBySeconds)),
    }),
  }),
  defineRoute({
    method: 'GET',
    path: '/v2/testing/clock',
    operation: 'TestingGetClock',
    // A partner moves the clock of a merchant it acts for (an account under review included), or its own.
    access: 'any',
    simulation: 'Other',
    sandboxOnly: true,
    handler: async (ctx, { caller }) => ({ now: formatWireTimestamp(clockNow(ctx, caller)) }),
  }),
  defineRoute({
    method: 'GET',
    path: '/v2/testing/chargePermissions/:chargePermissionId/deliveryTrackers',
    operation: 'TestingListDeliveryTrackers',
    simulation: 'Other',
    sandboxOnly: true,
    // What Create Delivery Tracker recorded for the order: the tracking numbers Amazon would notify the buyer of.
    handler: async (ctx, { caller, params }) => ({
      chargePermissionId: params.chargePermissionId,
      deliveryTrackers: (await deliveryTrackersOf(ctx, caller, params.chargePermissionId)).map((t) => ({
        trackingNumber: t.trackingNumber,
        carrierCode: t.carrierCode,
        creationTimestamp: formatWireTimestamp(t.createdAt),
      })),
    }),
  }),
  defineRoute({
    method: 'GET',
    path: '/v2/testing/buyers',
    operation: 'TestingListBuyers',
    simulation: 'Other',
    sandboxOnly: true,
    handler: async (ctx, { caller }) => ({
      buyers: await testBuyersWithWallets(ctx, marketplaceOf(caller.merchant.region)),
    }),
  }),
  defineRoute({
    method: 'POST',
    path: '/v2/testing/button',
    operation: 'TestingButton',
    body: testingButtonRequest,
    simulation: 'Other',
    sandboxOnly: true,
    status: 201,
    // A button click as checkout.js submits it: PayAndShip / PayOnly start a Checkout Session, SignIn a sign-in.
    handler: async (ctx, { caller, body }) => {
      const prepared = await prepareButton(ctx, {
        ...body,
        merchantId: body.merchantId ?? caller.merchant.merchantId,
        sandbox: body.sandbox ?? true,
        estimatedOrderAmount: body.estimatedOrderAmount && {
          amount: formatAmount(body.estimatedOrderAmount),
          currencyCode: body.estimatedOrderAmount.currency,
        },
      });
      if (!prepared.ok) throw new ApiError(prepared.reasonCode, prepared.message);
      if (
        prepared.caller.merchant.merchantId !== caller.merchant.merchantId ||
        prepared.caller.environment !== caller.environment
      ) {
        throw new ApiError(
          'UnauthorizedAccess',
          'The button is signed for another merchant or environment than the key of this call.',
        );
      }
      if (prepared.kind === 'signIn') {
        const signInRequestId = await startSignIn(ctx, prepared.caller, prepared.payload, prepared.language);
        return { productType: 'SignIn', checkoutSessionId: null, signInRequestId };
      }
      const cs = await startCheckout(ctx, prepared.caller, prepared.input, prepared.options);
      return { productType: cs.productType, checkoutSessionId: cs.checkoutSessionId, signInRequestId: null };
    },
  }),
  defineRoute({
    method: 'POST',
    path: '/v2/testing/signInRequests/:signInRequestId/consent',
    operation: 'TestingSignIn',
    body: testingSignInRequest,
    simulation: 'Other',
    sandboxOnly: true,
    // Amazon Sign-in's consent page: a test buyer allows (a buyerToken for Get Buyer) or denies.
    handler: async (ctx, { caller, params, body }) => {
      const r = await signInAsTestBuyer(ctx, caller, params.signInRequestId, body);
      const returnUrl = allowedReturnUrl(r.request.signInReturnUrl, r.store, r.request.environment);
      let redirectUrl: string | null = null;
      if (returnUrl && r.buyerToken !== null) {
        const u = new URL(returnUrl);
        u.searchParams.set('buyerToken', r.buyerToken);
        redirectUrl = u.toString();
      }
      return { buyerToken: r.buyerToken, redirectUrl };
    },
  }),
  defineRoute({
    method: 'POST',
    path: '/v2/testing/checkoutSessions/:checkoutSessionId/cancel',
    operation: 'TestingCancel',
    body: emptyRequest,
    simulation: 'Other',
    sandboxOnly: true,
    // The buyer's Cancel on the sign-in or choose page: Canceled / BuyerCanceled, and where the buyer goes.
    handler: async (ctx, { caller, params }) => {
      const r = await cancelAsBuyer(ctx, caller, params.checkoutSessionId);
      const target = cancelUrl({ ...r.checkout, checkoutSession: r.checkoutSession }, undefined);
      return { checkoutSessionId: r.checkoutSession.checkoutSessionId, redirectUrl: target ?? null };
    },
  }),
  defineRoute({
    method: 'POST',
    path: '/v2/testing/faults',
    operation: 'TestingArmFault',
    body: testingFaultRequest,
    simulation: 'Other',
    sandboxOnly: true,
    status: 201,
    // The next `times` calls of `operation` by this merchant (Sandbox) fail, time out or answer late.
    handler: async (ctx, { caller, body }) => {
      const operations = new Set((await faultableRoutes()).map((r) => r.operation));
      if (!operations.has(body.operation)) {
        throw new ApiError(
          'InvalidParameterValue',
          `The value provided for operation is invalid. Valid values: ${[...operations].join(', ')}.`,
        );
      }
      return faultView(await armFaultFor(ctx, caller, body));
    },
  }),
  defineRoute({
    method: 'GET',
    path: '/v2/testing/faults',
    operation: 'TestingListFaults',
    simulation: 'Other',
    sandboxOnly: true,
    handler: async (ctx, { caller }) => ({ faults: (await armedFaultsOf(ctx, caller)).map(faultView) }),
  }),
  defineRoute({
    method: 'DELETE',
    path: '/v2/testing/faults',
    operation: 'TestingDisarmFaults',
    simulation: 'Other',
    sandboxOnly: true,
    handler: async (ctx, { caller }) => ({ faults: (await disarmFaultsFor(ctx, caller, undefined)).map(faultView) }),
  }),
  defineRoute({
    method: 'DELETE',
    path: '/v2/testing/faults/:faultId',
    operation: 'TestingDisarmFault',
    simulation: 'Other',
    sandboxOnly: true,
    handler: async (ctx, { caller, params }) => ({
      faults: (await disarmFaultsFor(ctx, caller, params.faultId)).map(faultView),
    }),
  }),
  defineRoute({
    method: 'GET',
    path: '/v2/testing/throttling',
    operation: 'TestingGetThrottling',
    simulation: 'Other',
    sandboxOnly: true,
    handler: async (_ctx, { caller }) => throttlingView(caller, caller.merchant.throttling ?? false),
  }),
  defineRoute({
    method: 'POST',
    path: '/v2/testing/throttling',
    operation: 'TestingSetThrottling',
    body: testingThrottlingRequest,
    simulation: 'Other',
    sandboxOnly: true,
    // Opt-in, so that test suites stay deterministic: Amazon's throttle table for this merchant's calls.
    handler: async (ctx, { caller, body }) => throttlingView(caller, await setThrottling(ctx, caller, body.enabled)),
  }),
];

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
  signInAsTestBuyer,
} from '../app/testing.js';
import { formatAmount } from '../domain/money.js';
import { formatWireTimestamp } from '../domain/time.js';
import { prepareButton } from '../app/button-request.js';
import { defineRoute } from './route-table.js';
import {
  buyerConsentRequest,
  clockAdvanceRequest,
  emptyRequest,
  testingButtonRequest,
  testingSignInRequest,
} from '../wire/requests.js';

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
    body: emptyRequest,
    simulation: 'ProcessPayment',
    sandboxOnly: true,
    handler: async (ctx, { caller, params, simulation }) => {
      const r = await processPaymentForTest(ctx, caller, params.checkoutSessionId, simulation);
      return { checkoutSessionId: r.checkoutSession.checkoutSessionId, redirectUrl: r.redirectUrl };
    },
  }),
  defineRoute({
    method: 'POST',
    path: '/v2/testing/clock',
    operation: 'TestingAdvanceClock',
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
];

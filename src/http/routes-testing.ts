import { ApiError } from '../app/api-error.js';
import { marketplaceOf } from '../app/buyer-flow.js';
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
import type { AppContext, Caller } from '../app/context.js';
import { formatAmount } from '../domain/money.js';
import { formatWireTimestamp } from '../domain/time.js';
import type { WalletCard } from '../domain/wallet.js';
import type { Address } from '../domain/shared-types.js';
import { prepareButton } from './hosted/button-request.js';
import { allowedReturnUrl, cancelUrl } from './hosted/return-urls.js';
import { defineRoute } from './route-table.js';
import {
  buyerConsentRequest,
  clockAdvanceRequest,
  emptyRequest,
  testingButtonRequest,
  testingSignInRequest,
} from './validation/requests.js';

/** Sandbox-only testing operations (docs/sandbox.md): what a buyer would do on the hosted pages, and the clock. */
export const TESTING_ROUTES = [
  defineRoute({
    method: 'POST',
    path: '/v2/testing/checkoutSessions/:checkoutSessionId/buyerConsent',
    operation: 'TestingBuyerConsent',
    body: buyerConsentRequest,
    simulation: 'Other',
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
    handler: async (ctx, { caller, body }) => ({
      now: formatWireTimestamp(await advanceClock(ctx, caller, body.advanceBySeconds)),
    }),
  }),
  defineRoute({
    method: 'GET',
    path: '/v2/testing/clock',
    operation: 'TestingGetClock',
    simulation: 'Other',
    handler: async (ctx, { caller }) => ({ now: formatWireTimestamp(clockNow(ctx, caller)) }),
  }),
  defineRoute({
    method: 'GET',
    path: '/v2/testing/buyers',
    operation: 'TestingListBuyers',
    simulation: 'Other',
    handler: async (ctx, { caller }) => ({ buyers: await testBuyers(ctx, caller) }),
  }),
  defineRoute({
    method: 'POST',
    path: '/v2/testing/button',
    operation: 'TestingButton',
    body: testingButtonRequest,
    simulation: 'Other',
    status: 201,
    // A button click as checkout.js submits it: PayAndShip / PayOnly start a Checkout Session, SignIn a sign-in.
    handler: async (ctx, { caller, body }) => {
      requireSandbox(caller);
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
    // The buyer's Cancel on the sign-in or choose page: Canceled / BuyerCanceled, and where the buyer goes.
    handler: async (ctx, { caller, params }) => {
      const r = await cancelAsBuyer(ctx, caller, params.checkoutSessionId);
      const target = cancelUrl({ ...r.checkout, checkoutSession: r.checkoutSession }, undefined);
      return { checkoutSessionId: r.checkoutSession.checkoutSessionId, redirectUrl: target ?? null };
    },
  }),
];

/** The test buyers of the merchant's marketplace with the ids buyerConsent takes. */
async function testBuyers(ctx: AppContext, caller: Caller) {
  requireSandbox(caller);
  const buyers = await ctx.store.reader.buyersOfRegion(marketplaceOf(caller.merchant.region), true);
  const out = [];
  for (const b of buyers) {
    const addresses = await ctx.store.reader.buyerItems<Address>('address', b.buyerId);
    const methods = await ctx.store.reader.buyerItems<WalletCard>('paymentMethod', b.buyerId);
    out.push({
      buyerId: b.buyerId,
      email: b.email,
      name: b.name,
      addresses: addresses.map((a) => ({ addressId: a.id, ...a.value })),
      paymentMethods: methods.map((m) => ({
        paymentMethodId: m.id,
        brand: m.value.brand,
        last4: m.value.last4,
        behaviour: m.value.behaviour,
      })),
    });
  }
  return out;
}

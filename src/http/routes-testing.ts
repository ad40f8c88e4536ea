import { marketplaceOf } from '../app/buyer-flow.js';
import { advanceClock, buyerConsent, clockNow, processPaymentForTest, requireSandbox } from '../app/testing.js';
import type { AppContext, Caller } from '../app/context.js';
import { formatWireTimestamp } from '../domain/time.js';
import type { WalletCard } from '../domain/wallet.js';
import type { Address } from '../domain/shared-types.js';
import { defineRoute } from './route-table.js';
import { buyerConsentRequest, clockAdvanceRequest, emptyRequest } from './validation/requests.js';

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

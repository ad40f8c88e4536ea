import {
  completeCheckoutSession,
  createCheckoutSession,
  finalizeCheckoutSession,
  updateCheckoutSession,
} from '../app/checkout-sessions.js';
import { readOwned } from '../app/loading.js';
import { inTransaction } from '../app/transactions.js';
import { RESPONSES } from '../wire/responses.js';
import { defineRoute, reply } from './route-table.js';
import {
  completeCheckoutSessionRequest,
  createCheckoutSessionRequest,
  finalizeCheckoutSessionRequest,
  updateCheckoutSessionRequest,
} from '../wire/requests.js';
import { wireCheckoutSession } from './wire-mapping.js';

/** Checkout Session operations. */
export const CHECKOUT_ROUTES = [
  defineRoute({
    method: 'POST',
    path: '/v2/checkoutSessions',
    operation: 'CreateCheckoutSession',
    response: RESPONSES.CheckoutSession,
    body: createCheckoutSessionRequest,
    simulation: 'Other',
    idempotency: 'required',
    status: 201,
    handler: async (ctx, { tx, caller, body, now }) =>
      wireCheckoutSession(ctx, await createCheckoutSession(ctx, tx, caller, body, now())),
  }),
  defineRoute({
    method: 'GET',
    path: '/v2/checkoutSessions/:checkoutSessionId',
    operation: 'GetCheckoutSession',
    response: RESPONSES.CheckoutSession,
    simulation: 'Other',
    handler: async (ctx, { caller, params }) =>
      wireCheckoutSession(ctx, (await readOwned(ctx, caller, 'checkoutSession', params.checkoutSessionId)).doc),
  }),
  defineRoute({
    method: 'PATCH',
    path: '/v2/checkoutSessions/:checkoutSessionId',
    operation: 'UpdateCheckoutSession',
    response: RESPONSES.CheckoutSession,
    body: updateCheckoutSessionRequest,
    simulation: 'Other',
    handler: async (ctx, { caller, params, body, now }) => {
      const cs = await inTransaction(ctx, (tx) =>
        updateCheckoutSession(ctx, tx, caller, params.checkoutSessionId, body, now()),
      );
      return wireCheckoutSession(ctx, cs);
    },
  }),
  defineRoute({
    method: 'POST',
    path: '/v2/checkoutSessions/:checkoutSessionId/complete',
    operation: 'CompleteCheckoutSession',
    response: RESPONSES.CheckoutSession,
    body: completeCheckoutSessionRequest,
    simulation: 'CompleteCheckoutSession',
    idempotency: 'optional',
    otherStatuses: [202],
    handler: async (ctx, { tx, caller, params, body, now, simulation }) => {
      const r = await completeCheckoutSession(ctx, tx, caller, params.checkoutSessionId, body, now(), simulation);
      // A pending authorization is accepted, not done yet.
      return reply(
        r.charge?.state === 'AuthorizationInitiated' ? 202 : 200,
        wireCheckoutSession(ctx, r.checkoutSession, 'complete'),
      );
    },
  }),
  defineRoute({
    method: 'POST',
    path: '/v2/checkoutSessions/:checkoutSessionId/finalize',
    operation: 'FinalizeCheckoutSession',
    response: RESPONSES.CheckoutSession,
    body: finalizeCheckoutSessionRequest,
    simulation: 'CompleteCheckoutSession',
    idempotency: 'optional',
    otherStatuses: [202],
    handler: async (ctx, { tx, caller, params, body, now, simulation }) => {
      const r = await finalizeCheckoutSession(ctx, tx, caller, params.checkoutSessionId, body, now(), simulation);
      return reply(
        r.charge?.state === 'AuthorizationInitiated' ? 202 : 200,
        wireCheckoutSession(ctx, r.checkoutSession, 'finalize'),
      );
    },
  }),
];

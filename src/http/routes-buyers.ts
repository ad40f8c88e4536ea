import { buyerForToken } from '../app/hosted-checkout.js';
import { defineRoute } from './route-table.js';

/** Buyer operations. */
export const BUYER_ROUTES = [
  defineRoute({
    method: 'GET',
    path: '/v2/buyers/:buyerToken',
    operation: 'GetBuyer',
    simulation: 'Other',
    // Amazon Sign-in: the buyer behind a `buyerToken` handed to the merchant's signInReturnUrl.
    handler: async (ctx, { caller, params }) => buyerForToken(ctx, caller, params.buyerToken),
  }),
];

import { buyerForToken } from '../app/hosted-checkout.js';
import { RESPONSES } from '../wire/responses.js';
import { defineRoute } from './route-table.js';
import { wireBuyerProfile } from './wire-mapping.js';

/** Buyer operations. */
export const BUYER_ROUTES = [
  defineRoute({
    method: 'GET',
    path: '/v2/buyers/:buyerToken',
    operation: 'GetBuyer',
    response: RESPONSES.BuyerProfile,
    simulation: 'Other',
    // Amazon Sign-in: the buyer behind a `buyerToken` handed to the merchant's signInReturnUrl.
    handler: async (ctx, { caller, params }) => wireBuyerProfile(await buyerForToken(ctx, caller, params.buyerToken)),
  }),
];

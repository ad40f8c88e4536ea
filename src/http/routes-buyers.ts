import { buyerForToken } from '../app/hosted-checkout.js';
import type { AppContext } from '../app/context.js';
import type { ApiRequest, ApiResponse } from './api-request.js';
import { simulationOf } from './routes-checkout.js';
import { wireBuyerProfile } from './wire-mapping.js';

/** Get Buyer (Amazon Sign-in): the buyer behind a `buyerToken` handed to the merchant's signInReturnUrl. */
export async function getBuyer(ctx: AppContext, req: ApiRequest): Promise<ApiResponse> {
  simulationOf(req, 'Other');
  const profile = await buyerForToken(ctx, req.caller, req.params['buyerToken']!);
  return { status: 200, body: wireBuyerProfile(profile) };
}

import { ApiError } from '../app/api-error.js';
import type { AppContext } from '../app/context.js';
import { startCheckout, startSignIn } from '../app/hosted-checkout.js';
import { cancelAsBuyer, requireSandbox, signInAsTestBuyer } from '../app/testing.js';
import { formatAmount } from '../domain/money.js';
import { readBody, type ApiRequest, type ApiResponse } from './api-request.js';
import { prepareButton } from './hosted/button-request.js';
import { allowedReturnUrl, cancelUrl } from './hosted/return-urls.js';
import { simulationOf } from './routes-checkout.js';
import { emptyRequest, testingButtonRequest, testingSignInRequest } from './validation/requests.js';

/**
 * The buyer's steps of the hosted pages without a browser (docs/sandbox.md, "Testing endpoints"): each calls
 * the use case its page calls. Sandbox keys only; only the caller's own buttons, sessions and sign-ins.
 */

/** A button click as checkout.js submits it: PayAndShip / PayOnly start a Checkout Session, SignIn a sign-in. */
export async function postTestingButton(ctx: AppContext, req: ApiRequest): Promise<ApiResponse> {
  simulationOf(req, 'Other');
  requireSandbox(req.caller);
  const input = readBody(req, testingButtonRequest);
  const prepared = await prepareButton(ctx, {
    ...input,
    merchantId: input.merchantId ?? req.caller.merchant.merchantId,
    sandbox: input.sandbox ?? true,
    estimatedOrderAmount: input.estimatedOrderAmount && {
      amount: formatAmount(input.estimatedOrderAmount),
      currencyCode: input.estimatedOrderAmount.currency,
    },
  });
  if (!prepared.ok) throw new ApiError(prepared.reasonCode, prepared.message);
  if (
    prepared.caller.merchant.merchantId !== req.caller.merchant.merchantId ||
    prepared.caller.environment !== req.caller.environment
  ) {
    throw new ApiError(
      'UnauthorizedAccess',
      'The button is signed for another merchant or environment than the key of this call.',
    );
  }
  if (prepared.kind === 'signIn') {
    const signInRequestId = await startSignIn(ctx, prepared.caller, prepared.payload, prepared.language);
    return { status: 201, body: { productType: 'SignIn', checkoutSessionId: null, signInRequestId } };
  }
  const cs = await startCheckout(ctx, prepared.caller, prepared.input, prepared.options);
  return {
    status: 201,
    body: { productType: cs.productType, checkoutSessionId: cs.checkoutSessionId, signInRequestId: null },
  };
}

/** Amazon Sign-in's consent page: a test buyer allows (a buyerToken for Get Buyer) or denies. */
export async function postTestingSignIn(ctx: AppContext, req: ApiRequest): Promise<ApiResponse> {
  simulationOf(req, 'Other');
  const input = readBody(req, testingSignInRequest);
  const r = await signInAsTestBuyer(ctx, req.caller, req.params['id']!, input);
  const returnUrl = allowedReturnUrl(r.request.signInReturnUrl, r.store, r.request.environment);
  let redirectUrl: string | null = null;
  if (returnUrl && r.buyerToken !== null) {
    const u = new URL(returnUrl);
    u.searchParams.set('buyerToken', r.buyerToken);
    redirectUrl = u.toString();
  }
  return { status: 200, body: { buyerToken: r.buyerToken, redirectUrl } };
}

/** The buyer's Cancel on the sign-in or choose page: Canceled / BuyerCanceled, and where the buyer goes. */
export async function postTestingCancel(ctx: AppContext, req: ApiRequest): Promise<ApiResponse> {
  simulationOf(req, 'Other');
  readBody(req, emptyRequest);
  const r = await cancelAsBuyer(ctx, req.caller, req.params['id']!);
  const target = cancelUrl({ ...r.checkout, checkoutSession: r.checkoutSession }, undefined);
  return {
    status: 200,
    body: { checkoutSessionId: r.checkoutSession.checkoutSessionId, redirectUrl: target ?? null },
  };
}

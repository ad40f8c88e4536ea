import { ApiError } from '../app/api-error.js';
import { completeCheckoutSession, createCheckoutSession, updateCheckoutSession } from '../app/checkout-sessions.js';
import type { AppContext } from '../app/context.js';
import { readOwned } from '../app/loading.js';
import { advanceClock, buyerConsent, clockNow, processPaymentForTest, requireSandbox } from '../app/testing.js';
import { testBuyersWithWallets } from '../app/test-buyers.js';
import { inTransaction } from '../app/transactions.js';
import { marketplaceOf } from '../app/buyer-flow.js';
import { simulationFor, type SimulatedOperation } from '../domain/simulations.js';
import { formatWireTimestamp } from '../domain/time.js';
import {
  callerNow,
  idempotentResponse,
  readBody,
  simulationCodeOf,
  type ApiRequest,
  type ApiResponse,
} from './api-request.js';
import {
  buyerConsentRequest,
  clockAdvanceRequest,
  completeCheckoutSessionRequest,
  createCheckoutSessionRequest,
  emptyRequest,
  updateCheckoutSessionRequest,
} from './validation/requests.js';
import { wireCheckoutSession } from './wire-mapping.js';

/** The simulation code of a request, checked against the operation (or refused where none applies). */
export function simulationOf(req: ApiRequest, operation: SimulatedOperation | 'Other') {
  const r = simulationFor(operation, simulationCodeOf(req), req.caller.environment);
  if (!r.ok) throw ApiError.from(r.error);
  return r.value;
}

export async function postCheckoutSession(ctx: AppContext, req: ApiRequest) {
  simulationOf(req, 'Other');
  const input = readBody(req, createCheckoutSessionRequest);
  return idempotentResponse(
    ctx,
    req,
    true,
    (tx, at) => createCheckoutSession(ctx, tx, req.caller, input, at),
    (cs) => ({ status: 201, body: wireCheckoutSession(ctx, cs) }),
  );
}

export async function getCheckoutSession(ctx: AppContext, req: ApiRequest): Promise<ApiResponse> {
  simulationOf(req, 'Other');
  const { doc } = await readOwned(ctx, req.caller, 'checkoutSession', req.params['id']!);
  return { status: 200, body: wireCheckoutSession(ctx, doc) };
}

export async function patchCheckoutSession(ctx: AppContext, req: ApiRequest): Promise<ApiResponse> {
  simulationOf(req, 'Other');
  const input = readBody(req, updateCheckoutSessionRequest);
  const cs = await inTransaction(ctx, (tx) =>
    updateCheckoutSession(ctx, tx, req.caller, req.params['id']!, input, callerNow(ctx, req)),
  );
  return { status: 200, body: wireCheckoutSession(ctx, cs) };
}

export async function postComplete(ctx: AppContext, req: ApiRequest) {
  const simulation = simulationOf(req, 'CompleteCheckoutSession');
  const input = readBody(req, completeCheckoutSessionRequest);
  return idempotentResponse(
    ctx,
    req,
    false,
    (tx, at) => completeCheckoutSession(ctx, tx, req.caller, req.params['id']!, input, at, simulation),
    (result) => ({
      // A pending authorization is accepted, not done yet.
      status: result.charge?.state === 'AuthorizationInitiated' ? 202 : 200,
      body: wireCheckoutSession(ctx, result.checkoutSession, 'complete'),
    }),
  );
}

export async function postFinalize(): Promise<ApiResponse> {
  throw new ApiError(
    'UnsupportedOperation',
    'Finalize Checkout Session (Amazon Pay Buy Now) is not supported by reji; use Complete Checkout Session.',
  );
}

export async function postBuyerConsent(ctx: AppContext, req: ApiRequest): Promise<ApiResponse> {
  simulationOf(req, 'Other');
  const input = readBody(req, buyerConsentRequest);
  const r = await buyerConsent(ctx, req.caller, req.params['id']!, input);
  return { status: 200, body: { checkoutSessionId: r.checkoutSession.checkoutSessionId, redirectUrl: r.redirectUrl } };
}

export async function postProcessPayment(ctx: AppContext, req: ApiRequest): Promise<ApiResponse> {
  const simulation = simulationOf(req, 'ProcessPayment');
  readBody(req, emptyRequest);
  const r = await processPaymentForTest(ctx, req.caller, req.params['id']!, simulation);
  return { status: 200, body: { checkoutSessionId: r.checkoutSession.checkoutSessionId, redirectUrl: r.redirectUrl } };
}

export async function postClock(ctx: AppContext, req: ApiRequest): Promise<ApiResponse> {
  simulationOf(req, 'Other');
  const input = readBody(req, clockAdvanceRequest);
  const at = await advanceClock(ctx, req.caller, input.advanceBySeconds);
  return { status: 200, body: { now: formatWireTimestamp(at) } };
}

export async function getClock(ctx: AppContext, req: ApiRequest): Promise<ApiResponse> {
  simulationOf(req, 'Other');
  return { status: 200, body: { now: formatWireTimestamp(clockNow(ctx, req.caller)) } };
}

/** The test buyers of the merchant's marketplace with the ids buyerConsent takes. */
export async function getTestBuyers(ctx: AppContext, req: ApiRequest): Promise<ApiResponse> {
  simulationOf(req, 'Other');
  requireSandbox(req.caller);
  const buyers = await testBuyersWithWallets(ctx, marketplaceOf(req.caller.merchant.region));
  return { status: 200, body: { buyers } };
}

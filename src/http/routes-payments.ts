import { ApiError } from '../app/api-error.js';
import type { AppContext } from '../app/context.js';
import { readOwned } from '../app/loading.js';
import {
  cancelCharge,
  captureCharge,
  closeChargePermission,
  createCharge,
  createRefund,
  updateChargePermission,
} from '../app/payments.js';
import { inTransaction } from '../app/transactions.js';
import { callerNow, idempotentResponse, readBody, type ApiRequest, type ApiResponse } from './api-request.js';
import { simulationOf } from './routes-checkout.js';
import {
  cancelChargeRequest,
  captureChargeRequest,
  closeChargePermissionRequest,
  createChargeRequest,
  createRefundRequest,
  updateChargePermissionRequest,
} from './validation/requests.js';
import { wireCharge, wireChargePermission, wireRefund } from './wire-mapping.js';

export async function getChargePermission(ctx: AppContext, req: ApiRequest): Promise<ApiResponse> {
  simulationOf(req, 'Other');
  const { doc, now: at } = await readOwned(ctx, req.caller, 'chargePermission', req.params['id']!);
  return { status: 200, body: wireChargePermission(doc, at) };
}

export async function patchChargePermission(ctx: AppContext, req: ApiRequest): Promise<ApiResponse> {
  simulationOf(req, 'Other');
  const input = readBody(req, updateChargePermissionRequest);
  const at = callerNow(ctx, req);
  const cp = await inTransaction(ctx, (tx) =>
    updateChargePermission(ctx, tx, req.caller, req.params['id']!, input, at),
  );
  return { status: 200, body: wireChargePermission(cp, at) };
}

export async function closeChargePermissionRoute(ctx: AppContext, req: ApiRequest): Promise<ApiResponse> {
  const simulation = simulationOf(req, 'CloseChargePermission');
  const input = readBody(req, closeChargePermissionRequest);
  const at = callerNow(ctx, req);
  const cp = await inTransaction(ctx, (tx) =>
    closeChargePermission(ctx, tx, req.caller, req.params['id']!, input, at, simulation),
  );
  return { status: 200, body: wireChargePermission(cp, at) };
}

export async function postCharge(ctx: AppContext, req: ApiRequest) {
  const simulation = simulationOf(req, 'CreateCharge');
  const input = readBody(req, createChargeRequest);
  return idempotentResponse(
    ctx,
    req,
    true,
    (tx, at) => createCharge(ctx, tx, req.caller, input, at, simulation),
    (charge) => ({ status: 201, body: wireCharge(charge) }),
  );
}

export async function getCharge(ctx: AppContext, req: ApiRequest): Promise<ApiResponse> {
  simulationOf(req, 'Other');
  const { doc } = await readOwned(ctx, req.caller, 'charge', req.params['id']!);
  return { status: 200, body: wireCharge(doc) };
}

export async function postCapture(ctx: AppContext, req: ApiRequest) {
  const simulation = simulationOf(req, 'CaptureCharge');
  const input = readBody(req, captureChargeRequest);
  return idempotentResponse(
    ctx,
    req,
    true,
    (tx, at) => captureCharge(ctx, tx, req.caller, req.params['id']!, input, at, simulation),
    (charge) => ({ status: 200, body: wireCharge(charge) }),
  );
}

export async function cancelChargeRoute(ctx: AppContext, req: ApiRequest): Promise<ApiResponse> {
  simulationOf(req, 'Other');
  readBody(req, cancelChargeRequest);
  const charge = await inTransaction(ctx, (tx) =>
    cancelCharge(ctx, tx, req.caller, req.params['id']!, callerNow(ctx, req)),
  );
  return { status: 200, body: wireCharge(charge) };
}

export async function postRefund(ctx: AppContext, req: ApiRequest) {
  const simulation = simulationOf(req, 'CreateRefund');
  const input = readBody(req, createRefundRequest);
  return idempotentResponse(
    ctx,
    req,
    true,
    (tx, at) => createRefund(ctx, tx, req.caller, input, at, simulation),
    (refund) => ({ status: 201, body: wireRefund(refund) }),
  );
}

export async function getRefund(ctx: AppContext, req: ApiRequest): Promise<ApiResponse> {
  simulationOf(req, 'Other');
  const { doc } = await readOwned(ctx, req.caller, 'refund', req.params['id']!);
  return { status: 200, body: wireRefund(doc) };
}

export async function patchCharge(): Promise<ApiResponse> {
  throw new ApiError(
    'UnsupportedOperation',
    'Update Charge is only available to payment service providers and is not supported by reji.',
  );
}

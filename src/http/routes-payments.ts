import { readOwned } from '../app/loading.js';
import {
  cancelCharge,
  captureCharge,
  closeChargePermission,
  createCharge,
  createRefund,
  updateChargeAsPsp,
  updateChargePermission,
} from '../app/payments.js';
import { inTransaction } from '../app/transactions.js';
import { RESPONSES } from '../wire/responses.js';
import { defineRoute } from './route-table.js';
import {
  cancelChargeRequest,
  captureChargeRequest,
  closeChargePermissionRequest,
  createChargeRequest,
  createRefundRequest,
  updateChargePermissionRequest,
  updateChargeRequest,
} from '../wire/requests.js';
import { wireCharge, wireChargePermission, wireRefund } from './wire-mapping.js';

/** Charge Permission, Charge and Refund operations. */
export const PAYMENT_ROUTES = [
  defineRoute({
    method: 'GET',
    path: '/v2/chargePermissions/:chargePermissionId',
    operation: 'GetChargePermission',
    response: RESPONSES.ChargePermission,
    simulation: 'Other',
    handler: async (ctx, { caller, params }) => {
      const { doc, now: at } = await readOwned(ctx, caller, 'chargePermission', params.chargePermissionId);
      return wireChargePermission(doc, at);
    },
  }),
  defineRoute({
    method: 'PATCH',
    path: '/v2/chargePermissions/:chargePermissionId',
    operation: 'UpdateChargePermission',
    response: RESPONSES.ChargePermission,
    body: updateChargePermissionRequest,
    simulation: 'Other',
    handler: async (ctx, { caller, params, body, now }) => {
      const at = now();
      const cp = await inTransaction(ctx, (tx) =>
        updateChargePermission(ctx, tx, caller, params.chargePermissionId, body, at),
      );
      return wireChargePermission(cp, at);
    },
  }),
  defineRoute({
    method: 'DELETE',
    path: '/v2/chargePermissions/:chargePermissionId/close',
    operation: 'CloseChargePermission',
    response: RESPONSES.ChargePermission,
    body: closeChargePermissionRequest,
    simulation: 'CloseChargePermission',
    handler: async (ctx, { caller, params, body, now, simulation }) => {
      const at = now();
      const cp = await inTransaction(ctx, (tx) =>
        closeChargePermission(ctx, tx, caller, params.chargePermissionId, body, at, simulation),
      );
      return wireChargePermission(cp, at);
    },
  }),
  defineRoute({
    method: 'POST',
    path: '/v2/charges',
    operation: 'CreateCharge',
    response: RESPONSES.Charge,
    body: createChargeRequest,
    simulation: 'CreateCharge',
    idempotency: 'required',
    status: 201,
    handler: async (ctx, { tx, caller, body, now, simulation }) =>
      wireCharge(await createCharge(ctx, tx, caller, body, now(), simulation)),
  }),
  defineRoute({
    method: 'GET',
    path: '/v2/charges/:chargeId',
    operation: 'GetCharge',
    response: RESPONSES.Charge,
    simulation: 'Other',
    handler: async (ctx, { caller, params }) =>
      wireCharge((await readOwned(ctx, caller, 'charge', params.chargeId)).doc),
  }),
  defineRoute({
    method: 'PATCH',
    path: '/v2/charges/:chargeId',
    operation: 'UpdateCharge',
    response: RESPONSES.Charge,
    body: updateChargeRequest,
    simulation: 'Other',
    // A PATCH: the key is ignored, as on every PATCH (docs/decisions.md); Amazon's Node sample sends none.
    handler: async (ctx, { caller, params, body, now }) => {
      const at = now();
      return wireCharge(
        await inTransaction(ctx, (tx) => updateChargeAsPsp(ctx, tx, caller, params.chargeId, body, at)),
      );
    },
  }),
  defineRoute({
    method: 'POST',
    path: '/v2/charges/:chargeId/capture',
    operation: 'CaptureCharge',
    response: RESPONSES.Charge,
    body: captureChargeRequest,
    simulation: 'CaptureCharge',
    idempotency: 'required',
    handler: async (ctx, { tx, caller, params, body, now, simulation }) =>
      wireCharge(await captureCharge(ctx, tx, caller, params.chargeId, body, now(), simulation)),
  }),
  defineRoute({
    method: 'DELETE',
    path: '/v2/charges/:chargeId/cancel',
    operation: 'CancelCharge',
    response: RESPONSES.Charge,
    // Validated (cancellationReason is required); reji does not keep the reason.
    body: cancelChargeRequest,
    simulation: 'Other',
    handler: async (ctx, { caller, params, now }) =>
      wireCharge(await inTransaction(ctx, (tx) => cancelCharge(ctx, tx, caller, params.chargeId, now()))),
  }),
  defineRoute({
    method: 'POST',
    path: '/v2/refunds',
    operation: 'CreateRefund',
    response: RESPONSES.Refund,
    body: createRefundRequest,
    simulation: 'CreateRefund',
    idempotency: 'required',
    status: 201,
    handler: async (ctx, { tx, caller, body, now, simulation }) =>
      wireRefund(await createRefund(ctx, tx, caller, body, now(), simulation)),
  }),
  defineRoute({
    method: 'GET',
    path: '/v2/refunds/:refundId',
    operation: 'GetRefund',
    response: RESPONSES.Refund,
    simulation: 'Other',
    handler: async (ctx, { caller, params }) =>
      wireRefund((await readOwned(ctx, caller, 'refund', params.refundId)).doc),
  }),
];

import { inStoreCharge, inStoreRefund, merchantScan } from '../app/in-store.js';
import { RESPONSES } from '../wire/responses.js';
import { inStoreChargeRequest, inStoreRefundRequest, merchantScanRequest } from '../wire/requests.js';
import { defineRoute } from './route-table.js';
import { wireInStoreCharge, wireInStoreRefund, wireMerchantScan } from './wire-mapping.js';

/**
 * In-store payments (spec 12 §12.11, the official Node SDK's InStoreClient). Each request is named by its reference
 * id: the same id with the same body replays the first answer (docs/decisions.md, "In-store payments").
 */
export const IN_STORE_ROUTES = [
  defineRoute({
    method: 'POST',
    path: '/v2/in-store/merchantScan',
    operation: 'InStoreMerchantScan',
    body: merchantScanRequest,
    response: RESPONSES.MerchantScan,
    simulation: 'Other',
    idempotency: 'reference',
    referenceId: { field: 'scanReferenceId', of: (body) => body.scanReferenceId },
    handler: async (ctx, { tx, caller, body, now }) =>
      wireMerchantScan(await merchantScan(ctx, tx, caller, body, now())),
  }),
  defineRoute({
    method: 'POST',
    path: '/v2/in-store/charge',
    operation: 'InStoreCharge',
    body: inStoreChargeRequest,
    response: RESPONSES.InStoreCharge,
    simulation: 'Other',
    idempotency: 'reference',
    referenceId: { field: 'chargeReferenceId', of: (body) => body.chargeReferenceId },
    handler: async (ctx, { tx, caller, body, now }) =>
      wireInStoreCharge(await inStoreCharge(ctx, tx, caller, body, now())),
  }),
  defineRoute({
    method: 'POST',
    path: '/v2/in-store/refund',
    operation: 'InStoreRefund',
    body: inStoreRefundRequest,
    response: RESPONSES.InStoreRefund,
    simulation: 'Other',
    idempotency: 'reference',
    referenceId: { field: 'refundReferenceId', of: (body) => body.refundReferenceId },
    handler: async (ctx, { tx, caller, body, now }) =>
      wireInStoreRefund(await inStoreRefund(ctx, tx, caller, body, now())),
  }),
];

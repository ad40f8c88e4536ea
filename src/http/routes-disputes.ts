import {
  contestDispute,
  createDispute,
  decideDisputeForTest,
  openChargebackForTest,
  updateDispute,
} from '../app/disputes.js';
import { createEvidenceFile } from '../app/evidence-files.js';
import { readOwned } from '../app/loading.js';
import { inTransaction } from '../app/transactions.js';
import { RESPONSES } from '../wire/responses.js';
import {
  contestDisputeRequest,
  createDisputeRequest,
  testingChargebackRequest,
  testingDisputeDecisionRequest,
  updateDisputeRequest,
  uploadFileRequest,
} from '../wire/requests.js';
import { defineRoute } from './route-table.js';
import { wireDispute, wireFile } from './wire-mapping.js';

/** Disputes and evidence files (spec 12 §12.9, §12.10). PSP-only operations answer 401 to other merchants. */
export const DISPUTE_ROUTES = [
  defineRoute({
    method: 'POST',
    path: '/v2/disputes',
    operation: 'CreateDispute',
    response: RESPONSES.Dispute,
    body: createDisputeRequest,
    simulation: 'Other',
    idempotency: 'required',
    handler: async (ctx, { tx, caller, body, now }) =>
      wireDispute(
        await createDispute(
          ctx,
          tx,
          caller,
          {
            chargeId: body.chargeId,
            disputeAmount: body.disputeAmount,
            filingReason: body.filingReason,
            filedAt: body.filingTimestamp ?? body.creationTimestamp,
            merchantResponseDeadline: body.merchantResponseDeadline,
            reasonCode: body.statusDetails?.reasonCode,
            reasonDescription: body.statusDetails?.reasonDescription,
            providerDisputeId: body.providerMetadata?.providerDisputeId,
          },
          now(),
        ),
      ),
  }),
  defineRoute({
    method: 'GET',
    path: '/v2/disputes/:disputeId',
    operation: 'GetDispute',
    response: RESPONSES.Dispute,
    simulation: 'Other',
    handler: async (ctx, { caller, params }) =>
      wireDispute((await readOwned(ctx, caller, 'dispute', params.disputeId)).doc),
  }),
  defineRoute({
    method: 'PATCH',
    path: '/v2/disputes/:disputeId',
    operation: 'UpdateDispute',
    response: RESPONSES.Dispute,
    body: updateDisputeRequest,
    simulation: 'Other',
    // A PATCH: the key is ignored, as on every PATCH (docs/decisions.md).
    handler: async (ctx, { caller, params, body, now }) => {
      const at = now();
      return wireDispute(await inTransaction(ctx, (tx) => updateDispute(ctx, tx, caller, params.disputeId, body, at)));
    },
  }),
  defineRoute({
    method: 'POST',
    path: '/v2/disputes/:disputeId/contest',
    operation: 'ContestDispute',
    response: RESPONSES.Dispute,
    body: contestDisputeRequest,
    simulation: 'Other',
    idempotency: 'optional',
    handler: async (ctx, { tx, caller, params, body, now }) =>
      wireDispute(await contestDispute(ctx, tx, caller, params.disputeId, body.merchantEvidences, now())),
  }),
  defineRoute({
    method: 'POST',
    path: '/v2/files',
    operation: 'UploadFile',
    response: RESPONSES.File,
    body: uploadFileRequest,
    simulation: 'Other',
    idempotency: 'required',
    handler: async (ctx, { tx, caller, body, now }) => {
      const { file, url } = await createEvidenceFile(ctx, tx, caller, body, now());
      return wireFile(file, url);
    },
  }),
];

/** Sandbox: a buyer's chargeback on a captured charge, and the investigator's decision (docs/sandbox.md). */
export const DISPUTE_TESTING_ROUTES = [
  defineRoute({
    method: 'POST',
    path: '/v2/testing/charges/:chargeId/chargeback',
    operation: 'TestingOpenChargeback',
    response: RESPONSES.Dispute,
    body: testingChargebackRequest,
    simulation: 'Other',
    sandboxOnly: true,
    status: 201,
    handler: async (ctx, { caller, params, body, now }) => {
      const at = now();
      return wireDispute(
        await inTransaction(ctx, (tx) => openChargebackForTest(ctx, tx, caller, params.chargeId, body, at)),
      );
    },
  }),
  defineRoute({
    method: 'POST',
    path: '/v2/testing/disputes/:disputeId/decision',
    operation: 'TestingDecideDispute',
    response: RESPONSES.Dispute,
    body: testingDisputeDecisionRequest,
    simulation: 'Other',
    sandboxOnly: true,
    handler: async (ctx, { caller, params, body, now }) => {
      const at = now();
      return wireDispute(
        await inTransaction(ctx, (tx) => decideDisputeForTest(ctx, tx, caller, params.disputeId, body.decision, at)),
      );
    },
  }),
];

import type { Charge } from '../domain/charge.js';
import {
  CHARGEBACK_RESPONSE_WINDOW,
  changeDisputeStatus,
  contestDispute as contestDisputeDomain,
  heldByDispute,
  openDispute,
  type Dispute,
  type DisputeReasonCode,
  type DisputeResolution,
  type DisputeState,
  type EvidenceType,
  type FilingReason,
  type ResolutionAuthority,
} from '../domain/dispute.js';
import { newDisputeId } from '../domain/ids.js';
import { money, type Money } from '../domain/money.js';
import type { Instant } from '../domain/time.js';
import type { StoreTx } from '../store/store.js';
import { ApiError, unwrap } from './api-error.js';
import type { AppContext, Caller } from './context.js';
import { lockOwned, peekOwned } from './loading.js';
import { save } from './transactions.js';

/**
 * Disputes (chargebacks) on captured charges: a PSP reports and closes its own (Create / Update Dispute), Amazon
 * opens them in the Sandbox through a testing endpoint; every merchant reads and contests them. `save` sends the
 * CHARGEBACK notification and books the chargeback (and its reversal) in the ledger.
 */

/** Payment service provider operations answer 401 UnauthorizedAccess to an ordinary merchant's key (spec 12 §12.8). */
export function requirePaymentServiceProvider(caller: Caller, operation: string): void {
  if (caller.merchant.paymentServiceProvider !== true) {
    throw new ApiError(
      'UnauthorizedAccess',
      `${operation} is only available to payment service providers; merchant ${caller.merchant.merchantId} is not one.`,
    );
  }
}

/** What the charge may still lose: its capture, less completed refunds and the disputes the merchant has not won. */
async function disputableAmount(tx: StoreTx, charge: Charge): Promise<Money> {
  const captured = charge.capturedAmount ?? charge.chargeAmount;
  const held = (await tx.documents.disputesOfCharge(charge.chargeId)).reduce((sum, d) => sum + heldByDispute(d), 0);
  return money(Math.max(0, captured.minor - charge.refundedMinor - held), captured.currency);
}

/** Lock order as for payments: the permission, then the charge (which must be Captured). */
async function lockCapturedCharge(ctx: AppContext, tx: StoreTx, caller: Caller, chargeId: string, now: Instant) {
  const peek = await peekOwned(tx, caller, 'charge', chargeId);
  await lockOwned(ctx, tx, caller, 'chargePermission', peek.chargePermissionId, now);
  const charge = await lockOwned(ctx, tx, caller, 'charge', chargeId, now);
  if (charge.state !== 'Captured') {
    throw new ApiError(
      'InvalidChargeStatus',
      `Charge ${chargeId} is ${charge.state}: only a Captured charge can be disputed.`,
    );
  }
  return charge;
}

export interface OpenDisputeInput {
  readonly chargeId: string;
  readonly disputeAmount?: Money | undefined;
  readonly filingReason: FilingReason;
  readonly filedAt?: Instant | undefined;
  readonly merchantResponseDeadline?: Instant | undefined;
  readonly reasonCode?: DisputeReasonCode | undefined;
  readonly reasonDescription?: string | undefined;
  readonly providerDisputeId?: string | undefined;
}

async function open(
  ctx: AppContext,
  tx: StoreTx,
  caller: Caller,
  input: OpenDisputeInput,
  authority: ResolutionAuthority,
  now: Instant,
): Promise<Dispute> {
  const charge = await lockCapturedCharge(ctx, tx, caller, input.chargeId, now);
  const disputable = await disputableAmount(tx, charge);
  const dispute = unwrap(
    openDispute(
      {
        disputeId: newDisputeId(ctx.random, charge.chargePermissionId),
        chargeId: charge.chargeId,
        chargePermissionId: charge.chargePermissionId,
        merchantId: charge.merchantId,
        environment: charge.environment,
        disputeAmount: input.disputeAmount ?? disputable,
        filingReason: input.filingReason,
        filedAt: input.filedAt ?? now,
        merchantResponseDeadline: input.merchantResponseDeadline ?? now + CHARGEBACK_RESPONSE_WINDOW,
        reasonCode: input.reasonCode,
        reasonDescription: input.reasonDescription,
        resolutionAuthority: authority,
        providerDisputeId: input.providerDisputeId,
      },
      disputable,
      now,
    ),
  );
  return save(ctx, tx, 'dispute', undefined, dispute, now);
}

/** Create Dispute: a PSP reports a chargeback on a charge it processed. */
export async function createDispute(
  ctx: AppContext,
  tx: StoreTx,
  caller: Caller,
  input: OpenDisputeInput & { readonly disputeAmount: Money },
  now: Instant,
): Promise<Dispute> {
  requirePaymentServiceProvider(caller, 'Create Dispute');
  return open(ctx, tx, caller, input, 'PaymentServiceProvider', now);
}

/** Sandbox: the buyer files a chargeback with their bank (Amazon decides it; the merchant may contest). */
export async function openChargebackForTest(
  ctx: AppContext,
  tx: StoreTx,
  caller: Caller,
  chargeId: string,
  input: { readonly disputeAmount?: Money | undefined; readonly filingReason?: FilingReason | undefined },
  now: Instant,
): Promise<Dispute> {
  return open(
    ctx,
    tx,
    caller,
    { chargeId, disputeAmount: input.disputeAmount, filingReason: input.filingReason ?? 'ProductNotReceived' },
    'AmazonPay',
    now,
  );
}

export interface UpdateDisputeInput {
  readonly statusDetails: {
    readonly state: DisputeState;
    readonly reasonCode?: DisputeReasonCode | undefined;
    readonly reasonDescription?: string | undefined;
    readonly resolution?: DisputeResolution | undefined;
  };
  readonly closureTimestamp?: Instant | undefined;
}

/** Update Dispute: a PSP reports the new status of a chargeback it reported. */
export async function updateDispute(
  ctx: AppContext,
  tx: StoreTx,
  caller: Caller,
  disputeId: string,
  input: UpdateDisputeInput,
  now: Instant,
): Promise<Dispute> {
  requirePaymentServiceProvider(caller, 'Update Dispute');
  const dispute = await lockOwned(ctx, tx, caller, 'dispute', disputeId, now);
  if (dispute.resolutionAuthority !== 'PaymentServiceProvider') {
    throw new ApiError(
      'InvalidDisputeStatus',
      `Dispute ${disputeId} is decided by Amazon Pay: contest it with evidence instead of updating it.`,
    );
  }
  const { closureTimestamp, statusDetails } = input;
  const updated = unwrap(changeDisputeStatus(dispute, { ...statusDetails, closedAt: closureTimestamp }, now, 'update'));
  return save(ctx, tx, 'dispute', dispute, updated, now);
}

export interface EvidenceInput {
  readonly evidenceType: EvidenceType;
  readonly fileId?: string | undefined;
  readonly evidenceText?: string | undefined;
}

/** Contest Dispute: evidence files must be the caller's and uploaded. */
export async function contestDispute(
  ctx: AppContext,
  tx: StoreTx,
  caller: Caller,
  disputeId: string,
  evidences: readonly EvidenceInput[],
  now: Instant,
): Promise<Dispute> {
  for (const [i, e] of evidences.entries()) {
    if (e.fileId === undefined) continue;
    const stored = await tx.files.get(e.fileId);
    const file = stored?.file;
    if (!file || file.merchantId !== caller.merchant.merchantId || file.environment !== caller.environment) {
      throw new ApiError(
        'InvalidParameterValue',
        `The value provided for merchantEvidences[${i}].fileId is invalid. File ${e.fileId} was not found.`,
      );
    }
    if (file.uploadedAt === null) {
      throw new ApiError(
        'InvalidParameterValue',
        `The value provided for merchantEvidences[${i}].fileId is invalid. File ${e.fileId} has not been uploaded to its url yet.`,
      );
    }
  }
  const dispute = await lockOwned(ctx, tx, caller, 'dispute', disputeId, now);
  const contested = unwrap(
    contestDisputeDomain(
      dispute,
      evidences.map((e) => ({
        evidenceType: e.evidenceType,
        fileId: e.fileId ?? null,
        evidenceText: e.evidenceText ?? null,
      })),
      now,
    ),
  );
  return save(ctx, tx, 'dispute', dispute, contested, now);
}

export type DisputeDecision = DisputeResolution | 'RequestEvidence';

/** Sandbox: the investigator decides a dispute, or sends it back to the merchant for more evidence. */
export async function decideDisputeForTest(
  ctx: AppContext,
  tx: StoreTx,
  caller: Caller,
  disputeId: string,
  decision: DisputeDecision,
  now: Instant,
): Promise<Dispute> {
  const dispute = await lockOwned(ctx, tx, caller, 'dispute', disputeId, now);
  const decided = unwrap(
    changeDisputeStatus(
      dispute,
      decision === 'RequestEvidence'
        ? { state: 'ActionRequired', reasonCode: 'MerchantAdditionalEvidencesRequired' }
        : { state: 'Resolved', reasonCode: 'InvestigatorResolved', resolution: decision },
      now,
      'decide',
    ),
  );
  return save(ctx, tx, 'dispute', dispute, decided, now);
}

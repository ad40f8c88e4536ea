import { armFault, disarmFaults, hitFault, type ArmedFault, type ArmFaultInput } from '../domain/faults.js';
import { randomUuid } from '../domain/random.js';
import type { Merchant } from '../domain/merchant.js';
import { ConcurrentUpdateError, type StoreTx } from '../store/store.js';
import { ApiError } from './api-error.js';
import { nowFor, type AppContext, type Caller } from './context.js';
import { inTransaction } from './transactions.js';

/**
 * Fault injection for the Sandbox (docs/sandbox.md, "Faults"). The armed faults live on the merchant's row, read
 * with the credentials of every call (no extra query while none is armed), and each hit is a compare-and-set, so
 * that N armed calls fail exactly N times across every reji process.
 */

async function changeFaults<T>(
  ctx: AppContext,
  merchantId: string,
  change: (
    faults: readonly ArmedFault[],
    merchant: Merchant,
  ) => { faults: readonly ArmedFault[]; value: T } | undefined,
): Promise<T | undefined> {
  return inTransaction(ctx, async (tx: StoreTx) => {
    const merchant = await tx.merchants.get(merchantId);
    if (!merchant) throw new ApiError('ResourceNotFound', `Merchant ${merchantId} does not exist.`);
    const version = merchant.faultsVersion ?? 0;
    const r = change(merchant.armedFaults ?? [], merchant);
    if (r === undefined) return undefined;
    if (!(await tx.merchants.replaceArmedFaults(merchantId, version, r.faults))) {
      throw new ConcurrentUpdateError('merchant faults', merchantId);
    }
    return r.value;
  });
}

export async function armFaultFor(ctx: AppContext, caller: Caller, input: ArmFaultInput): Promise<ArmedFault> {
  const faultId = randomUuid(ctx.random);
  const fault = await changeFaults(ctx, caller.merchant.merchantId, (faults, merchant) => {
    const r = armFault(faults, input, faultId, nowFor(ctx, merchant, caller.environment));
    if (!r.ok) throw new ApiError('InvalidRequest', r.why);
    return { faults: r.faults, value: r.fault };
  });
  return fault!;
}

export async function armedFaultsOf(ctx: AppContext, caller: Caller): Promise<readonly ArmedFault[]> {
  const merchant = await ctx.store.reader.merchants.get(caller.merchant.merchantId);
  return merchant?.armedFaults ?? [];
}

/** Disarms one fault, or all when `faultId` is undefined; answers the faults still armed. */
export async function disarmFaultsFor(
  ctx: AppContext,
  caller: Caller,
  faultId: string | undefined,
): Promise<readonly ArmedFault[]> {
  const left = await changeFaults(ctx, caller.merchant.merchantId, (faults) => {
    const r = disarmFaults(faults, faultId);
    if (!r.found) throw new ApiError('ResourceNotFound', `No armed fault ${faultId}.`);
    return { faults: r.faults, value: r.faults };
  });
  return left ?? [];
}

/**
 * The fault this call hits, counted once; undefined when none is armed for its operation. Only Sandbox calls:
 * faults are armed with a Sandbox key and never reach Live traffic.
 */
export async function takeFault(ctx: AppContext, caller: Caller, operation: string): Promise<ArmedFault | undefined> {
  if (caller.environment !== 'Sandbox') return undefined;
  // The credentials query already read the list: nothing armed for this operation costs no query.
  if (!(caller.merchant.armedFaults ?? []).some((f) => f.operation === operation)) return undefined;
  return changeFaults(ctx, caller.merchant.merchantId, (faults) => {
    const r = hitFault(faults, operation);
    return r && { faults: r.faults, value: r.fault };
  });
}

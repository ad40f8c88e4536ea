import type { Instant } from './time.js';

/**
 * Sandbox fault injection (docs/sandbox.md, "Faults"): a merchant arms the next N calls of one operation to fail,
 * time out or answer late, so that its retry, idempotency and timeout handling can be proved. Pure: the list
 * lives on the merchant and every change is a new list.
 */

export const FAULT_OUTCOMES = [
  'InternalServerError',
  'ServiceUnavailable',
  'TooManyRequests',
  'Timeout',
  'Delay',
] as const;
export type FaultOutcome = (typeof FAULT_OUTCOMES)[number];

/** The answer an error outcome gives instead of running the operation. */
export const FAULT_STATUS = { InternalServerError: 500, ServiceUnavailable: 503, TooManyRequests: 429 } as const;

export const MAX_FAULT_TIMES = 100;
export const MAX_FAULT_DELAY_MS = 120_000;
/** How long a Timeout holds the connection when no delay is given: longer than the SDKs' usual request timeouts. */
export const DEFAULT_TIMEOUT_HOLD_MS = 30_000;
/** A merchant may keep this many armed faults at once. */
export const MAX_ARMED_FAULTS = 50;

export interface ArmedFault {
  readonly faultId: string;
  /** An operation name of the route table, e.g. `CreateCheckoutSession`. */
  readonly operation: string;
  readonly outcome: FaultOutcome;
  /** Calls still to be hit; the fault is gone once it reaches 0. */
  readonly remaining: number;
  /** Delay: how long before the call runs. Timeout: how long the connection is held before it is dropped. */
  readonly delayMs: number;
  readonly armedAt: Instant;
}

export interface ArmFaultInput {
  readonly operation: string;
  readonly outcome: FaultOutcome;
  readonly times?: number | undefined;
  readonly delayMs?: number | undefined;
}

/** A new fault at the end of the list (faults of one operation are hit in the order they were armed). */
export function armFault(
  faults: readonly ArmedFault[],
  input: ArmFaultInput,
  faultId: string,
  now: Instant,
): { ok: true; faults: readonly ArmedFault[]; fault: ArmedFault } | { ok: false; why: string } {
  if (faults.length >= MAX_ARMED_FAULTS)
    return { ok: false, why: `At most ${MAX_ARMED_FAULTS} faults can be armed at once; disarm some first.` };
  const fault: ArmedFault = {
    faultId,
    operation: input.operation,
    outcome: input.outcome,
    remaining: input.times ?? 1,
    delayMs: input.delayMs ?? (input.outcome === 'Timeout' ? DEFAULT_TIMEOUT_HOLD_MS : 0),
    armedAt: now,
  };
  return { ok: true, faults: [...faults, fault], fault };
}

/** The fault a call of `operation` hits (the oldest armed one), and the list after it was counted. */
export function hitFault(
  faults: readonly ArmedFault[],
  operation: string,
): { fault: ArmedFault; faults: readonly ArmedFault[] } | undefined {
  const index = faults.findIndex((f) => f.operation === operation && f.remaining > 0);
  if (index === -1) return undefined;
  const fault = faults[index]!;
  const next = fault.remaining - 1;
  const rest =
    next === 0
      ? faults.filter((_, i) => i !== index)
      : faults.map((f, i) => (i === index ? { ...f, remaining: next } : f));
  return { fault, faults: rest };
}

/** Disarms one fault (by id) or all of them (id undefined); `found` is false for an unknown id. */
export function disarmFaults(
  faults: readonly ArmedFault[],
  faultId: string | undefined,
): { found: boolean; faults: readonly ArmedFault[] } {
  if (faultId === undefined) return { found: true, faults: [] };
  const rest = faults.filter((f) => f.faultId !== faultId);
  return { found: rest.length !== faults.length, faults: rest };
}

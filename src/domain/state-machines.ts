import { CHARGE_INITIAL_STATES, CHARGE_STATE_REASONS, CHARGE_TRANSITIONS, type Charge } from './charge.js';
import {
  CHARGE_PERMISSION_INITIAL_STATUSES,
  CHARGE_PERMISSION_STATE_REASONS,
  CHARGE_PERMISSION_TRANSITIONS,
  type ChargePermission,
} from './charge-permission.js';
import {
  CHECKOUT_SESSION_INITIAL_STATES,
  CHECKOUT_SESSION_STATE_REASONS,
  CHECKOUT_SESSION_TRANSITIONS,
  type CheckoutSession,
} from './checkout-session.js';
import { DISPUTE_INITIAL_STATES, DISPUTE_STATE_REASONS, DISPUTE_TRANSITIONS, type Dispute } from './dispute.js';
import { ok, type Result } from './errors.js';
import { REFUND_INITIAL_STATES, REFUND_STATE_REASONS, REFUND_TRANSITIONS, type Refund } from './refund.js';

/**
 * The state machines as one table, read by `save` on every write: an object may only be created in an
 * initial status, and may only change its status (state plus reason codes) along its table. Changes that keep
 * the status (updates, refund totals, the books) are not transitions.
 */

export interface StatefulObjects {
  checkoutSession: CheckoutSession;
  chargePermission: ChargePermission;
  charge: Charge;
  refund: Refund;
  dispute: Dispute;
}
export type StatefulKind = keyof StatefulObjects;

/** What the state machine looks at: the state and its reason codes (statusDetails on the wire). */
export interface Status {
  readonly state: string;
  readonly reasons: readonly string[];
}

export interface StateMachine {
  /** The statuses a new object may have when it is first saved. */
  readonly initial: readonly Status[];
  readonly transitions: Readonly<Record<string, readonly string[]>>;
  /** The reason codes each state may carry; a state with any must carry at least one. */
  readonly reasons: Readonly<Record<string, readonly string[]>>;
}

function bare(states: readonly string[]): readonly Status[] {
  return states.map((state) => ({ state, reasons: [] }));
}

export const STATE_MACHINES: Readonly<Record<StatefulKind, StateMachine>> = {
  checkoutSession: {
    initial: bare(CHECKOUT_SESSION_INITIAL_STATES),
    transitions: CHECKOUT_SESSION_TRANSITIONS,
    reasons: CHECKOUT_SESSION_STATE_REASONS,
  },
  chargePermission: {
    initial: CHARGE_PERMISSION_INITIAL_STATUSES,
    transitions: CHARGE_PERMISSION_TRANSITIONS,
    reasons: CHARGE_PERMISSION_STATE_REASONS,
  },
  charge: { initial: bare(CHARGE_INITIAL_STATES), transitions: CHARGE_TRANSITIONS, reasons: CHARGE_STATE_REASONS },
  refund: { initial: bare(REFUND_INITIAL_STATES), transitions: REFUND_TRANSITIONS, reasons: REFUND_STATE_REASONS },
  dispute: {
    // A new dispute waits for the merchant's first response, or for more evidence (a PSP may say either).
    initial: DISPUTE_STATE_REASONS.ActionRequired.flatMap((reason) =>
      DISPUTE_INITIAL_STATES.map((state) => ({ state, reasons: [reason] })),
    ),
    transitions: DISPUTE_TRANSITIONS,
    reasons: DISPUTE_STATE_REASONS,
  },
};

export function statusOf<K extends StatefulKind>(kind: K, object: StatefulObjects[K]): Status {
  if (kind === 'chargePermission') {
    const cp = object as ChargePermission;
    return { state: cp.state, reasons: cp.reasons.map((r) => r.reasonCode) };
  }
  const { state, reasonCode } = object as CheckoutSession | Charge | Refund | Dispute;
  return { state, reasons: reasonCode === null ? [] : [reasonCode] };
}

/** An object was about to be saved in a status its table does not allow: a bug, never a client's mistake. */
export interface IllegalTransition {
  readonly kind: StatefulKind;
  readonly from: Status | null;
  readonly to: Status;
  readonly message: string;
}

function show(status: Status): string {
  return status.reasons.length === 0 ? status.state : `${status.state} (${status.reasons.join(', ')})`;
}

function sameStatus(a: Status, b: Status): boolean {
  return a.state === b.state && a.reasons.length === b.reasons.length && a.reasons.every((r, i) => b.reasons[i] === r);
}

/** Whether `to` may follow `from` (undefined: the object is new) by the kind's table. */
export function checkTransition(
  kind: StatefulKind,
  from: Status | undefined,
  to: Status,
): Result<null, IllegalTransition> {
  const machine = STATE_MACHINES[kind];
  const refuse = (why: string): Result<null, IllegalTransition> => ({
    ok: false,
    error: { kind, from: from ?? null, to, message: `${kind} ${from ? show(from) : '(new)'} -> ${show(to)}: ${why}` },
  });
  if (from !== undefined && sameStatus(from, to)) return ok(null);
  const allowedReasons = machine.reasons[to.state];
  if (allowedReasons === undefined) return refuse(`${to.state} is not a state`);
  const stray = to.reasons.filter((r) => !allowedReasons.includes(r));
  if (stray.length > 0) return refuse(`${to.state} cannot carry ${stray.join(', ')}`);
  if (allowedReasons.length > 0 && to.reasons.length === 0) return refuse(`${to.state} needs a reason code`);
  if (from === undefined) {
    if (machine.initial.some((status) => sameStatus(status, to))) return ok(null);
    return refuse(`new objects start as ${machine.initial.map(show).join(' | ')}`);
  }
  const targets = machine.transitions[from.state] ?? [];
  if (!targets.includes(to.state)) {
    return refuse(`the table allows ${from.state} -> ${targets.join(' | ') || 'nothing (final)'}`);
  }
  return ok(null);
}

/** checkTransition for two versions of one object (`before` undefined: it is being created). */
export function checkChange<K extends StatefulKind>(
  kind: K,
  before: StatefulObjects[K] | undefined,
  after: StatefulObjects[K],
): Result<null, IllegalTransition> {
  return checkTransition(kind, before === undefined ? undefined : statusOf(kind, before), statusOf(kind, after));
}

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { applyChargeChange } from '../../../src/app/accounting.js';
import {
  CHARGE_CANCEL_REASONS,
  CHARGE_OPERATION_SOURCES,
  CHARGE_STATES,
  cancelCharge,
  captureCharge,
  checkRefund,
  createCharge,
  pspUpdateCharge,
  recordRefundInitiated,
  recordRefundSettled,
  settleChargeIfDue,
  type Charge,
} from '../../../src/domain/charge.js';
import {
  CHARGE_PERMISSION_OPERATION_SOURCES,
  CHARGE_PERMISSION_STATES,
  CLOSED_REASONS,
  NON_CHARGEABLE_REASONS,
  changePaymentMethod,
  checkNewCharge,
  closeChargePermission,
  createChargePermissionFromCheckout,
  expirePermissionIfDue,
  markNonChargeable,
  recordCapture,
  reserve,
  updateChargePermission,
  type ChargePermission,
} from '../../../src/domain/charge-permission.js';
import {
  CHECKOUT_SESSION_CANCEL_REASONS,
  CHECKOUT_SESSION_OPERATION_SOURCES,
  CHECKOUT_SESSION_STATES,
  associateBuyer,
  cancelCheckoutSession,
  checkComplete,
  createCheckoutSession,
  expireIfDue,
  markCompleted,
  recordProcessing,
  updateCheckoutSession,
  type CheckoutSession,
  type ProcessingDecision,
} from '../../../src/domain/checkout-session.js';
import {
  DISPUTE_OPERATION_SOURCES,
  DISPUTE_RESOLUTIONS,
  DISPUTE_STATES,
  changeDisputeStatus,
  contestDispute,
  openDispute,
  settleDisputeIfDue,
  type Dispute,
} from '../../../src/domain/dispute.js';
import type { Result } from '../../../src/domain/errors.js';
import type { Merchant, MerchantStore } from '../../../src/domain/merchant.js';
import { money } from '../../../src/domain/money.js';
import {
  REFUND_DECLINE_REASONS,
  REFUND_OPERATION_SOURCES,
  REFUND_STATES,
  createRefund,
  settleRefundIfDue,
  type Refund,
} from '../../../src/domain/refund.js';
import type { Address, PaymentMethodSnapshot } from '../../../src/domain/shared-types.js';
import {
  STATE_MACHINES,
  checkChange,
  checkTransition,
  type StatefulKind,
  type StatefulObjects,
} from '../../../src/domain/state-machines.js';
import { DAY, HOUR, SECOND } from '../../../src/domain/time.js';

/**
 * The state tables are what `save` enforces, so every domain operation must stay inside them: each operation,
 * run from each state it declares as a source, produces the same status or one its table allows; from any
 * other state it refuses.
 */

const STATES: Record<StatefulKind, readonly string[]> = {
  checkoutSession: CHECKOUT_SESSION_STATES,
  chargePermission: CHARGE_PERMISSION_STATES,
  charge: CHARGE_STATES,
  refund: REFUND_STATES,
  dispute: DISPUTE_STATES,
};

test('every table has an entry for every state, targets are states, and final states lead nowhere', () => {
  for (const kind of Object.keys(STATES) as StatefulKind[]) {
    const machine = STATE_MACHINES[kind];
    assert.deepEqual(Object.keys(machine.transitions).sort(), [...STATES[kind]].sort(), kind);
    assert.deepEqual(Object.keys(machine.reasons).sort(), [...STATES[kind]].sort(), kind);
    for (const targets of Object.values(machine.transitions))
      for (const t of targets) assert.ok(STATES[kind].includes(t), `${kind}: ${t}`);
    for (const s of machine.initial) assert.ok(checkTransition(kind, undefined, s).ok, `${kind}: ${s.state}`);
  }
  assert.deepEqual(STATE_MACHINES.checkoutSession.transitions['Completed'], []);
  assert.deepEqual(STATE_MACHINES.chargePermission.transitions['Closed'], []);
  for (const s of ['Captured', 'Canceled', 'Declined']) assert.deepEqual(STATE_MACHINES.charge.transitions[s], []);
  for (const s of ['Refunded', 'Declined']) assert.deepEqual(STATE_MACHINES.refund.transitions[s], []);
});

test('checkTransition: the table decides, reasons included; keeping the status is no transition', () => {
  const st = (state: string, ...reasons: string[]) => ({ state, reasons });
  assert.ok(checkTransition('charge', st('Authorized'), st('Canceled', 'MerchantCanceled')).ok);
  const back = checkTransition('charge', st('Canceled', 'MerchantCanceled'), st('Authorized'));
  assert.ok(!back.ok);
  assert.match(back.error.message, /charge Canceled \(MerchantCanceled\) -> Authorized: .*nothing \(final\)/);
  assert.ok(checkTransition('charge', st('Canceled', 'MerchantCanceled'), st('Canceled', 'MerchantCanceled')).ok);
  assert.ok(!checkTransition('charge', st('Canceled', 'MerchantCanceled'), st('Canceled', 'ExpiredUnused')).ok);
  assert.ok(!checkTransition('charge', st('Authorized'), st('Canceled')).ok, 'Canceled needs a reason');
  assert.ok(!checkTransition('charge', st('Authorized'), st('Canceled', 'HardDeclined')).ok, 'a decline reason');
  assert.ok(!checkTransition('checkoutSession', st('Open'), st('Open', 'Expired')).ok, 'Open carries no reason');
  assert.ok(!checkTransition('checkoutSession', undefined, st('Completed')).ok, 'created Completed');
  assert.ok(checkTransition('checkoutSession', undefined, st('Open')).ok);
  assert.ok(!checkTransition('refund', st('Refunded'), st('Declined', 'AmazonRejected')).ok);
  assert.ok(!checkTransition('refund', st('RefundInitiated'), st('Pending')).ok, 'not a state');
  const cp = (state: string, ...reasons: string[]) => st(state, ...reasons);
  assert.ok(checkTransition('chargePermission', cp('Chargeable'), cp('NonChargeable', 'PaymentMethodInvalid')).ok);
  assert.ok(checkTransition('chargePermission', cp('NonChargeable', 'PaymentMethodInvalid'), cp('Chargeable')).ok);
  assert.ok(
    !checkTransition('chargePermission', cp('NonChargeable', 'PaymentMethodInvalid'), cp('NonChargeable', 'MFAFailed'))
      .ok,
    'NonChargeable -> NonChargeable with new reasons is not in the table',
  );
  assert.ok(!checkTransition('chargePermission', cp('Chargeable'), cp('Closed', 'PaymentMethodInvalid')).ok);
  assert.ok(!checkTransition('chargePermission', cp('Closed', 'Expired'), cp('Chargeable')).ok);
});

// ---------- fixtures: real objects in every state, made by the domain's own operations ----------

const NOW = 10 * DAY;
const merchant: Merchant = {
  merchantId: 'AMERCHANT',
  name: 'm',
  region: 'jp',
  ledgerCurrency: 'JPY',
  createdAt: 0,
  sandboxClockOffsetMs: 0,
};
const store: MerchantStore = { storeId: 'store-1', merchantId: 'AMERCHANT', name: 's', allowedOrigins: [] };
const address: Address = {
  name: '山田 太郎',
  addressLine1: '千代田区千代田1-1',
  addressLine2: null,
  addressLine3: null,
  city: null,
  county: null,
  district: null,
  stateOrRegion: '東京都',
  postalCode: '100-0001',
  countryCode: 'JP',
  phoneNumber: '090',
};
const method: PaymentMethodSnapshot = {
  paymentMethodId: 'pm',
  descriptor: 'Visa ****1111 (Amazon Pay)',
  behaviour: 'Succeeds',
};
const selection = {
  buyer: { buyerId: 'amzn1.account.X', name: '山田 太郎', email: 't@example.jp', phoneNumber: null },
  shippingAddress: address,
  billingAddress: address,
  paymentMethod: method,
} as Parameters<typeof associateBuyer>[1];

function value<T>(r: Result<T>): T {
  assert.ok(r.ok, r.ok ? '' : r.error.message);
  return r.value;
}

function sessions(): CheckoutSession[] {
  const open = value(
    createCheckoutSession(
      { webCheckoutDetails: { checkoutReviewReturnUrl: 'https://shop.example/review' }, storeId: store.storeId },
      { checkoutSessionId: 'cs-1', merchant, store, environment: 'Sandbox', now: 0 },
    ),
  );
  const ready = value(
    updateCheckoutSession(
      value(associateBuyer(open, selection, 1)),
      {
        webCheckoutDetails: { checkoutResultReturnUrl: 'https://shop.example/result' },
        paymentDetails: { paymentIntent: 'Authorize', chargeAmount: money(1000, 'JPY') },
      },
      { merchant, store, now: 2 },
    ),
  );
  const processed = value(recordProcessing(ready, { kind: 'Authorized' }, 3));
  return [
    open,
    ready,
    processed,
    markCompleted(processed, { chargePermissionId: 'P01', chargeId: 'C01' }, 4),
    ...CHECKOUT_SESSION_CANCEL_REASONS.map((r) => value(cancelCheckoutSession(ready, r, 4))),
  ];
}

function permissions(): ChargePermission[] {
  const cs = sessions()[2]!;
  const chargeable = createChargePermissionFromCheckout(cs, cs.processing!, 'S01-0000000-0000000', 5);
  return [
    chargeable,
    ...NON_CHARGEABLE_REASONS.map((r) => value(markNonChargeable(chargeable, r, 6))),
    ...CLOSED_REASONS.map((r) => value(closeChargePermission(chargeable, { reasonCode: r, closureReason: 'x' }, 6))),
  ];
}

function newCharge(outcome: Parameters<typeof createCharge>[1], captureNow: boolean): Charge {
  return createCharge(
    {
      chargeId: 'S01-0000000-0000000-C000001',
      chargePermissionId: 'S01-0000000-0000000',
      merchantId: 'AMERCHANT',
      environment: 'Sandbox',
      ledgerCurrency: 'JPY',
      chargeAmount: money(1000, 'JPY'),
      captureNow,
      canHandlePendingAuthorization: true,
    },
    outcome,
    NOW,
  );
}

function charges(): Charge[] {
  const authorized = newCharge({ kind: 'Approved' }, false);
  const pendingAuth = [
    newCharge({ kind: 'Pending', delayMs: 30 * SECOND, resolvesTo: 'Approved' }, false),
    newCharge({ kind: 'Pending', delayMs: 30 * SECOND, resolvesTo: 'Approved' }, true),
    newCharge({ kind: 'Pending', delayMs: 30 * SECOND, resolvesTo: 'HardDeclined' }, false),
  ];
  const async = (resolvesTo: 'Captured' | 'SoftDeclined') =>
    value(captureCharge(authorized, money(900, 'JPY'), NOW, { kind: 'Async', delayMs: HOUR, resolvesTo }));
  return [
    authorized,
    newCharge({ kind: 'Approved' }, true),
    ...pendingAuth,
    async('Captured'),
    async('SoftDeclined'),
    ...CHARGE_CANCEL_REASONS.map((r) => value(cancelCharge(authorized, r, NOW))),
    settleChargeIfDue(pendingAuth[2]!, NOW + DAY)!,
  ];
}

function refunds(): Refund[] {
  const initiated = (settlement: Refund['settlement']) =>
    createRefund(
      {
        refundId: 'R1',
        chargeId: 'C1',
        chargePermissionId: 'P1',
        merchantId: 'AMERCHANT',
        environment: 'Sandbox',
        refundAmount: money(100, 'JPY'),
        settlesAfterMs: HOUR,
        settlement,
      },
      NOW,
    );
  const all = [initiated('Refunded'), ...REFUND_DECLINE_REASONS.map(initiated)];
  return [...all, ...all.map((r) => settleRefundIfDue(r, NOW + DAY)!)];
}

test('a permission is born Chargeable, or Closed / AmazonClosed when Complete captures its whole amount', () => {
  const cs = sessions()[2]!;
  const cp = createChargePermissionFromCheckout(cs, cs.processing!, 'S01-0000000-0000000', NOW);
  assert.ok(checkChange('chargePermission', undefined, cp).ok);
  // As Complete does for AuthorizeWithCapture: the captured charge's books close the permission before its first save.
  const born = applyChargeChange(cp, undefined, newCharge({ kind: 'Approved' }, true), NOW);
  assert.equal(born.state, 'Closed');
  assert.ok(checkChange('chargePermission', undefined, born).ok);
  const merchantClosed = value(closeChargePermission(cp, { reasonCode: 'MerchantClosed', closureReason: 'x' }, NOW));
  assert.ok(!checkChange('chargePermission', undefined, merchantClosed).ok, 'never born MerchantClosed');
});

/** One variant of an operation: the object after it, or null / a failure when it does not apply. */
type Variant<T> = (object: T) => T | null | Result<T>;

function outcome<T>(r: T | null | Result<T>): T | null {
  if (r === null) return null;
  if (typeof r === 'object' && 'ok' in r && typeof r.ok === 'boolean') return r.ok ? (r as { value: T }).value : null;
  return r as T;
}

/** Runs every variant of every operation on every fixture and checks the result against the table. */
function checkOperations<K extends StatefulKind>(
  kind: K,
  states: readonly string[],
  fixtures: readonly StatefulObjects[K][],
  sources: Readonly<Record<string, readonly string[]>>,
  operations: Readonly<Record<string, readonly Variant<StatefulObjects[K]>[]>>,
): void {
  assert.deepEqual(Object.keys(operations).sort(), Object.keys(sources).sort(), `${kind}: every operation is run`);
  for (const s of states)
    assert.ok(
      fixtures.some((f) => f.state === s),
      `${kind}: a fixture in ${s}`,
    );
  for (const [name, variants] of Object.entries(operations)) {
    const from = sources[name]!;
    const applied = new Set<string>();
    for (const fixture of fixtures) {
      for (const variant of variants) {
        const after = outcome(variant(fixture));
        if (after === null) continue;
        assert.ok(from.includes(fixture.state), `${kind}.${name} applied to ${fixture.state}, not a source`);
        applied.add(fixture.state);
        const checked = checkChange(kind, fixture, after);
        assert.ok(checked.ok, `${kind}.${name}: ${checked.ok ? '' : checked.error.message}`);
      }
    }
    assert.deepEqual([...applied].sort(), [...from].sort(), `${kind}.${name} applies from every source state`);
  }
}

test('checkout session operations stay inside the table', () => {
  const decisions: ProcessingDecision[] = [
    { kind: 'Confirmed' },
    { kind: 'Authorized' },
    { kind: 'Captured' },
    { kind: 'Pending', resolution: 'HardDeclined' },
    { kind: 'Declined' },
    { kind: 'BuyerCanceled' },
    { kind: 'AmazonCanceled' },
  ];
  checkOperations<'checkoutSession'>(
    'checkoutSession',
    CHECKOUT_SESSION_STATES,
    sessions(),
    CHECKOUT_SESSION_OPERATION_SOURCES,
    {
      update: [
        (cs) =>
          updateCheckoutSession(cs, { merchantMetadata: { merchantReferenceId: 'o-1' } }, { merchant, store, now: 9 }),
      ],
      associateBuyer: [(cs) => associateBuyer(cs, selection, 9)],
      process: decisions.map((d) => (cs: CheckoutSession) => recordProcessing(cs, d, 9)),
      complete: [
        (cs) => {
          const checked = checkComplete(cs, { chargeAmount: money(1000, 'JPY') });
          return checked.ok ? markCompleted(cs, { chargePermissionId: 'P01', chargeId: null }, 9) : null;
        },
      ],
      cancel: CHECKOUT_SESSION_CANCEL_REASONS.map((r) => (cs: CheckoutSession) => cancelCheckoutSession(cs, r, 9)),
      expire: [(cs) => expireIfDue(cs, cs.expiresAt)],
    },
  );
});

test('charge permission operations stay inside the table', () => {
  const other = { ...method, paymentMethodId: 'pm-2' };
  checkOperations<'chargePermission'>(
    'chargePermission',
    CHARGE_PERMISSION_STATES,
    permissions(),
    CHARGE_PERMISSION_OPERATION_SOURCES,
    {
      update: [(cp) => updateChargePermission(cp, { merchantMetadata: { merchantReferenceId: 'o-2' } })],
      close: CLOSED_REASONS.map(
        (r) => (cp: ChargePermission) => closeChargePermission(cp, { reasonCode: r, closureReason: 'x' }, 9),
      ),
      charge: [(cp) => (checkNewCharge(cp, money(100, 'JPY'), 9).ok ? reserve(cp, money(100, 'JPY'), 9) : null)],
      expire: [(cp) => expirePermissionIfDue(cp, cp.expiresAt ?? 0)],
      changePaymentMethod: [(cp) => changePaymentMethod(cp, other, 9)],
      markNonChargeable: NON_CHARGEABLE_REASONS.map((r) => (cp: ChargePermission) => markNonChargeable(cp, r, 9)),
      closeWhenCaptured: [
        (cp) => {
          const after = recordCapture(cp, money(1000, 'JPY'), 9);
          return after.state === cp.state ? null : after;
        },
      ],
    },
  );
});

test('charge operations stay inside the table', () => {
  checkOperations<'charge'>('charge', CHARGE_STATES, charges(), CHARGE_OPERATION_SOURCES, {
    capture: [
      (c) => captureCharge(c, money(500, 'JPY'), NOW + HOUR, { kind: 'Immediate' }),
      (c) => captureCharge(c, money(500, 'JPY'), NOW + 8 * DAY, { kind: 'Immediate' }),
      (c) => captureCharge(c, money(500, 'JPY'), NOW, { kind: 'Async', delayMs: HOUR, resolvesTo: 'HardDeclined' }),
    ],
    cancel: CHARGE_CANCEL_REASONS.map((r) => (c: Charge) => cancelCharge(c, r, NOW + HOUR)),
    // A pending step resolves before the authorization could lapse.
    resolvePending: [(c) => (c.pending ? settleChargeIfDue(c, c.pending.resolvesAt) : null)],
    expire: [(c) => (c.pending ? null : settleChargeIfDue(c, c.expiresAt))],
    pspUpdate: [
      (c) => pspUpdateCharge(c, { state: 'Authorized' }, NOW + HOUR),
      (c) => pspUpdateCharge(c, { state: 'Captured' }, NOW + HOUR),
      (c) => pspUpdateCharge(c, { state: 'CaptureInitiated' }, NOW + HOUR),
      (c) => pspUpdateCharge(c, { state: 'Canceled', reasonCode: 'ExpiredUnused' }, NOW + HOUR),
      (c) => pspUpdateCharge(c, { state: 'Declined', reasonCode: 'HardDeclined' }, NOW + HOUR),
    ],
    refund: [
      (c) => {
        if (!checkRefund(c, money(100, 'JPY')).ok) return null;
        return recordRefundSettled(recordRefundInitiated(c, money(100, 'JPY')), money(100, 'JPY'), true);
      },
    ],
  });
});

test('refund operations stay inside the table', () => {
  checkOperations<'refund'>('refund', REFUND_STATES, refunds(), REFUND_OPERATION_SOURCES, {
    settle: [(r) => settleRefundIfDue(r, NOW + DAY)],
  });
});

function disputes(): Dispute[] {
  const open = value(
    openDispute(
      {
        disputeId: 'S01-0000000-0000000-B000001',
        chargeId: 'S01-0000000-0000000-C000001',
        chargePermissionId: 'S01-0000000-0000000',
        merchantId: 'AMERCHANT',
        environment: 'Sandbox',
        disputeAmount: money(1000, 'JPY'),
        filingReason: 'ProductNotReceived',
        filedAt: NOW,
        merchantResponseDeadline: NOW + 11 * DAY,
        resolutionAuthority: 'AmazonPay',
      },
      money(1000, 'JPY'),
      NOW,
    ),
  );
  const evidence = [{ evidenceType: 'TrackingNumber' as const, fileId: null, evidenceText: '1Z999' }];
  const review = value(contestDispute(open, evidence, NOW + DAY));
  const more = value(changeDisputeStatus(review, { state: 'ActionRequired' }, NOW + 2 * DAY, 'decide'));
  return [
    open,
    review,
    more,
    ...DISPUTE_RESOLUTIONS.map((r) =>
      value(changeDisputeStatus(review, { state: 'Resolved', resolution: r }, NOW + 3 * DAY, 'decide')),
    ),
    value(
      changeDisputeStatus(
        open,
        { state: 'Closed', reasonCode: 'ChargebackFiled', resolution: 'MerchantWon' },
        NOW,
        'update',
      ),
    ),
    settleDisputeIfDue(open, NOW + 30 * DAY)!,
  ];
}

test('dispute operations stay inside the table', () => {
  const evidence = [{ evidenceType: 'Receipt' as const, fileId: null, evidenceText: 'receipt' }];
  const statuses = [
    { state: 'UnderReview' as const },
    { state: 'ActionRequired' as const, reasonCode: 'MerchantAdditionalEvidencesRequired' as const },
    { state: 'Resolved' as const, reasonCode: 'MerchantAcceptedDispute' as const, resolution: 'BuyerWon' as const },
    { state: 'Closed' as const, reasonCode: 'ChargebackFiled' as const, resolution: 'MerchantWon' as const },
  ];
  checkOperations<'dispute'>('dispute', DISPUTE_STATES, disputes(), DISPUTE_OPERATION_SOURCES, {
    contest: [(d) => contestDispute(d, evidence, NOW + 2 * HOUR)],
    update: statuses.map((s) => (d: Dispute) => changeDisputeStatus(d, s, NOW + HOUR, 'update')),
    decide: DISPUTE_RESOLUTIONS.map(
      (r) => (d: Dispute) => changeDisputeStatus(d, { state: 'Resolved', resolution: r }, NOW + HOUR, 'decide'),
    ),
    expire: [(d) => settleDisputeIfDue(d, d.merchantResponseDeadline)],
  });
});

test('a dispute: amount within what may be disputed, contest only before the deadline, resolution only when it ends', () => {
  const [open] = disputes();
  const base = { ...open! };
  const again = (amount: number, disputable: number) =>
    openDispute(
      { ...base, disputeAmount: money(amount, 'JPY'), reasonCode: undefined, reasonDescription: undefined },
      money(disputable, 'JPY'),
      NOW,
    );
  assert.equal(outcomeCode(again(1001, 1000)), 'TransactionAmountExceeded');
  assert.equal(outcomeCode(again(0, 1000)), 'InvalidParameterValue');
  assert.ok(again(1000, 1000).ok);
  const late = contestDispute(open!, [{ evidenceType: 'Other', fileId: null, evidenceText: 'x' }], NOW + 11 * DAY);
  assert.equal(outcomeCode(late), 'InvalidDisputeStatus');
  assert.equal(outcomeCode(contestDispute(open!, [], NOW)), 'MissingParameterValue');
  const noResolution = changeDisputeStatus(open!, { state: 'Resolved' }, NOW, 'update');
  assert.equal(outcomeCode(noResolution), 'MissingParameterValue');
  const wrongReason = changeDisputeStatus(
    open!,
    { state: 'Resolved', reasonCode: 'ChargebackFiled', resolution: 'BuyerWon' },
    NOW,
    'update',
  );
  assert.equal(outcomeCode(wrongReason), 'InvalidParameterValue');
  const lost = settleDisputeIfDue(open!, open!.merchantResponseDeadline)!;
  assert.deepEqual(
    [lost.state, lost.reasonCode, lost.resolution],
    ['Resolved', 'MerchantResponseDeadlineExpired', 'BuyerWon'],
  );
  assert.equal(settleDisputeIfDue(open!, open!.merchantResponseDeadline - 1), null);
});

function outcomeCode(r: Result<unknown>): string | null {
  return r.ok ? null : r.error.reasonCode;
}

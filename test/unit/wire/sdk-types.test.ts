import assert from 'node:assert/strict';
import { test } from 'node:test';
import type {
  Buyers,
  ChargePermissions,
  Charges,
  CheckoutSessions,
  Refunds,
  Testing,
} from '../../../sdk/src/resources.js';
import type * as Q from '../../../src/wire/requests.js';
import type * as R from '../../../src/wire/responses.js';
import type { Input, Output } from '../../../src/wire/schema.js';

/**
 * The SDK's request and response types ARE the declarations' (tsc checks this file with the rest of `npm test`):
 * a shape the server refuses cannot be offered by the SDK, and a response key cannot be missing from its type.
 */

/** Exact type identity (not mere assignability). */
type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
type Expect<T extends true> = T;

type Method = (...args: never[]) => Promise<{ body: unknown }>;
type BodyOf<F extends Method> = Awaited<ReturnType<F>>['body'];
/** The request body parameter of an SDK method (the one before `options`). */
type RequestOf<F extends Method, I extends number> = NonNullable<Parameters<F>[I]>;

// Same members, named: the SDK's interfaces equal the declarations' derived types key for key.
type Same<A, B> = Equal<{ [K in keyof A]: A[K] }, { [K in keyof B]: B[K] }>;

export type Checks = [
  Expect<Same<RequestOf<CheckoutSessions['create'], 0>, Input<typeof Q.createCheckoutSessionRequest>>>,
  Expect<Same<RequestOf<CheckoutSessions['update'], 1>, Input<typeof Q.updateCheckoutSessionRequest>>>,
  Expect<Same<RequestOf<CheckoutSessions['complete'], 1>, Input<typeof Q.completeCheckoutSessionRequest>>>,
  Expect<Same<RequestOf<CheckoutSessions['finalize'], 1>, Input<typeof Q.finalizeCheckoutSessionRequest>>>,
  Expect<Same<RequestOf<ChargePermissions['update'], 1>, Input<typeof Q.updateChargePermissionRequest>>>,
  Expect<Same<RequestOf<ChargePermissions['close'], 1>, Input<typeof Q.closeChargePermissionRequest>>>,
  Expect<Same<RequestOf<Charges['create'], 0>, Input<typeof Q.createChargeRequest>>>,
  Expect<Same<RequestOf<Charges['capture'], 1>, Input<typeof Q.captureChargeRequest>>>,
  Expect<Same<RequestOf<Charges['cancel'], 1>, Input<typeof Q.cancelChargeRequest>>>,
  Expect<Same<RequestOf<Refunds['create'], 0>, Input<typeof Q.createRefundRequest>>>,
  Expect<Same<RequestOf<Testing['buyerConsent'], 1>, Input<typeof Q.buyerConsentRequest>>>,
  Expect<Same<BodyOf<CheckoutSessions['create']>, Output<typeof R.checkoutSessionResponse>>>,
  Expect<Same<BodyOf<CheckoutSessions['get']>, Output<typeof R.checkoutSessionResponse>>>,
  Expect<Same<BodyOf<CheckoutSessions['update']>, Output<typeof R.checkoutSessionResponse>>>,
  Expect<Same<BodyOf<CheckoutSessions['complete']>, Output<typeof R.checkoutSessionResponse>>>,
  Expect<Same<BodyOf<CheckoutSessions['finalize']>, Output<typeof R.checkoutSessionResponse>>>,
  Expect<Same<BodyOf<ChargePermissions['get']>, Output<typeof R.chargePermissionResponse>>>,
  Expect<Same<BodyOf<ChargePermissions['update']>, Output<typeof R.chargePermissionResponse>>>,
  Expect<Same<BodyOf<ChargePermissions['close']>, Output<typeof R.chargePermissionResponse>>>,
  Expect<Same<BodyOf<Charges['create']>, Output<typeof R.chargeResponse>>>,
  Expect<Same<BodyOf<Charges['get']>, Output<typeof R.chargeResponse>>>,
  Expect<Same<BodyOf<Charges['capture']>, Output<typeof R.chargeResponse>>>,
  Expect<Same<BodyOf<Charges['cancel']>, Output<typeof R.chargeResponse>>>,
  Expect<Same<BodyOf<Refunds['create']>, Output<typeof R.refundResponse>>>,
  Expect<Same<BodyOf<Refunds['get']>, Output<typeof R.refundResponse>>>,
  Expect<Same<BodyOf<Buyers['get']>, Output<typeof R.buyerProfileResponse>>>,
  // The disagreements of issue 16, settled: Update takes what the server accepts (multi-address since issue 12).
  Expect<Equal<'multiAddressesCheckoutMetadata' extends keyof Q.UpdateCheckoutSessionBody ? true : false, true>>,
  Expect<Equal<'allowOvercharge' extends keyof Q.UpdateCheckoutSessionPaymentDetails ? true : false, true>>,
  Expect<Equal<'presentmentCurrency' extends keyof Q.UpdateCheckoutSessionPaymentDetails ? true : false, true>>,
  // Sanity of the checker itself.
  Expect<Equal<Equal<{ a: string }, { a: string | null }>, false>>,
  Expect<Equal<Same<{ a?: string }, { a: string }>, false>>,
];

test('the SDK request and response types equal the declarations (checked by tsc; this file compiled)', () => {
  const checked: Checks['length'] = 31;
  assert.equal(checked, 31);
});

import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { test } from 'node:test';
import { chargeScan, IN_STORE_TEST_CODES, refundCharge, scan, type ScanInput } from '../../../src/domain/in-store.js';
import type { Merchant } from '../../../src/domain/merchant.js';
import { major, money } from '../../../src/domain/money.js';
import {
  accountStateAt,
  changeAccountState,
  checkAuthorization,
  mergeDetails,
  MWS_AUTH_TOKEN,
  newMwsAuthToken,
  SANDBOX_REVIEW_DELAY_MS,
  usableMerchant,
  type AuthorizationClaims,
  type Delegation,
  type MerchantAccount,
} from '../../../src/domain/partners.js';

const random = { bytes: (n: number) => randomBytes(n) };
const T0 = Date.UTC(2026, 0, 27, 10, 0, 0);

const merchant: Merchant = {
  merchantId: 'AMERCHANT00001',
  name: 'm',
  region: 'jp',
  ledgerCurrency: 'JPY',
  createdAt: T0,
  sandboxClockOffsetMs: 0,
};

test('an onboarded account is usable once its review is due, never once deleted; partners take no payments', () => {
  const onboarding = { partnerId: 'AP', state: 'UnderReview' as const, reviewDueAt: T0 + SANDBOX_REVIEW_DELAY_MS };
  assert.equal(accountStateAt(onboarding, T0), 'UnderReview');
  assert.equal(accountStateAt(onboarding, T0 + SANDBOX_REVIEW_DELAY_MS), 'Active');
  const reviewing = usableMerchant({ ...merchant, onboarding }, T0);
  assert.equal(reviewing.ok, false);
  assert.equal(!reviewing.ok && reviewing.error.reasonCode, 'InvalidAccountStatus');
  assert.equal(usableMerchant({ ...merchant, onboarding }, T0 + SANDBOX_REVIEW_DELAY_MS).ok, true);
  assert.equal(
    usableMerchant({ ...merchant, onboarding: { ...onboarding, state: 'Deleted' } }, T0 + 10 ** 12).ok,
    false,
  );
  const partner = usableMerchant({ ...merchant, kind: 'partner' }, T0);
  assert.equal(!partner.ok && partner.error.reasonCode, 'UnauthorizedAccess');
  assert.equal(usableMerchant(merchant, T0).ok, true);
});

test('account state changes follow the table: Deleted is final', () => {
  const account: MerchantAccount = {
    merchantAccountId: 'AX',
    partnerId: 'AP',
    environment: 'Sandbox',
    uniqueReferenceId: 'r',
    type: 'AmazonPayAccount',
    state: 'UnderReview',
    reviewDueAt: T0 + 1000,
    claimedAt: null,
    details: {},
    createdAt: T0,
    updatedAt: T0,
  };
  const deleted = changeAccountState(account, 'Deleted', T0);
  assert.ok(deleted.ok);
  assert.equal(changeAccountState(deleted.value, 'Active', T0).ok, false);
  assert.equal(changeAccountState(deleted.value, 'Deleted', T0).ok, false);
  const early = changeAccountState(account, 'Active', T0);
  assert.equal(early.ok, true);
});

test('updates merge objects field by field and replace arrays', () => {
  const stored = {
    businessInfo: { businessLegalName: 'A', businessAddress: { addressLine1: 'x', city: 'y' } },
    list: [1, 2],
  };
  assert.deepEqual(mergeDetails(stored, { businessInfo: { businessAddress: { addressLine2: 'z' } }, list: [3] }), {
    businessInfo: { businessLegalName: 'A', businessAddress: { addressLine1: 'x', city: 'y', addressLine2: 'z' } },
    list: [3],
  });
});

test('a token is checked against its grant, the calling partner, the environment, revocation and the clock', () => {
  const mws = newMwsAuthToken(random);
  assert.match(mws, MWS_AUTH_TOKEN);
  const grant: Delegation = {
    mwsAuthToken: mws,
    partnerId: 'AP',
    merchantId: 'AM',
    secret: 's',
    createdAt: T0,
    revokedAt: null,
  };
  const claims: AuthorizationClaims = {
    sub: 'AM',
    aud: 'AP',
    jti: mws,
    env: 'Sandbox',
    iat: T0 / 1000,
    exp: T0 / 1000 + 3600,
  };
  const caller = { partnerId: 'AP', environment: 'Sandbox' as const };
  const why = (r: ReturnType<typeof checkAuthorization>) => (r.ok ? 'ok' : r.error.message);
  assert.equal(why(checkAuthorization(claims, grant, caller, T0)), 'ok');
  assert.match(why(checkAuthorization(claims, grant, { ...caller, partnerId: 'AQ' }, T0)), /another partner/);
  assert.match(why(checkAuthorization(claims, grant, { ...caller, environment: 'Live' }, T0)), /issued for Sandbox/);
  assert.match(why(checkAuthorization(claims, { ...grant, revokedAt: T0 }, caller, T0)), /revoked/);
  assert.match(why(checkAuthorization(claims, grant, caller, T0 + 3600_000)), /expired/);
  assert.match(why(checkAuthorization({ ...claims, sub: 'AN' }, grant, caller, T0)), /no such grant/);
  assert.match(why(checkAuthorization(claims, undefined, caller, T0)), /no such grant/);
});

const scanInput: ScanInput = { scanData: 'qr', scanReferenceId: 's1', merchantCOE: 'JP', ledgerCurrency: 'JPY' };

test('in-store: a scan takes one charge up to its chargeTotal; refunds up to the allowance', () => {
  const cp = scan({ ...scanInput, chargeTotal: major(1000, 'JPY') }, merchant, 'Sandbox', T0, random);
  assert.ok(cp.ok);
  assert.match(cp.value.chargePermissionId, /^S01-/);
  const over = chargeScan(cp.value, [], { chargeReferenceId: 'c', chargeTotal: major(1001, 'JPY') }, T0, random);
  assert.equal(!over.ok && over.error.reasonCode, 'TransactionAmountExceeded');
  const charge = chargeScan(cp.value, [], { chargeReferenceId: 'c', chargeTotal: major(1000, 'JPY') }, T0, random);
  assert.ok(charge.ok);
  assert.equal(charge.value.state, 'Completed');
  const second = chargeScan(
    cp.value,
    [charge.value],
    { chargeReferenceId: 'd', chargeTotal: major(1, 'JPY') },
    T0,
    random,
  );
  assert.equal(!second.ok && second.error.reasonCode, 'InvalidChargePermissionStatus');
  // 15 % of 1,000 JPY = 150 < 8,400: refunds may total 1,150.
  const r1 = refundCharge(charge.value, [], { refundReferenceId: 'r1', refundTotal: major(1150, 'JPY') }, T0, random);
  assert.ok(r1.ok);
  assert.equal(r1.value.state, 'Pending');
  const r2 = refundCharge(
    charge.value,
    [r1.value],
    { refundReferenceId: 'r2', refundTotal: major(1, 'JPY') },
    T0,
    random,
  );
  assert.equal(!r2.ok && r2.error.reasonCode, 'TransactionAmountExceeded');
  const zero = refundCharge(charge.value, [], { refundReferenceId: 'r3', refundTotal: money(0, 'JPY') }, T0, random);
  assert.equal(!zero.ok && zero.error.reasonCode, 'InvalidParameterValue');
});

test("in-store test codes act in the Sandbox only; the ledger currency is the merchant's", () => {
  for (const [code, rule] of Object.entries(IN_STORE_TEST_CODES)) {
    const sandbox = scan({ ...scanInput, scanData: code.toLowerCase() }, merchant, 'Sandbox', T0, random);
    if (rule.at === 'scan') assert.equal(!sandbox.ok && sandbox.error.reasonCode, rule.reasonCode, code);
    else {
      assert.ok(sandbox.ok);
      const c = chargeScan(sandbox.value, [], { chargeReferenceId: 'c', chargeTotal: major(1, 'JPY') }, T0, random);
      assert.equal(!c.ok && c.error.reasonCode, rule.reasonCode, code);
    }
    assert.equal(scan({ ...scanInput, scanData: code }, merchant, 'Live', T0, random).ok, true, `${code} in Live`);
  }
  const usd = scan({ ...scanInput, ledgerCurrency: 'USD' }, merchant, 'Sandbox', T0, random);
  assert.equal(!usd.ok && usd.error.reasonCode, 'CurrencyMismatch');
});

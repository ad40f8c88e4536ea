import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { newBuyerId } from '../domain/ids.js';
import type { ApiRegion } from '../domain/regions.js';
import {
  ACCOUNT_CLIENT_POLICY,
  CLIENT_POLICY,
  giveBack,
  takeAttempt,
  type ThrottlePolicy,
  type ThrottleState,
} from '../domain/sign-in-throttle.js';
import { HOUR, MINUTE, type Instant } from '../domain/time.js';
import type { BuyerRecord, BuyerSessionRecord, HostedTokenKind, HostedTokenRecord, StoreTx } from '../store/store.js';
import type { AppContext } from './context.js';
import { hashPassword, verifyPassword } from './passwords.js';
import { inTransaction } from './transactions.js';

/**
 * Browser sessions of the hosted pages, sign-in with attempt limits, registration and the one-time
 * tokens (claims, sign-in requests, buyer tokens). Secrets are random 256-bit values; the store keeps
 * only their SHA-256.
 */

export const BROWSER_SESSION_LIFETIME = 12 * HOUR;
/** A signed-out session that holds no flow (a page view, a form's CSRF token) lives only this long (issue 17). */
export const ANONYMOUS_SESSION_LIFETIME = 30 * MINUTE;
/** Expired sessions and tokens are swept at most this often per process, when a session is created. */
export const SWEEP_INTERVAL = 1 * MINUTE;
export const SIGN_IN_WINDOW = 15 * MINUTE;
export const MIN_PASSWORD_LENGTH = 8;

export function newSecret(): string {
  return randomBytes(32).toString('base64url');
}

export function hashSecret(secret: string): string {
  return createHash('sha256').update(secret, 'utf8').digest('hex');
}

export function sameSecret(a: string, b: string): boolean {
  const x = Buffer.from(a, 'utf8');
  const y = Buffer.from(b, 'utf8');
  return x.length === y.length && timingSafeEqual(x, y);
}

/** What a browser may do in a checkout or sign-in it started (bound through a claim). */
export interface FlowBinding {
  readonly kind: 'checkout' | 'signIn';
  /** The merchant page the button was on (already checked against the store's allowed origins). */
  readonly startedFrom: string | null;
  /** The button's estimatedOrderAmount, shown until the merchant sets chargeAmount. */
  readonly estimatedOrderAmount: { readonly amount: string; readonly currencyCode: string } | null;
}

export interface BrowserSession {
  readonly sessionHash: string;
  readonly buyerId: string | null;
  readonly csrfToken: string;
  readonly expiresAt: Instant;
  readonly flows: Readonly<Record<string, FlowBinding>>;
}

function toRecord(s: BrowserSession, createdAt: Instant): BuyerSessionRecord {
  return {
    sessionHash: s.sessionHash,
    buyerId: s.buyerId,
    csrfToken: s.csrfToken,
    createdAt,
    expiresAt: s.expiresAt,
    data: { flows: s.flows },
  };
}

function fromRecord(r: BuyerSessionRecord): BrowserSession {
  return {
    sessionHash: r.sessionHash,
    buyerId: r.buyerId,
    csrfToken: r.csrfToken,
    expiresAt: r.expiresAt,
    flows: (r.data['flows'] ?? {}) as Record<string, FlowBinding>,
  };
}

/** The session behind a cookie value, if it exists and has not expired. */
export async function loadBrowserSession(
  ctx: AppContext,
  cookieValue: string | undefined,
): Promise<BrowserSession | undefined> {
  if (!cookieValue || !/^[A-Za-z0-9_-]{43}$/.test(cookieValue)) return undefined;
  const r = await ctx.store.reader.hosted.session(hashSecret(cookieValue));
  if (!r || r.expiresAt <= ctx.clock.now()) return undefined;
  return fromRecord(r);
}

/** How long a session lives: anonymous traffic that neither signed in nor started a flow keeps nothing for long. */
export function sessionLifetime(s: { buyerId: string | null; flows: Readonly<Record<string, FlowBinding>> }): number {
  return s.buyerId === null && Object.keys(s.flows).length === 0
    ? ANONYMOUS_SESSION_LIFETIME
    : BROWSER_SESSION_LIFETIME;
}

const lastSweep = new WeakMap<AppContext, Instant>();

/** A fresh session (new cookie value, new CSRF token); `replacing` is deleted, so a signed-in session never keeps a pre-sign-in id. */
export async function newBrowserSession(
  ctx: AppContext,
  init: {
    buyerId: string | null;
    flows?: Readonly<Record<string, FlowBinding>>;
    replacing?: BrowserSession | undefined;
  },
  tx?: StoreTx,
): Promise<{ cookieValue: string; session: BrowserSession }> {
  const now = ctx.clock.now();
  const cookieValue = newSecret();
  const flows = init.flows ?? init.replacing?.flows ?? {};
  const session: BrowserSession = {
    sessionHash: hashSecret(cookieValue),
    buyerId: init.buyerId,
    csrfToken: newSecret(),
    expiresAt: now + sessionLifetime({ buyerId: init.buyerId, flows }),
    flows,
  };
  // Housekeeping rides along with session creation, at most once a minute per process.
  const sweep = now - (lastSweep.get(ctx) ?? 0) >= SWEEP_INTERVAL;
  if (sweep) lastSweep.set(ctx, now);
  const run = async (t: StoreTx) => {
    if (init.replacing) await t.hosted.deleteSession(init.replacing.sessionHash);
    await t.hosted.insertSession(toRecord(session, now));
    if (sweep) await t.hosted.purge(now, now - SIGN_IN_WINDOW);
  };
  if (tx) await run(tx);
  else await inTransaction(ctx, run);
  return { cookieValue, session };
}

export async function bindFlow(
  ctx: AppContext,
  session: BrowserSession,
  flowId: string,
  binding: FlowBinding,
): Promise<BrowserSession> {
  // Keep the most recent flows only, so that the cookie's record stays small.
  const entries = Object.entries(session.flows)
    .filter(([id]) => id !== flowId)
    .slice(-19);
  const flows = Object.fromEntries([...entries, [flowId, binding]]);
  // A short-lived anonymous session that now holds a flow lives as long as any other.
  const renewed = sessionLifetime(session) === ANONYMOUS_SESSION_LIFETIME;
  const expiresAt = renewed ? ctx.clock.now() + BROWSER_SESSION_LIFETIME : session.expiresAt;
  const updated: BrowserSession = { ...session, flows, expiresAt };
  await inTransaction(ctx, (tx) => tx.hosted.updateSession(toRecord(updated, 0)));
  return updated;
}

export async function endBrowserSession(ctx: AppContext, session: BrowserSession): Promise<void> {
  await inTransaction(ctx, (tx) => tx.hosted.deleteSession(session.sessionHash));
}

export function csrfMatches(session: BrowserSession | undefined, token: string | null | undefined): boolean {
  return session !== undefined && typeof token === 'string' && token.length > 0 && sameSecret(session.csrfToken, token);
}

// ---------- sign-in ----------

export type SignInResult =
  | { readonly ok: true; readonly buyer: BuyerRecord }
  | { readonly ok: false; readonly reason: 'badCredentials' }
  | { readonly ok: false; readonly reason: 'tooManyAttempts'; readonly retryAfterMinutes: number };

// Compared against when the email is unknown, so that both cases cost the same time.
let dummyHash: Promise<string> | undefined;

type ThrottleKey = readonly [key: string, policy: ThrottlePolicy];

/**
 * Takes one attempt on every key, atomically (row locks, in key order), before any password is checked:
 * either all keys allow it and all count it, or none counts it and the answer is when to come back.
 */
async function takeAttempts(
  ctx: AppContext,
  keys: readonly ThrottleKey[],
  now: Instant,
): Promise<{ ok: true } | { ok: false; retryAt: Instant }> {
  const sorted = [...keys].sort((a, b) => (a[0] < b[0] ? -1 : 1));
  return inTransaction(ctx, async (tx) => {
    const taken: [string, ThrottleState][] = [];
    let retryAt = 0;
    for (const [key, policy] of sorted) {
      const result = takeAttempt(await tx.hosted.lockSignInThrottle(key), policy, now);
      if (result.allowed) taken.push([key, result.state]);
      else retryAt = Math.max(retryAt, result.retryAt);
    }
    if (retryAt > 0) return { ok: false, retryAt };
    for (const [key, state] of taken) await tx.hosted.putSignInThrottle(key, state);
    return { ok: true };
  });
}

/** The attempt succeeded: the account's key starts over, the client's key gets its attempt back. */
async function giveBackAttempts(ctx: AppContext, accountKey: string | undefined, clientKey: string, now: Instant) {
  await inTransaction(ctx, async (tx) => {
    const keys = [accountKey, clientKey].filter((k): k is string => k !== undefined).sort();
    for (const key of keys) {
      const state = await tx.hosted.lockSignInThrottle(key);
      await tx.hosted.putSignInThrottle(
        key,
        key === accountKey ? { failures: 0, lastAt: now, nextAt: 0 } : giveBack(state, CLIENT_POLICY),
      );
    }
  });
}

function tooMany(retryAt: Instant, now: Instant): SignInResult {
  return { ok: false, reason: 'tooManyAttempts', retryAfterMinutes: Math.max(1, Math.ceil((retryAt - now) / MINUTE)) };
}

/**
 * Email + password. Attempts are counted before the password is checked, per account and client address
 * (5 free, then backoff) and per client address (20 free, then backoff): someone else's guesses never slow
 * a buyer's own browser, and unknown emails answer exactly like wrong passwords.
 */
export async function signIn(
  ctx: AppContext,
  input: { region: ApiRegion; email: string; password: string; ip: string },
): Promise<SignInResult> {
  const now = ctx.clock.now();
  const email = input.email.trim().toLowerCase();
  const accountKey = `account:${input.region}:${email}:${input.ip}`;
  const clientKey = `client:${input.ip}`;
  const taken = await takeAttempts(
    ctx,
    [
      [accountKey, ACCOUNT_CLIENT_POLICY],
      [clientKey, CLIENT_POLICY],
    ],
    now,
  );
  if (!taken.ok) return tooMany(taken.retryAt, now);
  const buyer = await ctx.store.reader.buyers.byEmail(input.region, email);
  dummyHash ??= hashPassword(newSecret());
  const valid = await verifyPassword(input.password, buyer?.passwordHash ?? (await dummyHash));
  if (!buyer || !valid || buyer.passwordHash === null) return { ok: false, reason: 'badCredentials' };
  await giveBackAttempts(ctx, accountKey, clientKey, now);
  return { ok: true, buyer };
}

export type RegisterResult =
  | { readonly ok: true }
  | {
      readonly ok: false;
      readonly problems: Partial<
        Record<
          'name' | 'email' | 'password' | 'phoneNumber',
          'required' | 'invalidEmail' | 'passwordTooShort' | 'tooLong' | 'tooManyAttempts'
        >
      >;
    };

/**
 * A new buyer account in one marketplace (no wallet yet; the buyer adds addresses and cards). An email that
 * already has an account answers exactly as a new one (same result, same work: the password is hashed either
 * way) and the account is left as it was: registration is no oracle for which emails have accounts.
 */
export async function registerBuyer(
  ctx: AppContext,
  input: {
    region: ApiRegion;
    name: string;
    email: string;
    password: string;
    phoneNumber: string;
    language: string;
    ip: string;
  },
): Promise<RegisterResult> {
  // Counted with sign-in's per-client limit, so that account creation from one client stays slow.
  const now = ctx.clock.now();
  const clientKey = `client:${input.ip}`;
  const taken = await takeAttempts(ctx, [[clientKey, CLIENT_POLICY]], now);
  if (!taken.ok) return { ok: false, problems: { email: 'tooManyAttempts' } };
  const result = await registerChecked(ctx, input);
  if (result.ok) await giveBackAttempts(ctx, undefined, clientKey, now);
  return result;
}

async function registerChecked(
  ctx: AppContext,
  input: { region: ApiRegion; name: string; email: string; password: string; phoneNumber: string; language: string },
): Promise<RegisterResult> {
  const name = input.name.normalize('NFC').trim();
  const email = input.email.trim().toLowerCase();
  const phone = input.phoneNumber.trim();
  const problems: Extract<RegisterResult, { ok: false }>['problems'] = {};
  if (name === '') problems.name = 'required';
  else if (name.length > 50) problems.name = 'tooLong';
  if (email === '') problems.email = 'required';
  else if (email.length > 254 || !/^[^\s@<>"']+@[^\s@<>"']+\.[^\s@<>"']+$/.test(email)) problems.email = 'invalidEmail';
  if (input.password.length < MIN_PASSWORD_LENGTH) problems.password = 'passwordTooShort';
  if (phone.length > 20) problems.phoneNumber = 'tooLong';
  if (Object.keys(problems).length > 0) return { ok: false, problems };
  const passwordHash = await hashPassword(input.password);
  if (await ctx.store.reader.buyers.byEmail(input.region, email)) return { ok: true };
  const buyer: BuyerRecord = {
    buyerId: newBuyerId(ctx.random),
    region: input.region,
    email,
    name,
    phoneNumber: phone === '' ? null : phone,
    passwordHash,
    isTest: false,
    createdAt: ctx.clock.now(),
    profile: { language: input.language, primeMembershipTypes: [] },
  };
  try {
    await inTransaction(ctx, (tx) => tx.buyers.insert(buyer));
  } catch (error) {
    // Two registrations with one email at once: the unique index lets one win.
    if (await ctx.store.reader.buyers.byEmail(input.region, email)) return { ok: true };
    throw error;
  }
  return { ok: true };
}

// ---------- one-time and bearer tokens ----------

export async function issueToken(
  ctx: AppContext,
  kind: HostedTokenKind,
  subject: string,
  lifetimeMs: number,
  data: Readonly<Record<string, unknown>>,
  tx?: StoreTx,
): Promise<string> {
  const secret = newSecret();
  const now = ctx.clock.now();
  const record: HostedTokenRecord = {
    tokenHash: hashSecret(secret),
    kind,
    subject,
    createdAt: now,
    expiresAt: now + lifetimeMs,
    usedAt: null,
    data,
  };
  if (tx) await tx.hosted.insertToken(record);
  else await inTransaction(ctx, (t) => t.hosted.insertToken(record));
  return secret;
}

/** A token that may be used many times until it expires (sign-in requests, buyer tokens). */
export async function readToken(
  ctx: AppContext,
  kind: HostedTokenKind,
  secret: string,
): Promise<HostedTokenRecord | undefined> {
  if (!/^[A-Za-z0-9_-]{43}$/.test(secret)) return undefined;
  const r = await ctx.store.reader.hosted.token(hashSecret(secret));
  if (!r || r.kind !== kind || r.expiresAt <= ctx.clock.now()) return undefined;
  return r;
}

/** A single-use token (claims); undefined when unknown, expired or already used. */
export async function consumeToken(
  ctx: AppContext,
  kind: HostedTokenKind,
  secret: string,
): Promise<HostedTokenRecord | undefined> {
  if (!/^[A-Za-z0-9_-]{43}$/.test(secret)) return undefined;
  return inTransaction(ctx, (tx) => tx.hosted.consumeToken(hashSecret(secret), kind, ctx.clock.now()));
}

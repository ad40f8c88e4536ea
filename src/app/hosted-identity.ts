import { newBrowserSession, registerBuyer, signIn, endBrowserSession, type BrowserSession } from './buyer-sessions.js';
import type { AppContext } from './context.js';
import { flowOfNext, type FlowHints } from './flow-of-next.js';

/**
 * Who the buyer is, as use cases of the hosted pages: the sign-in, register and sign-out posts. Each is
 * called once by its page with the parsed form and answers what the page shows or where it goes.
 */

/** A browser session the action started: the page sets its cookie. */
export interface StartedSession {
  readonly cookieValue: string;
  readonly session: BrowserSession;
}

export type SignInOutcome =
  | { readonly ok: true; readonly started: StartedSession }
  | { readonly ok: false; readonly reason: 'badCredentials' }
  | { readonly ok: false; readonly reason: 'tooManyAttempts'; readonly retryAfterMinutes: number };

/** POST /checkout/signin: email and password in the marketplace of the flow `next` leads to. */
export async function signInFromPage(
  ctx: AppContext,
  session: BrowserSession | undefined,
  form: { readonly next: string; readonly email: string; readonly password: string },
  hints: FlowHints,
  ip: string,
): Promise<SignInOutcome> {
  const flow = await flowOfNext(ctx, form.next, hints);
  const result = await signIn(ctx, { region: flow.marketplace, email: form.email, password: form.password, ip });
  if (!result.ok) return result;
  // A new session id at sign-in (no fixation); the flows this browser started stay with it.
  return { ok: true, started: await newBrowserSession(ctx, { buyerId: result.buyer.buyerId, replacing: session }) };
}

export type RegisterOutcome =
  | { readonly ok: true }
  | {
      readonly ok: false;
      readonly status: 400 | 429;
      readonly problems: Readonly<Record<string, string>>;
    };

/**
 * POST /checkout/register. The answer is the same whether the email is new (the account is created) or
 * already has an account (which stays as it was): the buyer signs in next, so registration tells no one
 * which emails have accounts (issue 17).
 */
export async function registerFromPage(
  ctx: AppContext,
  form: {
    readonly next: string;
    readonly name: string;
    readonly email: string;
    readonly password: string;
    readonly phoneNumber: string;
  },
  hints: FlowHints,
  ip: string,
): Promise<RegisterOutcome> {
  const flow = await flowOfNext(ctx, form.next, hints);
  const result = await registerBuyer(ctx, {
    region: flow.marketplace,
    name: form.name,
    email: form.email,
    password: form.password,
    phoneNumber: form.phoneNumber,
    language: flow.lang,
    ip,
  });
  if (result.ok) return { ok: true };
  return { ok: false, status: result.problems.email === 'tooManyAttempts' ? 429 : 400, problems: result.problems };
}

/** POST /checkout/signout: ends the session; a new signed-out one keeps the flows this browser started. */
export async function signOutFromPage(ctx: AppContext, session: BrowserSession | undefined): Promise<StartedSession> {
  if (session) await endBrowserSession(ctx, session);
  // Keep the flows, so that the buyer can sign in as someone else and go on.
  return newBrowserSession(ctx, { buyerId: null, flows: session?.flows ?? {} });
}

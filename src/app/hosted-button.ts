import { createHash } from 'node:crypto';
import type { ReasonCode } from '../domain/errors.js';
import { REGION_INFO, type CheckoutLanguage } from '../domain/regions.js';
import { prepareButton, type ButtonFields } from './button-request.js';
import {
  bindFlow,
  consumeToken,
  endBrowserSession,
  issueToken,
  newBrowserSession,
  type BrowserSession,
  type FlowBinding,
} from './buyer-sessions.js';
import type { PageRefusal } from './checkout-access.js';
import type { AppContext } from './context.js';
import { startCheckout, startSignIn } from './hosted-checkout.js';
import type { StartedSession } from './hosted-identity.js';
import { merchantOf } from './merchants.js';

/**
 * The button's cross-site POST (POST /checkout/start) and the claim that binds the new flow to the
 * browser (GET /checkout/claim), each one use case (docs/hosted-pages.md, "The button").
 */

const CLAIM_LIFETIME = 10 * 60 * 1000;

export type StartOutcome =
  | { readonly redirect: string }
  | {
      readonly refused: {
        readonly reasonCode: ReasonCode;
        readonly message: string;
        /** The button's checkoutLanguage, else the merchant's marketplace's; undefined when neither is known. */
        readonly lang: CheckoutLanguage | undefined;
      };
    }
  /** The same signed payload started too many flows in the last minute (issue 17). */
  | { readonly tooMany: { readonly retryAfterSeconds: number } };

export interface StartOptions {
  /** checkout.js asks for the buyer's earlier session to end first (amazon.Pay.signout). */
  readonly signout: boolean;
  /** Whether the signed payload `payloadKey` may start one more flow now (the replay limit). */
  readonly mayStart: (payloadKey: string) => { allowed: true } | { allowed: false; retryAfterSeconds: number };
}

/** The signature names the signed payload: the same bytes replayed are the same payload. */
function payloadKeyOf(fields: ButtonFields): string {
  return createHash('sha256')
    .update(`${fields.publicKeyId ?? ''}\n${fields.signature ?? ''}`, 'utf8')
    .digest('base64url');
}

export async function startFromButton(
  ctx: AppContext,
  fields: ButtonFields,
  options: StartOptions,
): Promise<StartOutcome> {
  const prepared = await prepareButton(ctx, fields);
  if (!prepared.ok) {
    const known = typeof fields.merchantId === 'string' ? await merchantOf(ctx, fields.merchantId) : undefined;
    const lang = prepared.language ?? (known ? REGION_INFO[known.region].defaultLanguage : undefined);
    ctx.log.warn('button refused', { reasonCode: prepared.reasonCode, merchantId: fields.merchantId });
    return { refused: { reasonCode: prepared.reasonCode, message: prepared.message, lang } };
  }
  const may = options.mayStart(payloadKeyOf(fields));
  if (!may.allowed) {
    ctx.log.warn('button payload replayed too often', { merchantId: prepared.caller.merchant.merchantId });
    return { tooMany: { retryAfterSeconds: may.retryAfterSeconds } };
  }
  let flowId: string;
  let binding: FlowBinding;
  if (prepared.kind === 'checkout') {
    const cs = await startCheckout(ctx, prepared.caller, prepared.input, prepared.options);
    flowId = cs.checkoutSessionId;
    binding = {
      kind: 'checkout',
      startedFrom: prepared.startedFrom,
      estimatedOrderAmount: prepared.estimatedOrderAmount,
    };
  } else {
    flowId = await startSignIn(ctx, prepared.caller, prepared.payload, prepared.language);
    binding = { kind: 'signIn', startedFrom: prepared.startedFrom, estimatedOrderAmount: null };
  }
  // The POST came from the merchant's page (no reji cookie on a cross-site POST); the claim, a
  // one-time secret, binds the new flow to this browser's session on the next, same-site GET.
  const claimSecret = await issueToken(ctx, 'claim', flowId, CLAIM_LIFETIME, { ...binding, signout: options.signout });
  return { redirect: `/checkout/claim?flow=${encodeURIComponent(flowId)}&claim=${claimSecret}` };
}

export type ClaimOutcome =
  | {
      readonly redirect: string;
      /** The browser's session, now holding the flow. */
      readonly session: BrowserSession;
      /** Set when the claim started a new session (the page sets its cookie). */
      readonly started?: StartedSession;
    }
  | { readonly refused: PageRefusal };

/** GET /checkout/claim: the one-time claim binds the flow to this browser (reloading it is fine once bound). */
export async function claimFlow(
  ctx: AppContext,
  session: BrowserSession | undefined,
  form: { readonly flowId: string; readonly secret: string },
  fallbackLang: CheckoutLanguage,
): Promise<ClaimOutcome> {
  const { flowId } = form;
  const nextOf = (kind: string) =>
    kind === 'signIn'
      ? `/checkout/consent?signInRequestId=${encodeURIComponent(flowId)}`
      : `/checkout/select?amazonCheckoutSessionId=${encodeURIComponent(flowId)}`;
  const token = await consumeToken(ctx, 'claim', form.secret);
  if (!token || token.subject !== flowId) {
    // Reloading the claim URL: fine when this browser already holds the flow.
    const known = session?.flows[flowId];
    if (known && session) return { redirect: nextOf(known.kind), session };
    return { refused: { status: 404, reason: 'sessionNotFound', lang: fallbackLang } };
  }
  const data = token.data as unknown as FlowBinding & { signout?: boolean };
  const binding: FlowBinding = {
    kind: data.kind,
    startedFrom: data.startedFrom,
    estimatedOrderAmount: data.estimatedOrderAmount,
  };
  let current = session;
  if (data.signout && current) {
    await endBrowserSession(ctx, current);
    current = undefined;
  }
  if (!current) {
    // A new browser session holding the flow from the start (one write).
    const started = await newBrowserSession(ctx, { buyerId: null, flows: { [flowId]: binding } });
    return { redirect: nextOf(data.kind), session: started.session, started };
  }
  return { redirect: nextOf(data.kind), session: await bindFlow(ctx, current, flowId, binding) };
}

import { bindFlow, consumeToken, endBrowserSession, issueToken, type FlowBinding } from '../../app/buyer-sessions.js';
import { startCheckout, startSignIn } from '../../app/hosted-checkout.js';
import { merchantOf } from '../../app/merchants.js';
import { REGION_INFO } from '../../domain/regions.js';
import { firstUnstorable } from '../../domain/text.js';
import { prepareButton, type ButtonFields } from './button-request.js';
import { t } from './i18n.js';
import { ensureSession, languageOf, PageError, redirectTo, renderPage, type Page } from './page-context.js';
import { errorBody } from './views.js';
import { parseForm, sendAsset, sendJson } from './web.js';

/**
 * What the merchant's page talks to: checkout.js, the payload check it calls first, the cross-site
 * POST that starts a flow, and the claim that binds the new flow to this browser (docs/hosted-pages.md).
 */

const CLAIM_LIFETIME = 10 * 60 * 1000;

export async function checkoutJs(p: Page): Promise<void> {
  sendAsset(p.req, p.res, p.assets.checkoutJs, {
    'access-control-allow-origin': '*',
    'cross-origin-resource-policy': 'cross-origin',
  });
}

export async function verifyPayloadPreflight(p: Page): Promise<void> {
  p.res.writeHead(204, corsHeaders());
  p.res.end();
}

function corsHeaders(): Record<string, string> {
  return {
    'access-control-allow-origin': '*',
    'access-control-allow-methods': 'POST, OPTIONS',
    'access-control-allow-headers': 'content-type',
    'access-control-max-age': '600',
  };
}

async function readButtonFields(p: Page, json: boolean): Promise<ButtonFields> {
  const raw = await p.reqBody();
  if (json) {
    try {
      const v = JSON.parse(raw.toString('utf8')) as unknown;
      return typeof v === 'object' && v !== null ? (v as ButtonFields) : {};
    } catch {
      return {};
    }
  }
  const form = parseForm(raw);
  const out: Record<string, string> = {};
  for (const [k, v] of form) out[k] = v;
  p.form = form;
  return out;
}

export async function verifyPayload(p: Page): Promise<void> {
  const fields = await readButtonFields(p, true);
  const unstorable = firstUnstorable(fields);
  if (unstorable !== undefined) {
    const message = `${unstorable} contains a NUL character or invalid Unicode.`;
    return sendJson(p.res, 400, { ok: false, reasonCode: 'InvalidParameterValue', message }, corsHeaders());
  }
  const prepared = await prepareButton(p.ctx, fields);
  sendJson(
    p.res,
    200,
    prepared.ok ? { ok: true } : { ok: false, reasonCode: prepared.reasonCode, message: prepared.message },
    corsHeaders(),
  );
}

export async function startFromButton(p: Page): Promise<void> {
  const fields = await readButtonFields(p, false);
  if (firstUnstorable(fields) !== undefined) throw new PageError(400, 'badInput', languageOf(p));
  const prepared = await prepareButton(p.ctx, fields);
  if (!prepared.ok) {
    const known = typeof fields.merchantId === 'string' ? await merchantOf(p.ctx, fields.merchantId) : undefined;
    const lang = prepared.language ?? (known ? REGION_INFO[known.region].defaultLanguage : languageOf(p));
    p.ctx.log.warn('button refused', { reasonCode: prepared.reasonCode, merchantId: fields.merchantId });
    renderPage(
      p,
      400,
      lang,
      t(lang, 'buttonErrorTitle'),
      errorBody(lang, t(lang, 'buttonErrorText'), `${prepared.reasonCode}: ${prepared.message}`),
    );
    return;
  }
  const signout = p.form.get('signout') === '1';
  let flowId: string;
  let binding: FlowBinding;
  if (prepared.kind === 'checkout') {
    const cs = await startCheckout(p.ctx, prepared.caller, prepared.input, prepared.options);
    flowId = cs.checkoutSessionId;
    binding = {
      kind: 'checkout',
      startedFrom: prepared.startedFrom,
      estimatedOrderAmount: prepared.estimatedOrderAmount,
      ...(prepared.options.buyNow ? { buyNow: true } : {}),
    };
    p.allowOpener = prepared.options.buyNow === true;
  } else {
    flowId = await startSignIn(p.ctx, prepared.caller, prepared.payload, prepared.language);
    binding = { kind: 'signIn', startedFrom: prepared.startedFrom, estimatedOrderAmount: null };
  }
  // The POST came from the merchant's page (no reji cookie on a cross-site POST); the claim, a
  // one-time secret, binds the new flow to this browser's session on the next, same-site GET.
  const claimSecret = await issueToken(p.ctx, 'claim', flowId, CLAIM_LIFETIME, { ...binding, signout });
  redirectTo(p, `/checkout/claim?flow=${encodeURIComponent(flowId)}&claim=${claimSecret}`);
}

export async function claim(p: Page): Promise<void> {
  const flowId = p.url.searchParams.get('flow') ?? '';
  const secret = p.url.searchParams.get('claim') ?? '';
  const nextOf = (kind: string) =>
    kind === 'signIn'
      ? `/checkout/consent?signInRequestId=${encodeURIComponent(flowId)}`
      : `/checkout/select?amazonCheckoutSessionId=${encodeURIComponent(flowId)}`;
  const token = await consumeToken(p.ctx, 'claim', secret);
  if (!token || token.subject !== flowId) {
    // Reloading the claim URL: fine when this browser already holds the flow.
    const known = p.session?.flows[flowId];
    if (known) return redirectTo(p, nextOf(known.kind));
    throw new PageError(404, 'sessionNotFound', languageOf(p));
  }
  const data = token.data as unknown as FlowBinding & { signout?: boolean };
  if (data.signout && p.session) {
    await endBrowserSession(p.ctx, p.session);
    p.session = undefined;
  }
  const session = await ensureSession(p);
  p.session = await bindFlow(p.ctx, session, flowId, {
    kind: data.kind,
    startedFrom: data.startedFrom,
    estimatedOrderAmount: data.estimatedOrderAmount,
    ...(data.buyNow ? { buyNow: true } : {}),
  });
  if (data.buyNow) p.allowOpener = true;
  redirectTo(p, nextOf(data.kind));
}

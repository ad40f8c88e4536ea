import type { ButtonFields } from '../../app/button-request.js';
import { prepareButton } from '../../app/button-request.js';
import { claimFlow, startFromButton as startFlow } from '../../app/hosted-button.js';
import { firstUnstorable } from '../../domain/text.js';
import { refusalError } from './flow-access.js';
import { t } from './i18n.js';
import { adoptSession, languageOf, PageError, redirectTo, renderPage, type Page } from './page-context.js';
import { tooManyRequests } from './rate-limit-pages.js';
import { errorBody } from './views.js';
import { parseForm, sendAsset, sendJson } from './web.js';

/**
 * What the merchant's page talks to: checkout.js, the payload check it calls first, the cross-site
 * POST that starts a flow, and the claim that binds the new flow to this browser (docs/hosted-pages.md).
 */

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

export function corsHeaders(): Record<string, string> {
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
  const options = {
    signout: p.form.get('signout') === '1',
    mayStart: (key: string) => p.limiters.payloadStarts.take(key),
  };
  const outcome = await startFlow(p.ctx, fields, options);
  if ('tooMany' in outcome) return tooManyRequests(p, outcome.tooMany.retryAfterSeconds);
  if ('refused' in outcome) {
    const { reasonCode, message } = outcome.refused;
    const lang = outcome.refused.lang ?? languageOf(p);
    renderPage(
      p,
      400,
      lang,
      t(lang, 'buttonErrorTitle'),
      errorBody(lang, t(lang, 'buttonErrorText'), `${reasonCode}: ${message}`),
    );
    return;
  }
  redirectTo(p, outcome.redirect);
}

export async function claim(p: Page): Promise<void> {
  const form = { flowId: p.url.searchParams.get('flow') ?? '', secret: p.url.searchParams.get('claim') ?? '' };
  const outcome = await claimFlow(p.ctx, p.session, form, languageOf(p));
  if ('refused' in outcome) throw refusalError(outcome.refused);
  if (outcome.started) adoptSession(p, outcome.started);
  p.session = outcome.session;
  redirectTo(p, outcome.redirect);
}

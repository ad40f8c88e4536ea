import { readFileSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { ApiError } from '../../app/api-error.js';
import {
  actAsBuyer,
  advanceConsoleClock,
  consoleMerchants,
  consolePartners,
  createPartnerKeyPair,
  evidenceFileContent,
  merchantDetail,
  partnerDetail,
  recentDisbursements,
  reportFile,
  objectHistory,
  replayForConsole,
  resetSandbox,
  testBuyersFor,
  type BuyerAction,
} from '../../app/console.js';
import type { AppContext } from '../../app/context.js';
import { createPartner, grantDelegation, revokeDelegation } from '../../app/delegation.js';
import { setIpnEndpoint } from '../../app/ipn/admin.js';
import {
  createKeyPair,
  createMerchant,
  merchantOf,
  registerPublicKey,
  setAllowedOrigins,
} from '../../app/merchants.js';
import { requestLogEntries, requestLogEntry } from '../../app/request-log.js';
import { ENVIRONMENTS, type Environment } from '../../domain/environment.js';
import { FILE_CONTENT_TYPES } from '../../domain/evidence-file.js';
import { display, money } from '../../domain/money.js';
import { isRegion, REGIONS } from '../../domain/regions.js';
import { isStorableText } from '../../domain/text.js';
import { html, type SafeHtml } from '../html.js';
import type { PageHandler } from '../server.js';
import {
  asset,
  isSameOriginPost,
  isSecure,
  ownOrigin,
  parseForm,
  redirect,
  sendAsset,
  sendJson,
  sendPage,
} from '../hosted/web.js';
import {
  accessOf,
  csrfTokenOf,
  csrfValid,
  LOGIN_COOKIE,
  newSessionCookie,
  passwordMatches,
  readCookieValue,
  type ConsoleOptions,
} from './access.js';
import { isConsoleLanguage, type ConsoleLanguage } from './i18n.js';
import { OBJECT_KINDS, objectKind } from './object-kinds.js';
import { buildTimeline } from './timeline.js';
import { diffView, form, layout, notice, option, pre, table, tr, when, type ViewContext } from './views.js';

/** The developer console at `/` (issue 14; README "The console", docs/deploy.md for access). */

const LANG_COOKIE = 'reji_console_lang';
const CLOCK_PRESETS: readonly { label: string; seconds: number }[] = [
  { label: '+1h', seconds: 3600 },
  { label: '+1d', seconds: 86_400 },
  { label: '+7d', seconds: 7 * 86_400 },
  { label: '+30d', seconds: 30 * 86_400 },
];

function readAsset(name: string): string {
  return readFileSync(new URL(`./assets/${name}`, import.meta.url), 'utf8');
}

interface Page {
  readonly ctx: AppContext;
  readonly req: IncomingMessage;
  readonly res: ServerResponse;
  readonly url: URL;
  readonly v: ViewContext;
  readonly cookies: string[];
  readonly signedIn: boolean;
  form(): Promise<URLSearchParams>;
}

type Handler = (p: Page, params: readonly string[]) => Promise<void>;

function languageOf(req: IncomingMessage, url: URL): { lang: ConsoleLanguage; setCookie?: string } {
  const asked = url.searchParams.get('lang');
  if (isConsoleLanguage(asked)) return { lang: asked, setCookie: `${LANG_COOKIE}=${asked}; Path=/; SameSite=Lax` };
  const saved = readCookieValue(req, LANG_COOKIE);
  if (isConsoleLanguage(saved)) return { lang: saved };
  return { lang: /^ja\b/i.test(req.headers['accept-language'] ?? '') ? 'ja' : 'en' };
}

function show(p: Page, title: string, body: SafeHtml, status = 200): void {
  sendPage(p.res, status, layout(p.v, title, body, { signedIn: p.signedIn }), { cookies: p.cookies });
}

/** Only console paths may be a redirect target after an action. */
function backTo(target: string | null, fallback: string): string {
  return target && /^\/(console\/[^/\\]|$)/.test(target) && !target.startsWith('//') ? target : fallback;
}

function done(p: Page, target: string): void {
  const u = new URL(target, 'http://console');
  u.searchParams.set('done', '1');
  redirect(p.res, `${u.pathname}${u.search}`, p.cookies);
}

function field(f: URLSearchParams, name: string): string {
  return (f.get(name) ?? '').trim();
}

function environmentOf(value: string): Environment {
  const env = ENVIRONMENTS.find((e) => e.toLowerCase() === value.toLowerCase());
  if (!env) throw new ApiError('InvalidParameterValue', 'Choose Sandbox or Live.');
  return env;
}

function doneNotice(p: Page): SafeHtml | '' {
  return p.url.searchParams.get('done') ? notice(tr(p.v, 'done')) : '';
}

// ---------------------------------------------------------------- overview and merchants

async function home(p: Page): Promise<void> {
  const { v } = p;
  const merchants = (await consoleMerchants(p.ctx)).filter((m) => m.kind !== 'partner');
  const rows = merchants.map(
    (m) =>
      html`<tr><td><a href="/console/merchants/${m.merchantId}">${m.merchantId}</a></td><td>${m.name}</td><td>${m.region}</td><td>${when(m.createdAt)}</td></tr>`,
  );
  const log = await requestLogEntries(p.ctx, { limit: 20 });
  show(
    p,
    tr(v, 'navHome'),
    html`${doneNotice(p)}
<section><h2>${tr(v, 'merchants')}</h2>
${merchants.length === 0 ? html`<p>${tr(v, 'noMerchants')}</p>` : table([tr(v, 'merchantId'), tr(v, 'name'), tr(v, 'region'), tr(v, 'createdAt')], rows, { id: 'merchants' })}
<details><summary>${tr(v, 'createMerchant')}</summary>
${form(
  v,
  '/console/merchants',
  html`<label>${tr(v, 'region')} <select name="region">${REGIONS.map((r) => option(r, r, r === 'jp'))}</select></label>
<label>${tr(v, 'name')} <input name="name" maxlength="100"></label>
<label>${tr(v, 'allowedOrigins')} <textarea name="origins" rows="2" placeholder="http://127.0.0.1:*"></textarea></label>
<p class="hint">${tr(v, 'originsHint')}</p>
<button type="submit" id="create-merchant">${tr(v, 'create')}</button>`,
  { id: 'create-merchant-form' },
)}
</details></section>
<section><h2>${tr(v, 'navRequests')} <span class="live-badge" hidden>● ${tr(v, 'live')}</span></h2>
${requestTable(v, log, '/console/requests.json')}
<p><a href="/console/requests">${tr(v, 'navRequests')} →</a></p></section>`,
  );
}

async function createMerchantPost(p: Page): Promise<void> {
  const f = await p.form();
  const region = field(f, 'region');
  if (!isRegion(region)) throw new ApiError('InvalidParameterValue', `Region must be one of ${REGIONS.join(', ')}.`);
  const name = field(f, 'name');
  const origins = field(f, 'origins')
    .split(/\s+/)
    .filter((o) => o !== '');
  const { merchant } = await createMerchant(p.ctx, {
    region,
    ...(name ? { name } : {}),
    allowedOrigins: origins,
  });
  done(p, `/console/merchants/${merchant.merchantId}`);
}

async function merchantPage(p: Page, [merchantId]: readonly string[]): Promise<void> {
  const { v } = p;
  const d = await merchantDetail(p.ctx, merchantId!);
  const payouts = await recentDisbursements(p.ctx, d.merchant.merchantId);
  const payoutRows = payouts.map(
    (x) =>
      html`<tr><td>${when(x.transactionTime)}</td><td>${x.environment}</td><td class="mono">${x.settlementId}</td><td class="amount">${display(money(x.amount, x.currencyCode))}</td></tr>`,
  );
  const base = `/console/merchants/${d.merchant.merchantId}`;
  const keyRows = d.keys.map(
    (k) =>
      html`<tr><td class="mono">${k.publicKeyId}</td><td>${k.environment ?? tr(v, 'legacy')}</td><td>${when(k.createdAt)}</td></tr>`,
  );
  const storeForms = d.stores.map(
    (s) => html`<div class="store"><p>${tr(v, 'storeId')}: <span class="mono">${s.storeId}</span></p>
${form(
  v,
  `/console/stores/${encodeURIComponent(s.storeId)}/origins`,
  html`<label>${tr(v, 'allowedOrigins')} <textarea name="origins" rows="3">${s.allowedOrigins.join('\n')}</textarea></label>
<p class="hint">${tr(v, 'originsHint')}</p><button type="submit">${tr(v, 'save')}</button>`,
)}</div>`,
  );
  const endpointOf = (env: Environment) => d.endpoints.find((e) => e.environment === env)?.url ?? '';
  const timerRows = d.timers.map(
    (t) =>
      html`<tr><td><a href="/console/objects/${t.kind}/${encodeURIComponent(t.id)}">${t.id}</a></td><td>${t.kind}</td><td>${t.state}</td><td>${when(t.dueAt)}</td></tr>`,
  );
  const notificationRows = d.notifications.map(
    (n) =>
      html`<tr><td>${when(n.createdAt)}</td><td><a href="/console/objects/${kindOfType(n.objectType)}/${encodeURIComponent(n.objectId)}">${n.objectId}</a></td><td>${n.notificationType}</td><td class="status-${n.status}">${n.status}</td><td>${n.attempts}</td><td>${
        n.environment === 'Sandbox'
          ? form(
              v,
              `/console/notifications/${encodeURIComponent(n.notificationId)}/replay`,
              html`<input type="hidden" name="next" value="${base}"><button type="submit" class="small">${tr(v, 'replay')}</button>`,
            )
          : ''
      }</td></tr>`,
  );
  show(
    p,
    `${tr(v, 'merchant')} ${d.merchant.name}`,
    html`${doneNotice(p)}
<p>${tr(v, 'merchantId')}: <span class="mono" id="merchant-id">${d.merchant.merchantId}</span> · ${tr(v, 'region')}: ${d.merchant.region} · ${d.merchant.ledgerCurrency}</p>
<p><a href="/console/objects?merchant=${d.merchant.merchantId}">${tr(v, 'navObjects')} →</a> · <a href="/console/requests?merchant=${d.merchant.merchantId}">${tr(v, 'navRequests')} →</a></p>

<section id="clock"><h2>${tr(v, 'sandboxClock')}</h2>
<p>${tr(v, 'clockNow')}: <strong id="sandbox-now">${when(d.sandboxNow)}</strong></p>
<div class="row">${CLOCK_PRESETS.map((preset) =>
      form(
        v,
        `${base}/clock`,
        html`<input type="hidden" name="seconds" value="${preset.seconds}"><button type="submit" data-advance="${preset.label}">${tr(v, 'advance')} ${preset.label}</button>`,
        { cls: 'inline' },
      ),
    )}</div>
<h3>${tr(v, 'pendingTimers')}</h3>
${d.timers.length === 0 ? html`<p>${tr(v, 'noTimers')}</p>` : table([tr(v, 'object'), tr(v, 'kind'), tr(v, 'state'), tr(v, 'dueAt')], timerRows, { id: 'timers' })}
</section>

<section id="keys"><h2>${tr(v, 'keys')}</h2>
${table([tr(v, 'keyId'), tr(v, 'environment'), tr(v, 'createdAt')], keyRows)}
${form(
  v,
  `${base}/keys`,
  html`<input type="hidden" name="action" value="create">
<label>${tr(v, 'environment')} <select name="env">${option('sandbox', 'Sandbox', true)}${option('live', 'Live', false)}</select></label>
<label><input type="checkbox" name="legacy" value="1"> ${tr(v, 'legacy')}</label>
<button type="submit" id="create-key">${tr(v, 'createKey')}</button>`,
)}
<details><summary>${tr(v, 'registerKey')}</summary>
${form(
  v,
  `${base}/keys`,
  html`<input type="hidden" name="action" value="register">
<label>${tr(v, 'environment')} <select name="env">${option('sandbox', 'Sandbox', true)}${option('live', 'Live', false)}</select></label>
<label><input type="checkbox" name="legacy" value="1"> ${tr(v, 'legacy')}</label>
<label>${tr(v, 'publicKeyPem')} <textarea name="pem" rows="6" class="mono"></textarea></label>
<button type="submit">${tr(v, 'register')}</button>`,
)}</details>
</section>

<section id="stores"><h2>${tr(v, 'stores')}</h2>${storeForms}</section>

<section id="ipn"><h2>${tr(v, 'ipnEndpoints')}</h2>
${ENVIRONMENTS.map((env) =>
  form(
    v,
    `${base}/ipn`,
    html`<input type="hidden" name="env" value="${env}"><label>${env}: ${tr(v, 'ipnUrl')} <input name="url" type="url" value="${endpointOf(env)}" placeholder="https://shop.example/ipn" size="50"></label> <button type="submit">${tr(v, 'save')}</button>`,
  ),
)}
</section>

<section id="disbursements"><h2>${tr(v, 'disbursements')}</h2>
${payouts.length === 0 ? html`<p>${tr(v, 'noDisbursements')}</p>` : table([tr(v, 'time'), tr(v, 'environment'), 'settlementId', tr(v, 'amount')], payoutRows)}
</section>

<section id="notifications"><h2>${tr(v, 'notifications')}</h2>
${d.notifications.length === 0 ? html`<p>${tr(v, 'noNotifications')}</p>` : table([tr(v, 'time'), tr(v, 'object'), tr(v, 'kind'), tr(v, 'status'), tr(v, 'attempts'), ''], notificationRows)}
</section>

<section id="reset"><h2>${tr(v, 'resetSandbox')}</h2><p class="hint">${tr(v, 'resetHint')}</p>
${form(v, `${base}/reset`, html`<button type="submit" class="danger" id="reset-sandbox">${tr(v, 'reset')}</button>`)}
</section>`,
  );
}

function kindOfType(objectType: string): string {
  const map: Record<string, string> = {
    CHARGE: 'charge',
    REFUND: 'refund',
    CHARGE_PERMISSION: 'chargePermission',
    CHECKOUT_SESSION: 'checkoutSession',
    CHARGEBACK: 'dispute',
  };
  return map[objectType] ?? objectType;
}

async function keysPost(p: Page, [merchantId]: readonly string[]): Promise<void> {
  const f = await p.form();
  const spec = {
    merchantId: merchantId!,
    environment: environmentOf(field(f, 'env') || 'sandbox'),
    legacy: f.get('legacy') === '1',
  };
  if (field(f, 'action') === 'register') {
    await registerPublicKey(p.ctx, spec, field(f, 'pem'));
    done(p, `/console/merchants/${merchantId}`);
    return;
  }
  const key = await createKeyPair(p.ctx, spec);
  showPrivateKeyOnce(p, key, `/console/merchants/${merchantId}`);
}

/** Shown once: the answer is not cached and reji keeps only the public half. */
function showPrivateKeyOnce(p: Page, key: { publicKeyId: string; privateKeyPem: string }, back: string): void {
  const { v } = p;
  const href = `data:application/x-pem-file;base64,${Buffer.from(key.privateKeyPem).toString('base64')}`;
  show(
    p,
    tr(v, 'keyCreated'),
    html`${notice(tr(v, 'keyOnce'))}
<p>${tr(v, 'keyId')}: <strong class="mono" id="new-key-id">${key.publicKeyId}</strong></p>
<p><a class="button" id="download-key" href="${href}" download="${key.publicKeyId}.pem">${tr(v, 'downloadKey')}</a></p>
<p><a href="${back}">${tr(v, 'back')}</a></p>`,
  );
}

async function originsPost(p: Page, [storeId]: readonly string[]): Promise<void> {
  const f = await p.form();
  const origins = field(f, 'origins')
    .split(/\s+/)
    .filter((o) => o !== '');
  const store = await setAllowedOrigins(p.ctx, storeId!, origins);
  done(p, `/console/merchants/${store.merchantId}`);
}

async function ipnPost(p: Page, [merchantId]: readonly string[]): Promise<void> {
  const f = await p.form();
  await setIpnEndpoint(p.ctx, {
    merchantId: merchantId!,
    environment: environmentOf(field(f, 'env')),
    url: field(f, 'url'),
  });
  done(p, `/console/merchants/${merchantId}`);
}

async function clockPost(p: Page, [merchantId]: readonly string[]): Promise<void> {
  const f = await p.form();
  await advanceConsoleClock(p.ctx, merchantId!, Number(field(f, 'seconds')));
  done(p, backTo(f.get('next'), `/console/merchants/${merchantId}`));
}

async function resetPost(p: Page, [merchantId]: readonly string[]): Promise<void> {
  await resetSandbox(p.ctx, merchantId!);
  done(p, `/console/merchants/${merchantId}`);
}

async function replayPost(p: Page, [notificationId]: readonly string[]): Promise<void> {
  const f = await p.form();
  const n = await replayForConsole(p.ctx, notificationId!);
  done(p, backTo(f.get('next'), `/console/merchants/${n.merchantId}`));
}

// ---------------------------------------------------------------- objects

function dateParam(value: string | null, endOfDay: boolean): number | undefined {
  if (!value || !/^\d{4}-\d{2}-\d{2}$/.test(value)) return undefined;
  const at = Date.parse(`${value}T00:00:00Z`);
  return Number.isNaN(at) ? undefined : at + (endOfDay ? 86_400_000 : 0);
}

async function objectsPage(p: Page): Promise<void> {
  const { v, url } = p;
  const q = url.searchParams;
  const kindSlug = q.get('kind') ?? '';
  const text = (q.get('q') ?? '').trim();
  const state = (q.get('state') ?? '').trim();
  const merchant = (q.get('merchant') ?? '').trim();
  const from = dateParam(q.get('from'), false);
  const to = dateParam(q.get('to'), true);
  const kinds = kindSlug ? OBJECT_KINDS.filter((k) => k.slug === kindSlug) : OBJECT_KINDS;
  const rows: SafeHtml[] = [];
  for (const kind of kinds) {
    const base = {
      ...(merchant ? { merchantId: merchant } : {}),
      ...(state ? { state } : {}),
      createdFrom: from,
      createdTo: to,
      limit: 100,
    };
    const found = text
      ? [
          ...(await kind.search(p.ctx, { ...base, id: text })),
          ...(await kind.search(p.ctx, { ...base, merchantReferenceId: text })),
        ]
      : await kind.search(p.ctx, base);
    const seen = new Set<string>();
    for (const o of found) {
      if (seen.has(o.id)) continue;
      seen.add(o.id);
      rows.push(
        html`<tr><td><a href="/console/objects/${kind.slug}/${encodeURIComponent(o.id)}">${o.id}</a></td><td>${kind.label}</td><td>${o.state}</td><td>${o.environment}</td><td>${o.merchantReferenceId ?? ''}</td><td><a href="/console/merchants/${o.merchantId}">${o.merchantId}</a></td><td>${when(o.createdAt)}</td></tr>`,
      );
    }
  }
  const states = [...new Set(kinds.flatMap((k) => k.states))];
  show(
    p,
    tr(v, 'navObjects'),
    html`<form method="get" action="/console/objects" class="search" id="object-search">
<label>${tr(v, 'kind')} <select name="kind">${option('', tr(v, 'any'), kindSlug === '')}${OBJECT_KINDS.map((k) => option(k.slug, k.label, k.slug === kindSlug))}</select></label>
<label>${tr(v, 'idOrReference')} <input name="q" value="${text}" size="32"></label>
<label>${tr(v, 'state')} <select name="state">${option('', tr(v, 'any'), state === '')}${states.map((s) => option(s, s, s === state))}</select></label>
<label>${tr(v, 'merchantId')} <input name="merchant" value="${merchant}" size="16"></label>
<label>${tr(v, 'from')} <input type="date" name="from" value="${q.get('from') ?? ''}"></label>
<label>${tr(v, 'to')} <input type="date" name="to" value="${q.get('to') ?? ''}"></label>
<button type="submit">${tr(v, 'search')}</button>
</form>
<h2>${tr(v, 'results')}</h2>
${rows.length === 0 ? html`<p>${tr(v, 'noResults')}</p>` : table(['ID', tr(v, 'kind'), tr(v, 'state'), tr(v, 'environment'), 'merchantReferenceId', tr(v, 'merchant'), tr(v, 'createdAt')], rows, { id: 'objects' })}`,
  );
}

async function objectPage(p: Page, [slug, id]: readonly string[]): Promise<void> {
  const { v } = p;
  const kind = objectKind(slug);
  if (!kind) throw new ApiError('ResourceNotFound', `No kind of object is called ${slug}.`);
  const object = await kind.load(p.ctx, id!);
  const history = await objectHistory(p.ctx, object.merchantId, object.id);
  const events = buildTimeline(kind, object, history.calls, history.notifications, history.attempts);
  const merchant = await merchantOf(p.ctx, object.merchantId);
  let controls: SafeHtml | '' = '';
  if (object.environment === 'Live') controls = notice(tr(v, 'liveReadOnly'));
  else if (kind.slug === 'checkoutSession' && object.state === 'Open' && merchant) {
    const buyers = await testBuyersFor(p.ctx, merchant);
    const action = `/console/objects/checkoutSession/${encodeURIComponent(object.id)}/buyer`;
    controls = html`<section id="buyer"><h2>${tr(v, 'actAsBuyer')}</h2>
${form(
  v,
  action,
  html`<input type="hidden" name="action" value="consent">
<label>${tr(v, 'buyer')} <select name="buyerEmail">${buyers.map((b, i) => option(b.email, `${b.name} <${b.email}>`, i === 0))}</select></label>
<label>${tr(v, 'address')} <select name="shippingAddressId">${option('', '—', true)}${buyers.flatMap((b) => b.addresses.map((a) => option(a.addressId, `${b.name}: ${a.addressLine1 ?? ''} ${a.city ?? ''}`, false)))}</select></label>
<label>${tr(v, 'card')} <select name="paymentMethodId">${option('', '—', true)}${buyers.flatMap((b) => b.paymentMethods.map((m) => option(m.paymentMethodId, `${b.name}: ${m.brand} ****${m.last4} (${m.behaviour})`, false)))}</select></label>
<button type="submit" id="buyer-consent">${tr(v, 'consent')}</button>`,
)}
<div class="row">
${form(v, action, html`<input type="hidden" name="action" value="process"><button type="submit" id="buyer-process">${tr(v, 'process')}</button>`, { cls: 'inline' })}
${form(v, action, html`<input type="hidden" name="action" value="decline"><button type="submit" id="buyer-decline">${tr(v, 'decline')}</button>`, { cls: 'inline' })}
${form(v, action, html`<input type="hidden" name="action" value="cancel"><button type="submit" id="buyer-cancel" class="danger">${tr(v, 'cancel')}</button>`, { cls: 'inline' })}
</div></section>`;
  }
  const clock =
    object.environment === 'Sandbox' && merchant
      ? html`<div class="row">${CLOCK_PRESETS.map((preset) =>
          form(
            v,
            `/console/merchants/${merchant.merchantId}/clock`,
            html`<input type="hidden" name="seconds" value="${preset.seconds}"><input type="hidden" name="next" value="${p.url.pathname}"><button type="submit" data-advance="${preset.label}">${tr(v, 'advance')} ${preset.label}</button>`,
            { cls: 'inline' },
          ),
        )}</div>`
      : '';
  const eventRows = events.map(
    (e) =>
      html`<li class="event ${e.type}${e.failed ? ' failed' : ''}" data-type="${e.type}"><time>${when(e.at)}</time> <span class="type">${tr(v, eventLabel(e.type))}</span> ${e.href ? html`<a href="${e.href}">${e.title}</a>` : html`<strong>${e.title}</strong>`} <span class="muted">${e.detail}</span></li>`,
  );
  show(
    p,
    `${kind.label} ${object.id}`,
    html`${doneNotice(p)}
<p>${tr(v, 'state')}: <strong id="object-state">${object.state}</strong> · ${object.environment} · <a href="/console/merchants/${object.merchantId}">${object.merchantId}</a></p>
${controls}${clock}
${kind.sections ? await kind.sections(p.ctx, object, v) : ''}
<section><h2>${tr(v, 'timeline')}</h2>
${events.length === 0 ? html`<p>${tr(v, 'emptyTimeline')}</p>` : html`<ol class="timeline" id="timeline">${eventRows}</ol>`}
</section>
<section><h2>${tr(v, 'currentJson')}</h2>${pre(JSON.stringify(object.wire, null, 2), { id: 'object-json' })}</section>`,
  );
}

function eventLabel(type: string) {
  return (
    {
      created: 'created',
      call: 'call',
      state: 'stateChange',
      notification: 'notification',
      attempt: 'delivery',
    } as const
  )[type as 'created'];
}

async function buyerPost(p: Page, [id]: readonly string[]): Promise<void> {
  const f = await p.form();
  const kind = field(f, 'action');
  let action: BuyerAction;
  if (kind === 'consent') {
    action = {
      kind,
      buyerEmail: field(f, 'buyerEmail'),
      shippingAddressId: field(f, 'shippingAddressId'),
      paymentMethodId: field(f, 'paymentMethodId'),
    };
  } else if (kind === 'process' || kind === 'decline' || kind === 'cancel') action = { kind };
  else throw new ApiError('InvalidParameterValue', 'Unknown buyer action.');
  await actAsBuyer(p.ctx, id!, action);
  done(p, `/console/objects/checkoutSession/${encodeURIComponent(id!)}`);
}

// ---------------------------------------------------------------- request log

function requestRow(e: {
  seq: number;
  at: number;
  operation: string;
  method: string;
  path: string;
  status: number;
  reasonCode: string | null;
  latencyMs: number;
  merchantId: string;
}): SafeHtml {
  return html`<tr data-seq="${e.seq}" class="${e.status >= 400 ? 'failed' : ''}"><td>${when(e.at)}</td><td><a href="/console/requests/${e.seq}">${e.operation}</a></td><td class="mono">${e.method} ${e.path}</td><td>${e.status}</td><td>${e.reasonCode ?? ''}</td><td>${e.latencyMs} ms</td><td>${e.merchantId}</td></tr>`;
}

function requestTable(v: ViewContext, entries: readonly Parameters<typeof requestRow>[0][], tail: string): SafeHtml {
  return table(
    [
      tr(v, 'time'),
      tr(v, 'operation'),
      tr(v, 'request'),
      tr(v, 'status'),
      tr(v, 'reasonCode'),
      tr(v, 'latency'),
      tr(v, 'merchant'),
    ],
    entries.map(requestRow),
    { id: 'request-log', tail },
  );
}

function logFilter(url: URL) {
  const merchant = url.searchParams.get('merchant')?.trim() || undefined;
  const failedOnly = url.searchParams.get('failed') === '1';
  return { merchantId: merchant, failedOnly };
}

async function requestsPage(p: Page): Promise<void> {
  const { v, url } = p;
  const filter = logFilter(url);
  const entries = await requestLogEntries(p.ctx, { ...filter, limit: 200 });
  const tail = new URL('/console/requests.json', 'http://console');
  if (filter.merchantId) tail.searchParams.set('merchant', filter.merchantId);
  if (filter.failedOnly) tail.searchParams.set('failed', '1');
  show(
    p,
    tr(v, 'navRequests'),
    html`<form method="get" action="/console/requests" class="search">
<label>${tr(v, 'merchantId')} <input name="merchant" value="${filter.merchantId ?? ''}"></label>
<label><input type="checkbox" name="failed" value="1"${filter.failedOnly ? html` checked` : ''}> ${tr(v, 'onlyFailed')}</label>
<button type="submit">${tr(v, 'search')}</button>
<span class="live-badge" hidden>● ${tr(v, 'live')}</span>
</form>
${requestTable(v, entries, `${tail.pathname}${tail.search}`)}`,
  );
}

async function requestsJson(p: Page): Promise<void> {
  const after = Number(p.url.searchParams.get('after') ?? '0');
  const entries = await requestLogEntries(p.ctx, {
    ...logFilter(p.url),
    afterSeq: Number.isSafeInteger(after) ? after : 0,
    limit: 100,
  });
  sendJson(p.res, 200, {
    entries: entries.map((e) => ({
      seq: e.seq,
      at: when(e.at),
      operation: e.operation,
      method: e.method,
      path: e.path,
      status: e.status,
      reasonCode: e.reasonCode,
      latencyMs: e.latencyMs,
      merchantId: e.merchantId,
    })),
  });
}

async function requestPage(p: Page, [seq]: readonly string[]): Promise<void> {
  const { v } = p;
  const e = await requestLogEntry(p.ctx, Number(seq));
  if (!e) throw new ApiError('ResourceNotFound', `Request ${seq} is not in the log (it may have aged out).`);
  const headers = Object.entries(e.detail.requestHeaders)
    .map(([k, val]) => `${k}: ${val}`)
    .join('\n');
  const sig = e.detail.signature;
  const debuggerView = sig
    ? html`<section id="signature-debugger"><h2>${tr(v, 'signatureDebugger')}</h2>
<p>${tr(v, 'sigIntro')}</p>
${
  sig.matchedVariant
    ? html`${notice(html`${tr(v, 'sigMatched')} <strong id="sig-match">${sig.matchedVariant.description}</strong>`, 'error')}
<h3>${tr(v, 'sigFirstDifference')}</h3>
${diffView(sig.canonicalRequest, sig.matchedVariant.canonicalRequest, { ours: tr(v, 'rejiCanonical'), theirs: tr(v, 'clientCanonical') })}`
    : html`<h3>${tr(v, 'rejiCanonical')}</h3>${pre(sig.canonicalRequest, { id: 'canonical-ours' })}
<h3>${tr(v, 'hints')}</h3><ul id="sig-hints">${sig.hints.map((h) => html`<li>${h}</li>`)}</ul>`
}
<h3>${tr(v, 'stringToSign')}</h3>${pre(sig.stringToSign)}
<p>${tr(v, 'clientSignedHeaders')}: <span class="mono" id="client-signed-headers">${sig.signedHeaders.join(';')}</span></p>
<p>${tr(v, 'signatureFingerprint')}: <span class="mono">${sig.algorithm} ${sig.publicKeyId} sha256:${sig.signatureFingerprint}</span></p>
</section>`
    : '';
  show(
    p,
    `${e.operation} ${e.status}`,
    html`<p>${when(e.at)} · ${e.latencyMs} ms · ${e.environment ?? ''} · <a href="/console/merchants/${e.merchantId}">${e.merchantId}</a> · request id <span class="mono">${e.requestId}</span></p>
${e.reasonCode ? notice(e.reasonCode, 'error') : ''}
${e.objectIds.length > 0 ? html`<p>${e.objectIds.map((id) => html`<a class="object-link" href="/console/objects?q=${encodeURIComponent(id)}">${id}</a> `)}</p>` : ''}
${debuggerView}
<section><h2>${tr(v, 'request')}</h2>
${pre(`${e.method} ${e.path}${e.detail.query ? `?${e.detail.query}` : ''}`)}
${
  e.detail.summary
    ? html`<p id="read-summary">${tr(v, 'readSummary')}</p></section>`
    : html`<h3>${tr(v, 'headers')}</h3>${pre(headers, { id: 'request-headers' })}
<h3>${tr(v, 'body')}</h3>${e.detail.requestBody === null ? html`<p>${tr(v, 'notKept')}</p>` : pre(prettyJson(e.detail.requestBody))}
</section>
<section><h2>${tr(v, 'response')}</h2>
${e.detail.responseBody === null ? html`<p>${tr(v, 'notKept')}</p>` : pre(prettyJson(e.detail.responseBody), { id: 'response-body' })}
</section>`
}`,
  );
}

function prettyJson(text: string): string {
  if (text === '') return '';
  try {
    return JSON.stringify(JSON.parse(text), null, 2);
  } catch {
    return text;
  }
}

// ---------------------------------------------------------------- downloads

/** A file download: never rendered inline by the console's origin. */
function sendDownload(p: Page, fileName: string, contentType: string, content: Uint8Array | string): void {
  const body = typeof content === 'string' ? Buffer.from(content, 'utf8') : Buffer.from(content);
  p.res.writeHead(200, {
    'content-type': contentType,
    'content-length': body.byteLength,
    'content-disposition': `attachment; filename="${fileName.replace(/[^A-Za-z0-9._-]/g, '_')}"`,
    'x-content-type-options': 'nosniff',
    'cache-control': 'no-store',
    'content-security-policy': "default-src 'none'; sandbox",
  });
  p.res.end(p.req.method === 'HEAD' ? undefined : body);
}

async function evidenceFileDownload(p: Page, [fileId]: readonly string[]): Promise<void> {
  const { file, content } = await evidenceFileContent(p.ctx, fileId!);
  sendDownload(p, `${file.fileId}.${file.type}`, FILE_CONTENT_TYPES[file.type], content);
}

async function reportDownload(p: Page, [reportId]: readonly string[]): Promise<void> {
  const { fileName, content } = await reportFile(p.ctx, reportId!);
  sendDownload(p, fileName, 'text/csv; charset=utf-8', content);
}

// ---------------------------------------------------------------- partners (issue 13)

async function partnersPage(p: Page): Promise<void> {
  const { v } = p;
  const partners = await consolePartners(p.ctx);
  const rows = partners.map(
    (m) =>
      html`<tr><td><a href="/console/partners/${m.merchantId}">${m.merchantId}</a></td><td>${m.name}</td><td>${m.region}</td><td>${when(m.createdAt)}</td></tr>`,
  );
  show(
    p,
    tr(v, 'partners'),
    html`${doneNotice(p)}<p class="hint">${tr(v, 'partnerHint')}</p>
${partners.length === 0 ? html`<p>${tr(v, 'noPartners')}</p>` : table([tr(v, 'partnerId'), tr(v, 'name'), tr(v, 'region'), tr(v, 'createdAt')], rows, { id: 'partners' })}
<details><summary>${tr(v, 'createPartner')}</summary>
${form(
  v,
  '/console/partners',
  html`<label>${tr(v, 'region')} <select name="region">${REGIONS.map((r) => option(r, r, r === 'jp'))}</select></label>
<label>${tr(v, 'name')} <input name="name" maxlength="100"></label>
<button type="submit" id="create-partner">${tr(v, 'create')}</button>`,
  { id: 'create-partner-form' },
)}
</details>`,
  );
}

async function createPartnerPost(p: Page): Promise<void> {
  const f = await p.form();
  const region = field(f, 'region');
  if (!isRegion(region)) throw new ApiError('InvalidParameterValue', `Region must be one of ${REGIONS.join(', ')}.`);
  const name = field(f, 'name');
  const partner = await createPartner(p.ctx, { region, ...(name ? { name } : {}) });
  done(p, `/console/partners/${partner.merchantId}`);
}

async function partnerPage(p: Page, [partnerId]: readonly string[]): Promise<void> {
  const { v } = p;
  const d = await partnerDetail(p.ctx, partnerId!);
  const base = `/console/partners/${d.partner.merchantId}`;
  const merchants = (await consoleMerchants(p.ctx)).filter((m) => m.kind !== 'partner');
  const keyRows = d.keys.map(
    (k) =>
      html`<tr><td class="mono">${k.publicKeyId}</td><td>${k.environment ?? tr(v, 'legacy')}</td><td>${when(k.createdAt)}</td></tr>`,
  );
  const accountRows = d.accounts.map(
    (a) =>
      html`<tr><td><a href="/console/merchants/${a.merchantAccountId}">${a.merchantAccountId}</a></td><td>${a.uniqueReferenceId}</td><td>${a.environment}</td><td>${a.type}</td><td>${a.state}</td><td>${a.claimedAt === null ? '' : when(a.claimedAt)}</td></tr>`,
  );
  const delegationRows = d.delegations.map(
    (g) =>
      html`<tr data-token="${g.mwsAuthToken}"><td class="mono">${g.mwsAuthToken}</td><td><a href="/console/merchants/${g.merchantId}">${g.merchantId}</a></td><td>${when(g.createdAt)}</td><td>${
        g.revokedAt === null
          ? html`${tr(v, 'active')} ${form(
              v,
              `/console/delegations/${encodeURIComponent(g.mwsAuthToken)}/revoke`,
              html`<input type="hidden" name="next" value="${base}"><button type="submit" class="small danger">${tr(v, 'revoke')}</button>`,
              { cls: 'inline' },
            )}`
          : html`${tr(v, 'revokedAt')} ${when(g.revokedAt)}`
      }</td></tr>`,
  );
  show(
    p,
    `${tr(v, 'partner')} ${d.partner.name}`,
    html`${doneNotice(p)}
<p>${tr(v, 'partnerId')}: <span class="mono" id="partner-id">${d.partner.merchantId}</span> · ${tr(v, 'region')}: ${d.partner.region}</p>
<section id="keys"><h2>${tr(v, 'keys')}</h2>
${table([tr(v, 'keyId'), tr(v, 'environment'), tr(v, 'createdAt')], keyRows)}
${form(
  v,
  `${base}/keys`,
  html`<label>${tr(v, 'environment')} <select name="env">${option('sandbox', 'Sandbox', true)}${option('live', 'Live', false)}</select></label>
<button type="submit" id="create-key">${tr(v, 'createKey')}</button>`,
)}
</section>
<section id="delegations"><h2>${tr(v, 'delegations')}</h2>
${d.delegations.length === 0 ? html`<p>${tr(v, 'noDelegations')}</p>` : table([tr(v, 'mwsAuthToken'), tr(v, 'merchant'), tr(v, 'createdAt'), tr(v, 'status')], delegationRows)}
${form(
  v,
  `${base}/delegations`,
  html`<label>${tr(v, 'grantDelegation')} <select name="merchantId">${merchants.map((m, i) => option(m.merchantId, `${m.merchantId} ${m.name}`, i === 0))}</select></label>
<button type="submit" id="grant-delegation">${tr(v, 'grant')}</button>`,
  { id: 'grant-form' },
)}
</section>
<section id="accounts"><h2>${tr(v, 'merchantAccounts')}</h2>
${d.accounts.length === 0 ? html`<p>${tr(v, 'noAccounts')}</p>` : table([tr(v, 'merchantId'), tr(v, 'uniqueReferenceId'), tr(v, 'environment'), tr(v, 'accountType'), tr(v, 'state'), tr(v, 'claimed')], accountRows)}
</section>`,
  );
}

async function partnerKeysPost(p: Page, [partnerId]: readonly string[]): Promise<void> {
  const f = await p.form();
  const key = await createPartnerKeyPair(p.ctx, partnerId!, environmentOf(field(f, 'env') || 'sandbox'));
  showPrivateKeyOnce(p, key, `/console/partners/${partnerId}`);
}

async function grantPost(p: Page, [partnerId]: readonly string[]): Promise<void> {
  const f = await p.form();
  await grantDelegation(p.ctx, { merchantId: field(f, 'merchantId'), partnerId: partnerId! });
  done(p, `/console/partners/${partnerId}`);
}

async function revokePost(p: Page, [token]: readonly string[]): Promise<void> {
  const f = await p.form();
  const d = await revokeDelegation(p.ctx, token!);
  done(p, backTo(f.get('next'), `/console/partners/${d.partnerId}`));
}

// ---------------------------------------------------------------- sign-in

async function loginPage(p: Page, problem?: string): Promise<void> {
  const { v } = p;
  show(
    p,
    tr(v, 'login'),
    html`${problem ? notice(problem, 'error') : ''}
${form(
  v,
  '/console/login',
  html`<input type="hidden" name="next" value="${backTo(p.url.searchParams.get('next') ?? p.url.pathname, '/')}">
<label>${tr(v, 'password')} <input type="password" name="password" autocomplete="current-password" required></label>
<button type="submit" id="sign-in">${tr(v, 'signIn')}</button>`,
)}`,
    problem ? 401 : 200,
  );
}

// ---------------------------------------------------------------- routing

const ROUTES: readonly { method: string; path: RegExp; handler: Handler }[] = [
  { method: 'GET', path: /^\/$/, handler: home },
  { method: 'POST', path: /^\/console\/merchants$/, handler: createMerchantPost },
  { method: 'GET', path: /^\/console\/merchants\/([^/]+)$/, handler: merchantPage },
  { method: 'POST', path: /^\/console\/merchants\/([^/]+)\/keys$/, handler: keysPost },
  { method: 'POST', path: /^\/console\/merchants\/([^/]+)\/ipn$/, handler: ipnPost },
  { method: 'POST', path: /^\/console\/merchants\/([^/]+)\/clock$/, handler: clockPost },
  { method: 'POST', path: /^\/console\/merchants\/([^/]+)\/reset$/, handler: resetPost },
  { method: 'POST', path: /^\/console\/stores\/([^/]+)\/origins$/, handler: originsPost },
  { method: 'POST', path: /^\/console\/notifications\/([^/]+)\/replay$/, handler: replayPost },
  { method: 'GET', path: /^\/console\/objects$/, handler: objectsPage },
  { method: 'GET', path: /^\/console\/objects\/([^/]+)\/([^/]+)$/, handler: objectPage },
  { method: 'POST', path: /^\/console\/objects\/checkoutSession\/([^/]+)\/buyer$/, handler: buyerPost },
  { method: 'GET', path: /^\/console\/requests$/, handler: requestsPage },
  { method: 'GET', path: /^\/console\/requests\.json$/, handler: requestsJson },
  { method: 'GET', path: /^\/console\/requests\/(\d+)$/, handler: requestPage },
  { method: 'GET', path: /^\/console\/files\/([^/]+)$/, handler: evidenceFileDownload },
  { method: 'GET', path: /^\/console\/reports\/([^/]+)\/document$/, handler: reportDownload },
  { method: 'GET', path: /^\/console\/partners$/, handler: partnersPage },
  { method: 'POST', path: /^\/console\/partners$/, handler: createPartnerPost },
  { method: 'GET', path: /^\/console\/partners\/([^/]+)$/, handler: partnerPage },
  { method: 'POST', path: /^\/console\/partners\/([^/]+)\/keys$/, handler: partnerKeysPost },
  { method: 'POST', path: /^\/console\/partners\/([^/]+)\/delegations$/, handler: grantPost },
  { method: 'POST', path: /^\/console\/delegations\/([^/]+)\/revoke$/, handler: revokePost },
];

function isConsolePath(path: string): boolean {
  return path === '/' || path === '/console' || path.startsWith('/console/');
}

export function consolePages(ctx: AppContext, options: ConsoleOptions): PageHandler {
  const css = asset(readAsset('console.css'), 'text/css; charset=utf-8');
  const js = asset(readAsset('console.js'), 'text/javascript; charset=utf-8');
  const assets = {
    css: `/console/assets/console.css?v=${css.etag.slice(1, 11)}`,
    js: `/console/assets/console.js?v=${js.etag.slice(1, 11)}`,
  };
  return {
    async handle(req, res, context) {
      if (!options.enabled) return false;
      const url = new URL(req.url ?? '/', 'http://console');
      const path = url.pathname;
      if (!isConsolePath(path)) return false;
      const method = req.method === 'HEAD' ? 'GET' : (req.method ?? 'GET');
      if (method === 'GET' && path === '/console/assets/console.css') {
        sendAsset(req, res, css);
        return true;
      }
      if (method === 'GET' && path === '/console/assets/console.js') {
        sendAsset(req, res, js);
        return true;
      }
      if (path === '/console') {
        redirect(res, '/');
        return true;
      }

      const secure = isSecure(req, ctx.publicUrl);
      const { lang, setCookie: langCookie } = languageOf(req, url);
      const csrf = csrfTokenOf(req, secure);
      const cookies = [langCookie, csrf.setCookie].filter((c): c is string => c !== undefined);
      let formCache: Promise<URLSearchParams> | undefined;
      const access = accessOf(req, options, ctx.clock.now());
      const p: Page = {
        ctx,
        req,
        res,
        url,
        cookies,
        signedIn: access === 'signed-in',
        v: { lang, csrf: csrf.token, here: `${path}${url.search}`, assets },
        form: () => {
          formCache ??= context.body().then(parseForm);
          return formCache;
        },
      };
      try {
        if (access === 'locked') {
          if (path === '/console/requests.json')
            sendJson(res, 403, { reasonCode: 'Forbidden', message: 'The console is locked.' });
          else show(p, tr(p.v, 'title'), notice(tr(p.v, 'locked'), 'error'), 403);
          return true;
        }
        if (method === 'POST') {
          // Every form: same origin, and the double-submit CSRF token.
          const f = await p.form();
          for (const [k, val] of f) {
            if (!isStorableText(k) || !isStorableText(val))
              throw new ApiError('InvalidParameterValue', 'The form holds a NUL character or invalid Unicode.');
          }
          if (!isSameOriginPost(req, ownOrigin(req, secure), ctx.publicUrl) || !csrfValid(req, f.get('_csrf'))) {
            show(p, tr(p.v, 'title'), notice(tr(p.v, 'forbidden'), 'error'), 403);
            return true;
          }
          if (path === '/console/login') {
            if (options.password === undefined) {
              redirect(res, '/');
              return true;
            }
            if (!passwordMatches(options, f.get('password') ?? '')) {
              await loginPage(p, tr(p.v, 'wrongPassword'));
              return true;
            }
            cookies.push(newSessionCookie(options.password, ctx.clock.now(), secure));
            redirect(res, backTo(f.get('next'), '/'), cookies);
            return true;
          }
          if (path === '/console/logout') {
            cookies.push(`${LOGIN_COOKIE}=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0`);
            redirect(res, '/', cookies);
            return true;
          }
        }
        if (access === 'needs-login') {
          if (path === '/console/requests.json')
            sendJson(res, 401, { reasonCode: 'Unauthorized', message: 'Sign in first.' });
          else await loginPage(p);
          return true;
        }
        for (const route of ROUTES) {
          if (route.method !== method) continue;
          const m = route.path.exec(path);
          if (!m) continue;
          const params = m.slice(1).map((s) => {
            try {
              return decodeURIComponent(s);
            } catch {
              return s;
            }
          });
          await route.handler(p, params);
          return true;
        }
        show(p, tr(p.v, 'notFound'), notice(tr(p.v, 'notFound'), 'error'), 404);
        return true;
      } catch (error) {
        if (!(error instanceof ApiError)) throw error;
        if (res.headersSent) return true;
        show(
          p,
          tr(p.v, 'failed'),
          html`${notice(html`<strong>${error.reasonCode}</strong> ${error.message}`, 'error')}<p><a href="/">${tr(p.v, 'back')}</a></p>`,
          error.status,
        );
        return true;
      }
    },
  };
}

import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { API_ROUTES } from '../../src/http/routes.js';
import { BODY_LIMIT_BYTES } from '../../src/http/server.js';
import { CHAOS_SEED, chaosSize } from '../support/chaos.js';
import { createTestDatabase, dialectCases } from '../support/dialects.js';
import { buttonFields, csrfOf, PageClient } from '../support/page-client.js';
import { seedMerchant, spawnReji, type RejiProcess } from '../support/processes.js';
import { rawRequest, signedHeaders, type RawResponse } from '../support/raw.js';
import type { TestMerchant } from '../support/reji.js';
import { runWriteLoad } from '../support/write-load.js';

/**
 * Issue 17, reliability: fast-check generates signed API requests with hostile bodies, ids, headers and query
 * strings, and hosted-page form posts with valid and invalid CSRF tokens, against a real `reji serve` on each
 * database. No answer may be 500 or above, the process must live on without logging an error, and its memory
 * must stay bounded. `npm run test:chaos` runs thousands of each; a failure prints the shrunk request and the
 * seed (REJI_CHAOS_SEED replays it).
 */

const API_RUNS = chaosSize(300, 6000);
const PAGE_RUNS = chaosSize(150, 3000);
/** Growth of the server's resident set from after the warm-up to the end: generous, it catches leaks per request. */
const RSS_BOUND = 128 * 1024 * 1024;

// ---- hostile values ----

const HOSTILE_TEXT = [
  '',
  ' ',
  '\u0000',
  'A\u0000',
  '\ud800',
  'x\udfffy',
  '\r\nSet-Cookie: a=b',
  '\u202eevil',
  '\u200b',
  '𝓊𝓃𝒾𝒸ℴ𝒹ℯ 🎉 レジ',
  '<script>alert(1)</script>',
  "' or 1=1 --",
  '../../etc/passwd',
  '%00',
  // biome-ignore lint/suspicious/noTemplateCurlyInString: a log-injection probe, meant literally.
  '${jndi:ldap://x}',
  '__proto__',
  'constructor',
  'A'.repeat(300),
  'あ'.repeat(5000),
  'B'.repeat(70_000),
];
const BAD_AMOUNTS = [
  '1e3',
  '-1',
  '0',
  '0.5',
  '１０００',
  '99999999999999999999999',
  '1,000',
  ' 100',
  '100 ',
  '0x10',
  'NaN',
];

const hostileText = fc.oneof(
  fc.constantFrom(...HOSTILE_TEXT),
  fc.string({ unit: 'binary', maxLength: 30 }),
  fc.string({ maxLength: 30 }),
);
const hostileScalar = fc.oneof(
  hostileText,
  fc.constantFrom(...BAD_AMOUNTS),
  fc.integer(),
  fc.double(),
  fc.constantFrom(true, false, null, 1e308, -0, Number.MAX_SAFE_INTEGER + 2),
);
const hostileValue: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 4, arbitrary: hostileScalar },
  { weight: 1, arbitrary: fc.array(hostileScalar, { maxLength: 4 }) },
  { weight: 1, arbitrary: fc.dictionary(hostileText, hostileScalar, { maxKeys: 4 }) },
  { weight: 1, arbitrary: fc.record({ amount: fc.constantFrom(...BAD_AMOUNTS, '100'), currencyCode: hostileText }) },
  {
    weight: 1,
    arbitrary: fc.integer({ min: 10, max: 1000 }).map((depth) => {
      let v: unknown = 1;
      for (let i = 0; i < depth; i++) v = { a: v };
      return v;
    }),
  },
);

/** Raw bodies JSON.stringify cannot make. */
const RAW_BODIES = [
  '',
  '{',
  '{"a":',
  'null',
  '[]',
  '"x"',
  '1',
  '{"a":1}garbage',
  '{"__proto__":{"polluted":1}}',
  '{"constructor":{"prototype":{"polluted":1}}}',
  '{"a":1,"a":2}',
  '\u0000',
  '\ufeff{}',
  `${'['.repeat(20_000)}${']'.repeat(20_000)}`,
  `${'{"a":'.repeat(10_000)}1${'}'.repeat(10_000)}`,
  `{"x":"${'z'.repeat(80_000)}"}`,
];

// ---- API requests ----

const amount = (n: string) => ({ amount: n, currencyCode: 'JPY' });
const address = {
  name: '山田太郎',
  addressLine1: '1-2-3',
  city: '目黒区',
  stateOrRegion: '東京都',
  postalCode: '153-0064',
  countryCode: 'JP',
  phoneNumber: '0312345678',
};
const metadata = { merchantReferenceId: 'o-1', merchantStoreName: 'shop', noteToBuyer: 'n', customInformation: 'c' };

/** A valid-looking body per operation, which the generator then damages. */
function template(route: string, storeId: string, ids: Ids): Record<string, unknown> {
  switch (route) {
    case 'POST /v2/checkoutSessions':
      return {
        webCheckoutDetails: { checkoutReviewReturnUrl: 'https://shop.example/r', checkoutMode: 'ProcessOrder' },
        storeId,
        scopes: ['name', 'email', 'phoneNumber'],
        chargePermissionType: 'OneTime',
        paymentDetails: { paymentIntent: 'Authorize', chargeAmount: amount('100') },
        merchantMetadata: metadata,
        addressDetails: address,
        deliverySpecifications: { specialRestrictions: ['RestrictPOBoxes'], addressRestrictions: { type: 'Allowed' } },
      };
    case 'PATCH /v2/checkoutSessions/:checkoutSessionId':
      return {
        webCheckoutDetails: { checkoutResultReturnUrl: 'https://shop.example/done' },
        paymentDetails: {
          paymentIntent: 'Authorize',
          canHandlePendingAuthorization: false,
          chargeAmount: amount('100'),
          totalOrderAmount: amount('100'),
          softDescriptor: 'soft',
        },
        merchantMetadata: metadata,
      };
    case 'POST /v2/checkoutSessions/:checkoutSessionId/complete':
    case 'POST /v2/checkoutSessions/:checkoutSessionId/finalize':
      return { chargeAmount: amount('100'), totalOrderAmount: amount('100'), paymentIntent: 'Authorize' };
    case 'PATCH /v2/chargePermissions/:chargePermissionId':
      return { merchantMetadata: metadata };
    case 'DELETE /v2/chargePermissions/:chargePermissionId/close':
      return { closureReason: 'done', cancelPendingCharges: false };
    case 'POST /v2/charges':
      return {
        chargePermissionId: ids.chargePermissionId,
        chargeAmount: amount('10'),
        captureNow: false,
        softDescriptor: 'soft',
        canHandlePendingAuthorization: false,
        merchantMetadata: metadata,
      };
    case 'POST /v2/charges/:chargeId/capture':
      return { captureAmount: amount('10'), softDescriptor: 'soft' };
    case 'DELETE /v2/charges/:chargeId/cancel':
      return { cancellationReason: 'no' };
    case 'POST /v2/refunds':
      return { chargeId: ids.chargeId, refundAmount: amount('10'), softDescriptor: 'soft' };
    case 'POST /v2/testing/checkoutSessions/:checkoutSessionId/buyerConsent':
      return { paymentMethodId: 'jp-taro-0701', addressId: 'jp-taro-home' };
    case 'POST /v2/testing/clock':
      return { advanceBySeconds: 60 };
    case 'POST /v2/testing/button':
      return {
        productType: 'PayAndShip',
        payloadJSON: JSON.stringify({
          webCheckoutDetails: { checkoutReviewReturnUrl: 'https://shop.example/r' },
          storeId,
        }),
      };
    case 'POST /v2/testing/signInRequests/:signInRequestId/consent':
      return { buyerEmail: 'taro.yamada@example.jp', decision: 'allow' };
    default:
      return {};
  }
}

interface Ids {
  checkoutSessionId: string;
  chargePermissionId: string;
  chargeId: string;
  refundId: string;
}

const HOSTILE_SEGMENTS = ['%00', '%ED%A0%80', '%FF', '..%2F..', '%2e%2e', 'a%20b', '%F0%9F%8E%89', 'x'.repeat(2000)];

/** One path segment from any string: percent-encoded as UTF-8 (lone surrogates become U+FFFD, as a client would). */
function segment(value: string): string {
  try {
    return encodeURIComponent(value);
  } catch {
    return [...Buffer.from(value, 'utf8')].map((b) => `%${b.toString(16).padStart(2, '0')}`).join('');
  }
}

type Edit = { at: number; kind: 'replace' | 'delete' | 'add'; key: string; value: unknown };

/** Applies the edits to a copy of `body`, each at one of its (nested) fields picked by `at`. */
function damage(body: Record<string, unknown>, edits: readonly Edit[]): unknown {
  const copy = structuredClone(body);
  for (const edit of edits) {
    const holders: Record<string, unknown>[] = [];
    const walk = (o: unknown) => {
      if (o && typeof o === 'object' && !Array.isArray(o)) {
        holders.push(o as Record<string, unknown>);
        for (const v of Object.values(o)) walk(v);
      }
    };
    walk(copy);
    const holder = holders[edit.at % holders.length]!;
    const keys = Object.keys(holder);
    const key = keys.length > 0 && edit.kind !== 'add' ? keys[edit.at % keys.length]! : edit.key;
    if (edit.kind === 'delete') delete holder[key];
    else holder[key] = edit.value;
  }
  return copy;
}

/** Fresh idempotency keys, unique within a run (a counter rather than randomness, so a seed replays a run). */
let freshKeys = 0;

interface ApiCase {
  route: string;
  method: string;
  path: string;
  query: [string, string][];
  body: string | undefined;
  headers: Record<string, string>;
  signing: 'signed' | 'tampered' | 'unsigned';
}

function apiCase(storeId: string, ids: Ids): fc.Arbitrary<ApiCase> {
  const headerText = fc.oneof(
    fc.constantFrom('', 'x'.repeat(100), 'é', '../..', ' key '),
    fc.string({ unit: 'binary-ascii', maxLength: 40 }).map((s) => s.replace(/[^\x20-\x7e]/g, '')),
  );
  return fc
    .record({
      route: fc.constantFrom(...API_ROUTES),
      params: fc.array(
        fc.oneof(
          { weight: 3, arbitrary: fc.constant<string | undefined>(undefined) },
          { weight: 2, arbitrary: hostileText.map(segment) },
          { weight: 1, arbitrary: fc.constantFrom(...HOSTILE_SEGMENTS) },
        ),
        { minLength: 2, maxLength: 2 },
      ),
      body: fc.oneof(
        {
          weight: 5,
          arbitrary: fc.array(
            fc.record({
              at: fc.nat(),
              kind: fc.constantFrom('replace', 'delete', 'add' as const),
              key: hostileText,
              value: hostileValue,
            }),
            { minLength: 1, maxLength: 3 },
          ),
        },
        { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 4 }).map((v) => ({ json: v })) },
        { weight: 1, arbitrary: fc.constantFrom(...RAW_BODIES).map((raw) => ({ raw })) },
      ),
      idempotencyKey: fc.oneof(fc.constant('fresh'), headerText),
      simulation: fc.option(fc.oneof(fc.constantFrom('HardDeclined', 'Nonsense', '{"x":1}'), headerText)),
      query: fc.array(fc.tuple(hostileText, hostileText), { maxLength: 2 }),
      signing: fc.constantFrom('signed', 'signed', 'signed', 'signed', 'tampered', 'unsigned' as const),
      contentType: fc.constantFrom(
        'application/json',
        'application/json',
        'text/plain',
        'application/x-www-form-urlencoded',
      ),
    })
    .map((g) => {
      let n = 0;
      const idFor: Record<string, string> = { ...ids, buyerToken: 'BUYERTOKEN', signInRequestId: 'SIGNIN' };
      const path = g.route.path.replace(/:([a-zA-Z]+)/g, (_, name: string) => {
        const generated = g.params[n++];
        return generated ?? idFor[name] ?? 'x';
      });
      const name = `${g.route.method} ${g.route.path}`;
      let body: string | undefined;
      if (Array.isArray(g.body)) body = JSON.stringify(damage(template(name, storeId, ids), g.body));
      else if ('json' in g.body) body = JSON.stringify(g.body.json);
      else body = g.body.raw;
      const headers: Record<string, string> = { 'content-type': g.contentType };
      headers['x-amz-pay-idempotency-key'] =
        g.idempotencyKey === 'fresh' ? `f${CHAOS_SEED.toString(36)}x${(freshKeys++).toString(36)}` : g.idempotencyKey;
      if (g.simulation !== null) headers['x-amz-pay-simulation-code'] = g.simulation;
      return {
        route: name,
        method: g.route.method,
        path,
        query: g.query,
        body: g.route.method === 'GET' ? undefined : body,
        headers,
        signing: g.signing,
      };
    });
}

async function sendApi(baseUrl: string, merchant: TestMerchant, c: ApiCase): Promise<RawResponse> {
  const key = { publicKeyId: merchant.sandboxKey.publicKeyId, privateKeyPem: merchant.sandboxKey.privateKeyPem };
  const req = {
    method: c.method,
    path: c.path,
    query: c.query,
    headers: c.headers,
    ...(c.body !== undefined ? { body: c.body } : {}),
  };
  let headers: Record<string, string>;
  try {
    headers =
      c.signing === 'unsigned'
        ? { ...c.headers, 'x-amz-pay-date': '20260101T000000Z' }
        : signedHeaders(baseUrl, key, req);
  } catch {
    // A query the signer cannot encode (a lone surrogate): send it unsigned instead.
    headers = { ...c.headers };
  }
  if (c.signing === 'tampered' && headers['authorization'])
    headers['authorization'] = headers['authorization'].replace(/Signature=./, 'Signature=A');
  const qs = c.query.map(([k, v]) => `${segment(k)}=${segment(v)}`).join('&');
  return send(baseUrl, {
    method: c.method,
    path: qs ? `${c.path}?${qs}` : c.path,
    headers,
    ...(c.body !== undefined ? { body: c.body } : {}),
  });
}

/** Node's limit on a request's line and headers: past it the server answers 431 and closes the connection. */
const HEAD_LIMIT = 16 * 1024;

/**
 * rawRequest, except that a connection closed on a request over a limit counts as the refusal it is: a head over
 * Node's 16 KiB (431), a body over reji's 64 KiB (400). The server answers and closes without reading the rest,
 * so a client still writing may see a reset instead of the answer (docs/decisions.md).
 */
async function send(
  baseUrl: string,
  req: { method: string; path: string; headers: Record<string, string>; body?: string },
): Promise<RawResponse> {
  try {
    return await rawRequest(baseUrl, req);
  } catch (error) {
    const head = req.path.length + Object.entries(req.headers).reduce((n, [k, v]) => n + k.length + v.length + 4, 0);
    const code = (error as { code?: string }).code;
    const reset = code === 'ECONNRESET' || code === 'EPIPE';
    if (reset && head > HEAD_LIMIT)
      return { status: 431, headers: {}, text: 'connection closed: request head over 16 KiB', json: undefined };
    if (reset && Buffer.byteLength(req.body ?? '') > BODY_LIMIT_BYTES)
      return { status: 400, headers: {}, text: 'connection closed: body over 64 KiB', json: undefined };
    throw new Error(`${req.method} ${req.path.slice(0, 200)} (${head} bytes of head): ${(error as Error).message}`);
  }
}

/** Amazon's error shape: a JSON object with reasonCode and message strings. */
function isAmazonError(res: RawResponse): boolean {
  return typeof res.json?.reasonCode === 'string' && typeof res.json?.message === 'string';
}

// ---- hosted-page form posts ----

const PAGE_POSTS = [
  '/checkout/signin',
  '/checkout/register',
  '/checkout/select',
  '/checkout/processing',
  '/checkout/give-up',
  '/checkout/cancel',
  '/checkout/consent',
  '/checkout/wallet/address',
  '/checkout/wallet/card',
  '/checkout/wallet/delete',
  '/checkout/start',
  '/checkout/verify-payload',
];
const PAGE_GETS = [
  '/checkout/signin',
  '/checkout/select',
  '/checkout/processing',
  '/checkout/claim',
  '/checkout/wallet',
];
const FORM_FIELDS = [
  'amazonCheckoutSessionId',
  'next',
  'signInRequestId',
  'phoneNumber',
  'paymentMethodId',
  'password',
  'name',
  'mode',
  'holderName',
  'expiry',
  'email',
  'addressId',
  'stateOrRegion',
  'stage',
  'region',
  'postalCode',
  'number',
  'lang',
  'kind',
  'id',
  'decision',
  'countryCode',
  'city',
  'addressLine1',
  'merchantId',
  'payloadJSON',
  'signature',
  'publicKeyId',
  'startedFrom',
];

interface PageCase {
  method: 'GET' | 'POST';
  path: string;
  body: string;
  csrf: 'valid' | 'wrong' | 'missing';
  origin: 'own' | 'foreign' | 'none';
  cookie: boolean;
}

function pageCase(): fc.Arbitrary<PageCase> {
  const piece = fc.oneof(hostileText.map(segment), fc.constantFrom('%00', '%ED%A0%80', '%FF', '%', '%zz', '&', '='));
  return fc
    .record({
      get: fc.boolean(),
      post: fc.constantFrom(...PAGE_POSTS),
      page: fc.constantFrom(...PAGE_GETS),
      fields: fc.array(fc.tuple(fc.oneof(fc.constantFrom(...FORM_FIELDS), piece), piece), { maxLength: 8 }),
      csrf: fc.constantFrom('valid', 'valid', 'wrong', 'missing' as const),
      origin: fc.constantFrom('own', 'own', 'foreign', 'none' as const),
      cookie: fc.constantFrom(true, true, true, false),
    })
    .map((g) => {
      const body = g.fields.map(([k, v]) => `${k}=${v}`).join('&');
      return g.get
        ? { method: 'GET', path: `${g.page}?${body}`, body: '', csrf: g.csrf, origin: g.origin, cookie: g.cookie }
        : { method: 'POST', path: g.post, body, csrf: g.csrf, origin: g.origin, cookie: g.cookie };
    });
}

async function sendPage(
  browser: PageClient,
  csrf: string,
  checkoutSessionId: string,
  c: PageCase,
): Promise<RawResponse> {
  const headers: Record<string, string> = {};
  if (c.cookie && browser.cookies.size > 0)
    headers['cookie'] = [...browser.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  if (c.method === 'GET') return send(browser.base, { method: 'GET', path: c.path, headers });
  headers['content-type'] = 'application/x-www-form-urlencoded';
  if (c.origin === 'own') headers['origin'] = browser.base;
  if (c.origin === 'foreign') headers['origin'] = 'https://evil.example';
  const token = c.csrf === 'valid' ? `_csrf=${encodeURIComponent(csrf)}&` : c.csrf === 'wrong' ? '_csrf=AAAA&' : '';
  return send(browser.base, {
    method: 'POST',
    path: c.path,
    headers,
    body: `${token}amazonCheckoutSessionId=${checkoutSessionId}&${c.body}`,
  });
}

// ---- the suite ----

for (const { dialect, skip } of await dialectCases()) {
  describe(`fuzzing the API and the hosted pages (${dialect})`, {
    skip,
    timeout: chaosSize(180_000, 1_800_000),
  }, () => {
    test(`${API_RUNS} generated API requests and ${PAGE_RUNS} form posts: no 5xx, no crash, bounded memory`, async (t) => {
      const database = dialect === 'postgres' ? await createTestDatabase() : undefined;
      const dataDir = mkdtempSync(join(tmpdir(), 'reji-fuzz-'));
      let reji: RejiProcess | undefined;
      try {
        const merchant = await seedMerchant({ dataDir, databaseUrl: database?.url });
        reji = await spawnReji({
          name: 'fuzz',
          ...(database ? { databaseUrl: database.url } : { dataDir }),
          args: ['--https-port', '0'],
        });
        const server = reji;
        // Real ids to aim at: one whole checkout.
        let started = 0;
        const { flows } = await runWriteLoad({
          merchant,
          targets: () => [server.httpUrl],
          workers: 1,
          stop: () => started++ >= 1,
          tag: `z${CHAOS_SEED.toString(36)}`,
        });
        const flow = flows[0]!;
        const ids: Ids = {
          checkoutSessionId: flow.checkoutSessionId!,
          chargePermissionId: flow.chargePermissionId!,
          chargeId: flow.chargeId!,
          refundId: flow.refundId!,
        };
        // A browser signed in on the hosted pages, with its CSRF token.
        const browser = new PageClient(server.httpUrl);
        const payload = {
          webCheckoutDetails: { checkoutReviewReturnUrl: 'https://shop.example/review' },
          storeId: merchant.storeId,
        };
        const startPage = await browser.post('/checkout/start', buttonFields(merchant, payload), {
          origin: 'https://shop.example',
        });
        const signedIn = await browser.post('/checkout/signin', {
          _csrf: csrfOf(startPage.html),
          email: 'taro.yamada@example.jp',
          password: 'sandbox',
          next: new URL(startPage.url).searchParams.get('next')!,
        });
        const pageSessionId = new URL(signedIn.url).searchParams.get('amazonCheckoutSessionId') ?? '';
        const csrf = csrfOf(signedIn.html);

        t.diagnostic(`seed ${CHAOS_SEED} (REJI_CHAOS_SEED replays it)`);
        const bad = (res: RawResponse) => res.status >= 500 || !server.alive();
        const statuses = new Map<string, number>();
        const count = (kind: string, res: RawResponse) =>
          statuses.set(`${kind} ${res.status}`, (statuses.get(`${kind} ${res.status}`) ?? 0) + 1);
        const apiCheck = async (c: ApiCase) => {
          const res = await sendApi(server.httpUrl, merchant, c);
          count('api', res);
          const what = `${c.method} ${c.path.slice(0, 300)} ${c.signing} ${JSON.stringify(c.headers)} ${c.body?.slice(0, 500)}`;
          assert.ok(!bad(res), `${res.status} ${res.text.slice(0, 300)} for ${what}`);
          if (res.status >= 400 && res.headers['content-type']?.toString().startsWith('application/json'))
            assert.ok(isAmazonError(res), `not Amazon's error shape: ${res.text.slice(0, 300)} for ${what}`);
        };
        const pageCheck = async (c: PageCase) => {
          const res = await sendPage(browser, csrf, pageSessionId, c);
          count('page', res);
          assert.ok(
            !bad(res),
            `${res.status} ${res.text.slice(0, 300)} for ${c.method} ${c.path} ${c.body.slice(0, 500)}`,
          );
        };

        // Warm-up (JIT, caches, pools), then the resident set is measured around the main runs.
        const warmUp = Math.ceil(API_RUNS / 10);
        await fc.assert(fc.asyncProperty(apiCase(merchant.storeId, ids), apiCheck), {
          numRuns: warmUp,
          seed: CHAOS_SEED + 1,
        });
        const rssBefore = server.rssBytes();
        await fc.assert(fc.asyncProperty(apiCase(merchant.storeId, ids), apiCheck), {
          numRuns: API_RUNS,
          seed: CHAOS_SEED,
        });
        await fc.assert(fc.asyncProperty(pageCase(), pageCheck), { numRuns: PAGE_RUNS, seed: CHAOS_SEED });
        const rssAfter = server.rssBytes();
        const mb = (b: number) => `${(b / 1024 / 1024).toFixed(1)} MB`;
        t.diagnostic(
          `answers: ${[...statuses]
            .sort()
            .map(([k, n]) => `${k}×${n}`)
            .join(', ')}`,
        );
        t.diagnostic(`server RSS ${mb(rssBefore)} after warm-up, ${mb(rssAfter)} at the end`);

        assert.ok(server.alive(), 'the server is still running');
        assert.equal((await fetch(`${server.httpUrl}/readyz`)).status, 200);
        assert.ok(rssAfter - rssBefore < RSS_BOUND, `memory grew by ${mb(rssAfter - rssBefore)}`);
        const errors = server
          .output()
          .split('\n')
          .filter((l) => l.includes('"level":"error"'));
        assert.deepEqual(errors, [], 'no error logged');
      } finally {
        await reji?.stop();
        await database?.drop();
        rmSync(dataDir, { recursive: true, force: true });
      }
    });
  });
}

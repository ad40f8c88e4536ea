import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { readServeConfig } from '../../src/cli/config.js';
import type { ConsoleOptions } from '../../src/http/console/access.js';
import { defaultPages } from '../../src/http/pages.js';
import { startServers, type RunningServer } from '../../src/http/server.js';
import { HOUR } from '../../src/domain/time.js';
import { dialectCases } from '../support/dialects.js';
import { checkout } from '../support/flows.js';
import { idem, officialClient, settle } from '../support/official-sdk.js';
import { spawnReji } from '../support/processes.js';
import { rawRequest, signedHeaders } from '../support/raw.js';
import { startTestReji, type TestMerchant, type TestReji } from '../support/reji.js';

/** A browser-like GET: the HTML, the cookies it set and the CSRF token of its first form. */
async function getPage(
  url: string,
  cookie = '',
): Promise<{ status: number; html: string; cookie: string; csrf: string }> {
  const res = await fetch(url, { headers: cookie ? { cookie } : {}, redirect: 'manual' });
  const html = await res.text();
  const set = res.headers.getSetCookie().map((c) => c.split(';')[0]!);
  const jar = [...cookie.split('; ').filter((c) => c !== ''), ...set].join('; ');
  return { status: res.status, html, cookie: jar, csrf: /name="_csrf" value="([0-9a-f]+)"/.exec(html)?.[1] ?? '' };
}

function post(url: string, form: Record<string, string>, headers: Record<string, string> = {}) {
  return fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
    body: new URLSearchParams(form).toString(),
    redirect: 'manual',
  });
}

describe('console configuration', () => {
  test('open without login only on a loopback address; --no-console and a short password are refused or honoured', () => {
    const env = {};
    assert.equal(readServeConfig({}, env).console.loopbackOnly, true);
    assert.equal(readServeConfig({ host: '::1' }, env).console.loopbackOnly, true);
    assert.equal(readServeConfig({ host: '0.0.0.0' }, env).console.loopbackOnly, false);
    assert.equal(readServeConfig({ host: '192.168.1.5' }, env).console.loopbackOnly, false);
    assert.equal(readServeConfig({ 'trust-proxy': '127.0.0.1' }, env).console.loopbackOnly, false);
    assert.equal(readServeConfig({ 'no-console': true }, env).console.enabled, false);
    assert.equal(readServeConfig({}, { REJI_CONSOLE: 'false' }).console.enabled, false);
    assert.equal(readServeConfig({}, { REJI_CONSOLE_PASSWORD: 'correct horse' }).console.password, 'correct horse');
    assert.throws(() => readServeConfig({ 'console-password': 'short' }, env), /at least 8/);
    assert.equal(readServeConfig({ 'request-log': 'false' }, env).requestLog.enabled, false);
    assert.equal(readServeConfig({}, { REJI_REQUEST_LOG_HOURS: '2' }).requestLog.retentionHours, 2);
  });
});

describe('reji serve and the console', () => {
  test('--host 0.0.0.0 with --console-password needs signing in; --no-console answers 404', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'reji-console-'));
    const open = await spawnReji({
      name: 'console-password',
      databaseUrl: `sqlite:${join(dir, 'a.sqlite')}`,
      args: ['--host', '0.0.0.0', '--console-password', 'spawned secret'],
    });
    try {
      const page = await getPage(`${open.httpUrl}/`);
      assert.equal(page.status, 200);
      assert.match(page.html, /type="password"/);
      const bearer = await fetch(`${open.httpUrl}/console/requests.json`, {
        headers: { authorization: 'Bearer spawned secret' },
      });
      assert.equal(bearer.status, 200);
    } finally {
      await open.stop();
    }
    const off = await spawnReji({
      name: 'no-console',
      databaseUrl: `sqlite:${join(dir, 'b.sqlite')}`,
      args: ['--no-console'],
    });
    try {
      const res = await fetch(`${off.httpUrl}/`);
      assert.equal(res.status, 404);
      assert.equal(((await res.json()) as { reasonCode: string }).reasonCode, 'ResourceNotFound');
    } finally {
      await off.stop();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

for (const { dialect, skip } of await dialectCases()) {
  describe(`the console (${dialect})`, { skip }, () => {
    let reji: TestReji;
    let merchant: TestMerchant;
    const extra: RunningServer[] = [];

    /** Another listener on the same database with other console options (what `reji serve` flags choose). */
    async function serverWith(console: ConsoleOptions): Promise<string> {
      const s = await startServers({
        ctx: reji.ctx,
        host: '127.0.0.1',
        port: 0,
        pages: defaultPages(reji.ctx, { console }),
      });
      extra.push(s);
      return s.httpUrl;
    }

    before(async () => {
      reji = await startTestReji({ dialect });
      merchant = await reji.merchant('jp');
    });
    after(async () => {
      for (const s of extra) await s.close();
      await reji?.stop();
    });

    test('on loopback the console is open at /; --no-console answers 404 in Amazon shape', async () => {
      const page = await getPage(`${reji.httpUrl}/`);
      assert.equal(page.status, 200);
      assert.match(page.html, new RegExp(merchant.merchantId));
      // Through a proxy a loopback listener is reachable from elsewhere: locked.
      assert.equal((await fetch(`${reji.httpUrl}/`, { headers: { 'x-forwarded-for': '203.0.113.9' } })).status, 403);
      const off = await serverWith({ enabled: false, loopbackOnly: true, password: undefined });
      const res = await fetch(`${off}/`);
      assert.equal(res.status, 404);
      assert.equal(((await res.json()) as { reasonCode: string }).reasonCode, 'ResourceNotFound');
      assert.equal((await fetch(`${off}/console/requests`)).status, 404);
    });

    test('not on loopback: locked without a password, and with one it needs signing in (cookie or bearer token)', async () => {
      const locked = await serverWith({ enabled: true, loopbackOnly: false, password: undefined });
      const l = await getPage(`${locked}/`);
      assert.equal(l.status, 403);
      assert.match(l.html, /REJI_CONSOLE_PASSWORD/);
      assert.doesNotMatch(l.html, new RegExp(merchant.merchantId));

      const guarded = await serverWith({ enabled: true, loopbackOnly: false, password: 'open sesame 42' });
      const login = await getPage(`${guarded}/console/requests`);
      assert.equal(login.status, 200);
      assert.match(login.html, /type="password"/);
      assert.doesNotMatch(login.html, /request-log/);
      assert.equal((await fetch(`${guarded}/console/requests.json`)).status, 401);

      const wrong = await post(
        `${guarded}/console/login`,
        { _csrf: login.csrf, password: 'guess', next: '/' },
        { cookie: login.cookie },
      );
      assert.equal(wrong.status, 401);
      const right = await post(
        `${guarded}/console/login`,
        { _csrf: login.csrf, password: 'open sesame 42', next: '/console/requests' },
        { cookie: login.cookie },
      );
      assert.equal(right.status, 303);
      assert.equal(right.headers.get('location'), '/console/requests');
      const session = right.headers.getSetCookie().find((c) => c.startsWith('reji_console='))!;
      assert.match(session, /HttpOnly; SameSite=Strict/);
      const signedIn = await getPage(`${guarded}/`, `${login.cookie}; ${session.split(';')[0]}`);
      assert.equal(signedIn.status, 200);
      assert.match(signedIn.html, new RegExp(merchant.merchantId));
      const bearer = await fetch(`${guarded}/console/requests.json`, {
        headers: { authorization: 'Bearer open sesame 42' },
      });
      assert.equal(bearer.status, 200);
    });

    test('every form needs the CSRF token and the same origin', async () => {
      const page = await getPage(`${reji.httpUrl}/`);
      const url = `${reji.httpUrl}/console/merchants`;
      const noToken = await post(url, { region: 'us' }, { cookie: page.cookie });
      assert.equal(noToken.status, 403);
      const wrongToken = await post(url, { region: 'us', _csrf: '0'.repeat(32) }, { cookie: page.cookie });
      assert.equal(wrongToken.status, 403);
      const noCookie = await post(url, { region: 'us', _csrf: page.csrf });
      assert.equal(noCookie.status, 403);
      const crossSite = await post(
        url,
        { region: 'us', _csrf: page.csrf },
        { cookie: page.cookie, origin: 'https://evil.example' },
      );
      assert.equal(crossSite.status, 403);
      const ok = await post(url, { region: 'us', name: 'Console shop', _csrf: page.csrf }, { cookie: page.cookie });
      assert.equal(ok.status, 303);
      assert.match(ok.headers.get('location')!, /^\/console\/merchants\/A[0-9A-Z]{13}\?done=1$/);
    });

    test('the request log keeps each call with its bodies and no signature in clear; a broken signature is diagnosed', async () => {
      const client = officialClient(reji, merchant);
      const created = await client.createCheckoutSession(
        {
          webCheckoutDetails: { checkoutReviewReturnUrl: 'https://shop.example/review' },
          storeId: merchant.storeId,
        },
        idem(),
      );
      const id = created.data.checkoutSessionId as string;
      // Signed over compact JSON, sent indented: the debugger must find exactly that.
      const body = {
        webCheckoutDetails: { checkoutReviewReturnUrl: 'https://shop.example/review' },
        storeId: merchant.storeId,
      };
      const headers = signedHeaders(reji.httpUrl, merchant.sandboxKey, {
        method: 'POST',
        path: '/v2/checkoutSessions',
        body: JSON.stringify(body),
        headers: idem(),
      });
      const broken = await rawRequest(reji.httpUrl, {
        method: 'POST',
        path: '/v2/checkoutSessions',
        headers,
        body: JSON.stringify(body, null, 2),
      });
      assert.equal(broken.status, 403);
      await reji.ctx.requestLog!.flush();
      // The diagnosis runs after the answer went out; give it its turn.
      let failure: { seq: number } | undefined;
      for (let i = 0; i < 50 && !failure; i++) {
        await reji.ctx.requestLog!.flush();
        const tail = (await (await fetch(`${reji.httpUrl}/console/requests.json?failed=1`)).json()) as {
          entries: { seq: number; reasonCode: string }[];
        };
        failure = tail.entries.find((e) => e.reasonCode === 'InvalidRequestSignature');
        if (!failure) await new Promise((r) => setImmediate(r));
      }
      assert.ok(failure, 'the failed call is in the log');
      const detail = await getPage(`${reji.httpUrl}/console/requests/${failure.seq}`);
      assert.match(detail.html, /id="signature-debugger"/);
      assert.match(detail.html, /id="sig-match">the body as compact JSON</);
      assert.match(detail.html, /data-first-difference="true"/);
      assert.match(detail.html, /Signature=&lt;redacted sha256:[0-9a-f]{12}&gt;/);
      assert.doesNotMatch(
        detail.html,
        new RegExp(headers['authorization']!.split('Signature=')[1]!.slice(0, 40).replace(/[+/]/g, '.')),
      );

      const log = await getPage(`${reji.httpUrl}/console/requests?merchant=${merchant.merchantId}`);
      assert.match(log.html, /CreateCheckoutSession/);
      const object = await getPage(`${reji.httpUrl}/console/objects/checkoutSession/${id}`);
      assert.equal(object.status, 200);
      assert.match(object.html, /id="timeline"/);
      assert.match(object.html, /CreateCheckoutSession 201/);
      // The JSON is the API's own rendering (GET answers the same keys in the same order).
      const got = await client.getCheckoutSession(id);
      const shown = /<pre id="object-json" class="code">([\s\S]*?)<\/pre>/.exec(object.html)![1]!;
      const decoded = shown
        .replace(/&quot;/g, '"')
        .replace(/&amp;/g, '&')
        .replace(/&#39;/g, "'");
      assert.deepEqual(Object.keys(JSON.parse(decoded)), Object.keys(got.data));
    });

    test('a successful read is kept as a summary; a failed read in full; --request-log-reads full keeps reads whole', async () => {
      assert.equal(readServeConfig({}, {}).requestLog.reads, 'summary');
      assert.equal(readServeConfig({ 'request-log-reads': 'full' }, {}).requestLog.reads, 'full');
      assert.throws(() => readServeConfig({ 'request-log-reads': 'all' }, {}), /summary, full/);
      const client = officialClient(reji, merchant);
      const created = await client.createCheckoutSession(
        { webCheckoutDetails: { checkoutReviewReturnUrl: 'https://shop.example/review' }, storeId: merchant.storeId },
        idem(),
      );
      const id = created.data.checkoutSessionId as string;
      await client.getCheckoutSession(id);
      const missing = id.replace(/.$/, (c) => (c === '0' ? '1' : '0'));
      await assert.rejects(client.getCheckoutSession(missing));
      await reji.ctx.requestLog!.flush();
      const tail = (await (
        await fetch(`${reji.httpUrl}/console/requests.json?merchant=${merchant.merchantId}`)
      ).json()) as {
        entries: { seq: number; operation: string; status: number; path: string }[];
      };
      const read = tail.entries.find((e) => e.operation === 'GetCheckoutSession' && e.path.endsWith(id));
      const failed = tail.entries.find((e) => e.operation === 'GetCheckoutSession' && e.path.endsWith(missing));
      assert.ok(read && failed, 'both reads are in the log');
      assert.equal(failed.status, 404);
      const summary = await getPage(`${reji.httpUrl}/console/requests/${read.seq}`);
      assert.match(summary.html, /id="read-summary"/);
      assert.doesNotMatch(summary.html, /id="request-headers"/);
      const full = await getPage(`${reji.httpUrl}/console/requests/${failed.seq}`);
      assert.match(full.html, /id="request-headers"/);
      assert.match(full.html, /ResourceNotFound/);
      // The object's timeline still lists the read.
      const object = await getPage(`${reji.httpUrl}/console/objects/checkoutSession/${id}`);
      assert.match(object.html, /GetCheckoutSession 200/);
    });

    test('object search by id, merchantReferenceId, state, merchant and date', async () => {
      const client = officialClient(reji, merchant);
      const created = await client.createCheckoutSession(
        {
          webCheckoutDetails: { checkoutReviewReturnUrl: 'https://shop.example/review' },
          storeId: merchant.storeId,
          merchantMetadata: { merchantReferenceId: 'Order_42%' },
        },
        idem(),
      );
      const id = created.data.checkoutSessionId as string;
      const search = async (query: string) =>
        (await getPage(`${reji.httpUrl}/console/objects?${query}`)).html.includes(`>${id}</a>`);
      assert.equal(await search(`q=${id}`), true);
      assert.equal(await search('q=Order_42%25'), true);
      assert.equal(await search('q=Order_4'), false);
      assert.equal(await search('q=OrderX42%25'), false);
      assert.equal(await search(`kind=checkoutSession&state=Open&merchant=${merchant.merchantId}`), true);
      assert.equal(await search('kind=checkoutSession&state=Canceled'), false);
      assert.equal(await search('kind=refund'), false);
      const today = new Date(reji.ctx.clock.now()).toISOString().slice(0, 10);
      assert.equal(await search(`from=${today}&to=${today}`), true);
      assert.equal(await search('to=2001-01-01'), false);
    });

    test('sandbox controls: act as the buyer, move the clock (a refund settles), replay, reset; Live objects are read-only', async () => {
      const client = officialClient(reji, merchant);
      const page = await getPage(`${reji.httpUrl}/`);
      const form = (extra: Record<string, string>) => ({ _csrf: page.csrf, ...extra });
      const created = await client.createCheckoutSession(
        { webCheckoutDetails: { checkoutReviewReturnUrl: 'https://shop.example/review' }, storeId: merchant.storeId },
        idem(),
      );
      const id = created.data.checkoutSessionId as string;
      const consent = await post(
        `${reji.httpUrl}/console/objects/checkoutSession/${id}/buyer`,
        form({ action: 'consent', buyerEmail: '', shippingAddressId: '', paymentMethodId: '' }),
        { cookie: page.cookie },
      );
      assert.equal(consent.status, 303);
      assert.notEqual((await client.getCheckoutSession(id)).data.buyer, null);
      const cancel = await post(
        `${reji.httpUrl}/console/objects/checkoutSession/${id}/buyer`,
        form({ action: 'cancel' }),
        { cookie: page.cookie },
      );
      assert.equal(cancel.status, 303);
      assert.equal((await client.getCheckoutSession(id)).data.statusDetails.state, 'Canceled');

      const done = await checkout(client, merchant, { intent: 'AuthorizeWithCapture' });
      const chargeId = done.data.chargeId as string;
      const refund = await client.createRefund(
        { chargeId, refundAmount: { amount: '100', currencyCode: 'JPY' } },
        idem(),
      );
      assert.equal(refund.data.statusDetails.state, 'RefundInitiated');
      const advance = await post(
        `${reji.httpUrl}/console/merchants/${merchant.merchantId}/clock`,
        form({ seconds: String((2 * HOUR) / 1000) }),
        { cookie: page.cookie },
      );
      assert.equal(advance.status, 303);
      assert.equal((await client.getRefund(refund.data.refundId)).data.statusDetails.state, 'Refunded');

      const notifications = await reji.ctx.store.reader.notifications.ofMerchant(merchant.merchantId);
      assert.ok(notifications.length > 0);
      const replay = await post(
        `${reji.httpUrl}/console/notifications/${notifications[0]!.notificationId}/replay`,
        form({ next: `/console/merchants/${merchant.merchantId}` }),
        { cookie: page.cookie },
      );
      assert.equal(replay.status, 303);

      const live = officialClient(reji, merchant, { key: 'live' });
      const liveSession = await settle(
        live.createCheckoutSession(
          { webCheckoutDetails: { checkoutReviewReturnUrl: 'https://shop.example/review' }, storeId: merchant.storeId },
          idem(),
        ),
      );
      assert.equal(liveSession.status, 201);
      const liveId = liveSession.data.checkoutSessionId as string;
      const livePage = await getPage(`${reji.httpUrl}/console/objects/checkoutSession/${liveId}`);
      assert.match(livePage.html, /read-only/);
      assert.doesNotMatch(livePage.html, /id="buyer-consent"/);
      const refused = await post(
        `${reji.httpUrl}/console/objects/checkoutSession/${liveId}/buyer`,
        form({ action: 'cancel' }),
        { cookie: page.cookie },
      );
      assert.equal(refused.status, 401);
      assert.equal((await live.getCheckoutSession(liveId)).data.statusDetails.state, 'Open');

      const reset = await post(`${reji.httpUrl}/console/merchants/${merchant.merchantId}/reset`, form({}), {
        cookie: page.cookie,
      });
      assert.equal(reset.status, 303);
      assert.equal((await settle(client.getRefund(refund.data.refundId))).status, 404);
      // Live data is never reset.
      assert.equal((await live.getCheckoutSession(liveId)).status, 200);
    });
  });
}

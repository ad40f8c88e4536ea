import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { ANONYMOUS_SESSION_LIFETIME, BROWSER_SESSION_LIFETIME, hashSecret } from '../../src/app/buyer-sessions.js';
import { MINUTE } from '../../src/domain/time.js';
import { dialectCases } from '../support/dialects.js';
import { buttonFields, csrfOf, PageClient } from '../support/page-client.js';
import { startTestReji, type TestMerchant, type TestReji } from '../support/reji.js';

/**
 * Issue 17: anonymous traffic is bounded. Per-client limits for hosted pages and the button (behind a trusted
 * proxy, so each test's "client" is its X-Forwarded-For address), a replay limit per signed payload, short-lived
 * anonymous sessions that are swept, and a registration that tells no one which emails have accounts.
 * Time is the test's clock, never waited for.
 */

const SHOP = 'http://127.0.0.1:8123';
const LIMITS = { pagesPerMinute: 5, buttonPerMinute: 3, payloadStartsPerMinute: 3 };

/** A browser at its own client address (the trusted proxy's X-Forwarded-For), on every request and redirect. */
class BrowserAt extends PageClient {
  constructor(
    base: string,
    readonly ip: string,
  ) {
    super(base);
  }
  override request(path: string, init: Parameters<PageClient['request']>[1] = {}): Promise<Response> {
    return super.request(path, { ...init, headers: { 'x-forwarded-for': this.ip, ...init.headers } });
  }
}

let nextIp = 1;
function newIp(): string {
  return `203.0.113.${nextIp++}`;
}

for (const { dialect, skip } of await dialectCases()) {
  describe(`anonymous traffic limits (${dialect})`, { skip }, () => {
    let reji: TestReji;
    let jp: TestMerchant;
    let now = Date.UTC(2026, 10, 28, 12, 0, 0);
    const browser = () => new BrowserAt(reji.httpUrl, newIp());
    const payload = () => ({
      webCheckoutDetails: { checkoutReviewReturnUrl: `${SHOP}/review`, checkoutCancelUrl: `${SHOP}/cancelled` },
      storeId: jp.storeId,
    });
    before(async () => {
      reji = await startTestReji({
        dialect,
        timers: false,
        clock: { now: () => now },
        trustProxy: '127.0.0.1, ::1',
        limits: LIMITS,
      });
      jp = await reji.merchant('jp', ['http://127.0.0.1:*']);
    });
    after(() => reji?.stop());

    test('pages: past the limit a client not signed in gets a localized 429 page, nothing is created; others and signed-in buyers go on', async () => {
      const a = browser();
      for (let i = 0; i < LIMITS.pagesPerMinute; i++) {
        const res = await a.request('/checkout/signin?next=/checkout/wallet&lang=ja_JP');
        assert.equal(res.status, 200);
        await res.text();
      }
      a.cookies.clear();
      const refused = await a.request('/checkout/signin?next=/checkout/wallet&lang=ja_JP');
      assert.equal(refused.status, 429);
      assert.ok(Number(refused.headers.get('retry-after')) >= 1);
      assert.deepEqual(refused.headers.getSetCookie(), [], 'no session row for a refused view');
      assert.match(refused.headers.get('content-type')!, /text\/html/);
      assert.match(await refused.text(), /リクエストが多すぎます/);
      // Another client is not held back; the same client is, until its bucket refills.
      assert.equal((await browser().request('/checkout/signin?next=/checkout/wallet')).status, 200);
      now += MINUTE;
      assert.equal((await a.request('/checkout/signin?next=/checkout/wallet')).status, 200);

      // A signed-in buyer's pages are not counted.
      const b = browser();
      const signIn = await b.get('/checkout/signin?next=/checkout/wallet&region=jp');
      const wallet = await b.post('/checkout/signin', {
        _csrf: csrfOf(signIn.html),
        email: 'taro.yamada@example.jp',
        password: 'sandbox',
        next: '/checkout/wallet',
        region: 'jp',
      });
      assert.match(wallet.url, /\/checkout\/wallet$/);
      for (let i = 0; i < LIMITS.pagesPerMinute + 2; i++) {
        const res = await b.request('/checkout/wallet');
        assert.equal(res.status, 200);
        await res.text();
      }
    });

    test('button: per client, verify-payload answers 429 in Amazon error shape (JSON, CORS) and start a 429 page', async () => {
      const ip = newIp();
      const verify = (fields: Record<string, string>) =>
        fetch(`${reji.httpUrl}/checkout/verify-payload`, {
          method: 'POST',
          headers: { 'content-type': 'text/plain;charset=UTF-8', origin: SHOP, 'x-forwarded-for': ip },
          body: JSON.stringify(fields),
        });
      for (let i = 0; i < LIMITS.buttonPerMinute; i++) {
        const ok = await verify(buttonFields(jp, payload()));
        assert.equal(ok.status, 200);
        assert.deepEqual(await ok.json(), { ok: true });
      }
      const refused = await verify(buttonFields(jp, payload()));
      assert.equal(refused.status, 429);
      assert.equal(refused.headers.get('access-control-allow-origin'), '*');
      assert.ok(Number(refused.headers.get('retry-after')) >= 1);
      const body = (await refused.json()) as { ok: boolean; reasonCode: string; message: string };
      assert.equal(body.ok, false);
      assert.equal(body.reasonCode, 'TooManyRequests');
      assert.equal(typeof body.message, 'string');
      const start = await new BrowserAt(reji.httpUrl, ip).request('/checkout/start', {
        form: buttonFields(jp, payload()),
        headers: { origin: SHOP },
      });
      assert.equal(start.status, 429);
      assert.match(await start.text(), /Too many requests/);
    });

    test('replays: one signed payload starts at most N flows a minute, from any client; a newly signed one is not held back', async () => {
      const fields = buttonFields(jp, payload());
      const start = (f: Record<string, string>) =>
        browser().request('/checkout/start', { form: f, headers: { origin: SHOP } });
      for (let i = 0; i < LIMITS.payloadStartsPerMinute; i++) {
        const res = await start(fields);
        assert.equal(res.status, 303);
        assert.match(res.headers.get('location')!, /^\/checkout\/claim\?flow=/);
      }
      const replayed = await start(fields);
      assert.equal(replayed.status, 429, 'the replay creates no checkout session');
      assert.match(await replayed.text(), /Too many requests/);
      assert.equal((await start(buttonFields(jp, payload()))).status, 303);
      now += MINUTE;
      assert.equal((await start(fields)).status, 303);
    });

    test('retention: a session that neither signed in nor holds a flow lives 30 minutes and is swept; one with a flow lives 12 hours', async () => {
      const visitor = browser();
      await visitor.get('/checkout/signin?next=/checkout/wallet');
      const anonymous = visitor.cookies.get('reji_sid')!;
      const row = await reji.ctx.store.reader.hosted.session(hashSecret(anonymous));
      assert.equal(row?.expiresAt, now + ANONYMOUS_SESSION_LIFETIME);
      assert.equal(row?.buyerId, null);

      const shopper = browser();
      const started = await shopper.post('/checkout/start', buttonFields(jp, payload()), { origin: SHOP });
      assert.match(started.url, /\/checkout\/signin\?/);
      const withFlow = await reji.ctx.store.reader.hosted.session(hashSecret(shopper.cookies.get('reji_sid')!));
      assert.equal(withFlow?.expiresAt, now + BROWSER_SESSION_LIFETIME);

      now += ANONYMOUS_SESSION_LIFETIME + MINUTE;
      // The old cookie no longer names a session: the page starts a new one, and the sweep removed the old row.
      await visitor.get('/checkout/signin?next=/checkout/wallet');
      assert.notEqual(visitor.cookies.get('reji_sid'), anonymous);
      assert.equal(await reji.ctx.store.reader.hosted.session(hashSecret(anonymous)), undefined);
      assert.ok(await reji.ctx.store.reader.hosted.session(hashSecret(shopper.cookies.get('reji_sid')!)));
    });

    test('registration answers the same for a new and a known email and changes no existing account; sign-in failures are neutral', async () => {
      const register = async (email: string, password: string, name: string) => {
        const c = browser();
        const form = await c.get('/checkout/register?next=/checkout/wallet&region=jp&lang=en_US');
        const res = await c.request('/checkout/register', {
          form: {
            _csrf: csrfOf(form.html),
            name,
            email,
            password,
            phoneNumber: '',
            next: '/checkout/wallet',
            region: 'jp',
            lang: 'en_US',
          },
        });
        return { status: res.status, location: res.headers.get('location'), cookies: res.headers.getSetCookie() };
      };
      const email = `hanako${now}@example.jp`;
      const created = await register(email, 'first password', 'Hanako');
      const again = await register(email, 'second password', 'Mallory');
      const seeded = await register('taro.yamada@example.jp', 'third password', 'Mallory');
      assert.equal(created.status, 303);
      assert.deepEqual(again, created);
      assert.deepEqual(seeded, created);
      assert.deepEqual(created.cookies, [], 'registering signs no one in');
      assert.equal(created.location, '/checkout/signin?next=%2Fcheckout%2Fwallet&region=jp&lang=en_US&registered=1');
      const notice = await browser().get(created.location!);
      assert.match(notice.html, /If this email address had no account yet, your account is ready/);

      const signIn = async (who: string, password: string) => {
        const c = browser();
        const form = await c.get('/checkout/signin?next=/checkout/wallet&region=jp&lang=en_US');
        const res = await c.post('/checkout/signin', {
          _csrf: csrfOf(form.html),
          email: who,
          password,
          next: '/checkout/wallet',
          region: 'jp',
          lang: 'en_US',
        });
        return { status: res.res.status, url: res.url, html: res.html };
      };
      // The first registration made the account; the later ones changed nothing.
      assert.match((await signIn(email, 'first password')).url, /\/checkout\/wallet$/);
      const wrong = await signIn(email, 'second password');
      const unknown = await signIn(`nobody${now}@example.jp`, 'second password');
      assert.equal(wrong.status, 401);
      assert.equal(unknown.status, 401);
      const neutral = (html: string) =>
        html.replace(/name="_csrf" value="[^"]+"/g, '').replace(/value="[^"]*@example\.jp"/g, '');
      assert.equal(neutral(wrong.html), neutral(unknown.html), 'a known and an unknown email fail alike');
      assert.match((await signIn('taro.yamada@example.jp', 'sandbox')).url, /\/checkout\/wallet$/);
    });
  });
}

import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { dialectCases } from '../support/dialects.js';
import { idem, officialClient, settle, testing } from '../support/official-sdk.js';
import { buttonFields, csrfOf, PageClient, startAndSignIn } from '../support/page-client.js';
import { rawRequest, signedRequest } from '../support/raw.js';
import { startTestReji, type TestMerchant, type TestReji } from '../support/reji.js';

/** Issue 17: what an attacker holding a merchant key, a browser or only the network can and cannot do. */

const SHOP = 'http://127.0.0.1:8123';

async function registerBuyer(reji: TestReji, email: string, password = 'long enough') {
  const c = new PageClient(reji.httpUrl);
  const reg = await c.get('/checkout/register?next=/checkout/wallet&region=jp');
  return c.post('/checkout/register', {
    _csrf: csrfOf(reg.html),
    name: '被害 者',
    email,
    password,
    phoneNumber: '090-0000-0000',
    next: '/checkout/wallet',
    region: 'jp',
  });
}

for (const { dialect, skip } of await dialectCases()) {
  describe(`attack surface (${dialect})`, { skip }, () => {
    let reji: TestReji;
    let jp: TestMerchant;
    before(async () => {
      reji = await startTestReji({ dialect, timers: false });
      jp = await reji.merchant('jp', ['http://127.0.0.1:*']);
    });
    after(() => reji?.stop());

    async function newSession(): Promise<string> {
      const client = officialClient(reji, jp);
      const cs = await client.createCheckoutSession(
        { webCheckoutDetails: { checkoutReviewReturnUrl: `${SHOP}/review` }, storeId: jp.storeId },
        idem(),
      );
      return (cs.data as { checkoutSessionId: string }).checkoutSessionId;
    }

    test('buyerConsent reaches only seeded test buyers: a registered buyer answers exactly like an unknown email', async () => {
      await registerBuyer(reji, 'victim@example.jp');
      const client = officialClient(reji, jp);
      const t = testing(client);
      const id = await newSession();
      const registered = await settle(t.buyerConsent(id, { buyerEmail: 'victim@example.jp' }));
      const unknown = await settle(t.buyerConsent(id, { buyerEmail: 'nobody@example.jp' }));
      assert.equal(registered.status, 400);
      assert.equal(unknown.status, 400);
      assert.equal((registered.data as { reasonCode: string }).reasonCode, 'InvalidParameterValue');
      assert.deepEqual(registered.data, unknown.data, 'no oracle: same body for registered and unknown emails');
      assert.doesNotMatch(JSON.stringify(registered.data), /victim/);
      // Another marketplace's test buyer is not this merchant's either; its own test buyers still work.
      const foreign = await settle(t.buyerConsent(id, { buyerEmail: 'jane.doe@example.com' }));
      assert.equal(foreign.status, 400);
      const got = await client.getCheckoutSession(id);
      assert.equal((got.data as { buyer: unknown }).buyer, null, 'no buyer data reached the session');
      const ok = await t.buyerConsent(id, { buyerEmail: 'hanako.sato@example.jp' });
      assert.equal(ok.status, 200);
    });

    test('41 parallel sign-ins with one CSRF token: at most the free 5 are evaluated, the rest wait', async () => {
      const c = new PageClient(reji.httpUrl);
      const page = await c.get('/checkout/signin?next=/checkout/wallet&region=jp');
      const token = csrfOf(page.html);
      const posts = Array.from({ length: 41 }, (_, i) =>
        c.request('/checkout/signin', {
          form: {
            _csrf: token,
            email: 'taro.yamada@example.jp',
            password: i === 40 ? 'sandbox' : `wrong${i}`,
            next: '/checkout/wallet',
            region: 'jp',
          },
        }),
      );
      const statuses = (await Promise.all(posts)).map((r) => r.status);
      // Evaluated: 401 or 303. Not evaluated: 429, or 503 when a busy machine's pool wait ran out.
      const evaluated = statuses.filter((s) => s === 401 || s === 303);
      assert.ok(evaluated.length <= 5, `evaluated ${evaluated.length}: ${statuses.join(',')}`);
      assert.ok(
        statuses.every((s) => [401, 303, 429, 503].includes(s)),
        statuses.join(','),
      );
    });

    test('no email oracle at sign-in: an unknown email answers exactly like a wrong password', async () => {
      await registerBuyer(reji, 'known@example.jp');
      const bodies: string[] = [];
      for (const email of ['known@example.jp', 'unknown@example.jp']) {
        const c = new PageClient(reji.httpUrl);
        const page = await c.get('/checkout/signin?next=/checkout/wallet&region=jp');
        const r = await c.post('/checkout/signin', {
          _csrf: csrfOf(page.html),
          email,
          password: 'not the password',
          next: '/checkout/wallet',
          region: 'jp',
        });
        assert.equal(r.res.status, 401);
        bodies.push(r.html.replace(/value="[^"]*"/g, '').replaceAll(email, 'EMAIL'));
      }
      assert.equal(bodies[0], bodies[1]);
    });

    test('NUL bytes and lone surrogates: 400 InvalidParameterValue in the API, a 4xx on the pages, never a 500', async () => {
      const id = await newSession();
      const key = jp.sandboxKey;
      const path = `/v2/checkoutSessions/${id}`;
      for (const body of [
        JSON.stringify({ webCheckoutDetails: { checkoutReviewReturnUrl: `${SHOP}/a\u0000b` } }),
        JSON.stringify({ merchantMetadata: { merchantReferenceId: 'x\u0000' } }),
        JSON.stringify({ merchantMetadata: { merchantReferenceId: 'x\ud800' } }),
        JSON.stringify({ ['a\u0000']: 1 }),
      ]) {
        const r = await signedRequest(reji.httpUrl, key, { method: 'PATCH', path, body });
        assert.equal(r.status, 400, body);
        assert.equal(r.json.reasonCode, 'InvalidParameterValue', body);
      }
      const byId = await signedRequest(reji.httpUrl, key, { method: 'GET', path: '/v2/checkoutSessions/A%00B' });
      assert.equal(byId.status, 400);
      assert.equal(byId.headers['x-content-type-options'], 'nosniff', 'API JSON is never sniffed');
      assert.equal(byId.json.reasonCode, 'InvalidParameterValue');
      const consent = await signedRequest(reji.httpUrl, key, {
        method: 'POST',
        path: `/v2/testing/checkoutSessions/${id}/buyerConsent`,
        body: JSON.stringify({ buyerEmail: 'taro\u0000@example.jp' }),
      });
      assert.equal(consent.status, 400);

      // Without any authentication: the button's endpoints.
      const verify = await rawRequest(reji.httpUrl, {
        method: 'POST',
        path: '/checkout/verify-payload',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ merchantId: 'A\u0000', payloadJSON: '{}', signature: 'x', publicKeyId: 'y' }),
      });
      assert.equal(verify.status, 400);
      assert.equal(verify.json.reasonCode, 'InvalidParameterValue');
      const c = new PageClient(reji.httpUrl);
      const start = await c.request('/checkout/start', {
        form: { ...buttonFields(jp, { storeId: jp.storeId }), merchantId: `${jp.merchantId}\u0000` },
        headers: { origin: SHOP },
      });
      assert.equal(start.status, 400);
      const inner = await c.request('/checkout/start', {
        form: buttonFields(jp, {
          webCheckoutDetails: { checkoutReviewReturnUrl: `${SHOP}/review` },
          storeId: jp.storeId,
          merchantMetadata: { merchantReferenceId: 'a\u0000' },
        }),
        headers: { origin: SHOP },
      });
      assert.equal(inner.status, 400);
      const page = await c.get('/checkout/signin?next=/checkout/wallet&region=jp');
      const signin = await c.request('/checkout/signin', {
        form: { _csrf: csrfOf(page.html), email: 'taro\u0000@example.jp', password: 'x', next: '/checkout/wallet' },
      });
      assert.equal(signin.status, 400);
      const query = await c.request('/checkout/select?amazonCheckoutSessionId=A%00');
      assert.equal(query.status, 400);
    });

    test('CR/LF in URLs: refused by the API and by the button; the buyer never gets a 500', async () => {
      const client = officialClient(reji, jp);
      for (const bad of [`${SHOP}/review\r\nSet-Cookie: x=1`, `${SHOP}/re\nview`, `${SHOP}/\tx`]) {
        const created = await settle(
          client.createCheckoutSession(
            { webCheckoutDetails: { checkoutReviewReturnUrl: bad }, storeId: jp.storeId },
            idem(),
          ),
        );
        assert.equal(created.status, 400, JSON.stringify(bad));
        assert.equal((created.data as { reasonCode: string }).reasonCode, 'InvalidParameterValue');
        const c = new PageClient(reji.httpUrl);
        const started = await c.request('/checkout/start', {
          form: buttonFields(jp, { webCheckoutDetails: { checkoutReviewReturnUrl: bad }, storeId: jp.storeId }),
          headers: { origin: SHOP },
        });
        assert.equal(started.status, 400);
      }
      const id = await newSession();
      const updated = await settle(
        client.updateCheckoutSession(id, { webCheckoutDetails: { checkoutResultReturnUrl: `${SHOP}/r\r\n` } }),
      );
      assert.equal(updated.status, 400);
    });

    test('startedFrom: a store without allowed origins still sends a canceling buyer only to its own pages', async () => {
      const open = await reji.merchant('jp', []);
      const payload = {
        webCheckoutDetails: { checkoutReviewReturnUrl: `${SHOP}/review` },
        storeId: open.storeId,
      };
      for (const [startedFrom, expected] of [
        ['https://evil.example/cart', `${SHOP}/`],
        [`${SHOP}/cart?item=1`, `${SHOP}/cart?item=1`],
      ] as const) {
        const c = new PageClient(reji.httpUrl);
        // Not taro: the parallel sign-in test left his account waiting from this address.
        const page = await startAndSignIn(reji, c, open, payload, 'hanako.sato@example.jp', { startedFrom });
        const cancel = await c.request('/checkout/cancel', {
          form: { _csrf: csrfOf(page.html), amazonCheckoutSessionId: page.checkoutSessionId, stage: 'checkout' },
        });
        assert.equal(cancel.headers.get('location'), expected, startedFrom);
      }
    });
  });

  describe(`sign-in limits behind a trusted proxy (${dialect})`, { skip }, () => {
    let reji: TestReji;
    before(async () => {
      reji = await startTestReji({ dialect, timers: false, trustProxy: '127.0.0.1, ::1' });
    });
    after(() => reji?.stop());

    async function attempt(forwardedFor: string, password: string, email = 'hanako.sato@example.jp') {
      const c = new PageClient(reji.httpUrl);
      const headers = { 'x-forwarded-for': forwardedFor };
      const page = await c.follow(await c.request('/checkout/signin?next=/checkout/wallet&region=jp', { headers }));
      const form = { _csrf: csrfOf(page.html), email, password, next: '/checkout/wallet', region: 'jp' };
      return (await c.request('/checkout/signin', { form, headers })).status;
    }

    test('an attacker cannot lock a buyer out: limits are per account and client, from X-Forwarded-For', async () => {
      const attacker: number[] = [];
      for (let i = 0; i < 8; i++) attacker.push(await attempt('203.0.113.66', `guess${i}`));
      assert.deepEqual(attacker.slice(0, 5), [401, 401, 401, 401, 401]);
      assert.ok(
        attacker.slice(5).every((s) => s === 429),
        attacker.join(','),
      );
      // The real buyer, through the same proxy from another address, signs in at once.
      assert.equal(await attempt('198.51.100.7', 'sandbox'), 303);
      // A forged left-most hop does not help: the proxy appends the real peer, which is what counts.
      assert.equal(await attempt('198.51.100.7, 203.0.113.66', 'guess9'), 429);
    });
  });
}

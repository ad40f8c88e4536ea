import assert from 'node:assert/strict';
import https from 'node:https';
import { after, before, describe, test } from 'node:test';
import { unescapedVariant } from '../../src/app/button-signature.js';
import { dialectCases } from '../support/dialects.js';
import { officialClient, settle } from '../support/official-sdk.js';
import { buttonFields, csrfOf, PageClient, startAndSignIn } from '../support/page-client.js';
import { startTestReji, type TestMerchant, type TestReji } from '../support/reji.js';

const SHOP = 'http://127.0.0.1:8123';
const XSS = [`<script>alert(1)</script>`, `"><img src=x onerror=alert(1)>`, `'><svg onload=alert(1)>`];

function payloadFor(m: TestMerchant, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    webCheckoutDetails: { checkoutReviewReturnUrl: `${SHOP}/review`, checkoutCancelUrl: `${SHOP}/cancelled` },
    storeId: m.storeId,
    ...extra,
  };
}

/** No raw markup from the attack strings reached the page. */
function assertEscaped(html: string) {
  assert.ok(!/<script>alert/i.test(html), 'raw <script> in page');
  assert.ok(!/<img src=x/i.test(html), 'raw <img> in page');
  assert.ok(!/<svg onload/i.test(html), 'raw <svg> in page');
}

for (const { dialect, skip } of await dialectCases()) {
  describe(`hosted pages security (${dialect})`, { skip }, () => {
    let reji: TestReji;
    let jp: TestMerchant;
    let other: TestMerchant;
    before(async () => {
      reji = await startTestReji({ dialect, timers: false });
      jp = await reji.merchant('jp', ['http://127.0.0.1:*']);
      other = await reji.merchant('jp', ['http://127.0.0.1:*']);
    });
    after(() => reji?.stop());

    test('session cookie: HttpOnly, SameSite=Lax; on https __Host- and Secure; pages send a strict CSP', async () => {
      const c = new PageClient(reji.httpUrl);
      const res = await c.request('/checkout/signin?next=/checkout/wallet');
      const cookie = res.headers.getSetCookie()[0]!;
      assert.match(cookie, /^reji_sid=[A-Za-z0-9_-]{43}; Path=\/; HttpOnly; SameSite=Lax; Max-Age=\d+$/);
      const csp = res.headers.get('content-security-policy')!;
      assert.match(csp, /default-src 'none'/);
      assert.match(csp, /script-src 'self'(;|$)/);
      assert.match(csp, /frame-ancestors 'none'/);
      assert.doesNotMatch(csp, /unsafe-inline|unsafe-eval/);
      assert.equal(res.headers.get('x-frame-options'), 'DENY');
      const html = await res.text();
      assert.doesNotMatch(html, /<script>|<style>|\son[a-z]+=/i, 'no inline script, style or event handler');

      const secureCookie = await new Promise<string>((resolve, reject) => {
        https
          .get(`${reji.servers.httpsUrl}/checkout/signin?next=/checkout/wallet`, { rejectUnauthorized: false }, (r) => {
            r.resume();
            resolve(r.headers['set-cookie']![0]!);
          })
          .on('error', reject);
      });
      assert.match(
        secureCookie,
        /^__Host-reji_sid=[A-Za-z0-9_-]{43}; Path=\/; HttpOnly; SameSite=Lax; Max-Age=\d+; Secure$/,
      );
    });

    test('CSRF: forms without the token, with a wrong token, or from another origin are refused', async () => {
      const c = new PageClient(reji.httpUrl);
      const page = await startAndSignIn(reji, c, jp, payloadFor(jp), 'taro.yamada@example.jp');
      assert.match(page.url, /\/checkout\/select/);
      const token = csrfOf(page.html);
      const form = {
        amazonCheckoutSessionId: page.checkoutSessionId,
        mode: 'initial',
        addressId: 'jp-taro-home',
        paymentMethodId: 'jp-taro-1111',
      };
      assert.equal((await c.request('/checkout/select', { form })).status, 403);
      assert.equal((await c.request('/checkout/select', { form: { ...form, _csrf: 'x'.repeat(43) } })).status, 403);
      assert.equal(
        (
          await c.request('/checkout/select', {
            form: { ...form, _csrf: token },
            headers: { origin: 'https://evil.example' },
          })
        ).status,
        403,
      );
      assert.equal(
        (
          await c.request('/checkout/select', {
            form: { ...form, _csrf: token },
            headers: { 'sec-fetch-site': 'cross-site' },
          })
        ).status,
        403,
      );
      assert.equal(
        (
          await c.request('/checkout/cancel', {
            form: { amazonCheckoutSessionId: page.checkoutSessionId, stage: 'checkout' },
          })
        ).status,
        403,
      );
      // Another browser's token does not work with this browser's cookie.
      const stranger = new PageClient(reji.httpUrl);
      const strangerPage = await stranger.get('/checkout/signin?next=/checkout/wallet');
      assert.equal(
        (await c.request('/checkout/select', { form: { ...form, _csrf: csrfOf(strangerPage.html) } })).status,
        403,
      );
      const ok = await c.request('/checkout/select', { form: { ...form, _csrf: token } });
      assert.equal(ok.status, 303);
      assert.equal(ok.headers.get('location'), `${SHOP}/review?amazonCheckoutSessionId=${page.checkoutSessionId}`);
    });

    test('a checkout session id alone gives no access: another browser and another buyer are refused', async () => {
      const owner = new PageClient(reji.httpUrl);
      const page = await startAndSignIn(reji, owner, jp, payloadFor(jp), 'taro.yamada@example.jp');
      const thief = new PageClient(reji.httpUrl);
      const signin = await thief.get(`/checkout/select?amazonCheckoutSessionId=${page.checkoutSessionId}`);
      assert.match(signin.url, /\/checkout\/signin/);
      const next = new URL(signin.url).searchParams.get('next')!;
      const after = await thief.post('/checkout/signin', {
        _csrf: csrfOf(signin.html),
        email: 'hanako.sato@example.jp',
        password: 'sandbox',
        next,
      });
      assert.equal(after.res.status, 403);
      const processing = await thief.get(`/checkout/processing?amazonCheckoutSessionId=${page.checkoutSessionId}`);
      assert.equal(processing.res.status, 403);
    });

    test('open redirects: next, return URLs, cancel targets and the button page stay on declared, allowed origins', async () => {
      const c = new PageClient(reji.httpUrl);
      for (const evil of [
        'https://evil.example/',
        '//evil.example/checkout/x',
        '/\\evil.example',
        'javascript:alert(1)',
      ]) {
        const page = await c.get(`/checkout/signin?next=${encodeURIComponent(evil)}`);
        const res = await c.request('/checkout/signin', {
          form: { _csrf: csrfOf(page.html), email: 'taro.yamada@example.jp', password: 'sandbox', next: evil },
        });
        assert.equal(res.status, 303);
        assert.equal(res.headers.get('location'), '/checkout/wallet', `next=${evil}`);
        c.cookies.clear();
      }
      const allowOnlyShop = await reji.merchant('jp', [SHOP]);
      for (const key of ['checkoutReviewReturnUrl', 'checkoutCancelUrl', 'checkoutResultReturnUrl']) {
        const payload = payloadFor(allowOnlyShop);
        (payload['webCheckoutDetails'] as Record<string, string>)[key] = 'https://evil.example/steal';
        const res = await c.request('/checkout/start', {
          form: buttonFields(allowOnlyShop, payload),
          headers: { origin: SHOP },
        });
        assert.equal(res.status, 400, key);
        assert.match(await res.text(), /origin https:\/\/evil\.example is not allowed/i);
      }
      const signIn = await c.request('/checkout/start', {
        form: buttonFields(
          allowOnlyShop,
          { signInReturnUrl: 'https://evil.example/', storeId: allowOnlyShop.storeId },
          { productType: 'SignIn' },
        ),
        headers: { origin: SHOP },
      });
      assert.equal(signIn.status, 400);
      // A button page on a foreign origin is not used as the cancel target.
      const noCancel = {
        webCheckoutDetails: { checkoutReviewReturnUrl: `${SHOP}/review` },
        storeId: allowOnlyShop.storeId,
      };
      const d = new PageClient(reji.httpUrl);
      const page = await startAndSignIn(reji, d, allowOnlyShop, noCancel, 'taro.yamada@example.jp', {
        startedFrom: 'https://evil.example/cart',
      });
      const cancel = await d.request('/checkout/cancel', {
        form: { _csrf: csrfOf(page.html), amazonCheckoutSessionId: page.checkoutSessionId, stage: 'checkout' },
      });
      assert.equal(cancel.headers.get('location'), `${SHOP}/`);
      // ... while an allowed one is.
      const e = new PageClient(reji.httpUrl);
      const page2 = await startAndSignIn(reji, e, allowOnlyShop, noCancel, 'taro.yamada@example.jp', {
        startedFrom: `${SHOP}/cart?item=1`,
      });
      const cancel2 = await e.request('/checkout/cancel', {
        form: { _csrf: csrfOf(page2.html), amazonCheckoutSessionId: page2.checkoutSessionId, stage: 'checkout' },
      });
      assert.equal(cancel2.headers.get('location'), `${SHOP}/cart?item=1`);
    });

    test('XSS: merchant metadata in the payload is escaped on every page', async () => {
      for (const attack of XSS) {
        const c = new PageClient(reji.httpUrl);
        const page = await startAndSignIn(
          reji,
          c,
          jp,
          payloadFor(jp, {
            merchantMetadata: {
              merchantStoreName: attack.slice(0, 50),
              merchantReferenceId: attack,
              noteToBuyer: attack,
              customInformation: attack,
            },
            paymentDetails: { chargeAmount: { amount: '100', currencyCode: 'JPY' } },
          }),
          'taro.yamada@example.jp',
        );
        assert.match(page.url, /\/checkout\/select/);
        assertEscaped(page.html);
        assert.ok(page.html.includes('&lt;') || page.html.includes('&quot;') || page.html.includes('&#39;'));
        const signin = await new PageClient(reji.httpUrl).get(
          `/checkout/signin?next=${encodeURIComponent(`/checkout/select?amazonCheckoutSessionId=${page.checkoutSessionId}`)}`,
        );
        assertEscaped(signin.html);
      }
    });

    test('XSS: buyer-controlled names, addresses, card holders and echoed form values are escaped', async () => {
      const c = new PageClient(reji.httpUrl);
      const reg = await c.get('/checkout/register?next=/checkout/wallet&region=jp');
      const email = `x${Date.now()}@example.jp`;
      const signIn = await c.post('/checkout/register', {
        _csrf: csrfOf(reg.html),
        name: XSS[1]!,
        email,
        password: 'correct horse',
        phoneNumber: '',
        next: '/checkout/wallet',
        region: 'jp',
      });
      const registered = await c.post('/checkout/signin', {
        _csrf: csrfOf(signIn.html),
        email,
        password: 'correct horse',
        next: '/checkout/wallet',
        region: 'jp',
      });
      assert.match(registered.url, /\/checkout\/wallet$/);
      assertEscaped(registered.html);
      const token = csrfOf(registered.html);
      const added = await c.post('/checkout/wallet/address', {
        _csrf: token,
        next: '/checkout/wallet',
        countryCode: 'JP',
        postalCode: '100-0001',
        stateOrRegion: '東京都',
        addressLine1: XSS[0]!,
        addressLine2: XSS[2]!,
        name: XSS[1]!,
        phoneNumber: '03-1234-5678',
      });
      assert.match(added.url, /\/checkout\/wallet$/);
      const card = await c.post('/checkout/wallet/card', {
        _csrf: token,
        next: '/checkout/wallet',
        number: '4111 1111 1111 1111',
        expiry: '12/39',
        holderName: XSS[0]!.slice(0, 50),
      });
      assertEscaped(card.html);
      const wallet = await c.get('/checkout/wallet');
      assertEscaped(wallet.html);
      assert.match(wallet.html, /&lt;script&gt;alert\(1\)&lt;\/script&gt;/);
      assert.match(wallet.html, /Visa/);
      assert.doesNotMatch(wallet.html, /4111 1111 1111 1111|4111111111111111/);
      // Echoed values of a failed form.
      const bad = await c.post('/checkout/wallet/address', {
        _csrf: token,
        next: '/checkout/wallet',
        countryCode: 'JP',
        postalCode: XSS[1]!.slice(0, 20),
        stateOrRegion: XSS[0]!,
        addressLine1: XSS[1]!,
        name: '',
        phoneNumber: '',
      });
      assert.equal(bad.res.status, 400);
      assertEscaped(bad.html);
      const failedSignIn = new PageClient(reji.httpUrl);
      const s = await failedSignIn.get('/checkout/signin?next=/checkout/wallet');
      const r = await failedSignIn.post('/checkout/signin', {
        _csrf: csrfOf(s.html),
        email: XSS[1]!,
        password: 'nope',
        next: '/checkout/wallet',
      });
      assert.equal(r.res.status, 401);
      assertEscaped(r.html);
    });

    test('tampered or misconfigured button signatures are refused, with the reason for the developer', async () => {
      const c = new PageClient(reji.httpUrl);
      const payload = payloadFor(jp);
      const verify = async (fields: Record<string, string>) => {
        const res = await fetch(`${reji.httpUrl}/checkout/verify-payload`, {
          method: 'POST',
          headers: { 'content-type': 'text/plain;charset=UTF-8', origin: SHOP },
          body: JSON.stringify(fields),
        });
        assert.equal(res.headers.get('access-control-allow-origin'), '*');
        return (await res.json()) as { ok: boolean; reasonCode?: string; message?: string };
      };
      assert.deepEqual(await verify(buttonFields(jp, payload)), { ok: true });
      const tampered = { ...buttonFields(jp, payload), payloadJSON: JSON.stringify({ ...payload, scopes: ['name'] }) };
      const v1 = await verify(tampered);
      assert.equal(v1.reasonCode, 'InvalidRequestSignature');
      assert.match(v1.message!, /does not match payloadJSON/);
      const started = await c.request('/checkout/start', { form: tampered, headers: { origin: SHOP } });
      assert.equal(started.status, 400);
      const page = await started.text();
      assert.match(page, /お支払いを開始できませんでした/);
      assert.match(page, /InvalidRequestSignature/);
      assert.equal(
        (await verify({ ...buttonFields(jp, payload), signature: 'AAAA' })).reasonCode,
        'InvalidRequestSignature',
      );
      assert.equal(
        (await verify({ ...buttonFields(jp, payload), publicKeyId: other.sandboxKey.publicKeyId })).reasonCode,
        'UnauthorizedAccess',
      );
      assert.equal(
        (await verify({ ...buttonFields(other, payloadFor(jp)) })).reasonCode,
        'InvalidParameterValue',
        'store of another merchant',
      );
      assert.equal(
        (await verify(buttonFields(jp, payload, { key: 'live', sandbox: true }))).reasonCode,
        'UnauthorizedAccess',
      );
      assert.equal(
        (await verify({ ...buttonFields(jp, payload), algorithm: 'AMZN-PAY-RSASSA-PSS-V3' })).reasonCode,
        'InvalidParameterValue',
      );
      assert.equal(
        (await verify({ ...buttonFields(jp, payload), ledgerCurrency: 'USD' })).reasonCode,
        'CurrencyMismatch',
      );
      // Signed with one algorithm but declared as the other.
      assert.equal(
        (
          await verify({
            ...buttonFields(jp, payload, { algorithm: 'AMZN-PAY-RSASSA-PSS' }),
            algorithm: 'AMZN-PAY-RSASSA-PSS-V2',
          })
        ).reasonCode,
        'InvalidRequestSignature',
      );
      // Both algorithms, declared or not; and the PHP SDK's un-escaped variant.
      for (const algorithm of ['AMZN-PAY-RSASSA-PSS', 'AMZN-PAY-RSASSA-PSS-V2'] as const) {
        assert.deepEqual(await verify(buttonFields(jp, payload, { algorithm })), { ok: true });
        assert.deepEqual(await verify(buttonFields(jp, payload, { algorithm, declareAlgorithm: false })), { ok: true });
      }
      const escaped = JSON.stringify(payload).replace(/\//g, '\\/');
      assert.deepEqual(await verify(buttonFields(jp, escaped, { signWith: unescapedVariant(escaped) })), { ok: true });
      const unknownField = await verify(buttonFields(jp, { ...payload, surprise: 1 }));
      assert.equal(unknownField.reasonCode, 'UnrecognizedField');
    });

    test('sign-in attempts are limited per email: the sixth try is refused even with the right password', async () => {
      const c = new PageClient(reji.httpUrl);
      const email = 'john.smith@example.com';
      for (let i = 0; i < 5; i++) {
        const page = await c.get('/checkout/signin?next=/checkout/wallet&region=na');
        const r = await c.post('/checkout/signin', {
          _csrf: csrfOf(page.html),
          email,
          password: `wrong${i}`,
          next: '/checkout/wallet',
          region: 'na',
        });
        assert.equal(r.res.status, 401);
      }
      const page = await c.get('/checkout/signin?next=/checkout/wallet&region=na');
      const r = await c.post('/checkout/signin', {
        _csrf: csrfOf(page.html),
        email,
        password: 'sandbox',
        next: '/checkout/wallet',
        region: 'na',
      });
      assert.equal(r.res.status, 429);
      assert.match(r.html, /Too many failed sign-in attempts/);
    });

    test('Get Buyer: the buyer token works for its merchant only, filtered by the consented scopes', async () => {
      const c = new PageClient(reji.httpUrl);
      const started = await c.post(
        '/checkout/start',
        buttonFields(
          jp,
          { signInReturnUrl: `${SHOP}/signed-in?x=1`, storeId: jp.storeId, signInScopes: ['email', 'postalCode'] },
          { productType: 'SignIn' },
        ),
        { origin: SHOP },
      );
      const next = new URL(started.url).searchParams.get('next')!;
      const consent = await c.post('/checkout/signin', {
        _csrf: csrfOf(started.html),
        email: 'taro.yamada@example.jp',
        password: 'sandbox',
        next,
      });
      assert.match(consent.url, /\/checkout\/consent/);
      const allowed = await c.request('/checkout/consent', {
        form: {
          _csrf: csrfOf(consent.html),
          signInRequestId: new URL(consent.url).searchParams.get('signInRequestId')!,
          decision: 'allow',
        },
      });
      const location = new URL(allowed.headers.get('location')!);
      assert.equal(`${location.origin}${location.pathname}`, `${SHOP}/signed-in`);
      assert.equal(location.searchParams.get('x'), '1');
      const token = location.searchParams.get('buyerToken')!;
      const mine = await officialClient(reji, jp).getBuyer(token);
      assert.deepEqual(Object.keys(mine.data), [
        'buyerId',
        'name',
        'email',
        'postalCode',
        'countryCode',
        'phoneNumber',
        'shippingAddress',
        'billingAddress',
        'primeMembershipTypes',
      ]);
      assert.equal(mine.data.email, 'taro.yamada@example.jp');
      assert.equal(mine.data.postalCode, '100-0001');
      assert.equal(mine.data.countryCode, 'JP');
      assert.equal(mine.data.name, null);
      assert.equal(mine.data.shippingAddress, null);
      const theirs = await settle(officialClient(reji, other).getBuyer(token));
      assert.equal(theirs.status, 404);
      const unknown = await settle(officialClient(reji, jp).getBuyer('x'.repeat(43)));
      assert.equal(unknown.status, 404);
      // The sign-in request was used up.
      const again = await c.request('/checkout/consent', {
        form: {
          _csrf: csrfOf(consent.html),
          signInRequestId: new URL(consent.url).searchParams.get('signInRequestId')!,
          decision: 'allow',
        },
      });
      assert.equal(again.status, 404);
    });
  });
}

import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { dialectCases } from '../support/dialects.js';
import { rawRequest, signedHeaders, signedRequest, type SignOptions } from '../support/raw.js';
import { startTestReji, type TestMerchant, type TestReji } from '../support/reji.js';

/** The tamper matrix: every part of a signed request is covered by the signature. */
for (const { dialect, skip } of await dialectCases()) {
  describe(`request authentication (${dialect})`, { skip }, () => {
    let reji: TestReji;
    let merchant: TestMerchant;
    let other: TestMerchant;
    let key: SignOptions;
    let sessionId: string;
    let otherSessionId: string;
    const createBody = () =>
      JSON.stringify({
        webCheckoutDetails: { checkoutReviewReturnUrl: 'https://shop.example/review' },
        storeId: merchant.storeId,
      });

    before(async () => {
      reji = await startTestReji({ dialect });
      merchant = await reji.merchant('jp');
      other = await reji.merchant('jp');
      key = { publicKeyId: merchant.sandboxKey.publicKeyId, privateKeyPem: merchant.sandboxKey.privateKeyPem };
      const created = await signedRequest(reji.httpUrl, key, {
        method: 'POST',
        path: '/v2/checkoutSessions',
        body: createBody(),
        headers: { 'x-amz-pay-idempotency-key': 'tamper-base' },
      });
      assert.equal(created.status, 201, created.text);
      sessionId = created.json.checkoutSessionId;
      const otherKey = { publicKeyId: other.sandboxKey.publicKeyId, privateKeyPem: other.sandboxKey.privateKeyPem };
      const otherCreated = await signedRequest(reji.httpUrl, otherKey, {
        method: 'POST',
        path: '/v2/checkoutSessions',
        body: JSON.stringify({
          webCheckoutDetails: { checkoutReviewReturnUrl: 'https://shop.example/review' },
          storeId: other.storeId,
        }),
        headers: { 'x-amz-pay-idempotency-key': 'other' },
      });
      otherSessionId = otherCreated.json.checkoutSessionId;
    });
    after(() => reji?.stop());

    function postPieces() {
      const body = createBody();
      const headers = signedHeaders(reji.httpUrl, key, {
        method: 'POST',
        path: '/v2/checkoutSessions',
        body,
        headers: { 'x-amz-pay-idempotency-key': `t${Math.random().toString(36).slice(2, 12)}` },
      });
      return { body, headers };
    }

    test('an untouched signed request passes', async () => {
      const { body, headers } = postPieces();
      const r = await rawRequest(reji.httpUrl, { method: 'POST', path: '/v2/checkoutSessions', headers, body });
      assert.equal(r.status, 201, r.text);
    });

    test('changing the method fails with InvalidRequestSignature', async () => {
      const headers = signedHeaders(reji.httpUrl, key, {
        method: 'PATCH',
        path: `/v2/checkoutSessions/${sessionId}`,
        body: '',
      });
      const r = await rawRequest(reji.httpUrl, { method: 'GET', path: `/v2/checkoutSessions/${sessionId}`, headers });
      assert.equal(r.status, 403);
      assert.equal(r.json.reasonCode, 'InvalidRequestSignature');
      assert.match(
        r.json.message,
        /GET\n\/v2\/checkoutSessions\//,
        'the message shows the canonical request reji computed',
      );
      assert.match(r.json.message, /AMZN-PAY-RSASSA-PSS-V2\n[0-9a-f]{64}/, 'and the string to sign');
    });

    test('changing the path fails', async () => {
      const [a, b] = await (async () => {
        const second = await signedRequest(reji.httpUrl, key, {
          method: 'POST',
          path: '/v2/checkoutSessions',
          body: createBody(),
          headers: { 'x-amz-pay-idempotency-key': 'tamper-second' },
        });
        return [sessionId, second.json.checkoutSessionId as string];
      })();
      const headers = signedHeaders(reji.httpUrl, key, { method: 'GET', path: `/v2/checkoutSessions/${a}` });
      const r = await rawRequest(reji.httpUrl, { method: 'GET', path: `/v2/checkoutSessions/${b}`, headers });
      assert.equal(r.status, 403);
      assert.equal(r.json.reasonCode, 'InvalidRequestSignature');
    });

    test('changing the query fails; the query is signed sorted', async () => {
      const headers = signedHeaders(reji.httpUrl, key, {
        method: 'GET',
        path: `/v2/checkoutSessions/${sessionId}`,
        query: [
          ['b', '2'],
          ['a', 'x y'],
        ],
      });
      const ok = await rawRequest(reji.httpUrl, {
        method: 'GET',
        path: `/v2/checkoutSessions/${sessionId}?a=x%20y&b=2`,
        headers,
      });
      assert.equal(ok.status, 200, ok.text);
      const r = await rawRequest(reji.httpUrl, {
        method: 'GET',
        path: `/v2/checkoutSessions/${sessionId}?a=x%20y&b=3`,
        headers,
      });
      assert.equal(r.status, 403);
    });

    for (const name of [
      'accept',
      'content-type',
      'x-amz-pay-date',
      'x-amz-pay-host',
      'x-amz-pay-region',
      'x-amz-pay-idempotency-key',
    ]) {
      test(`changing the signed header ${name} fails`, async () => {
        const { body, headers } = postPieces();
        const value = headers[name]!;
        const changed =
          name === 'x-amz-pay-date'
            ? value.replace(/(\d)Z$/, (_, d: string) => `${(Number(d) + 1) % 10}Z`)
            : name === 'x-amz-pay-region'
              ? 'JP'
              : name === 'content-type'
                ? 'application/json; charset=utf-8'
                : `${value}x`;
        const r = await rawRequest(reji.httpUrl, {
          method: 'POST',
          path: '/v2/checkoutSessions',
          headers: { ...headers, [name]: changed },
          body,
        });
        assert.equal(r.status, 403, `${name}: ${r.text}`);
        assert.equal(r.json.reasonCode, 'InvalidRequestSignature');
      });
    }

    test('changing the body fails', async () => {
      const { body, headers } = postPieces();
      const r = await rawRequest(reji.httpUrl, {
        method: 'POST',
        path: '/v2/checkoutSessions',
        headers,
        body: body.replace('review', 'reviev'),
      });
      assert.equal(r.status, 403);
      assert.equal(r.json.reasonCode, 'InvalidRequestSignature');
    });

    test('a date outside the allowed skew fails even when signed', async () => {
      for (const offset of [-16 * 60_000, 16 * 60_000]) {
        const r = await signedRequest(
          reji.httpUrl,
          { ...key, date: new Date(Date.now() + offset) },
          { method: 'GET', path: `/v2/checkoutSessions/${sessionId}` },
        );
        assert.equal(r.status, 400);
        assert.equal(r.json.reasonCode, 'InvalidHeaderValue');
        assert.match(r.json.message, /x-amz-pay-date/);
      }
      const near = await signedRequest(
        reji.httpUrl,
        { ...key, date: new Date(Date.now() - 5 * 60_000) },
        { method: 'GET', path: `/v2/checkoutSessions/${sessionId}` },
      );
      assert.equal(near.status, 200);
    });

    test('another key fails: a different merchant key, an unknown key, a broken signature', async () => {
      const { body, headers } = postPieces();
      const swapped = headers['authorization']!.replace(merchant.sandboxKey.publicKeyId, other.sandboxKey.publicKeyId);
      const r1 = await rawRequest(reji.httpUrl, {
        method: 'POST',
        path: '/v2/checkoutSessions',
        headers: { ...headers, authorization: swapped },
        body,
      });
      assert.equal(r1.status, 403);
      const unknown = headers['authorization']!.replace(
        merchant.sandboxKey.publicKeyId,
        'SANDBOX-AAAAAAAAAAAAAAAAAAAAAAAA',
      );
      const r2 = await rawRequest(reji.httpUrl, {
        method: 'POST',
        path: '/v2/checkoutSessions',
        headers: { ...headers, authorization: unknown },
        body,
      });
      assert.equal(r2.status, 401);
      assert.equal(r2.json.reasonCode, 'UnauthorizedAccess');
      const broken = headers['authorization']!.replace(/Signature=.*/, 'Signature=AAAA');
      const r3 = await rawRequest(reji.httpUrl, {
        method: 'POST',
        path: '/v2/checkoutSessions',
        headers: { ...headers, authorization: broken },
        body,
      });
      assert.equal(r3.status, 403);
    });

    test('malformed or incomplete authentication answers 400 with the right reason', async () => {
      const { body, headers } = postPieces();
      const cases: [Record<string, string | undefined>, string][] = [
        [{ authorization: undefined }, 'MissingHeader'],
        [{ authorization: '' }, 'MissingHeaderValue'],
        [{ authorization: 'Bearer abc' }, 'InvalidHeaderValue'],
        [
          { authorization: headers['authorization']!.replace('AMZN-PAY-RSASSA-PSS-V2', 'AMZN-PAY-RSASSA-PSS-V9') },
          'InvalidHeaderValue',
        ],
        [{ 'x-amz-pay-date': undefined }, 'MissingHeader'],
        [{ 'x-amz-pay-date': 'yesterday' }, 'InvalidHeaderValue'],
        [{ 'x-amz-pay-region': 'mars' }, 'InvalidHeaderValue'],
        [{ 'x-amz-pay-host': '' }, 'MissingHeaderValue'],
      ];
      for (const [change, reason] of cases) {
        const h: Record<string, string> = { ...headers };
        for (const [k, v] of Object.entries(change)) {
          if (v === undefined) delete h[k];
          else h[k] = v;
        }
        const r = await rawRequest(reji.httpUrl, { method: 'POST', path: '/v2/checkoutSessions', headers: h, body });
        assert.equal(r.status, 400, JSON.stringify(change));
        assert.equal(r.json.reasonCode, reason, JSON.stringify(change));
      }
    });

    test('required headers must be signed', async () => {
      const body = createBody();
      const headers = signedHeaders(reji.httpUrl, key, {
        method: 'POST',
        path: '/v2/checkoutSessions',
        body,
        headers: { 'x-amz-pay-idempotency-key': 'unsigned-region' },
      });
      const auth = headers['authorization']!.replace(';x-amz-pay-region', '');
      const r = await rawRequest(reji.httpUrl, {
        method: 'POST',
        path: '/v2/checkoutSessions',
        headers: { ...headers, authorization: auth },
        body,
      });
      assert.equal(r.status, 400);
      assert.match(r.json.message, /x-amz-pay-region/);
    });

    test("keys only see their own merchant's objects in their own environment", async () => {
      const foreign = await signedRequest(reji.httpUrl, key, {
        method: 'GET',
        path: `/v2/checkoutSessions/${otherSessionId}`,
      });
      assert.equal(foreign.status, 404);
      assert.equal(foreign.json.reasonCode, 'ResourceNotFound');
      assert.doesNotMatch(foreign.text, /storeId/);
      const live = { publicKeyId: merchant.liveKey.publicKeyId, privateKeyPem: merchant.liveKey.privateKeyPem };
      const fromLive = await signedRequest(reji.httpUrl, live, {
        method: 'GET',
        path: `/v2/checkoutSessions/${sessionId}`,
      });
      assert.equal(fromLive.status, 404);
      const legacy = { publicKeyId: merchant.legacyKey.publicKeyId, privateKeyPem: merchant.legacyKey.privateKeyPem };
      assert.equal(
        (
          await signedRequest(reji.httpUrl, legacy, {
            method: 'GET',
            path: `/sandbox/v2/checkoutSessions/${sessionId}`,
          })
        ).status,
        200,
      );
      assert.equal(
        (await signedRequest(reji.httpUrl, legacy, { method: 'GET', path: `/live/v2/checkoutSessions/${sessionId}` }))
          .status,
        404,
      );
      const noPrefix = await signedRequest(reji.httpUrl, legacy, {
        method: 'GET',
        path: `/v2/checkoutSessions/${sessionId}`,
      });
      assert.equal(noPrefix.status, 401);
      const wrongPath = await signedRequest(reji.httpUrl, key, {
        method: 'GET',
        path: `/live/v2/checkoutSessions/${sessionId}`,
      });
      assert.equal(wrongPath.status, 401);
      const wrongRegion = await signedRequest(
        reji.httpUrl,
        { ...key, region: 'na' },
        { method: 'GET', path: `/v2/checkoutSessions/${sessionId}` },
      );
      assert.equal(wrongRegion.status, 400);
      assert.match(wrongRegion.json.message, /region/);
    });

    test('a .NET-style trailing slash is signed as sent and routes the same', async () => {
      const r = await signedRequest(reji.httpUrl, key, { method: 'GET', path: `/v2/checkoutSessions/${sessionId}/` });
      assert.equal(r.status, 200, r.text);
    });
  });
}

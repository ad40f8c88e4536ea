// The SDK and the official npm SDK produce requests that reji verifies identically.
// (Own file: the official SDK turns off TLS verification process-wide when given overrideServiceUrl.)
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { authenticate } from '../../src/http/auth.js';
import { parseAuthorization } from '../../src/signing/index.js';
import { dialectCases } from '../../test/support/dialects.js';
import { idem, officialClient, settle } from '../../test/support/official-sdk.js';
import { startTestReji, type TestMerchant, type TestReji } from '../../test/support/reji.js';
import type { SigningAlgorithm } from '../src/index.js';
import { sdkClient, type SdkKeyKind } from './reji-client.js';

/** The official client's signing entry point (untyped JavaScript). */
interface SignsHeaders {
  getSignedHeaders(options: {
    method: string;
    urlFragment: string;
    payload: string;
    headers: Record<string, string>;
  }): Record<string, string>;
}

/** The JSON shape of a value: key names and value types, recursively (ids and times left out). */
function shape(value: unknown): unknown {
  if (value === null) return null;
  if (Array.isArray(value)) return value.map(shape);
  if (typeof value === 'object')
    return Object.fromEntries(Object.entries(value as object).map(([k, v]) => [k, shape(v)]));
  return typeof value;
}

const COMBOS: [SdkKeyKind, SigningAlgorithm][] = [
  ['sandbox', 'AMZN-PAY-RSASSA-PSS'],
  ['sandbox', 'AMZN-PAY-RSASSA-PSS-V2'],
  ['legacy', 'AMZN-PAY-RSASSA-PSS'],
  ['legacy', 'AMZN-PAY-RSASSA-PSS-V2'],
];

for (const { dialect, skip } of await dialectCases()) {
  describe(`@reji/sdk and @amazonpay/amazon-pay-api-sdk-nodejs against reji (${dialect})`, { skip }, () => {
    let reji: TestReji;
    let merchant: TestMerchant;
    before(async () => {
      reji = await startTestReji({ dialect });
      merchant = await reji.merchant('jp');
    });
    after(() => reji?.stop());

    for (const [key, algorithm] of COMBOS) {
      test(`the same logical request signed by both verifies with reji's authenticator to the same caller (${key} key, ${algorithm})`, async () => {
        const official = officialClient(reji, merchant, { key, algorithm });
        const ours = sdkClient(reji, merchant, key, algorithm);
        const payload = {
          webCheckoutDetails: { checkoutReviewReturnUrl: 'https://shop.example/review' },
          storeId: merchant.storeId,
          merchantMetadata: { noteToBuyer: 'ありがとう' },
        };
        const body = JSON.stringify(payload);
        const idempotencyKey = 'same-logical-request-1';
        const path = key === 'sandbox' ? '/v2/checkoutSessions' : '/sandbox/v2/checkoutSessions';

        // getSignedHeaders adds the /v2 or /sandbox/v2 prefix itself, like the SDK.
        const officialHeaders = (official as unknown as SignsHeaders).getSignedHeaders({
          method: 'POST',
          urlFragment: 'checkoutSessions',
          payload: body,
          headers: { 'x-amz-pay-idempotency-key': idempotencyKey },
        });
        const prepared = ours.signRequest({
          method: 'POST',
          path: '/checkoutSessions',
          body,
          headers: { 'x-amz-pay-idempotency-key': idempotencyKey },
        });
        assert.equal(prepared.path, path);

        const callers = [];
        for (const headers of [officialHeaders, prepared.headers]) {
          const lower = new Map(Object.entries(headers).map(([k, v]) => [k.toLowerCase(), String(v)]));
          const caller = await authenticate(reji.ctx, {
            method: 'POST',
            rawPath: path,
            rawQuery: '',
            headers: lower,
            body: Buffer.from(body),
            pathEnvironment: key === 'sandbox' ? null : 'Sandbox',
          });
          callers.push({
            merchantId: caller.merchant.merchantId,
            environment: caller.environment,
            publicKeyId: caller.publicKeyId,
          });
        }
        assert.deepEqual(callers[0], callers[1]);
        assert.deepEqual(callers[1], {
          merchantId: merchant.merchantId,
          environment: 'Sandbox',
          publicKeyId: key === 'sandbox' ? merchant.sandboxKey.publicKeyId : merchant.legacyKey.publicKeyId,
        });

        // Same values where both sign the same header; the official SDK also signs its user-agent.
        const a = parseAuthorization(officialHeaders['authorization']!);
        const b = parseAuthorization(prepared.headers['authorization']!);
        assert.ok(a.ok && b.ok);
        assert.equal(a.value.algorithm, b.value.algorithm);
        assert.deepEqual(
          a.value.signedHeaders.filter((h) => h !== 'user-agent'),
          b.value.signedHeaders,
        );
        for (const h of ['accept', 'content-type', 'x-amz-pay-host', 'x-amz-pay-region', 'x-amz-pay-idempotency-key']) {
          assert.equal(officialHeaders[h], prepared.headers[h], h);
        }
        // The dates differ in format only (extended vs basic ISO 8601); reji accepts both.
        assert.match(officialHeaders['x-amz-pay-date']!, /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/);
        assert.match(prepared.headers['x-amz-pay-date']!, /^\d{8}T\d{6}Z$/);
        ours.close();
      });

      test(`both get the same 2xx answers from the real server, and read each other's objects (${key} key, ${algorithm})`, async () => {
        const official = officialClient(reji, merchant, { key, algorithm });
        const ours = sdkClient(reji, merchant, key, algorithm);
        try {
          const payload = {
            webCheckoutDetails: { checkoutReviewReturnUrl: 'https://shop.example/review' },
            storeId: merchant.storeId,
          };
          const viaOfficial = await official.createCheckoutSession(payload, idem());
          const viaOurs = await ours.checkoutSessions.create(payload);
          assert.equal(viaOfficial.status, 201);
          assert.equal(viaOurs.status, 201);
          assert.deepEqual(shape(viaOurs.body), shape(viaOfficial.data));
          assert.deepEqual(Object.keys(viaOurs.body), Object.keys(viaOfficial.data));

          // Each reads the other's session and gets the same document.
          const crossA = await ours.checkoutSessions.get(viaOfficial.data.checkoutSessionId);
          const crossB = await official.getCheckoutSession(viaOurs.body.checkoutSessionId);
          assert.deepEqual(crossA.body, (await official.getCheckoutSession(viaOfficial.data.checkoutSessionId)).data);
          assert.deepEqual(crossB.data, (await ours.checkoutSessions.get(viaOurs.body.checkoutSessionId)).body);

          // PATCH and the testing endpoints the same way.
          const update = {
            paymentDetails: {
              paymentIntent: 'Authorize' as const,
              chargeAmount: { amount: '1500', currencyCode: 'JPY' },
            },
          };
          const upOfficial = await official.updateCheckoutSession(viaOfficial.data.checkoutSessionId, update);
          const upOurs = await ours.checkoutSessions.update(viaOurs.body.checkoutSessionId, update);
          assert.deepEqual(shape(upOurs.body), shape(upOfficial.data));
          assert.deepEqual(upOurs.body.constraints, upOfficial.data.constraints);

          // An error answer has the same shape for both, too.
          const missing = '00000000-0000-4000-8000-000000000000';
          const officialError = await settle(official.getCheckoutSession(missing));
          const ourError = await ours.checkoutSessions.get(missing).then(
            () => assert.fail('should fail'),
            (e: { status: number; body: unknown }) => e,
          );
          assert.equal(ourError.status, officialError.status);
          assert.deepEqual(shape(ourError.body), shape(officialError.data));
        } finally {
          ours.close();
        }
      });
    }
  });
}

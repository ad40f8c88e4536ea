import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { createRequire } from 'node:module';
import { test } from 'node:test';
import { canonicalRequest, parseAuthorization, stringToSign, verifyString } from '../../../src/signing/index.js';

const require = createRequire(import.meta.url);
const { WebStoreClient } = require('@amazonpay/amazon-pay-api-sdk-nodejs');

const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
const privatePem = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();

for (const algorithm of ['AMZN-PAY-RSASSA-PSS', 'AMZN-PAY-RSASSA-PSS-V2'] as const) {
  test(`a request signed by the official SDK with ${algorithm} verifies over our canonical request`, () => {
    const client = new WebStoreClient({
      publicKeyId: 'SANDBOX-AHHDX7WQ3CLBJ4F3ZAALRNXE',
      privateKey: privatePem,
      region: 'jp',
      algorithm,
      overrideServiceUrl: '127.0.0.1:8443',
    });
    const body = { storeId: 'amzn1.application-oa2-client.x', note: 'こんにちは' };
    const headers: Record<string, string> = client.getSignedHeaders({
      method: 'POST',
      urlFragment: 'checkoutSessions',
      payload: body,
      headers: { 'x-amz-pay-idempotency-key': 'abc123' },
    });
    const auth = parseAuthorization(headers['authorization']!);
    assert.ok(auth.ok);
    assert.equal(auth.value.algorithm, algorithm);
    const lower = new Map(Object.entries(headers).map(([k, v]) => [k.toLowerCase(), v]));
    const canonical = canonicalRequest({
      method: 'POST',
      path: '/v2/checkoutSessions',
      query: [],
      headers: lower,
      signedHeaders: auth.value.signedHeaders,
      body: Buffer.from(JSON.stringify(body)),
    });
    assert.ok(verifyString(algorithm, publicKey, stringToSign(algorithm, canonical), auth.value.signature));
  });
}

// Known-answer vectors: a fixed test-only key and fixed requests give fixed canonical requests and strings to sign.
// The expected hashes were cross-checked with coreutils `sha256sum` over the same text, not only with our own code.
import assert from 'node:assert/strict';
import { constants, createPublicKey, verify } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { describe, test } from 'node:test';
import { canonicalRequest, parseAuthorization, stringToSign } from '../../src/signing/index.js';
import { AmazonPayClient, buttonConfig, generateButtonSignature, type SigningAlgorithm } from '../src/index.js';

const PRIVATE_KEY = readFileSync(new URL('./fixtures/TEST-ONLY-private-key.pem', import.meta.url), 'utf8');
const PUBLIC_KEY = createPublicKey(
  readFileSync(new URL('./fixtures/TEST-ONLY-public-key.pem', import.meta.url), 'utf8'),
);
const FIXED_NOW = () => new Date('2026-01-27T10:10:10.123Z');

const SALT = { 'AMZN-PAY-RSASSA-PSS': 20, 'AMZN-PAY-RSASSA-PSS-V2': 32 } as const;
const OTHER: Record<SigningAlgorithm, SigningAlgorithm> = {
  'AMZN-PAY-RSASSA-PSS': 'AMZN-PAY-RSASSA-PSS-V2',
  'AMZN-PAY-RSASSA-PSS-V2': 'AMZN-PAY-RSASSA-PSS',
};

/** Verifies independently of src/signing: RSASSA-PSS, SHA-256, MGF1-SHA-256, the given salt length. */
function pssVerifies(text: string, signatureBase64: string, saltLength: number): boolean {
  return verify(
    'sha256',
    Buffer.from(text, 'utf8'),
    { key: PUBLIC_KEY, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength },
    Buffer.from(signatureBase64, 'base64'),
  );
}

const POST_BODY =
  '{"webCheckoutDetails":{"checkoutReviewReturnUrl":"https://shop.example/review?step=2"},"storeId":"amzn1.application-oa2-client.kat","merchantMetadata":{"noteToBuyer":"ありがとう"}}';

const POST_CANONICAL = [
  'POST',
  '/v2/checkoutSessions',
  '',
  'accept:application/json',
  'content-type:application/json',
  'x-amz-pay-date:20260127T101010Z',
  'x-amz-pay-host:pay-api.amazon.jp',
  'x-amz-pay-idempotency-key:kat-0001',
  'x-amz-pay-region:jp',
  '',
  'accept;content-type;x-amz-pay-date;x-amz-pay-host;x-amz-pay-idempotency-key;x-amz-pay-region',
  '8f7f98552823f3a51ea0e6e101461235c960f7f5b40f6ceb83cab0722fb5617f',
].join('\n');
const POST_CANONICAL_HASH = 'e46a111ed7700a1e68e3c14d5df051c13ddb13b78a5f79dcc2603947612f7cdd';

const GET_CANONICAL = [
  'GET',
  '/sandbox/v2/reports',
  'createdSince=20260101T000000Z&note=a%20b%2F~%2A&reportTypes=_GET_FLAT_FILE_OFFAMAZONPAYMENTS_ORDER_REFERENCE_DATA_',
  'accept:application/json',
  'content-type:application/json',
  'x-amz-pay-date:20260127T101010Z',
  'x-amz-pay-host:127.0.0.1:8080',
  'x-amz-pay-region:eu',
  '',
  'accept;content-type;x-amz-pay-date;x-amz-pay-host;x-amz-pay-region',
  // SHA-256 of the empty body
  'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
].join('\n');
const GET_CANONICAL_HASH = 'ebc0c4325c604700be286a64d7d344da7ef2d0e2620126738783c0bd68614889';

describe('known-answer signing vectors (fixed test key, fixed date)', () => {
  for (const algorithm of ['AMZN-PAY-RSASSA-PSS', 'AMZN-PAY-RSASSA-PSS-V2'] as const) {
    test(`POST with body and idempotency key, environment-specific key, ${algorithm}`, () => {
      const client = new AmazonPayClient({
        publicKeyId: 'SANDBOX-AHHDX7WQ3CLBJ4F3ZAALRNXE',
        privateKey: PRIVATE_KEY,
        region: 'jp',
        algorithm,
        now: FIXED_NOW,
      });
      const prepared = client.signRequest({
        method: 'POST',
        path: '/checkoutSessions',
        body: POST_BODY,
        headers: { 'X-Amz-Pay-Idempotency-Key': 'kat-0001' },
      });
      assert.equal(prepared.url, 'https://pay-api.amazon.jp/v2/checkoutSessions');
      assert.equal(prepared.canonicalRequest, POST_CANONICAL);
      assert.equal(prepared.stringToSign, `${algorithm}\n${POST_CANONICAL_HASH}`);

      const auth = prepared.headers['authorization']!;
      const m = /^(\S+) PublicKeyId=([^,]+), SignedHeaders=([^,]+), Signature=([A-Za-z0-9+/]+={0,2})$/.exec(auth);
      assert.ok(m, auth);
      assert.equal(m[1], algorithm);
      assert.equal(m[2], 'SANDBOX-AHHDX7WQ3CLBJ4F3ZAALRNXE');
      assert.equal(
        m[3],
        'accept;content-type;x-amz-pay-date;x-amz-pay-host;x-amz-pay-idempotency-key;x-amz-pay-region',
      );
      const signature = m[4]!;
      assert.equal(Buffer.from(signature, 'base64').length, 256);
      // PSS is randomized: verify, with the algorithm's salt length and not the other one's.
      assert.ok(pssVerifies(prepared.stringToSign, signature, SALT[algorithm]));
      assert.ok(!pssVerifies(prepared.stringToSign, signature, SALT[OTHER[algorithm]]));
      assert.ok(!pssVerifies(prepared.stringToSign.replace('e46a', 'e46b'), signature, SALT[algorithm]));
    });
  }

  test('GET with a query, legacy key (sandbox path), http base URL with a port, region alias de → eu', () => {
    const client = new AmazonPayClient({
      publicKeyId: 'AHHDX7WQ3CLBJ4F3ZAALRNXE',
      privateKey: PRIVATE_KEY,
      region: 'de',
      sandbox: true,
      baseUrl: 'http://127.0.0.1:8080',
      algorithm: 'AMZN-PAY-RSASSA-PSS',
      now: FIXED_NOW,
    });
    const prepared = client.signRequest({
      method: 'GET',
      path: '/reports',
      query: [
        ['reportTypes', '_GET_FLAT_FILE_OFFAMAZONPAYMENTS_ORDER_REFERENCE_DATA_'],
        ['createdSince', '20260101T000000Z'],
        ['note', 'a b/~*'],
      ],
    });
    assert.equal(
      prepared.url,
      'http://127.0.0.1:8080/sandbox/v2/reports?createdSince=20260101T000000Z&note=a%20b%2F~%2A&reportTypes=_GET_FLAT_FILE_OFFAMAZONPAYMENTS_ORDER_REFERENCE_DATA_',
    );
    assert.equal(prepared.canonicalRequest, GET_CANONICAL);
    assert.equal(prepared.stringToSign, `AMZN-PAY-RSASSA-PSS\n${GET_CANONICAL_HASH}`);
    const auth = parseAuthorization(prepared.headers['authorization']!);
    assert.ok(auth.ok);
    assert.ok(pssVerifies(prepared.stringToSign, auth.value.signature, 20));
  });

  test('legacy keys default to /live; sandbox contradicting an environment-specific key is refused', () => {
    const live = new AmazonPayClient({
      publicKeyId: 'AHHDX7WQ3CLBJ4F3ZAALRNXE',
      privateKey: PRIVATE_KEY,
      region: 'us',
      now: FIXED_NOW,
    });
    assert.equal(
      live.signRequest({ method: 'GET', path: '/charges/S01-1' }).url,
      'https://pay-api.amazon.com/live/v2/charges/S01-1',
    );
    const liveKey = new AmazonPayClient({
      publicKeyId: 'LIVE-AHHDX7WQ3CLBJ4F3ZAALRNXE',
      privateKey: PRIVATE_KEY,
      region: 'uk',
      now: FIXED_NOW,
    });
    assert.equal(
      liveKey.signRequest({ method: 'GET', path: '/refunds/R' }).url,
      'https://pay-api.amazon.eu/v2/refunds/R',
    );
    assert.throws(
      () => new AmazonPayClient({ publicKeyId: 'SANDBOX-X', privateKey: PRIVATE_KEY, region: 'jp', sandbox: false }),
      /Sandbox key/,
    );
    assert.throws(
      () => new AmazonPayClient({ publicKeyId: 'X', privateKey: PRIVATE_KEY, region: 'mars' }),
      /Unknown region/,
    );
    assert.throws(
      () =>
        new AmazonPayClient({
          publicKeyId: 'X',
          privateKey: PRIVATE_KEY,
          region: 'jp',
          baseUrl: 'https://h.example/prefix',
        }),
      /without a path/,
    );
  });

  test('the doc vector of spec 05 §5.2: line structure and sorted headers (legacy /live path, region us)', () => {
    // The doc shows the canonical request for these headers but not the body; line 12 is the body's hash.
    const headers = new Map([
      ['x-amz-pay-region', 'us'],
      ['x-amz-pay-idempotency-key', 'cllHyiNvS8cJ8Zas'],
      ['accept', 'application/json'],
      ['x-amz-pay-host', 'pay-api.amazon.com'],
      ['content-type', 'application/json'],
      ['x-amz-pay-date', '20190923T231908Z'],
    ]);
    const body = '{"storeId":"amzn1.application-oa2-client.x"}';
    const canonical = canonicalRequest({
      method: 'post',
      path: '/live/v2/checkoutSessions',
      query: [],
      headers,
      signedHeaders: [...headers.keys()],
      body,
    });
    const lines = canonical.split('\n');
    assert.equal(lines.length, 12);
    assert.deepEqual(lines.slice(0, 11), [
      'POST',
      '/live/v2/checkoutSessions',
      '',
      'accept:application/json',
      'content-type:application/json',
      'x-amz-pay-date:20190923T231908Z',
      'x-amz-pay-host:pay-api.amazon.com',
      'x-amz-pay-idempotency-key:cllHyiNvS8cJ8Zas',
      'x-amz-pay-region:us',
      '',
      'accept;content-type;x-amz-pay-date;x-amz-pay-host;x-amz-pay-idempotency-key;x-amz-pay-region',
    ]);
    assert.match(lines[11]!, /^[0-9a-f]{64}$/);

    // The SDK produces the same lines for that request (it sends the V2 region value na for us).
    const client = new AmazonPayClient({
      publicKeyId: 'AHHDX7WQ3CLBJ4F3ZAALRNXE',
      privateKey: PRIVATE_KEY,
      region: 'us',
      algorithm: 'AMZN-PAY-RSASSA-PSS',
      now: () => new Date('2019-09-23T23:19:08Z'),
    });
    const sdkLines = client
      .signRequest({
        method: 'POST',
        path: '/checkoutSessions',
        body,
        headers: { 'x-amz-pay-idempotency-key': 'cllHyiNvS8cJ8Zas' },
      })
      .canonicalRequest.split('\n');
    assert.deepEqual(
      sdkLines,
      lines.map((l) => l.replace('x-amz-pay-region:us', 'x-amz-pay-region:na')),
    );

    // A string to sign published for this doc example (path /live/v1/checkoutSessions, the doc's body hash) by another SDK's tests.
    const published = `${lines.slice(0, 11).join('\n').replace('/live/v2/', '/live/v1/')}\n0b6c19dc5bc1883ebd68d3c77ee929922c6b4a59e0a506d96c45e0c024c3295b`;
    assert.equal(
      stringToSign('AMZN-PAY-RSASSA-PSS', published),
      'AMZN-PAY-RSASSA-PSS\nc5c55b2d523738b72c0b96f6d5e0d712d9496573490125b191eeb6840c052ffb',
    );
  });

  for (const algorithm of ['AMZN-PAY-RSASSA-PSS', 'AMZN-PAY-RSASSA-PSS-V2'] as const) {
    test(`button payload signature, ${algorithm}: <algorithm>\\n<hex SHA-256 of the exact payload JSON>`, () => {
      const payloadJSON =
        '{"webCheckoutDetails":{"checkoutReviewReturnUrl":"https://shop.example/review"},"storeId":"amzn1.application-oa2-client.kat"}';
      // sha256sum of payloadJSON
      const toSign = `${algorithm}\n9e1d08733fa794f3e9a2c88e4a36f6b292dcd87d7b1286bf1383ab9e31452958`;
      const signature = generateButtonSignature(payloadJSON, { privateKey: PRIVATE_KEY, algorithm });
      assert.ok(pssVerifies(toSign, signature, SALT[algorithm]));
      assert.ok(!pssVerifies(toSign, signature, SALT[OTHER[algorithm]]));

      // An object is signed as JSON.stringify gives it, and buttonConfig returns exactly the signed text.
      const config = buttonConfig(JSON.parse(payloadJSON), {
        publicKeyId: 'SANDBOX-K',
        privateKey: PRIVATE_KEY,
        algorithm,
      });
      assert.equal(config.payloadJSON, payloadJSON);
      assert.equal(config.algorithm, algorithm);
      assert.equal(config.publicKeyId, 'SANDBOX-K');
      assert.ok(pssVerifies(toSign, config.signature, SALT[algorithm]));
    });
  }

  test('buttonConfig defaults to AMZN-PAY-RSASSA-PSS-V2 and says so', () => {
    const config = buttonConfig('{"storeId":"s"}', { publicKeyId: 'SANDBOX-K', privateKey: PRIVATE_KEY });
    assert.equal(config.algorithm, 'AMZN-PAY-RSASSA-PSS-V2');
    assert.equal(config.payloadJSON, '{"storeId":"s"}');
  });
});

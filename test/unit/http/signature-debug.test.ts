import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { test } from 'node:test';
import { diagnoseSignature, type SignatureFailure } from '../../../src/http/signature-debug.js';
import { diffView } from '../../../src/http/console/views.js';
import { fingerprint, redactAuthorization, redactBody } from '../../../src/app/request-log.js';
import { canonicalRequest, signString, stringToSign, type CanonicalRequestInput } from '../../../src/signing/index.js';

const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
const algorithm = 'AMZN-PAY-RSASSA-PSS-V2' as const;

const received: CanonicalRequestInput = {
  method: 'POST',
  path: '/v2/charges/',
  query: [],
  headers: new Map([
    ['accept', 'application/json'],
    ['content-type', 'application/json'],
    ['x-amz-pay-date', '20261128T000000Z'],
    ['x-amz-pay-host', 'pay-api.amazon.jp'],
    ['x-amz-pay-region', 'jp'],
    ['host', '127.0.0.1:8443'],
  ]),
  signedHeaders: ['accept', 'content-type', 'x-amz-pay-date', 'x-amz-pay-host', 'x-amz-pay-region'],
  body: '{"a": 1}',
};

/** What reji would record when the client signed `signed` but sent `received`. */
function failure(signed: CanonicalRequestInput, rawQuery = ''): SignatureFailure {
  const canonical = canonicalRequest(received);
  return {
    algorithm,
    publicKeyId: 'SANDBOX-KEY',
    signature: signString(algorithm, privateKey, stringToSign(algorithm, canonicalRequest(signed))),
    key: publicKey,
    input: received,
    rawQuery,
    canonicalRequest: canonical,
    stringToSign: stringToSign(algorithm, canonical),
    merchantId: 'AM',
  };
}

test('the debugger names the mistake under which the signature verifies', async () => {
  const cases: [Partial<CanonicalRequestInput>, string][] = [
    [{ path: '/v2/charges' }, 'the path without its trailing slash'],
    [{ path: '/sandbox/v2/charges/' }, 'the path with /sandbox in front'],
    [{ body: '{"a":1}' }, 'the body as compact JSON'],
    [{ body: '' }, 'an empty body'],
    [
      { headers: new Map([...received.headers, ['x-amz-pay-host', '127.0.0.1:8443']]) },
      'x-amz-pay-host signed as 127.0.0.1:8443',
    ],
    [
      { signedHeaders: received.signedHeaders.filter((h) => h !== 'accept') },
      'the header accept left out of the signed headers',
    ],
  ];
  for (const [change, description] of cases) {
    const d = await diagnoseSignature(failure({ ...received, ...change }));
    assert.equal(d.matchedVariant?.description, description);
    assert.deepEqual(d.hints, []);
    assert.equal(d.signatureFingerprint.length, 12);
  }
});

test('with no matching variant it gives hints, and never the signature itself', async () => {
  const f = failure({ ...received, headers: new Map([...received.headers, ['x-amz-pay-date', '20261128T000001Z']]) });
  const d = await diagnoseSignature(f);
  assert.equal(d.matchedVariant, null);
  assert.ok(d.hints.some((h) => h.startsWith('host:')));
  assert.ok(d.hints.some((h) => h.startsWith('body:')));
  assert.doesNotMatch(JSON.stringify(d), new RegExp(f.signature.slice(0, 24).replace(/[+/]/g, '.')));
});

test('signatures in an Authorization header or a button payload body are stored only as fingerprints', () => {
  const header = 'AMZN-PAY-RSASSA-PSS-V2 PublicKeyId=K, SignedHeaders=accept, Signature=abc+/=';
  assert.equal(
    redactAuthorization(header),
    `AMZN-PAY-RSASSA-PSS-V2 PublicKeyId=K, SignedHeaders=accept, Signature=<redacted sha256:${fingerprint('abc+/=')}>`,
  );
  const body = JSON.stringify({ payloadJSON: '{"signature":"x"}', signature: 'c2lnbmF0dXJl\\"', publicKeyId: 'K' });
  const redacted = redactBody(body);
  assert.doesNotMatch(redacted, /c2lnbmF0dXJl/);
  assert.equal(JSON.parse(redacted).publicKeyId, 'K');
  assert.match(JSON.parse(redacted).signature, /^<redacted sha256:[0-9a-f]{12}>$/);
});

test('the diff view marks the first differing line from the first differing character', () => {
  const view = diffView('GET\n/sandbox/v2/x\n\nh', 'GET\n/v2/x\n\nh', { ours: 'reji', theirs: 'client' }).value;
  assert.match(view, /data-first-difference="true">\/<mark>sandbox\/v2\/x<\/mark>/);
  assert.match(view, /data-first-difference="true">\/<mark>v2\/x<\/mark>/);
  assert.equal(view.match(/data-first-difference/g)?.length, 2);
});

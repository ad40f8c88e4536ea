import type { KeyObject } from 'node:crypto';
import { fingerprint } from '../app/request-log.js';
import type { SignatureDebug } from '../app/console.js';
import {
  canonicalRequest,
  sha256Hex,
  stringToSign,
  verifyStringAsync,
  type CanonicalRequestInput,
  type SigningAlgorithm,
} from '../signing/index.js';

/**
 * The signature debugger (issue 14). The client's canonical request is never sent, so reji rebuilds
 * it under the mistakes clients commonly make and checks the signature against each: a variant that
 * verifies names the exact difference. Runs only after a failed check, off the request's path.
 */

export interface SignatureFailure {
  readonly algorithm: SigningAlgorithm;
  readonly publicKeyId: string;
  readonly signature: string;
  readonly key: KeyObject;
  readonly input: CanonicalRequestInput;
  /** The query as received (before reji decoded, encoded and sorted it). */
  readonly rawQuery: string;
  readonly canonicalRequest: string;
  readonly stringToSign: string;
  readonly merchantId: string | undefined;
}

interface Variant {
  readonly description: string;
  readonly input?: Partial<CanonicalRequestInput>;
  /** A canonical request written by hand (for mistakes canonicalRequest() cannot make). */
  readonly canonical?: string;
}

const KNOWN_HOSTS = ['pay-api.amazon.com', 'pay-api.amazon.eu', 'pay-api.amazon.jp'];

function variants(f: SignatureFailure): Variant[] {
  const { input } = f;
  const out: Variant[] = [];
  const path = input.path;
  if (path.endsWith('/') && path.length > 1)
    out.push({ description: 'the path without its trailing slash', input: { path: path.slice(0, -1) } });
  else out.push({ description: 'the path with a trailing slash', input: { path: `${path}/` } });
  const env = /^\/(sandbox|live)(\/.*)$/.exec(path);
  if (env) out.push({ description: `the path without /${env[1]}`, input: { path: env[2]! } });
  else {
    out.push({ description: 'the path with /sandbox in front', input: { path: `/sandbox${path}` } });
    out.push({ description: 'the path with /live in front', input: { path: `/live${path}` } });
  }
  let decoded = path;
  try {
    decoded = decodeURIComponent(path);
  } catch {}
  if (decoded !== path) out.push({ description: 'the path percent-decoded', input: { path: decoded } });
  if (input.query.length > 0) out.push({ description: 'no query string', input: { query: [] } });
  const bodyText = typeof input.body === 'string' ? input.body : Buffer.from(input.body).toString('utf8');
  if (bodyText.length > 0) {
    out.push({ description: 'an empty body', input: { body: '' } });
    try {
      const compact = JSON.stringify(JSON.parse(bodyText));
      if (compact !== bodyText) out.push({ description: 'the body as compact JSON', input: { body: compact } });
      const pretty = JSON.stringify(JSON.parse(bodyText), null, 2);
      if (pretty !== bodyText) out.push({ description: 'the body as indented JSON', input: { body: pretty } });
    } catch {}
  }
  const host = input.headers.get('x-amz-pay-host');
  for (const other of [input.headers.get('host'), ...KNOWN_HOSTS]) {
    if (other === undefined || other === host) continue;
    const headers = new Map(input.headers);
    headers.set('x-amz-pay-host', other);
    out.push({ description: `x-amz-pay-host signed as ${other}`, input: { headers } });
  }
  for (const name of input.signedHeaders) {
    out.push({
      description: `the header ${name} left out of the signed headers`,
      input: { signedHeaders: input.signedHeaders.filter((n) => n !== name) },
    });
  }
  if (f.rawQuery !== '') {
    const lines = f.canonicalRequest.split('\n');
    lines[2] = f.rawQuery;
    out.push({ description: 'the query string as sent (not encoded and sorted)', canonical: lines.join('\n') });
  }
  const lines = f.canonicalRequest.split('\n');
  lines[0] = lines[0]!.toLowerCase();
  out.push({ description: 'the method in lower case', canonical: lines.join('\n') });
  return out;
}

function staticHints(f: SignatureFailure): string[] {
  const hints: string[] = [];
  const h = f.input.headers;
  const host = h.get('x-amz-pay-host');
  if (host !== undefined && h.get('host') !== undefined && host !== h.get('host'))
    hints.push(
      `host: x-amz-pay-host is ${host} but the request went to ${h.get('host')}; sign exactly the x-amz-pay-host value you send.`,
    );
  hints.push(
    `body: reji hashed ${typeof f.input.body === 'string' ? f.input.body.length : f.input.body.length} bytes to ${sha256Hex(f.input.body)}; sign the exact bytes you send (after JSON serialisation, same whitespace and escaping).`,
  );
  hints.push(`path: reji used ${f.input.path} exactly as received (percent-encoding untouched).`);
  if (f.rawQuery !== '')
    hints.push('query: parameters are decoded, RFC 3986-encoded again and sorted by name before signing.');
  hints.push(
    `headers: the client signed ${f.input.signedHeaders.join(';')}; each must be signed with the value sent (trimmed, inner whitespace folded).`,
  );
  hints.push(
    'key: check that the private key belongs to the public key id in the Authorization header, and the algorithm.',
  );
  return hints;
}

export async function diagnoseSignature(f: SignatureFailure): Promise<SignatureDebug> {
  let matchedVariant: SignatureDebug['matchedVariant'] = null;
  for (const v of variants(f)) {
    const canonical = v.canonical ?? canonicalRequest({ ...f.input, ...v.input });
    if (canonical === f.canonicalRequest) continue;
    if (await verifyStringAsync(f.algorithm, f.key, stringToSign(f.algorithm, canonical), f.signature)) {
      matchedVariant = { description: v.description, canonicalRequest: canonical };
      break;
    }
  }
  return {
    algorithm: f.algorithm,
    publicKeyId: f.publicKeyId,
    signedHeaders: f.input.signedHeaders,
    canonicalRequest: f.canonicalRequest,
    stringToSign: f.stringToSign,
    bodyHash: sha256Hex(f.input.body),
    signatureFingerprint: fingerprint(f.signature),
    matchedVariant,
    hints: matchedVariant ? [] : staticHints(f),
  };
}

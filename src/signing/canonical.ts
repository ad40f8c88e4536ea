import { createHash } from 'node:crypto';
import type { SigningAlgorithm } from './algorithms.js';

/** What a signer or a verifier needs to rebuild the canonical request. */
export interface CanonicalRequestInput {
  readonly method: string;
  /** The path exactly as sent on the wire, without the query string. */
  readonly path: string;
  /** Query parameters, already decoded; order does not matter. */
  readonly query: ReadonlyArray<readonly [string, string]>;
  /** Lower-case header names mapped to their values, for the signed headers only. */
  readonly headers: ReadonlyMap<string, string>;
  /** Lower-case names of the signed headers, in any order. */
  readonly signedHeaders: readonly string[];
  /** The raw body bytes (empty for GET). */
  readonly body: Uint8Array | string;
}

export function sha256Hex(data: Uint8Array | string): string {
  return createHash('sha256').update(data).digest('hex');
}

/** RFC 3986 percent-encoding: only A-Z a-z 0-9 - _ . ~ stay as they are. */
export function rfc3986Encode(value: string): string {
  return encodeURIComponent(value).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

export function canonicalQueryString(query: ReadonlyArray<readonly [string, string]>): string {
  return [...query]
    .map(([name, value]) => [rfc3986Encode(name), rfc3986Encode(value)] as const)
    .sort(([a, av], [b, bv]) => (a < b ? -1 : a > b ? 1 : av < bv ? -1 : av > bv ? 1 : 0))
    .map(([name, value]) => `${name}=${value}`)
    .join('&');
}

/** Header values are trimmed and inner runs of whitespace fold to one space, as the .NET SDK does. */
export function canonicalHeaderValue(value: string): string {
  return value.trim().replace(/\s+/g, ' ');
}

export function signedHeadersList(names: readonly string[]): string {
  return [...new Set(names.map((n) => n.toLowerCase()))].sort().join(';');
}

export function canonicalRequest(input: CanonicalRequestInput): string {
  const names = signedHeadersList(input.signedHeaders)
    .split(';')
    .filter((n) => n.length > 0);
  const headerBlock = names.map((name) => `${name}:${canonicalHeaderValue(input.headers.get(name) ?? '')}\n`).join('');
  return [
    input.method.toUpperCase(),
    input.path,
    canonicalQueryString(input.query),
    headerBlock,
    names.join(';'),
    sha256Hex(input.body),
  ].join('\n');
}

export function stringToSign(algorithm: SigningAlgorithm, canonical: string): string {
  return `${algorithm}\n${sha256Hex(canonical)}`;
}

/** The button payload is signed without a canonical request: only the algorithm and the payload's hash. */
export function payloadStringToSign(algorithm: SigningAlgorithm, payloadJson: string): string {
  return `${algorithm}\n${sha256Hex(payloadJson)}`;
}

import type { KeyObject } from 'node:crypto';
import { createPublicKey } from 'node:crypto';
import type { AppContext, Caller } from '../app/context.js';
import { ApiError } from '../app/api-error.js';
import { credentialsOf } from '../app/merchants.js';
import { delegatedMerchant } from '../app/delegation.js';
import type { Environment } from '../domain/environment.js';
import { REGION_INFO, apiRegionOf } from '../domain/regions.js';
import { MINUTE, parseRequestDate } from '../domain/time.js';
import { isStorableText } from '../domain/text.js';
import type { SignatureFailure } from './signature-debug.js';
import { canonicalRequest, parseAuthorization, stringToSign, verifyStringAsync } from '../signing/index.js';

/** A failed signature check, with what the signature debugger needs (src/http/signature-debug.ts). */
export class SignatureMismatchError extends ApiError {
  constructor(
    readonly failure: SignatureFailure,
    message: string,
  ) {
    super('InvalidRequestSignature', message);
  }
}

/** How far `x-amz-pay-date` may be from the server's clock, either way (docs/decisions.md). */
export const ALLOWED_CLOCK_SKEW_MS = 15 * MINUTE;

/** Headers that every request must send and sign. */
const REQUIRED_SIGNED = ['x-amz-pay-date', 'x-amz-pay-host', 'x-amz-pay-region'] as const;
/** Headers that must be signed whenever they are sent. */
const SIGNED_WHEN_PRESENT = ['accept', 'content-type', 'x-amz-pay-idempotency-key'] as const;

export interface SignedRequestParts {
  readonly method: string;
  /** The path exactly as received (percent-encoding untouched), without the query. */
  readonly rawPath: string;
  readonly rawQuery: string;
  /** Lower-case names; repeated headers joined with ','. */
  readonly headers: ReadonlyMap<string, string>;
  readonly body: Uint8Array;
  /** The environment the path names (`/sandbox/v2`, `/live/v2`), or null for `/v2`. */
  readonly pathEnvironment: Environment | null;
}

/** Decoded query pairs; a malformed escape is kept as sent so that the signature simply fails. */
export function parseQuery(rawQuery: string): [string, string][] {
  if (rawQuery === '') return [];
  return rawQuery
    .split('&')
    .filter((p) => p !== '')
    .map((pair) => {
      const eq = pair.indexOf('=');
      const [k, v] = eq === -1 ? [pair, ''] : [pair.slice(0, eq), pair.slice(eq + 1)];
      return [safeDecode(k), safeDecode(v)];
    });
}

function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

const keyCache = new Map<string, KeyObject>();

/** Parsing a PEM costs more than verifying; keys are immutable once registered, so cache by content. */
function publicKeyObject(pem: string): KeyObject {
  let key = keyCache.get(pem);
  if (!key) {
    key = createPublicKey(pem);
    if (keyCache.size > 10_000) keyCache.clear();
    keyCache.set(pem, key);
  }
  return key;
}

function header(parts: SignedRequestParts, name: string): string {
  const value = parts.headers.get(name);
  if (value === undefined) throw new ApiError('MissingHeader', `The request is missing the required header ${name}.`);
  if (value.trim() === '') throw new ApiError('MissingHeaderValue', `The header ${name} is empty.`);
  return value;
}

/**
 * Authenticates a signed API request the way Amazon Pay does: the canonical request is rebuilt from
 * exactly what was received and verified with the registered public key of `PublicKeyId`, which must
 * fit the environment of the path. The key and its merchant are read from the store on every call (one
 * query), so keys registered by the CLI work at once and the merchant's sandbox clock is never stale.
 */
export async function authenticate(ctx: AppContext, parts: SignedRequestParts): Promise<Caller> {
  const auth = parseAuthorization(header(parts, 'authorization'));
  if (!auth.ok) throw new ApiError('InvalidHeaderValue', `The authorization header is invalid: ${auth.problem}.`);
  const { algorithm, publicKeyId, signedHeaders, signature } = auth.value;
  if (!isStorableText(publicKeyId))
    throw new ApiError('InvalidHeaderValue', 'The authorization header is invalid: PublicKeyId holds a NUL character.');

  const date = parseRequestDate(header(parts, 'x-amz-pay-date').trim());
  if (date === undefined) {
    throw new ApiError(
      'InvalidHeaderValue',
      'The header x-amz-pay-date is invalid. Use 20190923T231908Z or 2019-09-23T23:19:08Z (UTC).',
    );
  }
  header(parts, 'x-amz-pay-host');
  const apiRegion = apiRegionOf(header(parts, 'x-amz-pay-region'));
  if (apiRegion === undefined)
    throw new ApiError('InvalidHeaderValue', 'The header x-amz-pay-region is invalid. Use na, eu or jp.');
  const signed = new Set(signedHeaders);
  for (const name of REQUIRED_SIGNED) {
    if (!signed.has(name))
      throw new ApiError('InvalidHeaderValue', `The authorization header's SignedHeaders must include ${name}.`);
  }
  for (const name of SIGNED_WHEN_PRESENT) {
    if (parts.headers.has(name) && !signed.has(name))
      throw new ApiError('InvalidHeaderValue', `The header ${name} was sent but is not among SignedHeaders.`);
  }
  for (const name of signed) {
    if (!parts.headers.has(name))
      throw new ApiError('InvalidHeaderValue', `SignedHeaders lists ${name}, but the request has no such header.`);
  }

  const credentials = await credentialsOf(ctx, publicKeyId);
  if (!credentials) throw new ApiError('UnauthorizedAccess', `Unknown PublicKeyId ${publicKeyId}.`);
  const { key, merchant } = credentials;

  const canonicalInput = {
    method: parts.method,
    path: parts.rawPath,
    query: parseQuery(parts.rawQuery),
    headers: parts.headers,
    signedHeaders,
    body: parts.body,
  };
  const canonical = canonicalRequest(canonicalInput);
  const toSign = stringToSign(algorithm, canonical);
  if (!(await verifyStringAsync(algorithm, publicKeyObject(key.publicKeyPem), toSign, signature))) {
    throw new SignatureMismatchError(
      {
        algorithm,
        publicKeyId,
        signature,
        key: publicKeyObject(key.publicKeyPem),
        input: canonicalInput,
        rawQuery: parts.rawQuery,
        canonicalRequest: canonical,
        stringToSign: toSign,
        merchantId: merchant?.merchantId,
      },
      `The request signature does not match. reji computed the canonical request\n${canonical}\nand the string to sign\n${toSign}\n` +
        `with ${algorithm} and the public key ${publicKeyId}. Compare them with what your client signed.`,
    );
  }

  const skew = date - ctx.clock.now();
  if (Math.abs(skew) > ALLOWED_CLOCK_SKEW_MS) {
    throw new ApiError(
      'InvalidHeaderValue',
      `The header x-amz-pay-date is ${Math.round(Math.abs(skew) / 1000)} seconds ${skew > 0 ? 'ahead of' : 'behind'} the server's time ${new Date(ctx.clock.now()).toISOString()}; at most ${ALLOWED_CLOCK_SKEW_MS / 1000} seconds are allowed.`,
    );
  }

  let environment: Environment;
  if (key.environment !== null) {
    if (parts.pathEnvironment !== null && parts.pathEnvironment !== key.environment) {
      throw new ApiError(
        'UnauthorizedAccess',
        `The key ${publicKeyId} is a ${key.environment} key and cannot be used on a /${parts.pathEnvironment.toLowerCase()} path.`,
      );
    }
    environment = key.environment;
  } else {
    if (parts.pathEnvironment === null) {
      throw new ApiError(
        'UnauthorizedAccess',
        `The key ${publicKeyId} is not environment-specific: call /sandbox/v2/... or /live/v2/....`,
      );
    }
    environment = parts.pathEnvironment;
  }

  if (!merchant) throw new ApiError('UnauthorizedAccess', `The key ${publicKeyId} belongs to no merchant.`);

  // Delegation (spec 12 §12.7): a partner's key plus a merchant's token acts for that merchant; signed or not.
  const token = parts.headers.get('x-amz-pay-authtoken')?.trim();
  let caller: Caller = { merchant, environment, publicKeyId };
  if (merchant.kind === 'partner') {
    caller = {
      merchant: token ? await delegatedMerchant(ctx, merchant, environment, token) : merchant,
      environment,
      publicKeyId,
      partner: merchant,
    };
  } else if (token) {
    throw new ApiError(
      'InvalidAuthorizationToken',
      `The x-amz-pay-authtoken is not valid: ${publicKeyId} is a merchant's key; only a partner's key may act for another merchant.`,
    );
  }
  const regional = caller.merchant;
  if (REGION_INFO[regional.region].apiRegion !== apiRegion) {
    throw new ApiError(
      'InvalidHeaderValue',
      `The header x-amz-pay-region is ${parts.headers.get('x-amz-pay-region')}, but ${regional.kind === 'partner' ? 'partner' : 'merchant'} ${regional.merchantId} is in the ${REGION_INFO[regional.region].apiRegion} region.`,
    );
  }
  return caller;
}

import { DEFAULT_SIGNING_ALGORITHM, type SigningAlgorithm } from './algorithms.js';
import { formatAuthorization } from './authorization.js';
import { canonicalRequest, payloadStringToSign, signedHeadersList, stringToSign } from './canonical.js';
import { signString, type PrivateKeyInput } from './rsa-pss.js';

export interface SignRequestInput {
  readonly method: string;
  /** Path without the query string, exactly as it will be sent. */
  readonly path: string;
  readonly query?: ReadonlyArray<readonly [string, string]>;
  /** Headers to send; every one of them is signed. */
  readonly headers: Readonly<Record<string, string>>;
  readonly body?: string;
  readonly publicKeyId: string;
  readonly privateKey: PrivateKeyInput;
  readonly algorithm?: SigningAlgorithm;
}

export interface SignedRequest {
  /** The headers to send: the given ones plus `authorization`. */
  readonly headers: Record<string, string>;
  readonly canonicalRequest: string;
  readonly stringToSign: string;
}

/** Signs every given header; callers add `x-amz-pay-date`, `x-amz-pay-host`, `x-amz-pay-region`, `accept`, `content-type`. */
export function signRequest(input: SignRequestInput): SignedRequest {
  const algorithm = input.algorithm ?? DEFAULT_SIGNING_ALGORITHM;
  const headers = new Map<string, string>();
  for (const [name, value] of Object.entries(input.headers)) headers.set(name.toLowerCase(), value);
  const names = signedHeadersList([...headers.keys()]).split(';');
  const canonical = canonicalRequest({
    method: input.method,
    path: input.path,
    query: input.query ?? [],
    headers,
    signedHeaders: names,
    body: input.body ?? '',
  });
  const toSign = stringToSign(algorithm, canonical);
  const signature = signString(algorithm, input.privateKey, toSign);
  const out: Record<string, string> = {};
  for (const [name, value] of headers) out[name] = value;
  out['authorization'] = formatAuthorization({
    algorithm,
    publicKeyId: input.publicKeyId,
    signedHeaders: names,
    signature,
  });
  return { headers: out, canonicalRequest: canonical, stringToSign: toSign };
}

/** The `signature` for `amazon.Pay.renderButton`'s createCheckoutSessionConfig / signInConfig. */
export function signButtonPayload(
  payloadJson: string,
  privateKey: PrivateKeyInput,
  algorithm: SigningAlgorithm = DEFAULT_SIGNING_ALGORITHM,
): string {
  return signString(algorithm, privateKey, payloadStringToSign(algorithm, payloadJson));
}

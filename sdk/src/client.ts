import type { KeyObject } from 'node:crypto';
import {
  isSigningAlgorithm,
  toPrivateKey,
  type PrivateKeyInput,
  type SigningAlgorithm,
} from '../../src/signing/index.js';
import {
  buttonConfig,
  DEFAULT_ALGORITHM,
  generateButtonSignature,
  type ButtonConfig,
  type ButtonPayload,
} from './button.js';
import { apiRegionOf, endpointFor, pathPrefixFor, type ApiRegion, type RegionInput } from './config.js';
import {
  RequestSender,
  type ApiResponse,
  type HttpMethod,
  type PreparedRequest,
  type PrepareInput,
  type RequestOptions,
} from './request-sender.js';
import {
  Buyers,
  ChargePermissions,
  Charges,
  CheckoutSessions,
  DeliveryTrackers,
  Refunds,
  Testing,
} from './resources.js';
import { resolveRetryOptions, type RetryOptions } from './retry.js';
import { nodeTransport, type NodeTransport, type Transport } from './transport.js';
import { SDK_VERSION } from './version.js';

export interface AmazonPayClientOptions {
  /** `SANDBOX-…` / `LIVE-…` (environment-specific: paths `/v2/…`) or a legacy id (paths `/sandbox/v2/…`, `/live/v2/…`). */
  readonly publicKeyId: string;
  /** RSA private key: PEM (PKCS#8 or PKCS#1) or a KeyObject. */
  readonly privateKey: PrivateKeyInput;
  /** `na`, `eu`, `jp` or an alias (`us`, `de`, `uk`). */
  readonly region: RegionInput;
  /** Legacy keys only: true for `/sandbox/v2`, false (default) for `/live/v2`. Implied by environment-specific keys. */
  readonly sandbox?: boolean;
  /** Default `AMZN-PAY-RSASSA-PSS-V2` (the recommended one; the official SDKs default to the legacy `AMZN-PAY-RSASSA-PSS`). */
  readonly algorithm?: SigningAlgorithm;
  /** Where to send requests, e.g. `https://127.0.0.1:8443` or `http://127.0.0.1:8080` for reji. Default: Amazon's host for the region. */
  readonly baseUrl?: string;
  /** Extra CA certificates to trust, e.g. reji's `.reji/tls/cert.pem`. */
  readonly ca?: string | Buffer | ReadonlyArray<string | Buffer>;
  /** Default true; false accepts any TLS certificate (local experiments only). */
  readonly rejectUnauthorized?: boolean;
  /** Retry policy, or just the number of retries (default 3). */
  readonly retries?: number | RetryOptions;
  /** Per attempt, connect to last byte (default 30 s). */
  readonly timeoutMs?: number;
  /** Replaces the node:http(s) transport (e.g. to record traffic in tests). */
  readonly transport?: Transport;
  /** The clock for `x-amz-pay-date`. */
  readonly now?: () => Date;
  /** Appended to the SDK's user-agent, e.g. `my-shop/1.2`. */
  readonly userAgent?: string;
}

/**
 * A typed client for Amazon Pay API v2 as reji (or Amazon) serves it: every call is signed, POSTs carry
 * an idempotency key, and 408/425/429/5xx and network failures are retried with capped, jittered backoff.
 *
 * @example
 * import { readFileSync } from 'node:fs';
 * import { AmazonPayClient } from '@reji/sdk';
 *
 * const client = new AmazonPayClient({
 *   publicKeyId: 'SANDBOX-AFVX7ULWSGBZ5535PCUQOY7B',
 *   privateKey: readFileSync('private.pem'),
 *   region: 'jp',
 *   baseUrl: 'https://127.0.0.1:8443',          // omit to talk to pay-api.amazon.jp
 *   ca: readFileSync('.reji/tls/cert.pem'),
 * });
 * const { body: session } = await client.checkoutSessions.get(amazonCheckoutSessionId);
 */
export class AmazonPayClient {
  readonly checkoutSessions: CheckoutSessions;
  readonly chargePermissions: ChargePermissions;
  readonly charges: Charges;
  readonly refunds: Refunds;
  readonly buyers: Buyers;
  readonly deliveryTrackers: DeliveryTrackers;
  /** reji's sandbox testing endpoints. */
  readonly testing: Testing;
  readonly publicKeyId: string;
  readonly algorithm: SigningAlgorithm;
  readonly region: ApiRegion;
  /** The origin requests go to, e.g. `https://pay-api.amazon.jp`. */
  readonly origin: string;
  readonly #sender: RequestSender;
  readonly #privateKey: KeyObject;
  readonly #ownTransport: NodeTransport | undefined;

  constructor(options: AmazonPayClientOptions) {
    if (typeof options.publicKeyId !== 'string' || options.publicKeyId.trim() === '')
      throw new TypeError('publicKeyId is required.');
    const algorithm = options.algorithm ?? DEFAULT_ALGORITHM;
    if (!isSigningAlgorithm(algorithm))
      throw new TypeError(
        `Unknown algorithm "${String(algorithm)}"; use AMZN-PAY-RSASSA-PSS-V2 or AMZN-PAY-RSASSA-PSS.`,
      );
    let privateKey: KeyObject;
    try {
      privateKey = toPrivateKey(options.privateKey);
    } catch (cause) {
      throw new TypeError('privateKey is not a readable RSA private key (PEM PKCS#8 or PKCS#1).', { cause });
    }
    if (privateKey.asymmetricKeyType !== 'rsa')
      throw new TypeError(`privateKey must be an RSA key, not ${privateKey.asymmetricKeyType}.`);
    const region = apiRegionOf(options.region);
    const endpoint = endpointFor(region, options.baseUrl);
    const timeoutMs = options.timeoutMs ?? 30_000;
    if (!Number.isFinite(timeoutMs) || timeoutMs <= 0)
      throw new TypeError(`timeoutMs must be positive, got ${timeoutMs}.`);
    this.#ownTransport = options.transport
      ? undefined
      : nodeTransport({ ca: options.ca, rejectUnauthorized: options.rejectUnauthorized });
    this.#privateKey = privateKey;
    this.publicKeyId = options.publicKeyId;
    this.algorithm = algorithm;
    this.region = region;
    this.origin = endpoint.origin;
    this.#sender = new RequestSender({
      publicKeyId: options.publicKeyId,
      privateKey,
      algorithm,
      region,
      endpoint,
      pathPrefix: pathPrefixFor(options.publicKeyId, options.sandbox),
      retry: resolveRetryOptions(options.retries),
      timeoutMs,
      transport: options.transport ?? this.#ownTransport!,
      now: options.now ?? (() => new Date()),
      userAgent: `reji-sdk/${SDK_VERSION} (Node/${process.versions.node}; ${process.platform})${options.userAgent ? ` ${options.userAgent}` : ''}`,
    });
    this.checkoutSessions = new CheckoutSessions(this.#sender);
    this.chargePermissions = new ChargePermissions(this.#sender);
    this.charges = new Charges(this.#sender);
    this.refunds = new Refunds(this.#sender);
    this.buyers = new Buyers(this.#sender);
    this.deliveryTrackers = new DeliveryTrackers(this.#sender);
    this.testing = new Testing(this.#sender);
  }

  /**
   * Any API v2 operation, signed and retried like the typed ones: an escape hatch for operations this SDK
   * has no method for. `path` is what follows `/v2`.
   *
   * @example
   * const { body } = await client.request<{ reports: unknown[] }>('GET', '/reports');
   */
  async request<T = unknown>(
    method: HttpMethod,
    path: string,
    body?: unknown,
    options?: RequestOptions & { readonly query?: ReadonlyArray<readonly [string, string]> },
  ): Promise<ApiResponse<T>> {
    if (!path.startsWith('/') || path.includes('?'))
      throw new TypeError(
        `path must start with "/" and carry no query (use options.query), e.g. /checkoutSessions; got "${path}".`,
      );
    return this.#sender.send<T>({ method, path, body, options, ...(options?.query ? { query: options.query } : {}) });
  }

  /**
   * Builds and signs a request without sending it: the URL, headers, canonical request and string to sign.
   * Handy to compare with the canonical request reji prints in an `InvalidRequestSignature` message.
   *
   * @example
   * const prepared = client.signRequest({ method: 'POST', path: '/checkoutSessions', body: '{"storeId":"…"}', headers: { 'x-amz-pay-idempotency-key': 'k1' } });
   * console.log(prepared.canonicalRequest);
   */
  signRequest(input: PrepareInput): PreparedRequest {
    return this.#sender.prepare(input);
  }

  /**
   * Signs a button payload with this client's key and algorithm.
   *
   * @example
   * const signature = client.generateButtonSignature(payloadJSON);
   */
  generateButtonSignature(payload: ButtonPayload): string {
    return generateButtonSignature(payload, { privateKey: this.#privateKey, algorithm: this.algorithm });
  }

  /**
   * `createCheckoutSessionConfig` for checkout.js, signed with this client's key.
   *
   * @example
   * const createCheckoutSessionConfig = client.buttonConfig({
   *   webCheckoutDetails: { checkoutReviewReturnUrl: 'https://shop.example/review' },
   *   storeId: 'amzn1.application-oa2-client.0123456789abcdef',
   * });
   */
  buttonConfig(payload: ButtonPayload): ButtonConfig {
    return buttonConfig(payload, {
      publicKeyId: this.publicKeyId,
      privateKey: this.#privateKey,
      algorithm: this.algorithm,
    });
  }

  /**
   * Closes the kept-alive connections of the built-in transport (a no-op with an injected one).
   *
   * @example
   * client.close();
   */
  close(): void {
    this.#ownTransport?.close();
  }
}

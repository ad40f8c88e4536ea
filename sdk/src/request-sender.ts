import { randomUUID, type KeyObject } from 'node:crypto';
import { canonicalQueryString, signRequest, type SigningAlgorithm } from '../../src/signing/index.js';
import { formatAmzDate, type ApiRegion, type Endpoint } from './config.js';
import { AmazonPayApiError, ConnectionError, errorFromResponse, parseRetryAfter } from './errors.js';
import {
  backoffDelay,
  isRetryableStatus,
  resolveRetryOptions,
  type ResolvedRetryOptions,
  type RetryOptions,
} from './retry.js';
import type { Transport, TransportResponse } from './transport.js';

export type HttpMethod = 'GET' | 'POST' | 'PATCH' | 'DELETE';

/** Per-call options every operation takes as its last argument. */
export interface RequestOptions {
  /**
   * `x-amz-pay-idempotency-key` (1–32 of `A-Za-z0-9-_`). POSTs get a fresh UUID without dashes when
   * none is given; pass your own (e.g. derived from your order id) to make a retry after a crash safe.
   */
  readonly idempotencyKey?: string;
  /** `x-amz-pay-simulation-code` (sandbox only), e.g. `HardDeclined` on Create Charge. */
  readonly simulationCode?: string;
  /** More headers to send and sign, e.g. `x-amz-pay-authtoken`. */
  readonly headers?: Readonly<Record<string, string>>;
  readonly signal?: AbortSignal;
  /** Overrides the client's `timeoutMs` for each attempt of this call. */
  readonly timeoutMs?: number;
  /** Overrides the client's retry policy for this call. */
  readonly retries?: number | RetryOptions;
}

/** A successful answer: the typed body plus what you need for logs and support. */
export interface ApiResponse<T> {
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  /** `x-amz-pay-request-id`. */
  readonly requestId: string | null;
  readonly body: T;
  /** How many times the request was sent (1 without retries). */
  readonly attempts: number;
  /** The idempotency key the request carried, if any. */
  readonly idempotencyKey: string | null;
}

/** A request ready to send, and what was signed (for debugging signature mismatches). */
export interface PreparedRequest {
  readonly method: HttpMethod;
  readonly url: string;
  /** The path as sent and signed, e.g. `/sandbox/v2/checkoutSessions`. */
  readonly path: string;
  /** Everything to send, `authorization` included. */
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string | undefined;
  readonly canonicalRequest: string;
  readonly stringToSign: string;
}

export interface PrepareInput {
  readonly method: HttpMethod;
  /** The operation path after `/v2`, e.g. `/checkoutSessions` or `/charges/S01-…/capture`. */
  readonly path: string;
  readonly query?: ReadonlyArray<readonly [string, string]>;
  /** The exact body text (JSON); undefined for GET. */
  readonly body?: string;
  /** Extra headers to send and sign (lower- or mixed-case names). */
  readonly headers?: Readonly<Record<string, string>>;
  /** The `x-amz-pay-date` to sign; now by default. */
  readonly date?: Date;
}

export interface SenderConfig {
  readonly publicKeyId: string;
  readonly privateKey: KeyObject;
  readonly algorithm: SigningAlgorithm;
  readonly region: ApiRegion;
  readonly endpoint: Endpoint;
  /** '' for environment-specific keys, `/sandbox` or `/live` for legacy keys. */
  readonly pathPrefix: string;
  readonly retry: ResolvedRetryOptions;
  readonly timeoutMs: number;
  readonly transport: Transport;
  readonly now: () => Date;
  readonly userAgent: string;
}

/** `A-Za-z0-9-_`, at most 32 characters. */
export const IDEMPOTENCY_KEY_PATTERN = /^[A-Za-z0-9_-]{1,32}$/;

/**
 * A fresh idempotency key: a UUID v4 without its dashes (32 characters).
 *
 * @example
 * newIdempotencyKey(); // 'f3b2c1d0e9f84a7b8c6d5e4f3a2b1c0d'
 */
export function newIdempotencyKey(): string {
  return randomUUID().replaceAll('-', '');
}

/** Headers the SDK sets and signs itself; callers cannot override them. */
const RESERVED = new Set([
  'accept',
  'content-type',
  'x-amz-pay-date',
  'x-amz-pay-host',
  'x-amz-pay-region',
  'authorization',
  'host',
  'content-length',
]);

/**
 * Signs, sends and retries API calls. One per client; the resource namespaces share it.
 * Each attempt is re-signed with a fresh `x-amz-pay-date`; the body and idempotency key stay the same.
 * Internal: use `AmazonPayClient`, whose `request` and `signRequest` expose it.
 *
 * @example
 * const sender = new RequestSender(config);
 * const res = await sender.send<Charge>({ method: 'GET', path: '/charges/S01-1234567-1234567-C000001' });
 */
export class RequestSender {
  readonly #config: SenderConfig;

  constructor(config: SenderConfig) {
    this.#config = config;
  }

  /**
   * Builds and signs one request without sending it.
   *
   * @example
   * const prepared = sender.prepare({ method: 'GET', path: '/checkoutSessions/abc' });
   * console.log(prepared.canonicalRequest);
   */
  prepare(input: PrepareInput): PreparedRequest {
    const c = this.#config;
    const path = `${c.pathPrefix}/v2${input.path}`;
    const query = input.query ?? [];
    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(input.headers ?? {})) {
      const lower = name.toLowerCase();
      if (RESERVED.has(lower)) throw new TypeError(`The header ${lower} is set by the SDK and cannot be overridden.`);
      headers[lower] = value;
    }
    headers['accept'] = 'application/json';
    headers['content-type'] = 'application/json';
    headers['x-amz-pay-date'] = formatAmzDate(input.date ?? c.now());
    headers['x-amz-pay-host'] = c.endpoint.host;
    headers['x-amz-pay-region'] = c.region;
    const signed = signRequest({
      method: input.method,
      path,
      query,
      headers,
      body: input.body ?? '',
      publicKeyId: c.publicKeyId,
      privateKey: c.privateKey,
      algorithm: c.algorithm,
    });
    const qs = canonicalQueryString(query);
    return {
      method: input.method,
      url: `${c.endpoint.origin}${path}${qs === '' ? '' : `?${qs}`}`,
      path,
      // user-agent is sent but not signed, like the PHP and .NET SDKs.
      headers: { ...signed.headers, 'user-agent': c.userAgent },
      body: input.body,
      canonicalRequest: signed.canonicalRequest,
      stringToSign: signed.stringToSign,
    };
  }

  /**
   * Sends a call with retries and returns the parsed 2xx body, or throws a typed `AmazonPayError`.
   *
   * @example
   * const res = await sender.send<ClockState>({ method: 'GET', path: '/testing/clock' });
   */
  async send<T>(call: {
    readonly method: HttpMethod;
    readonly path: string;
    readonly body?: unknown;
    readonly query?: ReadonlyArray<readonly [string, string]>;
    readonly options?: RequestOptions | undefined;
  }): Promise<ApiResponse<T>> {
    const c = this.#config;
    const options = call.options ?? {};
    const retry = options.retries === undefined ? c.retry : resolveRetryOptions(options.retries);
    const timeoutMs = options.timeoutMs ?? c.timeoutMs;

    const extra: Record<string, string> = {};
    for (const [name, value] of Object.entries(options.headers ?? {})) extra[name.toLowerCase()] = value;
    let key = options.idempotencyKey ?? extra['x-amz-pay-idempotency-key'];
    if (key === undefined && call.method === 'POST') key = newIdempotencyKey();
    if (key !== undefined) {
      if (!IDEMPOTENCY_KEY_PATTERN.test(key))
        throw new TypeError(`Invalid idempotency key "${key}": use 1 to 32 characters of A-Z, a-z, 0-9, - and _.`);
      extra['x-amz-pay-idempotency-key'] = key;
    }
    if (options.simulationCode !== undefined) extra['x-amz-pay-simulation-code'] = options.simulationCode;
    // Serialized once: every retry sends (and signs) exactly the same bytes.
    const body =
      call.method === 'GET' ? undefined : typeof call.body === 'string' ? call.body : JSON.stringify(call.body ?? {});

    for (let attempt = 1; ; attempt++) {
      options.signal?.throwIfAborted();
      const prepared = this.prepare({
        method: call.method,
        path: call.path,
        query: call.query ?? [],
        body: body ?? '',
        headers: extra,
      });
      let response: TransportResponse;
      try {
        response = await c.transport({
          method: call.method,
          url: prepared.url,
          headers: prepared.headers,
          body,
          timeoutMs,
          signal: options.signal,
        });
      } catch (cause) {
        if (options.signal?.aborted) throw cause;
        if (attempt <= retry.maxRetries) {
          await retry.sleep(backoffDelay(attempt, retry), options.signal);
          continue;
        }
        throw new ConnectionError({
          status: null,
          reasonCode: null,
          message: `${call.method} ${prepared.path} failed without a response after ${attempt} attempt(s): ${cause instanceof Error ? cause.message : String(cause)}`,
          requestId: null,
          body: undefined,
          headers: {},
          attempts: attempt,
          idempotencyKey: key,
          cause,
        });
      }

      if (response.status >= 200 && response.status < 300) return parseSuccess<T>(response, attempt, key ?? null);

      if (isRetryableStatus(response.status) && attempt <= retry.maxRetries) {
        const retryAfter = parseRetryAfter(response.headers['retry-after'], c.now().getTime());
        if (retryAfter === null || retryAfter <= retry.maxRetryAfterMs) {
          await retry.sleep(retryAfter ?? backoffDelay(attempt, retry), options.signal);
          continue;
        }
      }
      throw errorFromResponse({
        status: response.status,
        headers: response.headers,
        text: response.body,
        attempts: attempt,
        idempotencyKey: key,
      });
    }
  }
}

function parseSuccess<T>(response: TransportResponse, attempts: number, idempotencyKey: string | null): ApiResponse<T> {
  let body: unknown = null;
  if (response.body !== '') {
    try {
      body = JSON.parse(response.body);
    } catch {
      throw new AmazonPayApiError({
        status: response.status,
        reasonCode: 'InvalidResponse',
        message: `The ${response.status} response body is not JSON.`,
        requestId: response.headers['x-amz-pay-request-id'] ?? null,
        body: response.body,
        headers: response.headers,
        attempts,
        idempotencyKey: idempotencyKey ?? undefined,
      });
    }
  }
  return {
    status: response.status,
    headers: response.headers,
    requestId: response.headers['x-amz-pay-request-id'] ?? null,
    body: body as T,
    attempts,
    idempotencyKey,
  };
}

/**
 * One path segment from a caller-supplied id, percent-encoded; empty ids are refused before they hit another route.
 *
 * @example
 * segment('S01-1234567-1234567', 'chargePermissionId'); // 'S01-1234567-1234567'
 */
export function segment(id: string, name: string): string {
  if (typeof id !== 'string' || id.trim() === '') throw new TypeError(`${name} must be a non-empty string.`);
  return encodeURIComponent(id);
}

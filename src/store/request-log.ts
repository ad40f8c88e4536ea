import type { Environment } from '../domain/environment.js';
import type { Instant } from '../domain/time.js';

// The console's request log (issue 14): every API call with its bodies, written in batches off the
// request's path by src/app/request-log.ts, kept for a bounded time and count per merchant.

/** What the log keeps of one call besides the columns it is searched by. */
export interface RequestLogDetail {
  /** Request headers; the Authorization header's signature is replaced by a short hash. */
  readonly requestHeaders: Readonly<Record<string, string>>;
  readonly query: string;
  /** The request body (UTF-8, cut at the log's limit), or null when not kept (Live calls). */
  readonly requestBody: string | null;
  readonly responseBody: string | null;
  /** The caller's clock at the call (the merchant's sandbox clock in the Sandbox), for timelines. */
  readonly clockAt?: Instant | undefined;
  /** A successful read kept as a summary (RequestLogOptions.reads): no headers, no bodies. */
  readonly summary?: true | undefined;
  /** Only for a failed signature check: what reji computed and what the client sent. */
  readonly signature?: SignatureDebug | undefined;
}

export interface SignatureDebug {
  readonly algorithm: string;
  readonly publicKeyId: string;
  /** The SignedHeaders the client listed, in its order. */
  readonly signedHeaders: readonly string[];
  readonly canonicalRequest: string;
  readonly stringToSign: string;
  /** SHA-256 (hex) of the body as received: the last line of the canonical request. */
  readonly bodyHash: string;
  /** The first 12 hex digits of SHA-256 of the client's signature (the signature itself is never stored). */
  readonly signatureFingerprint: string;
  /** A common client mistake under which the signature does verify: what the client must have signed. */
  readonly matchedVariant: { readonly description: string; readonly canonicalRequest: string } | null;
  /** Likely causes when no variant matched (header, host, path, query, body). */
  readonly hints: readonly string[];
}

export interface NewRequestLogEntry {
  readonly requestId: string;
  readonly merchantId: string;
  readonly environment: Environment | null;
  readonly at: Instant;
  readonly method: string;
  readonly path: string;
  readonly operation: string;
  readonly status: number;
  readonly reasonCode: string | null;
  readonly latencyMs: number;
  readonly objectIds: readonly string[];
  readonly detail: RequestLogDetail;
}

export interface RequestLogEntry extends NewRequestLogEntry {
  readonly seq: number;
}

export interface RequestLogFilter {
  readonly merchantId?: string | undefined;
  /** Entries that named or answered with this object id. */
  readonly objectId?: string | undefined;
  /** Only entries after this sequence number (the live tail). */
  readonly afterSeq?: number | undefined;
  readonly failedOnly?: boolean | undefined;
  readonly limit: number;
}

export interface RequestLogReads {
  /** Newest first. */
  list(filter: RequestLogFilter): Promise<RequestLogEntry[]>;
  get(seq: number): Promise<RequestLogEntry | undefined>;
}

export interface RequestLogTx extends RequestLogReads {
  append(entries: readonly NewRequestLogEntry[]): Promise<void>;
  /** Drops entries older than `before` (when given) and, per merchant, all but the newest `keepPerMerchant`. */
  prune(before: Instant | undefined, keepPerMerchant: number, merchantIds: readonly string[]): Promise<number>;
  /** Drops a merchant's entries of one environment (the console's sandbox reset). */
  removeOf(merchantId: string, environment: Environment): Promise<void>;
}

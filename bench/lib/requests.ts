/** What the orchestrator asks the load generator to sign and send. */

export type Method = 'GET' | 'POST' | 'PATCH' | 'DELETE';

export interface RequestSpec {
  readonly method: Method;
  /** Path as sent (no query string). */
  readonly path: string;
  readonly body?: string;
  readonly idempotencyKey?: string;
}

export interface SigningKey {
  readonly publicKeyId: string;
  readonly privateKeyPem: string;
  /** `x-amz-pay-region`: na, eu or jp. */
  readonly region: string;
}

export interface SignJob {
  readonly key: SigningKey;
  /** `host:port` for `x-amz-pay-host` and the Host header. */
  readonly host: string;
  readonly specs: readonly RequestSpec[];
}

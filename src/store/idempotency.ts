import type { Environment } from '../domain/environment.js';
import type { Instant } from '../domain/time.js';

export interface IdempotencyClaim {
  readonly claimed: boolean;
  /** Set when the key was used before (claimed is false). */
  readonly previous?: { readonly fingerprint: string; readonly status: number; readonly response: string };
}

/**
 * Idempotency keys of API requests; only used inside a transaction. A key is claimed once per
 * (merchant, environment, operation), `operation` being e.g. `POST /v2/charges`.
 */
export interface IdempotencyTx {
  /** Inserts the key (a unique constraint decides between concurrent requests) or returns what it answered. */
  claim(
    merchantId: string,
    environment: Environment,
    operation: string,
    key: string,
    fingerprint: string,
    now: Instant,
  ): Promise<IdempotencyClaim>;
  saveResponse(
    merchantId: string,
    environment: Environment,
    operation: string,
    key: string,
    status: number,
    response: string,
  ): Promise<void>;
  /** Forgets a merchant's keys of one environment (the console's sandbox reset). */
  removeAllOf(merchantId: string, environment: Environment): Promise<void>;
}

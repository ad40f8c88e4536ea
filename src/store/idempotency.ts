import type { Environment } from '../domain/environment.js';
import type { Instant } from '../domain/time.js';

export interface IdempotencyClaim {
  readonly claimed: boolean;
  /** Set when the key was used before (claimed is false). */
  readonly previous?: { readonly fingerprint: string; readonly status: number; readonly response: string };
}

/** Idempotency keys of API requests; only used inside a transaction. */
export interface IdempotencyTx {
  /** Inserts the key (a unique constraint decides between concurrent requests) or returns what it answered. */
  claim(
    merchantId: string,
    environment: Environment,
    key: string,
    fingerprint: string,
    now: Instant,
  ): Promise<IdempotencyClaim>;
  saveResponse(
    merchantId: string,
    environment: Environment,
    key: string,
    status: number,
    response: string,
  ): Promise<void>;
}

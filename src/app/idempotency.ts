import { createHash } from 'node:crypto';
import type { Instant } from '../domain/time.js';
import type { StoreTx } from '../store/store.js';
import { ApiError } from './api-error.js';
import type { AppContext, Caller } from './context.js';
import { inTransaction } from './transactions.js';

/** `x-amz-pay-idempotency-key`: 1 to 32 of A-Z a-z 0-9 - _ */
export const IDEMPOTENCY_KEY = /^[A-Za-z0-9_-]{1,32}$/;

export interface RenderedResponse {
  readonly status: number;
  readonly body: string;
}

export interface IdempotentRequest {
  /** The key, or undefined where the operation allows none and none was sent. */
  readonly key: string | undefined;
  /** The key's scope within the merchant and environment: method and path without `/{env}` (spec 11 §11.2). */
  readonly operation: string;
  /** What makes two requests "the same": operation, path and body bytes (see `fingerprint`). */
  readonly fingerprint: string;
  /** What the key is called in a refusal; default the idempotency key header. */
  readonly keyName?: string;
}

/** The scope of a key: `POST /v2/charges/S01-.../capture` (the path without `/{env}`). */
export function operationOf(method: string, path: string): string {
  return `${method} ${path}`;
}

export function fingerprint(parts: {
  method: string;
  path: string;
  simulationCode: string | undefined;
  body: Uint8Array;
}): string {
  return createHash('sha256')
    .update(`${parts.method}\n${parts.path}\n${parts.simulationCode ?? ''}\n`)
    .update(parts.body)
    .digest('hex');
}

/**
 * Runs a write at most once per (merchant, environment, operation, key). The key is claimed in the same transaction
 * as the write, under a unique constraint, so concurrent duplicates (even on other processes) wait for
 * the first and then replay its response. Business errors are stored and replayed too; validation
 * errors (raised before `work` runs) and server errors are not, so those requests may be retried.
 */
export async function runIdempotent<T>(
  ctx: AppContext,
  caller: Caller,
  request: IdempotentRequest,
  now: () => Instant,
  work: (tx: StoreTx) => Promise<T>,
  render: (value: T) => RenderedResponse,
): Promise<RenderedResponse & { replayed: boolean }> {
  const { key } = request;
  if (key === undefined) {
    const value = await inTransaction(ctx, work);
    return { ...render(value), replayed: false };
  }
  const { merchantId } = caller.merchant;
  return inTransaction(ctx, async (tx) => {
    const claim = await tx.idempotency.claim(
      merchantId,
      caller.environment,
      request.operation,
      key,
      request.fingerprint,
      now(),
    );
    if (!claim.claimed) {
      const previous = claim.previous!;
      if (previous.fingerprint !== request.fingerprint) {
        throw new ApiError(
          'DuplicateIdempotencyKey',
          `The ${request.keyName ?? 'idempotency key'} ${key} was already used with a different request.`,
        );
      }
      return { status: previous.status, body: previous.response, replayed: true };
    }
    let response: RenderedResponse;
    try {
      const outcome = await tx.savepoint(async (inner) => {
        try {
          return { value: await work(inner), kept: undefined };
        } catch (error) {
          // Returned rather than thrown so that the savepoint keeps what the failed operation committed to.
          if (error instanceof ApiError && error.keepChanges) return { value: undefined, kept: error };
          throw error;
        }
      });
      response = outcome.kept
        ? { status: outcome.kept.status, body: JSON.stringify(outcome.kept.toBody()) }
        : render(outcome.value as T);
    } catch (error) {
      if (!(error instanceof ApiError) || error.status >= 500) throw error;
      response = { status: error.status, body: JSON.stringify(error.toBody()) };
    }
    await tx.idempotency.saveResponse(
      merchantId,
      caller.environment,
      request.operation,
      key,
      response.status,
      response.body,
    );
    return { ...response, replayed: false };
  });
}

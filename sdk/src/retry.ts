export interface RetryOptions {
  /** Retries after the first attempt (default 3; 0 disables retrying). */
  readonly maxRetries?: number;
  /** The backoff ceiling of the first retry (default 500 ms); it doubles per retry. */
  readonly initialDelayMs?: number;
  /** The cap of the backoff ceiling (default 10 s). */
  readonly maxDelayMs?: number;
  /** A `Retry-After` longer than this is not waited for: the error is thrown instead (default 60 s). */
  readonly maxRetryAfterMs?: number;
  /** How to wait; inject a fake in tests. */
  readonly sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  /** A number in [0, 1) for the jitter; inject a fixed one in tests. */
  readonly random?: () => number;
}

export type ResolvedRetryOptions = Required<RetryOptions>;

/**
 * Waits `ms` milliseconds, or rejects when `signal` aborts.
 *
 * @example
 * await sleep(250);
 */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(signal.reason);
      return;
    }
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/**
 * Fills in the defaults; a number is taken as `maxRetries`.
 *
 * @example
 * resolveRetryOptions(5).maxRetries; // 5
 */
export function resolveRetryOptions(options: number | RetryOptions | undefined): ResolvedRetryOptions {
  const o: RetryOptions = typeof options === 'number' ? { maxRetries: options } : (options ?? {});
  const resolved: ResolvedRetryOptions = {
    maxRetries: o.maxRetries ?? 3,
    initialDelayMs: o.initialDelayMs ?? 500,
    maxDelayMs: o.maxDelayMs ?? 10_000,
    maxRetryAfterMs: o.maxRetryAfterMs ?? 60_000,
    sleep: o.sleep ?? sleep,
    random: o.random ?? Math.random,
  };
  for (const name of ['maxRetries', 'initialDelayMs', 'maxDelayMs', 'maxRetryAfterMs'] as const) {
    const v = resolved[name];
    if (!Number.isFinite(v) || v < 0) throw new TypeError(`retries.${name} must be a non-negative number, got ${v}.`);
  }
  return resolved;
}

/**
 * Whether a status may be retried: 408, 425, 429 and 5xx. Other 4xx are business errors and never are.
 *
 * @example
 * isRetryableStatus(503); // true
 * isRetryableStatus(422); // false
 */
export function isRetryableStatus(status: number): boolean {
  return status === 408 || status === 425 || status === 429 || status >= 500;
}

/**
 * Capped exponential backoff with full jitter: uniform in [0, min(maxDelayMs, initialDelayMs · 2^(retry−1))).
 *
 * @example
 * backoffDelay(3, resolveRetryOptions({ initialDelayMs: 100, random: () => 0.5 })); // 200
 */
export function backoffDelay(
  retry: number,
  options: Pick<ResolvedRetryOptions, 'initialDelayMs' | 'maxDelayMs' | 'random'>,
): number {
  const ceiling = Math.min(options.maxDelayMs, options.initialDelayMs * 2 ** Math.max(0, retry - 1));
  return Math.floor(options.random() * ceiling);
}

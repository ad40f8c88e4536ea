import type { Clock } from '../../app/context.js';
import { isFull, takeToken, type BucketState } from '../../domain/token-bucket.js';

/**
 * Limits for anonymous traffic (issue 17), per client address (src/http/client-address.ts, honouring
 * --trust-proxy). Each process keeps its own buckets in memory: with N processes behind a load balancer a
 * client gets at most N times the limit (docs/security.md, docs/decisions.md). 0 turns a limit off.
 */
export interface AnonymousLimits {
  /** Page views and form posts per minute and client, of browsers not signed in (--page-rate-limit). */
  readonly pagesPerMinute: number;
  /** Button requests (POST /checkout/start, /checkout/verify-payload) per minute and client (--button-rate-limit). */
  readonly buttonPerMinute: number;
  /** Flows one signed button payload may start per minute, from any client (--payload-start-limit). */
  readonly payloadStartsPerMinute: number;
}

/** Far above what a shopper (or a test) does, low enough that a loop is cut short. */
export const DEFAULT_ANONYMOUS_LIMITS: AnonymousLimits = Object.freeze({
  pagesPerMinute: 600,
  buttonPerMinute: 120,
  payloadStartsPerMinute: 60,
});

/** The most keys one limiter remembers; past that the least recently seen are forgotten (they start full again). */
const MAX_KEYS = 50_000;

export type Verdict = { readonly allowed: true } | { readonly allowed: false; readonly retryAfterSeconds: number };

export class RateLimiter {
  private readonly buckets = new Map<string, BucketState>();

  constructor(
    private readonly perMinute: number,
    private readonly clock: Clock,
  ) {}

  take(key: string): Verdict {
    if (this.perMinute === 0) return { allowed: true };
    const now = this.clock.now();
    const result = takeToken(this.buckets.get(key), this.perMinute, now);
    // Most recently seen last, so that the oldest go first when the map is full.
    this.buckets.delete(key);
    this.buckets.set(key, result.state);
    if (this.buckets.size > MAX_KEYS) this.forget(now);
    return result.allowed
      ? { allowed: true }
      : { allowed: false, retryAfterSeconds: Math.ceil(result.retryAfterMs / 1000) };
  }

  private forget(now: number): void {
    for (const [key, state] of this.buckets) {
      if (this.buckets.size <= MAX_KEYS * 0.9) break;
      // Full buckets carry no information; the oldest go too if nothing else frees room.
      if (isFull(state, this.perMinute, now) || this.buckets.size > MAX_KEYS) this.buckets.delete(key);
    }
  }

  /** Keys remembered (for tests). */
  get size(): number {
    return this.buckets.size;
  }
}

import { performance } from 'node:perf_hooks';
import {
  isAcknowledged,
  nextAttemptAt,
  type AttemptOutcome,
  type NotificationStatus,
} from '../../domain/ipn-delivery.js';
import { randomHex } from '../../domain/random.js';
import {
  ConcurrentUpdateError,
  StoreUnavailableError,
  type ClaimedNotification,
  type IpnAttempt,
} from '../../store/store.js';
import type { AppContext } from '../context.js';
import { inTransaction } from '../transactions.js';
import { signingCertificate } from './certificate.js';
import { buildEnvelope } from './envelope.js';
import { httpSender, type Sender } from './sender.js';

/**
 * The notification worker: takes due notifications from the outbox (a lease, so a crashed worker's
 * claim runs out), POSTs them outside any transaction with a hard timeout, and records each attempt
 * with its next time on the retry schedule. It has its own loop and bounded concurrency, so a slow or
 * dead endpoint costs the API nothing.
 */

export interface IpnWorkerOptions {
  /** Deliveries in flight at most, per process. */
  readonly concurrency: number;
  /** How often to look for due notifications when idle. */
  readonly pollIntervalMs: number;
  /** An attempt without an answer after this long is a failure. */
  readonly timeoutMs: number;
  /** How long a claim lasts; must cover the timeout and the recording after it. */
  readonly leaseMs: number;
  /** Deliveries in flight at most to one endpoint URL, so that a slow endpoint holds only its own queue. */
  readonly perEndpointConcurrency?: number;
  /** Unacknowledged attempts in a row after which an endpoint's circuit opens. */
  readonly breakerThreshold?: number;
  /** How long an open circuit stays open the first time; it doubles on each failed probe, up to `breakerMaxOpenMs`. */
  readonly breakerOpenMs?: number;
  readonly breakerMaxOpenMs?: number;
  readonly sender?: Sender;
}

export const DEFAULT_IPN_WORKER_OPTIONS: IpnWorkerOptions = Object.freeze({
  concurrency: 8,
  pollIntervalMs: 1000,
  timeoutMs: 10_000,
  leaseMs: 60_000,
  perEndpointConcurrency: 2,
  // Off by default: an open circuit waits in real time, which would hold back retries due on a moved sandbox clock.
  breakerThreshold: Number.POSITIVE_INFINITY,
  breakerOpenMs: 30_000,
  breakerMaxOpenMs: 300_000,
});

/**
 * What this process knows about one endpoint: deliveries in flight, unacknowledged attempts in a row,
 * and until when its circuit is open. While open, its notifications stay due in the outbox (their retry
 * schedule untouched) and are not claimed; after that one probe at a time decides whether it closes.
 */
interface EndpointState {
  inFlight: number;
  failures: number;
  openUntil: number;
}

export class EndpointBreakers {
  readonly #endpoints = new Map<string, EndpointState>();
  constructor(
    private readonly options: {
      readonly perEndpoint: number;
      readonly threshold: number;
      readonly openMs: number;
      readonly maxOpenMs: number;
    },
  ) {}

  #of(url: string): EndpointState {
    let state = this.#endpoints.get(url);
    if (!state) {
      state = { inFlight: 0, failures: 0, openUntil: 0 };
      this.#endpoints.set(url, state);
    }
    return state;
  }

  /** Whether a delivery to `url` may start now (the caller then calls `started`). */
  canStart(url: string, now: number): boolean {
    const s = this.#endpoints.get(url);
    if (!s) return true;
    if (s.openUntil > now) return false;
    // Half-open after a failing streak: one probe at a time.
    const cap = s.failures >= this.options.threshold ? 1 : this.options.perEndpoint;
    return s.inFlight < cap;
  }

  /** The endpoints no claim should take notifications for right now. */
  busy(now: number): string[] {
    return [...this.#endpoints.keys()].filter((url) => !this.canStart(url, now));
  }

  started(url: string): void {
    this.#of(url).inFlight++;
  }

  finished(url: string, acknowledged: boolean, now: number): void {
    const s = this.#of(url);
    s.inFlight--;
    if (acknowledged) s.failures = 0;
    else {
      s.failures++;
      const over = s.failures - this.options.threshold;
      if (over >= 0)
        s.openUntil = now + Math.min(this.options.openMs * 2 ** Math.min(over, 20), this.options.maxOpenMs);
    }
    if (s.inFlight === 0 && s.failures === 0) this.#endpoints.delete(url);
  }
}

export interface IpnWorker {
  /** Stops looking, waits for deliveries in flight to finish (each ends within its timeout). */
  stop(): Promise<void>;
  /** Resolves after a complete look for due notifications that began after this call. */
  nextPass(): Promise<void>;
  /** Looks for due notifications now rather than at the next poll. */
  wake(): void;
}

/** Claims up to `limit` due notifications for this worker, none for the endpoints in `skipEndpoints`. */
export async function claimDue(
  ctx: AppContext,
  limit: number,
  leaseMs: number,
  skipEndpoints: readonly string[] = [],
): Promise<ClaimedNotification[]> {
  const token = randomHex(ctx.random, 32);
  return inTransaction(ctx, (tx) => tx.notifications.claimDue(ctx.clock.now(), limit, leaseMs, token, skipEndpoints));
}

/** A uniform number in [-1, 1] for the schedule's jitter. */
function jitterOf(ctx: AppContext): number {
  const b = ctx.random.bytes(4);
  return ((((b[0]! << 24) | (b[1]! << 16) | (b[2]! << 8) | b[3]!) >>> 0) / 0xffffffff) * 2 - 1;
}

/** One attempt at a claimed notification, recorded in the delivery log. */
export async function deliverClaimed(
  ctx: AppContext,
  n: ClaimedNotification,
  options: Pick<IpnWorkerOptions, 'timeoutMs' | 'sender'>,
): Promise<AttemptOutcome> {
  const base = {
    notificationId: n.notificationId,
    merchantId: n.merchantId,
    environment: n.environment,
    objectType: n.objectType,
    objectId: n.objectId,
    attemptedAt: n.claimedAt,
  };
  if (n.endpointUrl === null) {
    // Kept, not retried: `reji ipn replay` sends it once an endpoint is set.
    await record(
      ctx,
      n,
      {
        ...base,
        attempt: 0,
        url: null,
        statusCode: null,
        latencyMs: 0,
        outcome: 'no_endpoint',
        nextAttemptAt: null,
        error: `no endpoint is set for ${n.environment}; set one with \`reji ipn set\` and replay`,
      },
      { status: 'no_endpoint', attempts: n.attempts, nextAttemptAt: n.nextAttemptAt },
    );
    ctx.metrics?.notificationAttempt('no_endpoint');
    return 'no_endpoint';
  }
  const certificate = await signingCertificate(ctx);
  const { body, headers } = buildEnvelope(n, certificate, ctx.publicUrl);
  const started = performance.now();
  const result = await (options.sender ?? httpSender)(n.endpointUrl, body, headers, options.timeoutMs);
  const latencyMs = Math.round(performance.now() - started);
  const attempt = n.attempts + 1;
  let outcome: AttemptOutcome;
  let status: NotificationStatus;
  let next: number | null = null;
  if (isAcknowledged(result.statusCode)) {
    outcome = 'delivered';
    status = 'delivered';
  } else {
    next = nextAttemptAt({
      attempt,
      attemptedAt: n.claimedAt,
      deliveryStartedAt: n.deliveryStartedAt,
      jitter: jitterOf(ctx),
    });
    outcome = next === null ? 'failed' : 'retry';
    status = next === null ? 'failed' : 'retrying';
  }
  const error = result.error ?? (isAcknowledged(result.statusCode) ? null : `HTTP ${result.statusCode}`);
  await record(
    ctx,
    n,
    {
      ...base,
      attempt,
      url: n.endpointUrl,
      statusCode: result.statusCode,
      error,
      latencyMs,
      outcome,
      nextAttemptAt: next,
    },
    { status, attempts: attempt, nextAttemptAt: next ?? n.nextAttemptAt },
  );
  const fields = {
    notificationId: n.notificationId,
    merchantId: n.merchantId,
    objectId: n.objectId,
    attempt,
    statusCode: result.statusCode,
    latencyMs,
  };
  ctx.metrics?.notificationAttempt(outcome);
  if (outcome === 'delivered') ctx.log.info('notification delivered', fields);
  else
    ctx.log.warn(outcome === 'failed' ? 'notification failed for good' : 'notification not acknowledged', {
      ...fields,
      error,
      nextAttemptAt: next,
    });
  return outcome;
}

async function record(
  ctx: AppContext,
  n: ClaimedNotification,
  attempt: Omit<IpnAttempt, 'recordedAt'>,
  after: { status: NotificationStatus; attempts: number; nextAttemptAt: number },
): Promise<void> {
  const stillOurs = await inTransaction(ctx, (tx) =>
    tx.notifications.recordAttempt({ ...attempt, recordedAt: ctx.clock.now() }, { ...after, claimToken: n.claimToken }),
  );
  if (!stillOurs)
    ctx.log.warn('notification claim ran out before the attempt was recorded', { notificationId: n.notificationId });
}

/** Starts the worker loop (one per process; several processes share the outbox safely). */
export function startIpnWorker(ctx: AppContext, options: IpnWorkerOptions = DEFAULT_IPN_WORKER_OPTIONS): IpnWorker {
  const inFlight = new Set<Promise<unknown>>();
  const defaults = DEFAULT_IPN_WORKER_OPTIONS;
  const breakers = new EndpointBreakers({
    perEndpoint: options.perEndpointConcurrency ?? defaults.perEndpointConcurrency!,
    threshold: options.breakerThreshold ?? defaults.breakerThreshold!,
    openMs: options.breakerOpenMs ?? defaults.breakerOpenMs!,
    maxOpenMs: options.breakerMaxOpenMs ?? defaults.breakerMaxOpenMs!,
  });
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let passing: Promise<void> | undefined;
  let again = false;
  let waiters: (() => void)[] = [];

  const schedule = (ms: number) => {
    if (stopped) return;
    clearTimeout(timer);
    timer = setTimeout(run, ms);
    timer.unref();
  };

  /** One look: claims as many due notifications as there is room for; true when there may be more. */
  async function pass(): Promise<boolean> {
    const room = options.concurrency - inFlight.size;
    if (room <= 0) return false;
    const claimed = await claimDue(ctx, room, options.leaseMs, breakers.busy(ctx.clock.now()));
    // Past an endpoint's share (several of its notifications in one claim): give those back untouched.
    const giveBack: ClaimedNotification[] = [];
    for (const n of claimed) {
      const url = n.endpointUrl;
      if (url !== null && !breakers.canStart(url, ctx.clock.now())) {
        giveBack.push(n);
        continue;
      }
      if (url !== null) breakers.started(url);
      const delivery: Promise<unknown> = deliverClaimed(ctx, n, options)
        .then((outcome) => {
          if (url !== null) breakers.finished(url, outcome === 'delivered', ctx.clock.now());
        })
        .catch((error: unknown) => {
          if (url !== null) breakers.finished(url, false, ctx.clock.now());
          // The attempt could not be recorded: the claim runs out and the notification is sent again (at least once).
          const transient = error instanceof StoreUnavailableError || error instanceof ConcurrentUpdateError;
          ctx.log[transient ? 'warn' : 'error']('notification delivery crashed', {
            notificationId: n.notificationId,
            error: String(error),
          });
        })
        .finally(() => {
          inFlight.delete(delivery);
          // A delivered notification may free the next one of its object.
          schedule(0);
        });
      inFlight.add(delivery);
    }
    if (giveBack.length > 0) {
      const token = giveBack[0]!.claimToken;
      await inTransaction(ctx, (tx) =>
        tx.notifications.releaseClaims(
          giveBack.map((n) => n.notificationId),
          token,
        ),
      );
    }
    return claimed.length === room && giveBack.length === 0;
  }

  function run(): void {
    if (stopped) return;
    if (passing) {
      again = true;
      return;
    }
    const served = waiters;
    waiters = [];
    passing = pass()
      .catch((error: unknown) => {
        ctx.log.warn('notification worker pass failed', { error: String(error) });
        return false;
      })
      .then((more) => {
        passing = undefined;
        for (const resolve of served) resolve();
        const soon = more || again;
        again = false;
        schedule(soon ? 0 : options.pollIntervalMs);
      });
  }

  schedule(0);
  return {
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await passing;
      await Promise.all([...inFlight]);
      for (const resolve of waiters.splice(0)) resolve();
    },
    nextPass() {
      if (stopped) return Promise.resolve();
      return new Promise<void>((resolve) => {
        waiters.push(resolve);
        schedule(0);
      });
    },
    wake() {
      schedule(0);
    },
  };
}

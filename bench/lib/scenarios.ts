import { randomBytes, randomUUID } from 'node:crypto';
import type { RunResult } from '../loadgen.js';
import type { RpcChild } from './ipc.js';
import { cpuTimeMs } from './proc.js';
import type { RequestSpec, SigningKey } from './requests.js';
import type { Settings } from './settings.js';

/** The measurements, driven from the orchestrator through the load generator. */

/** A server under load: where to send, and whose CPU time to read. */
export interface Target {
  readonly port: number;
  readonly pid: number;
  /** Database round trips so far (bench/lib/round-trips.ts), when counted. */
  readonly roundTrips?: () => number;
}

export interface Extra {
  readonly signing: { readonly count: number; readonly ms: number };
  /**
   * The server's CPU time (user + system) per answered request, warm-up included, in microseconds:
   * steadier than rates on a shared machine, since time spent waiting for a core is not counted.
   */
  readonly serverCpuUsPerRequest: number | null;
}

export type Measured = Omit<RunResult, 'responses'> & Extra;

const REVIEW = 'https://shop.example/review';
const RESULT = 'https://shop.example/complete';
const AMOUNT = { amount: '1980', currencyCode: 'JPY' };

/** Idempotency keys: 1-32 of A-Z a-z 0-9 - _ */
export function idempotencyKey(): string {
  return randomUUID().replace(/-/g, '');
}

export function createSpec(storeId: string): RequestSpec {
  return {
    method: 'POST',
    path: '/v2/checkoutSessions',
    body: JSON.stringify({ webCheckoutDetails: { checkoutReviewReturnUrl: REVIEW }, storeId }),
    idempotencyKey: idempotencyKey(),
  };
}

export function getSpec(id: string): RequestSpec {
  return { method: 'GET', path: `/v2/checkoutSessions/${id}` };
}

export class Driver {
  #pools = 0;
  constructor(
    private readonly loadgen: RpcChild,
    private readonly key: SigningKey,
    private readonly settings: Settings,
  ) {}

  async #sign(port: number, specs: readonly RequestSpec[]): Promise<{ poolId: string; count: number; ms: number }> {
    const poolId = `p${++this.#pools}`;
    const r = await this.loadgen.call<{ count: number; ms: number }>('sign', {
      poolId,
      key: this.key,
      host: `127.0.0.1:${port}`,
      specs,
    });
    return { poolId, ...r };
  }

  #drop(poolId: string): Promise<void> {
    return this.loadgen.call('drop', { poolId });
  }

  async #run(
    kind: 'closed' | 'open',
    target: Target,
    specs: readonly RequestSpec[],
    o: object,
  ): Promise<RunResult & Extra> {
    const pool = await this.#sign(target.port, specs);
    try {
      const cpuBefore = cpuTimeMs(target.pid);
      const r = await this.loadgen.call<RunResult>(kind, {
        poolId: pool.poolId,
        port: target.port,
        connections: this.settings.connections,
        ...o,
      });
      const cpuAfter = cpuTimeMs(target.pid);
      const answered = r.completed + r.warmupCompleted;
      const serverCpuUsPerRequest =
        cpuBefore === null || cpuAfter === null || answered === 0 ? null : ((cpuAfter - cpuBefore) * 1000) / answered;
      return { ...r, signing: { count: pool.count, ms: pool.ms }, serverCpuUsPerRequest };
    } finally {
      await this.#drop(pool.poolId);
    }
  }

  /** Maximum throughput: `connections` requests in flight, each followed at once by the next. */
  closed(
    target: Target,
    specs: readonly RequestSpec[],
    o: { reuse: boolean; warmupMs: number; durationMs: number; collect?: boolean },
  ): Promise<RunResult & Extra> {
    return this.#run('closed', target, specs, o);
  }

  /** Latency at a fixed arrival rate. */
  async open(
    target: Target,
    specs: readonly RequestSpec[],
    o: { reuse: boolean; rate: number; durationMs: number },
  ): Promise<Measured> {
    return strip(await this.#run('open', target, specs, o));
  }
}

export function strip(r: RunResult & Extra): Measured {
  const { responses: _responses, ...rest } = r;
  return rest;
}

/**
 * Creates need one signature each (a fresh idempotency key), so the pool is sized from the expected
 * rate; if it runs out first, the measurement just ends early (the rate is answered / elapsed).
 */
export function createCount(rate: number, ms: number, connections: number): number {
  return Math.ceil(rate * 1.15 * (ms / 1000)) + connections;
}

export interface CheckoutPhase {
  readonly name: string;
  readonly requests: number;
  readonly ok: number;
  readonly elapsedMs: number;
  readonly rate: number;
  readonly generatorElu: number;
  readonly serverCpuUsPerRequest: number | null;
  /** Database round trips per request, when the target counts them. */
  readonly roundTripsPerRequest?: number;
  readonly errorSample?: string;
}

export interface CheckoutResult {
  readonly started: number;
  readonly completed: number;
  readonly elapsedMs: number;
  /** Whole checkouts per second: completed / the sum of the phase times (signing excluded). */
  readonly perSecond: number;
  readonly phases: CheckoutPhase[];
}

/**
 * Whole checkouts, phase by phase: each phase needs ids from the previous one's responses, so its
 * requests are signed after it, with the clock stopped, and the phase times are added up.
 */
export async function wholeCheckouts(
  driver: Driver,
  target: Target,
  storeId: string,
  k: number,
): Promise<CheckoutResult> {
  const phases: CheckoutPhase[] = [];
  const phase = async (name: string, specs: readonly RequestSpec[]): Promise<(unknown | null)[]> => {
    if (specs.length === 0) {
      phases.push({ name, requests: 0, ok: 0, elapsedMs: 0, rate: 0, generatorElu: 0, serverCpuUsPerRequest: null });
      return [];
    }
    const tripsBefore = target.roundTrips?.();
    const r = await driver.closed(target, specs, { reuse: false, warmupMs: 0, durationMs: 600_000, collect: true });
    const trips = tripsBefore === undefined ? undefined : target.roundTrips!() - tripsBefore;
    const parsed = (r.responses ?? []).map((res) =>
      res && res.status >= 200 && res.status < 300 ? (JSON.parse(res.body) as unknown) : null,
    );
    phases.push({
      name,
      requests: specs.length,
      ok: parsed.filter((p) => p !== null).length,
      elapsedMs: r.elapsedMs,
      rate: r.rate,
      generatorElu: r.generator.elu,
      serverCpuUsPerRequest: r.serverCpuUsPerRequest,
      ...(trips === undefined ? {} : { roundTripsPerRequest: trips / specs.length }),
      ...(r.errorSample ? { errorSample: r.errorSample } : {}),
    });
    return parsed;
  };
  const field = (o: unknown, name: string) => (o as Record<string, string> | null)?.[name];

  const created = await phase(
    'create',
    Array.from({ length: k }, () => createSpec(storeId)),
  );
  let ids = created.map((c) => field(c, 'checkoutSessionId')).filter((id): id is string => typeof id === 'string');
  const step = async (name: string, spec: (id: string) => RequestSpec) => {
    const out = await phase(name, ids.map(spec));
    ids = ids.filter((_, i) => out[i] !== null);
    return out;
  };
  await step('buyerConsent', (id) => ({
    method: 'POST',
    path: `/v2/testing/checkoutSessions/${id}/buyerConsent`,
    body: '{}',
  }));
  await step('update', (id) => ({
    method: 'PATCH',
    path: `/v2/checkoutSessions/${id}`,
    body: JSON.stringify({
      webCheckoutDetails: { checkoutResultReturnUrl: RESULT },
      paymentDetails: { paymentIntent: 'Authorize', chargeAmount: AMOUNT },
    }),
  }));
  await step('processPayment', (id) => ({
    method: 'POST',
    path: `/v2/testing/checkoutSessions/${id}/processPayment`,
    body: '{}',
  }));
  const completed = await phase(
    'complete',
    ids.map((id) => ({
      method: 'POST',
      path: `/v2/checkoutSessions/${id}/complete`,
      body: JSON.stringify({ chargeAmount: AMOUNT }),
    })),
  );
  let charges = completed.map((c) => field(c, 'chargeId')).filter((id): id is string => typeof id === 'string');
  const captured = await phase(
    'capture',
    charges.map((chargeId) => ({
      method: 'POST',
      path: `/v2/charges/${chargeId}/capture`,
      body: JSON.stringify({ captureAmount: AMOUNT, softDescriptor: 'REJI BENCH' }),
      idempotencyKey: idempotencyKey(),
    })),
  );
  charges = charges.filter((_, i) => captured[i] !== null);
  const refunded = await phase(
    'refund',
    charges.map((chargeId) => ({
      method: 'POST',
      path: '/v2/refunds',
      body: JSON.stringify({ chargeId, refundAmount: AMOUNT }),
      idempotencyKey: idempotencyKey(),
    })),
  );
  const done = refunded.filter((r) => r !== null).length;
  const elapsedMs = phases.reduce((sum, p) => sum + p.elapsedMs, 0);
  return { started: k, completed: done, elapsedMs, perSecond: elapsedMs > 0 ? (done / elapsedMs) * 1000 : 0, phases };
}

export function randomTag(): string {
  return randomBytes(4).toString('hex');
}

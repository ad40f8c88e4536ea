import { availableParallelism } from 'node:os';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { buildRequest, Connection, type ParsedResponse } from './lib/http1.js';
import { serveRpc } from './lib/ipc.js';
import type { RequestSpec, SignJob } from './lib/requests.js';
import { Samples, summarize, type LatencySummary } from './lib/stats.js';

/**
 * The load generator: its own process, driven by the orchestrator (bench/run.ts) over IPC. It signs
 * request pools in worker threads while no clock runs, then replays the pre-built bytes over
 * keep-alive connections, closed loop (maximum throughput) or open loop (a fixed schedule, latency
 * measured from each request's scheduled time so that a slow server cannot hide its queue).
 */

const RUN_TS = fileURLToPath(new URL('../bin/run-ts.js', import.meta.url));
const SIGN_WORKER = fileURLToPath(new URL('./lib/sign-worker.ts', import.meta.url));

const pools = new Map<string, Buffer[]>();
let signers: Worker[] | undefined;

function signWith(worker: Worker, job: SignJob): Promise<Record<string, string>[]> {
  return new Promise((resolve, reject) => {
    worker.once('error', reject);
    worker.once('message', (headers: Record<string, string>[]) => {
      worker.off('error', reject);
      resolve(headers);
    });
    worker.postMessage(job);
  });
}

async function sign(payload: SignJob & { poolId: string }): Promise<{ count: number; ms: number }> {
  const started = performance.now();
  signers ??= Array.from({ length: availableParallelism() }, () => {
    const w = new Worker(RUN_TS, { argv: [SIGN_WORKER] });
    w.unref();
    return w;
  });
  const { specs } = payload;
  const per = Math.ceil(specs.length / signers.length);
  const parts = await Promise.all(
    signers.map((w, i) => {
      const slice = specs.slice(i * per, (i + 1) * per);
      return slice.length === 0
        ? Promise.resolve([])
        : signWith(w, { key: payload.key, host: payload.host, specs: slice });
    }),
  );
  const headers = parts.flat();
  pools.set(
    payload.poolId,
    specs.map((s: RequestSpec, i) => buildRequest(s.method, s.path, payload.host, headers[i]!, s.body ?? '')),
  );
  return { count: specs.length, ms: performance.now() - started };
}

export interface RunResult {
  readonly completed: number;
  /** Requests answered during the warm-up before the measurement (closed loop). */
  readonly warmupCompleted: number;
  readonly elapsedMs: number;
  /** Completed requests per second. */
  readonly rate: number;
  readonly statuses: Record<string, number>;
  /** The body of the first response that was not 2xx. */
  readonly errorSample?: string;
  /** Closed loop: send to response. Open loop: scheduled time to response. */
  readonly latency: LatencySummary;
  /** Open loop only: actual send to response. */
  readonly service?: LatencySummary;
  /** Open loop only: how late the generator sent requests after their scheduled time. */
  readonly lag?: LatencySummary;
  /** The generator's own event-loop utilisation and CPU share during the measurement (1 = saturated). */
  readonly generator: { readonly elu: number; readonly cpu: number };
  /** True when a single-use pool ran out before the time was up. */
  readonly exhausted: boolean;
  /** With `collect`: every response of the pool, by position (null when not sent). */
  readonly responses?: ({ readonly status: number; readonly body: string } | null)[];
}

interface CommonOptions {
  readonly poolId: string;
  readonly port: number;
  readonly connections: number;
  /** Replay the pool round-robin (signed GETs); otherwise each request is sent once. */
  readonly reuse: boolean;
}

function openConnections(port: number, n: number): Promise<Connection[]> {
  return Promise.all(Array.from({ length: n }, () => Connection.open(port)));
}

class Tally {
  readonly statuses: Record<string, number> = {};
  errorSample: string | undefined;
  add(response: ParsedResponse): void {
    this.statuses[response.status] = (this.statuses[response.status] ?? 0) + 1;
    if ((response.status < 200 || response.status > 299) && this.errorSample === undefined)
      this.errorSample = `${response.status} ${response.body.toString('utf8').slice(0, 500)}`;
  }
}

function usage() {
  const elu = performance.eventLoopUtilization();
  const cpu = process.cpuUsage();
  const at = performance.now();
  return () => ({
    elu: performance.eventLoopUtilization(elu).utilization,
    cpu: (() => {
      const d = process.cpuUsage(cpu);
      return (d.user + d.system) / 1000 / (performance.now() - at);
    })(),
  });
}

/** Every connection sends its next request as soon as the previous one is answered. */
async function closed(
  o: CommonOptions & { durationMs: number; warmupMs: number; collect?: boolean },
): Promise<RunResult> {
  const pool = pools.get(o.poolId);
  if (!pool) throw new Error(`no pool ${o.poolId}`);
  const conns = await openConnections(o.port, o.connections);
  let cursor = 0;
  const take = (): number | undefined =>
    o.reuse ? cursor++ % pool.length : cursor < pool.length ? cursor++ : undefined;

  const phase = (durationMs: number, onResponse: (index: number, response: ParsedResponse, ms: number) => void) =>
    new Promise<{ elapsedMs: number; exhausted: boolean }>((resolve, reject) => {
      const started = performance.now();
      const deadline = started + durationMs;
      let active = conns.length;
      let exhausted = false;
      const finish = () => {
        if (--active === 0) resolve({ elapsedMs: performance.now() - started, exhausted });
      };
      for (const conn of conns) {
        const go = (): void => {
          if (performance.now() >= deadline) return finish();
          const index = take();
          if (index === undefined) {
            exhausted = true;
            return finish();
          }
          const sent = performance.now();
          conn.send(
            pool[index]!,
            (response) => {
              onResponse(index, response, performance.now() - sent);
              go();
            },
            reject,
          );
        };
        go();
      }
    });

  try {
    let warmupCompleted = 0;
    if (o.warmupMs > 0) await phase(o.warmupMs, () => void warmupCompleted++);
    const samples = new Samples();
    const tally = new Tally();
    const responses: RunResult['responses'] = o.collect ? new Array(pool.length).fill(null) : undefined;
    const measure = usage();
    const { elapsedMs, exhausted } = await phase(o.durationMs, (index, response, ms) => {
      samples.add(ms);
      tally.add(response);
      if (responses) responses[index] = { status: response.status, body: response.body.toString('utf8') };
    });
    const generator = measure();
    return {
      completed: samples.length,
      warmupCompleted,
      elapsedMs,
      rate: (samples.length / elapsedMs) * 1000,
      statuses: tally.statuses,
      ...(tally.errorSample ? { errorSample: tally.errorSample } : {}),
      latency: summarize(samples.values()),
      generator,
      exhausted,
      ...(responses ? { responses } : {}),
    };
  } finally {
    for (const c of conns) c.close();
  }
}

/**
 * Requests leave on a fixed schedule (`rate` per second) whatever the server does; one that finds no
 * free connection waits in the generator, and that wait counts in its latency (no coordinated omission).
 */
async function open(o: CommonOptions & { rate: number; durationMs: number }): Promise<RunResult> {
  const pool = pools.get(o.poolId);
  if (!pool) throw new Error(`no pool ${o.poolId}`);
  const total = o.reuse
    ? Math.floor((o.rate * o.durationMs) / 1000)
    : Math.min(pool.length, Math.floor((o.rate * o.durationMs) / 1000));
  const conns = await openConnections(o.port, o.connections);
  const interval = 1000 / o.rate;
  const latency = new Samples();
  const service = new Samples();
  const lag = new Samples();
  const tally = new Tally();
  const idle = [...conns];
  const queue: number[] = [];
  let head = 0;
  let scheduled = 0;
  let completed = 0;
  const start = performance.now() + 5;
  const due = (k: number) => start + k * interval;
  try {
    const measure = usage();
    await new Promise<void>((resolve, reject) => {
      const dispatch = () => {
        while (idle.length > 0 && head < queue.length) {
          const conn = idle.pop()!;
          const k = queue[head++]!;
          const sent = performance.now();
          lag.add(sent - due(k));
          conn.send(
            pool[k % pool.length]!,
            (response) => {
              const now = performance.now();
              latency.add(now - due(k));
              service.add(now - sent);
              tally.add(response);
              idle.push(conn);
              if (++completed === total) resolve();
              else dispatch();
            },
            reject,
          );
        }
      };
      const tick = () => {
        const now = performance.now();
        while (scheduled < total && due(scheduled) <= now) queue.push(scheduled++);
        dispatch();
        if (scheduled < total) setTimeout(tick, Math.max(0, due(scheduled) - performance.now()));
      };
      if (total === 0) resolve();
      else setTimeout(tick, 5);
    });
    const generator = measure();
    const elapsedMs = performance.now() - start;
    return {
      completed,
      warmupCompleted: 0,
      elapsedMs,
      rate: (completed / elapsedMs) * 1000,
      statuses: tally.statuses,
      ...(tally.errorSample ? { errorSample: tally.errorSample } : {}),
      latency: summarize(latency.values()),
      service: summarize(service.values()),
      lag: summarize(lag.values()),
      generator,
      exhausted: !o.reuse && total === pool.length && total < Math.floor((o.rate * o.durationMs) / 1000),
    };
  } finally {
    for (const c of conns) c.close();
  }
}

serveRpc({
  sign,
  drop: ({ poolId }: { poolId: string }) => void pools.delete(poolId),
  closed,
  open,
});

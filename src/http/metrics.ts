import { timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';
import { readBacklog } from '../app/backlog.js';
import type { AppContext, AppMetrics } from '../app/context.js';
import type { PageHandler, RequestRecord } from './server.js';

/**
 * The operator's view in Prometheus text format (`GET /metrics`, docs/deploy.md). Labels are bounded:
 * operation names come from the route table (or Health, Ready, Page, NotFound, Api), never from paths or ids.
 */
export class RejiMetrics implements AppMetrics {
  readonly registry = new Registry();
  readonly #requests = new Counter({
    name: 'reji_http_requests_total',
    help: 'Requests answered, by operation (API operation name, or Page, Health, Ready, NotFound) and status code.',
    labelNames: ['operation', 'status'] as const,
    registers: [this.registry],
  });
  readonly #latency = new Histogram({
    name: 'reji_http_request_duration_seconds',
    help: 'Time from the request line to the last byte of the answer, by operation.',
    labelNames: ['operation'] as const,
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [this.registry],
  });
  readonly #apiErrors = new Counter({
    name: 'reji_api_errors_total',
    help: 'API calls answered with an Amazon Pay error, by operation and reasonCode.',
    labelNames: ['operation', 'reason_code'] as const,
    registers: [this.registry],
  });
  readonly #authFailures = new Counter({
    name: 'reji_signature_failures_total',
    help: 'API calls refused by authentication (signature, key, date or signed headers), by reasonCode.',
    labelNames: ['reason_code'] as const,
    registers: [this.registry],
  });
  readonly #notificationAttempts = new Counter({
    name: 'reji_ipn_delivery_attempts_total',
    help: 'Payment notification delivery attempts by outcome (delivered, retry, failed, no_endpoint).',
    labelNames: ['outcome'] as const,
    registers: [this.registry],
  });
  readonly #timers = new Gauge({
    name: 'reji_timers',
    help: 'Document deadlines (expiry, pending settlement) waiting: scheduled in all, and due already by real time.',
    labelNames: ['state'] as const,
    registers: [this.registry],
  });
  readonly #outbox = new Gauge({
    name: 'reji_ipn_outbox',
    help: 'Payment notifications in the outbox by status.',
    labelNames: ['status'] as const,
    registers: [this.registry],
  });
  readonly #pool = new Gauge({
    name: 'reji_database_pool_connections',
    help: 'PostgreSQL pool of this process: open, idle, waiting (requests queued for a connection) and max.',
    labelNames: ['state'] as const,
    registers: [this.registry],
  });
  readonly #databaseUp = new Gauge({
    name: 'reji_database_up',
    help: '1 when the last scrape could read the backlog from the database, else 0.',
    registers: [this.registry],
  });

  constructor() {
    collectDefaultMetrics({ register: this.registry, prefix: 'reji_' });
  }

  /** Counts one answered request; called for every request, so it only increments. */
  readonly observe = (record: RequestRecord): void => {
    const status = String(record.status);
    this.#requests.inc({ operation: record.operation, status });
    this.#latency.observe({ operation: record.operation }, record.seconds);
    if (record.reasonCode !== undefined)
      this.#apiErrors.inc({ operation: record.operation, reason_code: record.reasonCode });
  };

  authenticationFailed(reasonCode: string): void {
    this.#authFailures.inc({ reason_code: reasonCode });
  }

  notificationAttempt(outcome: string): void {
    this.#notificationAttempts.inc({ outcome });
  }

  /** Reads the backlog (bounded by `timeoutMs`) and renders every metric. */
  async render(ctx: AppContext, timeoutMs = 2_000): Promise<string> {
    let timer: NodeJS.Timeout | undefined;
    try {
      const backlog = await Promise.race([
        readBacklog(ctx),
        new Promise<never>((_, reject) => {
          timer = setTimeout(() => reject(new Error('backlog query timed out')), timeoutMs);
        }),
      ]);
      this.#timers.set({ state: 'scheduled' }, backlog.timers.scheduled);
      this.#timers.set({ state: 'due' }, backlog.timers.due);
      this.#outbox.reset();
      for (const [status, n] of Object.entries(backlog.notifications)) this.#outbox.set({ status }, n);
      if (backlog.pool) {
        for (const state of ['total', 'idle', 'waiting', 'max'] as const)
          this.#pool.set({ state }, backlog.pool[state]);
      }
      this.#databaseUp.set(1);
    } catch (error) {
      ctx.log.debug?.('metrics: backlog unavailable', {
        error: error instanceof Error ? error.message : String(error),
      });
      this.#databaseUp.set(0);
    } finally {
      clearTimeout(timer);
    }
    return this.registry.metrics();
  }
}

function bearerMatches(req: IncomingMessage, token: string): boolean {
  const header = req.headers.authorization ?? '';
  const given = Buffer.from(header.startsWith('Bearer ') ? header.slice(7) : '');
  const expected = Buffer.from(token);
  return given.length === expected.length && timingSafeEqual(given, expected);
}

/** `GET /metrics`; with a token, only for `Authorization: Bearer <token>`. */
export function metricsPage(ctx: AppContext, metrics: RejiMetrics, options: { token?: string } = {}): PageHandler {
  return {
    async handle(req: IncomingMessage, res: ServerResponse): Promise<boolean> {
      const path = (req.url ?? '/').split('?', 1)[0];
      if (path !== '/metrics' || (req.method !== 'GET' && req.method !== 'HEAD')) return false;
      if (options.token !== undefined && !bearerMatches(req, options.token)) {
        res.writeHead(401, {
          'content-type': 'text/plain; charset=utf-8',
          'www-authenticate': 'Bearer realm="reji metrics"',
        });
        res.end('401: /metrics needs Authorization: Bearer <REJI_METRICS_TOKEN>\n');
        return true;
      }
      const body = await metrics.render(ctx);
      res.writeHead(200, {
        'content-type': metrics.registry.contentType,
        'content-length': Buffer.byteLength(body),
        'cache-control': 'no-store',
        'x-content-type-options': 'nosniff',
      });
      res.end(req.method === 'HEAD' ? undefined : body);
      return true;
    },
  };
}

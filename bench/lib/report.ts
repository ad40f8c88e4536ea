import type { DialectName } from '../../src/store/migrations.js';
import type { CheckoutResult, Measured } from './scenarios.js';
import type { Settings } from './settings.js';
import { formatNumber, formatTable } from './stats.js';

/** The results file (bench/results/<timestamp>.json) and the table printed from it. */

export interface Machine {
  readonly cores: number;
  readonly cpuModel: string;
  readonly node: string;
  readonly platform: string;
  readonly totalMemoryBytes: number;
  readonly loadAverageAtStart: readonly number[];
}

export interface Rate {
  readonly perSecond: number;
  /** CPU time per operation of the process that ran it (one thread doing only this). */
  readonly cpuUsPerOp?: number;
}

/** `reji serve` start-ups of one runtime on an existing SQLite database. */
export interface RuntimeResult {
  readonly runtime: 'compiled' | 'tsx';
  readonly startupMs: readonly number[];
  /** CPU time (all threads) until /healthz answered, per start-up. */
  readonly startupCpuMs: readonly (number | null)[];
  /** Resident memory one second after /healthz first answered, nothing else happening. */
  readonly idleRssBytes: readonly number[];
}

/** PostgreSQL round trips per request, counted by a relay between reji and the database. */
export interface RoundTrips {
  readonly operations: readonly {
    readonly name: string;
    /** The operation's own, with the request log off. */
    readonly perRequest: number;
    readonly writes: boolean;
    /** With the request log on: its batches (written in the background) add their share. */
    readonly withRequestLog?: number;
  }[];
}

export interface ScalePoint {
  readonly rows: number;
  readonly seedMs: number;
  readonly startupMs: number;
  readonly get: Measured;
  readonly create: Measured;
  readonly peakRssBytes: number | null;
  /** PostgreSQL: blocks found in shared_buffers during this point's Gets and Creates, and what there is to cache. */
  readonly postgresCache?: {
    readonly hitRatio: number;
    readonly databaseBytes: number;
    readonly sharedBuffersBytes: number;
  };
}

/** Signed Gets and Creates with the console's request log off and on, back to back. */
export interface RequestLogCost {
  readonly off: { readonly get: Measured; readonly create: Measured };
  readonly on: { readonly get: Measured; readonly create: Measured };
}

export interface DialectResult {
  readonly dialect: DialectName;
  readonly databaseWrites?: Rate & { readonly connections: number };
  readonly startupMs: readonly number[];
  readonly createMax: Measured;
  readonly createLatency: Measured;
  readonly getMax: Measured;
  readonly getLatency: Measured;
  readonly checkouts: CheckoutResult;
  readonly peakRssBytes: number | null;
  readonly scale: readonly ScalePoint[];
  readonly roundTrips?: RoundTrips;
  readonly requestLog?: RequestLogCost;
  readonly profiles?: readonly string[];
}

export interface Results {
  readonly startedAt: string;
  readonly seconds: number;
  readonly machine: Machine;
  readonly settings: Settings;
  readonly baselines: {
    readonly bareHttp: Measured;
    readonly bareHttpBodyBytes: number;
    readonly rsaVerify: Rate;
    readonly sqliteWrites: Rate;
  };
  readonly dialects: readonly DialectResult[];
  readonly runtimes?: readonly RuntimeResult[];
  readonly notes: readonly string[];
}

/** The targets of issues 8 and 15; they are reported here, never asserted in tests. */
export const TARGETS = {
  getVsBare: 0.5,
  /** Signed Get CPU per request / (bare node:http CPU per request + one RSA-PSS verification). */
  getCpuVsLimit: 2.0,
  /** Signed Create CPU per request / (bare + verification + one single-row SQLite transaction). */
  createCpuVsLimit: 2.0,
  p99Ms: 10,
  peakRssBytes: 200 * 1024 * 1024,
  scaleRatio: 0.9,
  startupMs: 300,
  idleRssBytes: 80 * 1024 * 1024,
  roundTrips: 3,
  /** Rate with the request log on / off. */
  requestLogRatio: 0.95,
} as const;

const MB = 1024 * 1024;

export function median(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN;
  const s = [...values].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 === 1 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

function check(ok: boolean, text: string): string {
  return `${text} ${ok ? 'ok' : 'MISS'}`;
}

function cpu(m: Measured): string {
  return formatNumber(m.serverCpuUsPerRequest);
}

function idle(m: Measured): string {
  return `${Math.round((1 - m.generator.elu) * 100)}%`;
}

function latency(m: Measured): string {
  return `${formatNumber(m.latency.p50)} / ${formatNumber(m.latency.p99)} / ${formatNumber(m.latency.max)}`;
}

function errors(m: Measured): string {
  const bad = Object.entries(m.statuses)
    .filter(([s]) => !s.startsWith('2'))
    .reduce((n, [, c]) => n + c, 0);
  if (m.exhausted && m.completed === 0) return ' (signed requests used up in the warm-up: not measured)';
  return bad === 0 ? '' : ` (${bad} errors)`;
}

export function ratio(a: number, b: number): number {
  return b > 0 ? a / b : Number.NaN;
}

/** µs of CPU for one RSA-PSS verification: measured CPU time, or one core's wall time in older results. */
function verifyUs(r: Results): number {
  return r.baselines.rsaVerify.cpuUsPerOp ?? 1e6 / r.baselines.rsaVerify.perSecond;
}

/** bare node:http CPU per request + one verification: what a signed Get that did nothing else would cost. */
export function getCpuLimitUs(r: Results): number {
  return (r.baselines.bareHttp.serverCpuUsPerRequest ?? Number.NaN) + verifyUs(r);
}

/** The Get limit plus one single-row SQLite transaction of a session's size. */
export function createCpuLimitUs(r: Results): number {
  const w = r.baselines.sqliteWrites;
  return getCpuLimitUs(r) + (w.cpuUsPerOp ?? 1e6 / w.perSecond);
}

/** The last line of the report: signed Get CPU per request on SQLite over getCpuLimitUs. */
export function getCpuRatio(r: Results): number {
  const sqlite = r.dialects.find((d) => d.dialect === 'sqlite');
  return sqlite ? ratio(sqlite.getMax.serverCpuUsPerRequest ?? Number.NaN, getCpuLimitUs(r)) : Number.NaN;
}

/** Rows: dialect, measurement, value, unit, baseline, ratio, target, server CPU per request, generator idle. */
export function tableRows(r: Results): string[][] {
  const bare = r.baselines.bareHttp.rate;
  const rows: string[][] = [
    [
      '-',
      'bare node:http, fixed JSON',
      formatNumber(bare),
      'req/s',
      '',
      '',
      '',
      cpu(r.baselines.bareHttp),
      idle(r.baselines.bareHttp),
    ],
    [
      '-',
      'RSA-PSS-2048 verify, one core',
      formatNumber(r.baselines.rsaVerify.perSecond),
      'verify/s',
      '',
      '',
      '',
      formatNumber(verifyUs(r)),
      '',
    ],
    ['-', 'signed Get limit: bare http + one verify', formatNumber(getCpuLimitUs(r)), 'µs CPU/req', '', '', '', '', ''],
    [
      'sqlite',
      'single-row transactional writes',
      formatNumber(r.baselines.sqliteWrites.perSecond),
      'writes/s',
      '',
      '',
      '',
      formatNumber(r.baselines.sqliteWrites.cpuUsPerOp ?? Number.NaN),
      '',
    ],
  ];
  for (const rt of r.runtimes ?? []) {
    const label = rt.runtime === 'compiled' ? 'packaged reji (compiled dist/)' : 'reji from source (tsx)';
    const startup = median(rt.startupMs);
    const rss = median(rt.idleRssBytes);
    const compiled = rt.runtime === 'compiled';
    rows.push([
      '-',
      `start-up to /healthz, ${label} (median of ${rt.startupMs.length})`,
      formatNumber(startup),
      'ms',
      '',
      '',
      compiled ? check(startup < TARGETS.startupMs, `< ${TARGETS.startupMs}`) : '',
      `${formatNumber(median(rt.startupCpuMs.map((c) => c ?? Number.NaN)))} ms`,
      '',
    ]);
    rows.push([
      '-',
      `idle resident memory, ${label}`,
      formatNumber(rss / MB),
      'MB',
      '',
      '',
      compiled ? check(rss < TARGETS.idleRssBytes, `< ${TARGETS.idleRssBytes / MB}`) : '',
      '',
      '',
    ]);
  }
  for (const d of r.dialects) {
    const n = d.dialect;
    if (d.databaseWrites)
      rows.push([
        n,
        `single-row transactional writes (${d.databaseWrites.connections} conns)`,
        formatNumber(d.databaseWrites.perSecond),
        'writes/s',
        '',
        '',
        '',
        '',
        '',
      ]);
    const getRatio = ratio(d.getMax.rate, bare);
    rows.push([
      n,
      `signed Get Checkout Session${errors(d.getMax)}`,
      formatNumber(d.getMax.rate),
      'req/s',
      'bare http',
      formatNumber(getRatio),
      check(getRatio >= TARGETS.getVsBare, `>= ${TARGETS.getVsBare.toFixed(2)}`),
      cpu(d.getMax),
      idle(d.getMax),
    ]);
    if (n === 'sqlite') {
      const q = ratio(d.getMax.serverCpuUsPerRequest ?? Number.NaN, getCpuLimitUs(r));
      rows.push([
        n,
        '  Get CPU vs bare http + one verify',
        '',
        '',
        'limit',
        formatNumber(q),
        check(q <= TARGETS.getCpuVsLimit, `<= ${TARGETS.getCpuVsLimit.toFixed(2)}`),
        '',
        '',
      ]);
    }
    rows.push([
      n,
      `signed Create Checkout Session${errors(d.createMax)}`,
      formatNumber(d.createMax.rate),
      'req/s',
      'bare http',
      formatNumber(ratio(d.createMax.rate, bare)),
      '',
      cpu(d.createMax),
      idle(d.createMax),
    ]);
    if (n === 'sqlite') {
      const q = ratio(d.createMax.serverCpuUsPerRequest ?? Number.NaN, createCpuLimitUs(r));
      rows.push([
        n,
        `  Create CPU vs bare + verify + one write (${formatNumber(createCpuLimitUs(r))} µs)`,
        '',
        '',
        'limit',
        formatNumber(q),
        check(q <= TARGETS.createCpuVsLimit, `<= ${TARGETS.createCpuVsLimit.toFixed(2)}`),
        '',
        '',
      ]);
    }
    const writes = d.databaseWrites?.perSecond ?? (n === 'sqlite' ? r.baselines.sqliteWrites.perSecond : Number.NaN);
    rows.push([
      n,
      '  Create vs the database alone',
      '',
      '',
      `${n} writes`,
      formatNumber(ratio(d.createMax.rate, writes)),
      '',
      '',
      '',
    ]);
    if (d.requestLog) {
      for (const op of ['get', 'create'] as const) {
        const off = d.requestLog.off[op];
        const on = d.requestLog.on[op];
        const q = ratio(on.rate, off.rate);
        rows.push([
          n,
          `  ${op === 'get' ? 'Get' : 'Create'} with the request log on / off (req/s)`,
          `${formatNumber(on.rate)} / ${formatNumber(off.rate)}`,
          'req/s',
          'log off',
          formatNumber(q),
          check(q >= TARGETS.requestLogRatio, `>= ${TARGETS.requestLogRatio.toFixed(2)}`),
          `${cpu(on)} / ${cpu(off)}`,
          idle(on),
        ]);
      }
    }
    const c = d.checkouts;
    rows.push([
      n,
      `whole checkouts, 7 calls each (${c.completed}/${c.started})`,
      formatNumber(c.perSecond),
      'checkouts/s',
      '',
      '',
      '',
      formatNumber(c.phases.reduce((sum, p) => sum + (p.serverCpuUsPerRequest ?? Number.NaN), 0)),
      `${Math.round((1 - Math.max(...c.phases.map((p) => p.generatorElu))) * 100)}%`,
    ]);
    for (const [label, m] of [
      ['Get', d.getLatency],
      ['Create', d.createLatency],
    ] as const) {
      rows.push([
        n,
        `${label} latency p50/p99/max at ${formatNumber(m.rate)}/s${errors(m)}`,
        latency(m),
        'ms',
        '',
        '',
        check(m.latency.p99 < TARGETS.p99Ms, `p99 < ${TARGETS.p99Ms}`),
        cpu(m),
        idle(m),
      ]);
    }
    if (d.peakRssBytes !== null)
      rows.push([
        n,
        'server peak resident memory',
        formatNumber(d.peakRssBytes / MB),
        'MB',
        '',
        '',
        check(d.peakRssBytes < TARGETS.peakRssBytes, `< ${TARGETS.peakRssBytes / MB}`),
        '',
        '',
      ]);
    rows.push([
      n,
      `start-up, reji serve to /healthz (median of ${d.startupMs.length})`,
      formatNumber(median(d.startupMs)),
      'ms',
      '',
      '',
      '',
      '',
      '',
    ]);
    for (const op of d.roundTrips?.operations ?? []) {
      rows.push([
        n,
        `  database round trips per ${op.name} (counted)`,
        formatNumber(op.perRequest),
        'round trips',
        op.withRequestLog === undefined ? '' : `${formatNumber(op.withRequestLog)} with log`,
        '',
        op.writes ? check(op.perRequest <= TARGETS.roundTrips, `<= ${TARGETS.roundTrips}`) : '',
        '',
        '',
      ]);
    }
    const first = d.scale[0];
    for (const p of d.scale) {
      const rows_ = formatRows(p.rows);
      const base = first && p !== first ? first : undefined;
      for (const [label, m, b] of [
        ['Get', p.get, base?.get],
        ['Create', p.create, base?.create],
      ] as const) {
        const q = b ? ratio(m.rate, b.rate) : Number.NaN;
        rows.push([
          n,
          `signed ${label}, ${rows_} sessions stored${errors(m)}`,
          formatNumber(m.rate),
          'req/s',
          b ? `${formatRows(first!.rows)} rows` : '',
          b ? formatNumber(q) : '',
          b ? check(q >= TARGETS.scaleRatio, `>= ${TARGETS.scaleRatio.toFixed(2)}`) : '',
          cpu(m),
          idle(m),
        ]);
      }
      rows.push([
        n,
        `  start-up with ${rows_} sessions; peak memory`,
        `${formatNumber(p.startupMs)}; ${p.peakRssBytes === null ? '-' : formatNumber(p.peakRssBytes / MB)}`,
        'ms; MB',
        '',
        '',
        '',
        '',
        '',
      ]);
      if (p.postgresCache)
        rows.push([
          n,
          `  buffer cache hits during them; database vs shared_buffers`,
          `${formatNumber(p.postgresCache.hitRatio * 100)} %; ${formatNumber(p.postgresCache.databaseBytes / MB)} / ${formatNumber(p.postgresCache.sharedBuffersBytes / MB)}`,
          '%; MB',
          '',
          '',
          '',
          '',
          '',
        ]);
    }
  }
  return rows;
}

/** Says when PostgreSQL's scale rows were bound by its own cache (docs/deploy.md gives the setting). */
export function cacheNotes(r: Results): string[] {
  const out: string[] = [];
  for (const d of r.dialects) {
    const last = d.scale.at(-1);
    const c = last?.postgresCache;
    if (!last || !c || c.hitRatio >= 0.99 || c.databaseBytes <= c.sharedBuffersBytes) continue;
    out.push(
      `note: at ${formatRows(last.rows)} sessions PostgreSQL found only ${formatNumber(c.hitRatio * 100)} % of the blocks it read in its shared_buffers (${formatNumber(c.sharedBuffersBytes / MB)} MB for a ${formatNumber(c.databaseBytes / MB)} MB database): the scale rows measure its cache; docs/deploy.md "Memory for PostgreSQL" gives the setting.`,
    );
  }
  return out;
}

export function formatRows(n: number): string {
  return n >= 1_000_000
    ? `${Number((n / 1_000_000).toFixed(2))}M`
    : n >= 1000
      ? `${Number((n / 1000).toFixed(1))}k`
      : String(n);
}

export function formatMachine(m: Machine): string {
  return `${m.cores} cores (${m.cpuModel}), ${formatNumber(m.totalMemoryBytes / 1024 ** 3, 1)} GiB, Node ${m.node}, ${m.platform}; load average at start ${m.loadAverageAtStart.map((l) => l.toFixed(2)).join(' ')}`;
}

export function formatReport(r: Results): string {
  const table = formatTable(
    ['dialect', 'measurement', 'value', 'unit', 'baseline', 'ratio', 'target', 'cpu µs/req', 'gen idle'],
    tableRows(r),
    ['left', 'left', 'right', 'left', 'left', 'right', 'left', 'right', 'right'],
  );
  const sqlite = r.dialects.find((d) => d.dialect === 'sqlite');
  const bare = sqlite ? ratio(sqlite.getMax.rate, r.baselines.bareHttp.rate) : Number.NaN;
  return [
    `reji benchmark ${r.startedAt}${r.settings.quick ? ' (--quick)' : ''}, ${Math.round(r.seconds)} s`,
    `machine: ${formatMachine(r.machine)}`,
    '',
    table,
    '',
    "cpu µs/req: the server's CPU time per answered request (steadier than rates on a busy machine); gen idle: the load generator's idle share while measuring.",
    ...r.notes.map((n) => `note: ${n}`),
    ...cacheNotes(r),
    `ratio signed-get/bare-http: ${bare.toFixed(2)}`,
    `ratio signed-get-cpu/limit: ${getCpuRatio(r).toFixed(2)}`,
  ].join('\n');
}

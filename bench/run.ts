import { execFileSync } from 'node:child_process';
import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import {
  copyMerchant,
  countSessions,
  createBenchDatabase,
  createBenchMerchant,
  postgresCache,
  readTemplate,
  seedSessions,
  seededId,
  type BenchDatabase,
} from './lib/database.js';
import { spawnRpcChild, type RpcChild } from './lib/ipc.js';
import { summarizeProfile } from './lib/profile.js';
import { startRejiServe, type RejiProcess, type RejiRuntime } from './lib/reji-process.js';
import { countRoundTrips } from './lib/round-trips.js';
import {
  formatReport,
  formatRows,
  type DialectResult,
  type Machine,
  type RequestLogCost,
  type Rate,
  type Results,
  type RoundTrips,
  type RuntimeResult,
  type ScalePoint,
} from './lib/report.js';
import {
  createCount,
  createSpec,
  Driver,
  getSpec,
  randomTag,
  strip,
  wholeCheckouts,
  type Measured,
} from './lib/scenarios.js';
import type { RequestSpec } from './lib/requests.js';
import { settingsFrom, type Settings } from './lib/settings.js';
import { formatNumber } from './lib/stats.js';
import { isPostgresReachable, POSTGRES_ADMIN_URL } from '../test/support/dialects.js';
import type { DialectName } from '../src/store/migrations.js';

/**
 * `npm run bench [-- --quick] [--no-postgres] [--no-scale] [--profile]`: reji and its baselines side by
 * side in one run. Four kinds of process: this orchestrator, the load generator (bench/loadgen.ts), the
 * server under test (`reji serve`, or the bare node:http baseline) and the baseline child.
 */

const RESULTS_DIR = fileURLToPath(new URL('./results/', import.meta.url));
const LOADGEN = fileURLToPath(new URL('./loadgen.ts', import.meta.url));
const BARE = fileURLToPath(new URL('./bare-server.ts', import.meta.url));
const BASELINES = fileURLToPath(new URL('./baselines.ts', import.meta.url));
const BUILD = fileURLToPath(new URL('../scripts/build.mjs', import.meta.url));

const t0 = performance.now();
function progress(message: string): void {
  process.stderr.write(`[${((performance.now() - t0) / 1000).toFixed(1).padStart(5)} s] ${message}\n`);
}

function machine(): Machine {
  const c = cpus();
  return {
    cores: c.length,
    cpuModel: (c[0]?.model ?? 'unknown').trim(),
    node: process.version,
    platform: `${process.platform} ${process.arch}`,
    totalMemoryBytes: totalmem(),
    loadAverageAtStart: loadavg(),
  };
}

function rateLine(label: string, m: Measured): string {
  const bad = Object.entries(m.statuses).filter(([s]) => !s.startsWith('2'));
  return `${label}: ${formatNumber(m.rate)}/s, p99 ${formatNumber(m.latency.p99)} ms, generator idle ${Math.round((1 - m.generator.elu) * 100)}%${bad.length ? `, NON-2XX ${JSON.stringify(Object.fromEntries(bad))}: ${m.errorSample}` : ''}`;
}

async function baselines(settings: Settings, scratch: BenchDatabase) {
  const child = spawnRpcChild(BASELINES);
  try {
    const rsaVerify = await child.call<Rate>('verify', { ms: settings.baselineMs });
    progress(`RSA-PSS verify: ${formatNumber(rsaVerify.perSecond)}/s on one core`);
    const sqliteWrites = await child.call<Rate>('sqliteWrites', {
      ms: settings.baselineMs,
      dir: scratch.dataDir,
      docBytes: 1500,
    });
    progress(`SQLite single-row transactions: ${formatNumber(sqliteWrites.perSecond)}/s`);
    return { rsaVerify, sqliteWrites };
  } finally {
    await child.stop();
  }
}

async function bareHttp(settings: Settings, driver: Driver, body: string): Promise<Measured> {
  const bare = spawnRpcChild(BARE);
  try {
    const { port } = await bare.call<{ port: number }>('start', { body });
    const target = { port, pid: bare.pid };
    // The same signed requests reji gets: the bare server's work per request differs only in what reji adds.
    const specs = Array.from({ length: settings.getPool }, () => getSpec(crypto.randomUUID()));
    const m = strip(
      await driver.closed(target, specs, { reuse: true, warmupMs: settings.warmupMs, durationMs: settings.durationMs }),
    );
    progress(rateLine('bare node:http', m));
    return m;
  } finally {
    await bare.stop();
  }
}

async function startServer(db: BenchDatabase, profileDir: string | undefined, label: string): Promise<RejiProcess> {
  const dir = profileDir ? join(profileDir, `${db.dialect}-${label}`) : undefined;
  if (dir) mkdirSync(dir, { recursive: true });
  return startRejiServe({ dataDir: db.dataDir, databaseUrl: db.databaseUrl, profileDir: dir });
}

interface Hooks {
  /** The dialect's own write baseline, on the bench database. */
  databaseWrites?(db: BenchDatabase): Promise<Rate & { connections: number }>;
  /** Runs right before the signed Get measurement (the bare server, so the two see the same machine). */
  beforeGet?(driver: Driver, sampleBody: string): Promise<void>;
}

async function runDialect(
  dialect: DialectName,
  settings: Settings,
  loadgen: RpcChild,
  profileDir: string | undefined,
  hooks: Hooks,
): Promise<DialectResult> {
  const db = await createBenchDatabase(dialect);
  const cleanup: (() => Promise<void>)[] = [() => db.drop()];
  try {
    const merchant = await createBenchMerchant(db);
    const key = { publicKeyId: merchant.publicKeyId, privateKeyPem: merchant.privateKeyPem, region: 'jp' };
    const driver = new Driver(loadgen, key, settings);
    const databaseWrites = await hooks.databaseWrites?.(db);

    const startupMs: number[] = [];
    let server: RejiProcess | undefined;
    for (let i = 0; i < settings.startupRuns; i++) {
      await server?.stop();
      server = await startServer(db, i === settings.startupRuns - 1 ? profileDir : undefined, 'main');
      startupMs.push(server.startupMs);
    }
    progress(`${dialect}: reji serve answered /healthz after ${startupMs.map((s) => formatNumber(s)).join(', ')} ms`);
    const target = { port: server!.port, pid: server!.pid };
    try {
      // Creates: a first run finds the rate (and warms the server up); its sessions serve the Gets.
      const probe = await driver.closed(
        target,
        Array.from({ length: settings.createProbe }, () => createSpec(merchant.storeId)),
        { reuse: false, warmupMs: 0, durationMs: 1000, collect: true },
      );
      const ids = (probe.responses ?? []).flatMap((r) =>
        r && r.status === 201 ? [(JSON.parse(r.body) as { checkoutSessionId: string }).checkoutSessionId] : [],
      );
      if (ids.length === 0) throw new Error(`no checkout session was created: ${probe.errorSample}`);
      const createMax = strip(
        await driver.closed(
          target,
          Array.from({ length: createCount(probe.rate, settings.durationMs, settings.connections) }, () =>
            createSpec(merchant.storeId),
          ),
          { reuse: false, warmupMs: 0, durationMs: settings.durationMs },
        ),
      );
      progress(rateLine(`${dialect}: signed Create (max)`, createMax));
      const createRate = createMax.rate / 2;
      const createLatency = await driver.open(
        target,
        Array.from({ length: Math.ceil((createRate * settings.latencyMs) / 1000) }, () => createSpec(merchant.storeId)),
        { reuse: false, rate: createRate, durationMs: settings.latencyMs },
      );
      progress(rateLine(`${dialect}: signed Create at half load`, createLatency));

      // A create answers with the same full view a Get of a new session does.
      const sampleBody = (probe.responses ?? []).find((r) => r?.status === 201)!.body;
      await hooks.beforeGet?.(driver, sampleBody);
      const gets = Array.from({ length: settings.getPool }, (_, i) => getSpec(ids[i % ids.length]!));
      const getMax = strip(
        await driver.closed(target, gets, {
          reuse: true,
          warmupMs: settings.warmupMs,
          durationMs: settings.durationMs,
        }),
      );
      progress(rateLine(`${dialect}: signed Get (max)`, getMax));
      const getLatency = await driver.open(target, gets, {
        reuse: true,
        rate: getMax.rate / 2,
        durationMs: settings.latencyMs,
      });
      progress(rateLine(`${dialect}: signed Get at half load`, getLatency));

      const checkouts = await wholeCheckouts(driver, target, merchant.storeId, settings.checkouts);
      progress(
        `${dialect}: ${checkouts.completed}/${checkouts.started} whole checkouts at ${formatNumber(checkouts.perSecond)}/s (${checkouts.phases.map((p) => `${p.name} ${formatNumber(p.rate)}/s`).join(', ')})`,
      );
      for (const p of checkouts.phases)
        if (p.errorSample) progress(`${dialect}: ${p.name} failed ${p.requests - p.ok} times: ${p.errorSample}`);

      const peakRssBytes = server!.memory()?.peakRssBytes ?? null;
      await server!.stop();
      server = undefined;
      const requestLog =
        dialect === 'sqlite'
          ? await requestLogCost(db, driver, gets, merchant.storeId, settings, createMax.rate)
          : undefined;
      const roundTrips =
        dialect === 'postgres'
          ? await countTrips(db, driver, merchant.storeId, ids, Math.min(settings.checkouts, 100))
          : undefined;
      if (roundTrips)
        progress(
          `${dialect}: round trips per request (with the request log's batches): ${roundTrips.operations.map((o) => `${o.name} ${formatNumber(o.perRequest)} (${formatNumber(o.withRequestLog ?? Number.NaN)})`).join(', ')}`,
        );

      const scale = settings.scale
        ? await runScale(db, merchant, settings, driver, createMax.rate, ids[0]!, profileDir, cleanup)
        : [];
      const profiles = profileDir ? listProfiles(profileDir, dialect) : undefined;
      return {
        dialect,
        ...(databaseWrites ? { databaseWrites } : {}),
        startupMs,
        createMax,
        createLatency,
        getMax,
        getLatency,
        checkouts,
        peakRssBytes,
        scale,
        ...(roundTrips ? { roundTrips } : {}),
        ...(requestLog ? { requestLog } : {}),
        ...(profiles ? { profiles } : {}),
      };
    } finally {
      await server?.stop();
    }
  } finally {
    for (const c of cleanup.reverse()) await c().catch(() => {});
  }
}

/**
 * What the console's request log costs (issue 15, "growth"): signed Gets and Creates against a server with the
 * log off, then one with it on (the default), back to back on the same database so that both see the same
 * machine, twice (once with --quick), each configuration's best kept. (The reports' ledger is written only by captures and refunds: not on these paths.)
 */
async function requestLogCost(
  db: BenchDatabase,
  driver: Driver,
  gets: readonly RequestSpec[],
  storeId: string,
  settings: Settings,
  createRate: number,
): Promise<RequestLogCost> {
  const measure = async (extraArgs: readonly string[]) => {
    const server = await startRejiServe({ dataDir: db.dataDir, databaseUrl: db.databaseUrl, extraArgs });
    try {
      const get = strip(
        await driver.closed(server, gets, { reuse: true, warmupMs: settings.warmupMs, durationMs: settings.scaleMs }),
      );
      const warmupMs = Math.min(settings.warmupMs, 300);
      const creates = Array.from(
        { length: createCount(createRate * 2, warmupMs + settings.scaleMs, settings.connections) },
        () => createSpec(storeId),
      );
      const create = strip(
        await driver.closed(server, creates, { reuse: false, warmupMs, durationMs: settings.scaleMs }),
      );
      return { get, create };
    } finally {
      await server.stop();
    }
  };
  // One server's CPU per request varies by ±15 % from the next one's on a shared machine: alternate, keep the best.
  type Pair = Awaited<ReturnType<typeof measure>>;
  const best = (a: Pair | undefined, b: Pair): Pair =>
    a === undefined
      ? b
      : { get: a.get.rate >= b.get.rate ? a.get : b.get, create: a.create.rate >= b.create.rate ? a.create : b.create };
  let off: Pair | undefined;
  let on: Pair | undefined;
  for (let round = 0; round < (settings.quick ? 1 : 2); round++) {
    off = best(off, await measure(['--request-log', 'false']));
    on = best(on, await measure([]));
  }
  if (!off || !on) throw new Error('no request log measurement');
  progress(
    `${db.dialect}: request log off / on: Get ${formatNumber(off.get.rate)} / ${formatNumber(on.get.rate)} req/s, Create ${formatNumber(off.create.rate)} / ${formatNumber(on.create.rate)} req/s`,
  );
  return { off, on };
}

/** Signed Get and Create with N sessions stored, in a second database seeded directly (the server stopped). */
async function runScale(
  base: BenchDatabase,
  merchant: Awaited<ReturnType<typeof createBenchMerchant>>,
  settings: Settings,
  driver: Driver,
  createRate: number,
  templateId: string,
  profileDir: string | undefined,
  cleanup: (() => Promise<void>)[],
): Promise<ScalePoint[]> {
  const template = await readTemplate(base, templateId);
  const db = await createBenchDatabase(base.dialect);
  cleanup.push(() => db.drop());
  await copyMerchant(base, db, merchant);
  const tag = randomTag();
  let seeded = 0;
  const points: ScalePoint[] = [];
  for (const rows of settings.scaleRows) {
    const seedStarted = performance.now();
    const missing = Math.max(0, rows - (await countSessions(db)));
    await seedSessions(db, template, tag, seeded, seeded + missing);
    seeded += missing;
    const seedMs = performance.now() - seedStarted;
    progress(`${db.dialect}: seeded ${formatRows(rows)} checkout sessions in ${formatNumber(seedMs / 1000)} s`);
    const cacheBefore = db.dialect === 'postgres' ? await postgresCache(db) : undefined;
    const server = await startServer(db, profileDir, formatRows(rows));
    let point: ScalePoint;
    try {
      const gets = Array.from({ length: settings.getPool }, () =>
        getSpec(seededId(tag, Math.floor(Math.random() * seeded))),
      );
      const get = strip(
        await driver.closed(server, gets, { reuse: true, warmupMs: settings.warmupMs, durationMs: settings.scaleMs }),
      );
      progress(rateLine(`${db.dialect}: signed Get, ${formatRows(rows)} stored`, get));
      // The Gets before warmed most of the code up.
      const warmupMs = Math.min(settings.warmupMs, 300);
      // Twice the rate measured before: on a shared machine this server may well be faster, and a pool used up
      // in the warm-up would leave nothing to measure.
      const creates = Array.from(
        { length: createCount(createRate * 2, warmupMs + settings.scaleMs, settings.connections) },
        () => createSpec(merchant.storeId),
      );
      const create = strip(
        await driver.closed(server, creates, { reuse: false, warmupMs, durationMs: settings.scaleMs }),
      );
      progress(rateLine(`${db.dialect}: signed Create, ${formatRows(rows)} stored`, create));
      point = {
        rows,
        seedMs,
        startupMs: server.startupMs,
        get,
        create,
        peakRssBytes: server.memory()?.peakRssBytes ?? null,
      };
    } finally {
      await server.stop();
    }
    if (cacheBefore) {
      const after = await postgresCache(db);
      const hit = after.blocksHit - cacheBefore.blocksHit;
      const read = after.blocksRead - cacheBefore.blocksRead;
      point = {
        ...point,
        postgresCache: {
          hitRatio: hit + read > 0 ? hit / (hit + read) : Number.NaN,
          databaseBytes: after.databaseBytes,
          sharedBuffersBytes: after.sharedBuffersBytes,
        },
      };
      progress(
        `${db.dialect}: ${formatRows(rows)} stored: ${formatNumber(point.postgresCache!.hitRatio * 100)} % of blocks from shared_buffers; database ${formatNumber(after.databaseBytes / 2 ** 20)} MB, shared_buffers ${formatNumber(after.sharedBuffersBytes / 2 ** 20)} MB`,
      );
    }
    points.push(point);
  }
  return points;
}

/**
 * Database round trips per request on PostgreSQL, counted by a relay between a fresh `reji serve` and the
 * database (bench/lib/round-trips.ts). Its timer and notification workers are off so that only requests talk.
 * Counted twice: with the console's request log off (the operation's own trips, the target) and on (its
 * batches are written after the answers, in the background, and add their share per request).
 */
async function countTrips(
  db: BenchDatabase,
  driver: Driver,
  storeId: string,
  getIds: readonly string[],
  checkouts: number,
): Promise<RoundTrips> {
  const own = await countTripsOnce(db, driver, storeId, getIds, checkouts, ['--request-log', 'false']);
  const withLog = await countTripsOnce(db, driver, storeId, getIds, checkouts, []);
  return {
    operations: own.map((o) => ({
      ...o,
      withRequestLog: withLog.find((w) => w.name === o.name)?.perRequest ?? Number.NaN,
    })),
  };
}

async function countTripsOnce(
  db: BenchDatabase,
  driver: Driver,
  storeId: string,
  getIds: readonly string[],
  checkouts: number,
  extraArgs: readonly string[],
): Promise<{ name: string; perRequest: number; writes: boolean }[]> {
  const relay = await countRoundTrips(db.databaseUrl!);
  const server = await startRejiServe({
    dataDir: db.dataDir,
    databaseUrl: relay.url,
    extraArgs: ['--timer-interval-ms', '3600000', '--ipn-worker', 'false', ...extraArgs],
  });
  try {
    const target = { port: server.port, pid: server.pid, roundTrips: relay.count };
    const gets = (n: number) => Array.from({ length: n }, (_, i) => getSpec(getIds[i % getIds.length]!));
    // Fills the connection pool first: opening a connection is not a request's round trip.
    await driver.closed(target, gets(200), { reuse: false, warmupMs: 0, durationMs: 600_000 });
    const before = relay.count();
    const n = 200;
    await driver.closed(target, gets(n), { reuse: false, warmupMs: 0, durationMs: 600_000 });
    const get = (relay.count() - before) / n;
    const c = await wholeCheckouts(driver, target, storeId, checkouts);
    return [
      { name: 'Get Checkout Session', perRequest: get, writes: false },
      ...c.phases.map((p) => ({ name: p.name, perRequest: p.roundTripsPerRequest ?? Number.NaN, writes: true })),
    ];
  } finally {
    await server.stop();
    await relay.close();
  }
}

/** Start-up to /healthz and idle memory of the packaged command and of the sources through tsx. */
const IDLE_AFTER_MS = 3_000;

async function runtimes(settings: Settings): Promise<RuntimeResult[]> {
  const db = await createBenchDatabase('sqlite');
  try {
    await createBenchMerchant(db);
    const out: RuntimeResult[] = [];
    for (const runtime of ['compiled', 'tsx'] as RejiRuntime[]) {
      const startupMs: number[] = [];
      const startupCpuMs: (number | null)[] = [];
      const idleRssBytes: number[] = [];
      for (let i = 0; i < settings.startupRuns; i++) {
        const server = await startRejiServe({ dataDir: db.dataDir, runtime });
        try {
          startupMs.push(server.startupMs);
          startupCpuMs.push(server.startupCpuMs);
          // Idle means after the background work that starts late (the SQLite checkpoint worker, 2 s).
          await new Promise((r) => setTimeout(r, IDLE_AFTER_MS));
          idleRssBytes.push(server.memory()?.rssBytes ?? Number.NaN);
        } finally {
          await server.stop();
        }
      }
      progress(
        `${runtime}: /healthz after ${startupMs.map((s) => formatNumber(s)).join(', ')} ms (CPU ${startupCpuMs.map((s) => formatNumber(s)).join(', ')} ms); idle ${idleRssBytes.map((b) => formatNumber(b / 2 ** 20)).join(', ')} MB`,
      );
      out.push({ runtime, startupMs, startupCpuMs, idleRssBytes });
    }
    return out;
  } finally {
    await db.drop();
  }
}

function listProfiles(dir: string, dialect: string): string[] {
  const out: string[] = [];
  for (const sub of readdirSync(dir)) {
    if (!sub.startsWith(`${dialect}-`)) continue;
    for (const f of readdirSync(join(dir, sub))) if (f.endsWith('.cpuprofile')) out.push(join(dir, sub, f));
  }
  return out;
}

async function main(): Promise<void> {
  const settings = settingsFrom(process.argv.slice(2));
  const startedAt = new Date().toISOString();
  const stamp = startedAt.replace(/[:.]/g, '-');
  const profileDir = settings.profile ? join(RESULTS_DIR, 'profiles', stamp) : undefined;
  const notes: string[] = [];
  const m = machine();
  progress(`reji bench${settings.quick ? ' --quick' : ''} on ${m.cores} cores, Node ${m.node}`);

  let postgres = settings.postgres;
  if (postgres && !(await isPostgresReachable())) {
    postgres = false;
    notes.push(`PostgreSQL was not reachable at ${POSTGRES_ADMIN_URL} (REJI_TEST_POSTGRES_URL): its rows are missing.`);
  }
  if (settings.quick)
    notes.push(
      `--quick: ${settings.durationMs / 1000} s measurements, ${settings.checkouts} checkouts, scale points ${settings.scaleRows.map(formatRows).join(' and ')} rows (not 1M); numbers are rough.`,
    );
  notes.push(
    `closed loops use ${settings.connections} keep-alive connections; latency is measured open loop at half the maximum rate, from each request's scheduled send time.`,
  );

  // The server under test is the packaged command: dist/ built from these sources.
  progress('building dist/ (npm run build)');
  execFileSync(process.execPath, [BUILD], { stdio: 'inherit' });
  const loadgen = spawnRpcChild(LOADGEN);
  const scratch = await createBenchDatabase('sqlite');
  try {
    const runtimeResults = await runtimes(settings);
    const base = await baselines(settings, scratch);
    const dialects: DialectResult[] = [];
    let bare: Measured | undefined;
    let bareBody = '';
    dialects.push(
      await runDialect('sqlite', settings, loadgen, profileDir, {
        async beforeGet(driver, sampleBody) {
          bare = await bareHttp(settings, driver, sampleBody);
          bareBody = sampleBody;
        },
      }),
    );
    if (postgres) {
      dialects.push(
        await runDialect('postgres', settings, loadgen, profileDir, {
          async databaseWrites(db) {
            const child = spawnRpcChild(BASELINES);
            try {
              const connections = 4;
              const r = await child.call<Rate>('postgresWrites', {
                ms: settings.baselineMs,
                url: db.databaseUrl,
                connections,
                docBytes: 1500,
              });
              progress(
                `PostgreSQL single-row transactions: ${formatNumber(r.perSecond)}/s (${connections} connections)`,
              );
              return { ...r, connections };
            } finally {
              await child.stop();
            }
          },
        }),
      );
    }
    const results: Results = {
      startedAt,
      seconds: (performance.now() - t0) / 1000,
      machine: m,
      settings,
      baselines: { bareHttp: bare!, bareHttpBodyBytes: Buffer.byteLength(bareBody), ...base },
      dialects,
      runtimes: runtimeResults,
      notes,
    };
    mkdirSync(RESULTS_DIR, { recursive: true });
    const file = join(RESULTS_DIR, `${stamp}.json`);
    writeFileSync(file, `${JSON.stringify(results, null, 2)}\n`);
    if (profileDir) {
      for (const d of dialects) {
        for (const p of d.profiles ?? []) {
          const summary = summarizeProfile(p, 30);
          // tsx's loader thread writes a profile too; it is idle once the modules are loaded.
          if (summary.busyMs > 1000) process.stdout.write(`\nprofile ${p}\n${summary.text}\n`);
        }
      }
    }
    process.stdout.write(`\nresults: ${file}\n\n${formatReport(results)}\n`);
  } finally {
    await loadgen.stop();
    await scratch.drop();
  }
}

await main();

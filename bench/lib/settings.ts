/** How long and how hard each part of the run goes; `--quick` trades precision for a run under a minute. */
export interface Settings {
  readonly quick: boolean;
  /** Closed-loop warm-up before a throughput measurement (JIT, caches). */
  readonly warmupMs: number;
  /** Closed-loop throughput measurements. */
  readonly durationMs: number;
  /** Open-loop latency measurements at half the maximum rate. */
  readonly latencyMs: number;
  /** Each Get and Create measurement at a scale point. */
  readonly scaleMs: number;
  /** Each baseline loop (RSA verify, database writes). */
  readonly baselineMs: number;
  readonly connections: number;
  /** Signed Get requests in the replayed pool (distinct session ids). */
  readonly getPool: number;
  /** Creates in the first, rate-finding run (it also warms the server up). */
  readonly createProbe: number;
  /** Whole checkouts, each seven calls. */
  readonly checkouts: number;
  /** Stored checkout sessions at each scale point. */
  readonly scaleRows: readonly number[];
  readonly startupRuns: number;
  readonly postgres: boolean;
  readonly scale: boolean;
  readonly profile: boolean;
}

export function settingsFrom(argv: readonly string[]): Settings {
  const known = new Set(['--quick', '--full', '--no-postgres', '--no-scale', '--profile']);
  for (const a of argv)
    if (!known.has(a))
      throw new Error(`unknown option ${a}; use --quick, --full, --no-postgres, --no-scale or --profile`);
  const quick = argv.includes('--quick');
  if (quick && argv.includes('--full')) throw new Error('--quick and --full exclude each other');
  const common = {
    quick,
    connections: 32,
    postgres: !argv.includes('--no-postgres'),
    scale: !argv.includes('--no-scale'),
    profile: argv.includes('--profile'),
  };
  return quick
    ? {
        ...common,
        warmupMs: 400,
        durationMs: 1200,
        latencyMs: 1200,
        scaleMs: 800,
        baselineMs: 700,
        getPool: 500,
        createProbe: 500,
        checkouts: 100,
        scaleRows: [10_000, 100_000],
        startupRuns: 1,
      }
    : {
        ...common,
        warmupMs: 1000,
        durationMs: 4000,
        latencyMs: 4000,
        scaleMs: 2500,
        baselineMs: 2000,
        getPool: 2000,
        createProbe: 1500,
        checkouts: 400,
        // --full adds 10M stored sessions (seeded directly; some 20 GB of disk per database, most of an hour).
        scaleRows: argv.includes('--full') ? [10_000, 1_000_000, 10_000_000] : [10_000, 1_000_000],
        startupRuns: 3,
      };
}

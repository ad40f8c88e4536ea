import { resolve } from 'node:path';
import { parseTrustedProxies } from '../http/client-address.js';
import { DEFAULT_ANONYMOUS_LIMITS, type AnonymousLimits } from '../http/hosted/rate-limits.js';
import { POSTGRES_DEFAULTS } from '../store/open-store.js';
import { DEFAULT_REQUEST_LOG_OPTIONS, type RequestLogOptions } from '../app/request-log.js';
import { isLoopbackHost, type ConsoleOptions } from '../http/console/access.js';
import type { LogLevel } from './logger.js';

/** Configuration of `reji serve`, read once from flags and REJI_* variables, checked, then frozen. */
export interface ServeConfig {
  readonly host: string;
  readonly port: number;
  /** 0 turns HTTPS off. */
  readonly httpsPort: number;
  readonly dataDir: string;
  /** Base URL of the hosted pages as buyers' browsers reach them. */
  readonly publicUrl: string;
  /** `postgres://...`; unset means SQLite in the data directory. */
  readonly databaseUrl: string | undefined;
  /** PostgreSQL connections per process (mind the server's max_connections across all processes). */
  readonly databasePoolSize: number;
  /** PostgreSQL: how long a request waits for a connection before answering 503. */
  readonly databaseConnectTimeoutMs: number;
  /** PostgreSQL: server-side limit for one statement (lock waits included) and for an idle transaction. */
  readonly databaseStatementTimeoutMs: number;
  /**
   * PostgreSQL: where this process LISTENs for merchant and key changes (default: databaseUrl); 'off' caches
   * no credentials (docs/deploy.md: a transaction-pooling PgBouncer does not pass notifications on).
   */
  readonly databaseListenUrl: string | undefined;
  readonly logLevel: LogLevel;
  /** On first start, create the demo merchant and key (npm start). */
  readonly demo: boolean;
  /** How often the timer worker looks for due timers (milliseconds). */
  readonly timerIntervalMs: number;
  /** The payment notification worker (docs/notifications.md). */
  readonly ipn: IpnConfig;
  /** Reverse proxies (addresses or CIDR blocks) whose X-Forwarded-For names the client; empty: none. */
  readonly trustProxy: readonly string[];
  /** The developer console at `/` (docs/deploy.md, "The console"). */
  readonly console: ConsoleOptions;
  /** The console's request log of API calls. */
  readonly requestLog: RequestLogOptions;
  /** Per-minute limits for anonymous hosted-page and button traffic (0: no limit). */
  readonly anonymousLimits: AnonymousLimits;
  /** `GET /metrics` (REJI_METRICS, on by default); with a token it needs `Authorization: Bearer <token>`. */
  readonly metrics: { readonly enabled: boolean; readonly token: string | undefined };
  /** Answer as the HTTP proxy of official SDKs for Amazon Pay's API hosts (REJI_SDK_PROXY, on by default). */
  readonly sdkProxy: boolean;
}

export interface IpnConfig {
  /** Whether this process delivers notifications (REJI_IPN_WORKER); any number of processes may. */
  readonly enabled: boolean;
  /** Per-attempt timeout (REJI_IPN_TIMEOUT_MS). */
  readonly timeoutMs: number;
  /** Deliveries in flight per process (REJI_IPN_CONCURRENCY). */
  readonly concurrency: number;
  /** Deliveries in flight to one endpoint URL per process (REJI_IPN_ENDPOINT_CONCURRENCY). */
  readonly perEndpointConcurrency: number;
  /** How often an idle worker looks for due notifications (REJI_IPN_POLL_INTERVAL_MS). */
  readonly pollIntervalMs: number;
  /** How long a claim lasts before another process may take the notification (REJI_IPN_LEASE_MS). */
  readonly leaseMs: number;
}

export class ConfigError extends Error {}

export type RawOptions = Readonly<Record<string, string | boolean | undefined>>;

/** A flag wins over its REJI_* variable, which wins over the default. */
function pick(flags: RawOptions, env: NodeJS.ProcessEnv, flag: string, variable: string): string | undefined {
  const f = flags[flag];
  if (typeof f === 'string') return f;
  if (f === true) return 'true';
  const e = env[variable];
  return e === undefined || e === '' ? undefined : e;
}

function port(value: string | undefined, name: string, fallback: number): number {
  if (value === undefined) return fallback;
  if (!/^\d+$/.test(value) || Number(value) > 65535)
    throw new ConfigError(`${name} must be a port number from 0 to 65535, got "${value}"`);
  return Number(value);
}

function positiveInt(value: string | undefined, name: string, fallback: number, max: number): number {
  if (value === undefined) return fallback;
  if (!/^\d+$/.test(value) || Number(value) < 1 || Number(value) > max)
    throw new ConfigError(`${name} must be a whole number from 1 to ${max}, got "${value}"`);
  return Number(value);
}

function nonNegativeInt(value: string | undefined, name: string, fallback: number, max: number): number {
  if (value === undefined) return fallback;
  if (!/^\d+$/.test(value) || Number(value) > max)
    throw new ConfigError(`${name} must be a whole number from 0 to ${max}, got "${value}"`);
  return Number(value);
}

function bool(value: string | undefined, name: string, fallback: boolean): boolean {
  if (value === undefined) return fallback;
  if (/^(1|true|yes|on)$/i.test(value)) return true;
  if (/^(0|false|no|off)$/i.test(value)) return false;
  throw new ConfigError(`${name} must be true or false, got "${value}"`);
}

function oneOf<T extends string>(value: string | undefined, name: string, allowed: readonly T[], fallback: T): T {
  if (value === undefined) return fallback;
  if (!(allowed as readonly string[]).includes(value))
    throw new ConfigError(`${name} must be one of ${allowed.join(', ')}`);
  return value as T;
}

export function readServeConfig(flags: RawOptions, env: NodeJS.ProcessEnv = process.env): ServeConfig {
  const host = pick(flags, env, 'host', 'REJI_HOST') ?? '127.0.0.1';
  if (!/^[A-Za-z0-9.:-]+$/.test(host)) throw new ConfigError(`--host must be a host name or IP address, got "${host}"`);
  const httpPort = port(pick(flags, env, 'port', 'REJI_PORT'), '--port (REJI_PORT)', 8080);
  const httpsPort = port(pick(flags, env, 'https-port', 'REJI_HTTPS_PORT'), '--https-port (REJI_HTTPS_PORT)', 8443);
  if (httpsPort !== 0 && httpsPort === httpPort && httpPort !== 0)
    throw new ConfigError('--port and --https-port must differ');
  const dataDir = resolve(pick(flags, env, 'data-dir', 'REJI_DATA_DIR') ?? '.reji');
  const displayHost = host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host.includes(':') ? `[${host}]` : host;
  const publicUrlRaw = pick(flags, env, 'public-url', 'REJI_PUBLIC_URL') ?? `http://${displayHost}:${httpPort}`;
  let publicUrl: string;
  try {
    const u = new URL(publicUrlRaw);
    if (u.protocol !== 'http:' && u.protocol !== 'https:') throw new Error('scheme');
    if (u.search || u.hash) throw new Error('query');
    publicUrl = u.toString().replace(/\/+$/, '');
  } catch {
    throw new ConfigError(`--public-url must be an http(s) URL without query or fragment, got "${publicUrlRaw}"`);
  }
  const databaseUrl = pick(flags, env, 'database-url', 'REJI_DATABASE_URL');
  if (databaseUrl !== undefined && !/^(postgres(ql)?:\/\/|sqlite:)/.test(databaseUrl)) {
    throw new ConfigError('--database-url must start with postgres:// (or sqlite:<file>)');
  }
  const databaseListenUrl = pick(flags, env, 'database-listen-url', 'REJI_DATABASE_LISTEN_URL');
  if (
    databaseListenUrl !== undefined &&
    databaseListenUrl !== 'off' &&
    !/^postgres(ql)?:\/\//.test(databaseListenUrl)
  ) {
    throw new ConfigError('--database-listen-url must start with postgres://, or be off');
  }
  const logLevel = (pick(flags, env, 'log-level', 'REJI_LOG_LEVEL') ?? 'info') as LogLevel;
  if (!['debug', 'info', 'warn', 'error', 'silent'].includes(logLevel))
    throw new ConfigError(`--log-level must be debug, info, warn, error or silent, got "${logLevel}"`);
  return Object.freeze({
    host,
    port: httpPort,
    httpsPort,
    dataDir,
    publicUrl,
    databaseUrl,
    databaseListenUrl,
    databasePoolSize: positiveInt(
      pick(flags, env, 'database-pool-size', 'REJI_DATABASE_POOL_SIZE'),
      '--database-pool-size (REJI_DATABASE_POOL_SIZE)',
      POSTGRES_DEFAULTS.poolSize,
      1000,
    ),
    databaseConnectTimeoutMs: positiveInt(
      pick(flags, env, 'database-connect-timeout-ms', 'REJI_DATABASE_CONNECT_TIMEOUT_MS'),
      '--database-connect-timeout-ms (REJI_DATABASE_CONNECT_TIMEOUT_MS)',
      POSTGRES_DEFAULTS.connectTimeoutMs,
      600_000,
    ),
    databaseStatementTimeoutMs: positiveInt(
      pick(flags, env, 'database-statement-timeout-ms', 'REJI_DATABASE_STATEMENT_TIMEOUT_MS'),
      '--database-statement-timeout-ms (REJI_DATABASE_STATEMENT_TIMEOUT_MS)',
      POSTGRES_DEFAULTS.statementTimeoutMs,
      3_600_000,
    ),
    logLevel,
    demo: bool(pick(flags, env, 'demo', 'REJI_DEMO'), '--demo (REJI_DEMO)', false),
    timerIntervalMs: positiveInt(
      pick(flags, env, 'timer-interval-ms', 'REJI_TIMER_INTERVAL_MS'),
      '--timer-interval-ms (REJI_TIMER_INTERVAL_MS)',
      1000,
      3_600_000,
    ),
    ipn: readIpnConfig(flags, env),
    trustProxy: readTrustProxy(pick(flags, env, 'trust-proxy', 'REJI_TRUST_PROXY')),
    console: readConsoleConfig(flags, env, host, pick(flags, env, 'trust-proxy', 'REJI_TRUST_PROXY') !== undefined),
    requestLog: Object.freeze({
      ...DEFAULT_REQUEST_LOG_OPTIONS,
      enabled: bool(pick(flags, env, 'request-log', 'REJI_REQUEST_LOG'), '--request-log (REJI_REQUEST_LOG)', true),
      maxPerMerchant: positiveInt(
        pick(flags, env, 'request-log-max-per-merchant', 'REJI_REQUEST_LOG_MAX_PER_MERCHANT'),
        '--request-log-max-per-merchant (REJI_REQUEST_LOG_MAX_PER_MERCHANT)',
        DEFAULT_REQUEST_LOG_OPTIONS.maxPerMerchant,
        1_000_000,
      ),
      retentionHours: positiveInt(
        pick(flags, env, 'request-log-hours', 'REJI_REQUEST_LOG_HOURS'),
        '--request-log-hours (REJI_REQUEST_LOG_HOURS)',
        DEFAULT_REQUEST_LOG_OPTIONS.retentionHours,
        24 * 365,
      ),
      reads: oneOf(
        pick(flags, env, 'request-log-reads', 'REJI_REQUEST_LOG_READS'),
        '--request-log-reads (REJI_REQUEST_LOG_READS)',
        ['summary', 'full'] as const,
        DEFAULT_REQUEST_LOG_OPTIONS.reads,
      ),
    }),
    anonymousLimits: readAnonymousLimits(flags, env),
    metrics: readMetricsConfig(flags, env),
    sdkProxy: bool(pick(flags, env, 'sdk-proxy', 'REJI_SDK_PROXY'), '--sdk-proxy (REJI_SDK_PROXY)', true),
  });
}

function readConsoleConfig(
  flags: RawOptions,
  env: NodeJS.ProcessEnv,
  host: string,
  behindProxy: boolean,
): ConsoleOptions {
  // `--no-console` wins; REJI_CONSOLE=false does the same for deployments.
  const enabled =
    flags['no-console'] === true ? false : bool(pick(flags, env, 'console', 'REJI_CONSOLE'), 'REJI_CONSOLE', true);
  const password = pick(flags, env, 'console-password', 'REJI_CONSOLE_PASSWORD');
  if (password !== undefined && password.length < 8)
    throw new ConfigError('--console-password (REJI_CONSOLE_PASSWORD) must have at least 8 characters');
  // Behind a reverse proxy (--trust-proxy) a loopback listener is reachable from elsewhere.
  return Object.freeze({ enabled, password, loopbackOnly: isLoopbackHost(host) && !behindProxy });
}

function readAnonymousLimits(flags: RawOptions, env: NodeJS.ProcessEnv): AnonymousLimits {
  const limit = (flag: string, variable: string, fallback: number) =>
    nonNegativeInt(pick(flags, env, flag, variable), `--${flag} (${variable})`, fallback, 1_000_000);
  return Object.freeze({
    pagesPerMinute: limit('page-rate-limit', 'REJI_PAGE_RATE_LIMIT', DEFAULT_ANONYMOUS_LIMITS.pagesPerMinute),
    buttonPerMinute: limit('button-rate-limit', 'REJI_BUTTON_RATE_LIMIT', DEFAULT_ANONYMOUS_LIMITS.buttonPerMinute),
    payloadStartsPerMinute: limit(
      'payload-start-limit',
      'REJI_PAYLOAD_START_LIMIT',
      DEFAULT_ANONYMOUS_LIMITS.payloadStartsPerMinute,
    ),
  });
}

function readMetricsConfig(flags: RawOptions, env: NodeJS.ProcessEnv): ServeConfig['metrics'] {
  const enabled = bool(pick(flags, env, 'metrics', 'REJI_METRICS'), '--metrics (REJI_METRICS)', true);
  const token = pick(flags, env, 'metrics-token', 'REJI_METRICS_TOKEN');
  if (token !== undefined && !/^[\x21-\x7e]{16,256}$/.test(token))
    throw new ConfigError(
      '--metrics-token (REJI_METRICS_TOKEN) must be 16 to 256 printable ASCII characters without spaces',
    );
  return Object.freeze({ enabled, token });
}

function readTrustProxy(value: string | undefined): readonly string[] {
  if (value === undefined) return Object.freeze([]);
  try {
    parseTrustedProxies(value);
  } catch (error) {
    throw new ConfigError(
      `--trust-proxy (REJI_TRUST_PROXY) must be a comma-separated list of IP addresses or CIDR blocks: ${(error as Error).message}`,
    );
  }
  return Object.freeze(
    value
      .split(',')
      .map((e) => e.trim())
      .filter((e) => e !== ''),
  );
}

function readIpnConfig(flags: RawOptions, env: NodeJS.ProcessEnv): IpnConfig {
  const timeoutMs = positiveInt(
    pick(flags, env, 'ipn-timeout-ms', 'REJI_IPN_TIMEOUT_MS'),
    '--ipn-timeout-ms (REJI_IPN_TIMEOUT_MS)',
    10_000,
    300_000,
  );
  const leaseMs = positiveInt(
    pick(flags, env, 'ipn-lease-ms', 'REJI_IPN_LEASE_MS'),
    '--ipn-lease-ms (REJI_IPN_LEASE_MS)',
    Math.max(60_000, timeoutMs + 30_000),
    3_600_000,
  );
  // A claim that ran out while its attempt still waits for an answer would let a second process send it too.
  if (leaseMs < timeoutMs + 1000)
    throw new ConfigError(
      `--ipn-lease-ms (REJI_IPN_LEASE_MS) must be at least the timeout plus 1000 ms (${timeoutMs + 1000}), got ${leaseMs}`,
    );
  return Object.freeze({
    enabled: bool(pick(flags, env, 'ipn-worker', 'REJI_IPN_WORKER'), '--ipn-worker (REJI_IPN_WORKER)', true),
    timeoutMs,
    concurrency: positiveInt(
      pick(flags, env, 'ipn-concurrency', 'REJI_IPN_CONCURRENCY'),
      '--ipn-concurrency (REJI_IPN_CONCURRENCY)',
      8,
      256,
    ),
    perEndpointConcurrency: positiveInt(
      pick(flags, env, 'ipn-endpoint-concurrency', 'REJI_IPN_ENDPOINT_CONCURRENCY'),
      '--ipn-endpoint-concurrency (REJI_IPN_ENDPOINT_CONCURRENCY)',
      2,
      256,
    ),
    pollIntervalMs: positiveInt(
      pick(flags, env, 'ipn-poll-interval-ms', 'REJI_IPN_POLL_INTERVAL_MS'),
      '--ipn-poll-interval-ms (REJI_IPN_POLL_INTERVAL_MS)',
      1000,
      3_600_000,
    ),
    leaseMs,
  });
}

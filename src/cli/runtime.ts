import { X509Certificate } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import type { AppContext, AppMetrics, Clock, Logger } from '../app/context.js';
import { startIpnWorker } from '../app/ipn/worker.js';
import { startTimerWorker } from '../app/scheduler.js';
import { DEFAULT_REQUEST_LOG_OPTIONS, startRequestLog, type RequestLogOptions } from '../app/request-log.js';
import { ensureTestBuyers } from '../app/test-buyers.js';
import { inTransaction } from '../app/transactions.js';
import { createKeyPair, createMerchant } from '../app/merchants.js';
import { pooledRandomBytes } from '../crypto/random-pool.js';
import { certificateAuthority, issueCertificate, selfSignedCertificate } from '../crypto/x509.js';
import { AMAZON_PAY_API_HOSTS } from '../http/sdk-proxy.js';
import type { RandomSource } from '../domain/random.js';
import { parseTrustedProxies } from '../http/client-address.js';
import { metricsPage, RejiMetrics } from '../http/metrics.js';
import { startServers, type PageHandler, type RunningServer } from '../http/server.js';
import { openStore, whileUnavailable } from '../store/open-store.js';
import type { Store } from '../store/store.js';
import type { ServeConfig } from './config.js';
import { jsonLogger } from './logger.js';

export const systemClock: Clock = { now: () => Date.now() };
export const cryptoRandom: RandomSource = { bytes: (n) => pooledRandomBytes(n) };

export interface AppHandle {
  readonly ctx: AppContext;
  close(): Promise<void>;
}

/** Opens the store (migrating it) and builds the context every use case runs with. */
export async function openApp(options: {
  dataDir: string;
  databaseUrl?: string | undefined;
  poolSize?: number;
  connectTimeoutMs?: number;
  statementTimeoutMs?: number;
  /** PostgreSQL: where to LISTEN for merchant and key changes; 'off': no credentials cache. */
  listenUrl?: string | undefined;
  /** How long to wait for an unreachable database at start-up (0: fail at once, as the CLI does). */
  waitForDatabaseMs?: number;
  publicUrl: string;
  log?: Logger;
  clock?: Clock;
  /** The console's request log; on with the defaults unless turned off. */
  requestLog?: RequestLogOptions;
  metrics?: AppMetrics;
}): Promise<AppHandle> {
  const log = options.log ?? jsonLogger('warn');
  const store: Store = await openStore({
    dataDir: options.dataDir,
    databaseUrl: options.databaseUrl,
    ...(options.poolSize !== undefined ? { poolSize: options.poolSize } : {}),
    ...(options.connectTimeoutMs !== undefined ? { connectTimeoutMs: options.connectTimeoutMs } : {}),
    ...(options.statementTimeoutMs !== undefined ? { statementTimeoutMs: options.statementTimeoutMs } : {}),
    ...(options.listenUrl !== undefined ? { listenUrl: options.listenUrl } : {}),
    waitForDatabaseMs: options.waitForDatabaseMs ?? 0,
    warn: (message, fields) => log.warn(message, fields),
  });
  const clock = options.clock ?? systemClock;
  const logOptions = options.requestLog ?? DEFAULT_REQUEST_LOG_OPTIONS;
  const requestLog = logOptions.enabled ? startRequestLog(store, clock, log, logOptions) : undefined;
  const ctx: AppContext = {
    store,
    clock,
    random: cryptoRandom,
    publicUrl: options.publicUrl,
    log,
    requestLog,
    ...(options.metrics ? { metrics: options.metrics } : {}),
  };
  return {
    ctx,
    async close() {
      await requestLog?.close();
      await store.close();
    },
  };
}

/** The self-signed certificate for localhost and 127.0.0.1, made once and kept in the data directory. */
export function ensureTlsCertificate(dataDir: string): { key: string; cert: string; created: boolean } {
  const dir = join(dataDir, 'tls');
  const keyFile = join(dir, 'key.pem');
  const certFile = join(dir, 'cert.pem');
  if (existsSync(keyFile) && existsSync(certFile)) {
    return { key: readFileSync(keyFile, 'utf8'), cert: readFileSync(certFile, 'utf8'), created: false };
  }
  mkdirSync(dir, { recursive: true });
  const generated = selfSignedCertificate({
    commonName: 'localhost',
    altNames: ['localhost', '127.0.0.1', '::1'],
    validDays: 825,
    keyUsage: 'tls-server',
  });
  writeFileSync(keyFile, generated.keyPem, { mode: 0o600 });
  writeFileSync(certFile, generated.certPem);
  return { key: generated.keyPem, cert: generated.certPem, created: true };
}

/** reji's local certificate authority: clients trust it to reach reji under Amazon Pay's host names (`--sdk-proxy`). */
export function ensureLocalCa(dataDir: string): { certPath: string; cert: string; key: string } {
  const dir = join(dataDir, 'ca');
  const certPath = join(dir, 'reji-ca.pem');
  const keyFile = join(dir, 'reji-ca-key.pem');
  if (existsSync(certPath) && existsSync(keyFile)) {
    return { certPath, cert: readFileSync(certPath, 'utf8'), key: readFileSync(keyFile, 'utf8') };
  }
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const ca = certificateAuthority({ commonName: `reji local CA (${hostname()})`, validDays: 3650 });
  writeFileSync(keyFile, ca.keyPem, { mode: 0o600 });
  writeFileSync(certPath, ca.certPem);
  return { certPath, cert: ca.certPem, key: ca.keyPem };
}

/** The certificate reji shows as Amazon Pay's API hosts to SDKs that use it as their proxy, issued by the local CA. */
export function ensureSdkProxyCertificate(dataDir: string): { key: string; cert: string; caPath: string } {
  const ca = ensureLocalCa(dataDir);
  const keyFile = join(dataDir, 'ca', 'amazon-pay-hosts-key.pem');
  const certFile = join(dataDir, 'ca', 'amazon-pay-hosts.pem');
  if (existsSync(keyFile) && existsSync(certFile)) {
    const cert = readFileSync(certFile, 'utf8');
    const parsed = new X509Certificate(cert);
    // Reissued when the CA changed or the certificate is within 30 days of its end (clients check both).
    if (parsed.checkIssued(new X509Certificate(ca.cert)) && Date.parse(parsed.validTo) - Date.now() > 30 * 86_400_000) {
      return { key: readFileSync(keyFile, 'utf8'), cert, caPath: ca.certPath };
    }
  }
  const issued = issueCertificate(
    {
      commonName: AMAZON_PAY_API_HOSTS[0]!,
      altNames: AMAZON_PAY_API_HOSTS,
      // Clients refuse server certificates valid for more than 398 days (Apple, Chrome); reji renews them itself.
      validDays: 397,
      keyUsage: 'tls-server',
    },
    { certPem: ca.cert, keyPem: ca.key },
  );
  writeFileSync(keyFile, issued.keyPem, { mode: 0o600 });
  writeFileSync(certFile, issued.certPem);
  return { key: issued.keyPem, cert: issued.certPem, caPath: ca.certPath };
}

export interface DemoMerchant {
  readonly merchantId: string;
  readonly storeId: string;
  readonly region: string;
  readonly publicKeyId: string;
  readonly privateKeyPath: string;
}

/** Where the demo shop renders its button (the demo merchant's allowed JavaScript origins). */
export const DEMO_ALLOWED_ORIGINS = [
  'http://127.0.0.1:*',
  'http://localhost:*',
  'https://127.0.0.1:*',
  'https://localhost:*',
] as const;

/** The JP demo merchant of `npm start`, created on the first start and remembered in the data directory. */
export async function ensureDemoMerchant(
  ctx: AppContext,
  dataDir: string,
  allowedOrigins: readonly string[],
): Promise<{ demo: DemoMerchant; created: boolean }> {
  const file = join(dataDir, 'demo-merchant.json');
  if (existsSync(file)) {
    const demo = JSON.parse(readFileSync(file, 'utf8')) as DemoMerchant;
    if (await ctx.store.reader.merchants.get(demo.merchantId)) return { demo, created: false };
  }
  const { merchant, store } = await createMerchant(ctx, { region: 'jp', name: 'reji デモストア', allowedOrigins });
  const key = await createKeyPair(ctx, { merchantId: merchant.merchantId, environment: 'Sandbox', legacy: false });
  const privateKeyPath = join(dataDir, 'demo-private-key.pem');
  writeFileSync(privateKeyPath, key.privateKeyPem, { mode: 0o600 });
  const demo: DemoMerchant = {
    merchantId: merchant.merchantId,
    storeId: store.storeId,
    region: 'jp',
    publicKeyId: key.publicKeyId,
    privateKeyPath,
  };
  writeFileSync(file, `${JSON.stringify(demo, null, 2)}\n`);
  return { demo, created: true };
}

/** `reji serve` waits this long for a database that is down when it starts (a restart, a failover) before giving up. */
export const STARTUP_DATABASE_WAIT_MS = 60_000;

export interface RunningReji {
  readonly app: AppHandle;
  readonly servers: RunningServer;
  readonly demo: DemoMerchant | null;
  /** The local CA's certificate file when reji answers as the SDKs' proxy (`--sdk-proxy`). */
  readonly sdkProxyCaPath: string | null;
  stop(): Promise<void>;
}

/** Everything `reji serve` runs: store, test buyers, TLS, HTTP(S) servers and the timer worker. */
export async function startReji(
  config: ServeConfig,
  extras: { pages?: (ctx: AppContext) => PageHandler[]; log?: Logger } = {},
): Promise<RunningReji> {
  const log = extras.log ?? jsonLogger(config.logLevel);
  const metrics = config.metrics.enabled ? new RejiMetrics() : undefined;
  const app = await openApp({
    ...(metrics ? { metrics } : {}),
    dataDir: config.dataDir,
    databaseUrl: config.databaseUrl,
    poolSize: config.databasePoolSize,
    connectTimeoutMs: config.databaseConnectTimeoutMs,
    statementTimeoutMs: config.databaseStatementTimeoutMs,
    listenUrl: config.databaseListenUrl,
    waitForDatabaseMs: STARTUP_DATABASE_WAIT_MS,
    publicUrl: config.publicUrl,
    log,
    requestLog: config.requestLog,
  });
  const { ctx } = app;
  // Race-free when several processes start at once (each buyer is inserted if absent).
  await whileUnavailable(
    'seeding test buyers',
    STARTUP_DATABASE_WAIT_MS,
    () => inTransaction(ctx, (tx) => ensureTestBuyers(tx, ctx.clock.now())),
    (m, f) => log.warn(m, f),
  );
  const demo = config.demo ? (await ensureDemoMerchant(ctx, config.dataDir, DEMO_ALLOWED_ORIGINS)).demo : null;
  const tls = config.httpsPort === 0 ? undefined : ensureTlsCertificate(config.dataDir);
  const sdkProxy = config.sdkProxy ? ensureSdkProxyCertificate(config.dataDir) : undefined;
  const servers = await startServers({
    ctx,
    host: config.host,
    port: config.port,
    https: tls ? { port: config.httpsPort, key: tls.key, cert: tls.cert } : undefined,
    pages: [
      ...(metrics ? [metricsPage(ctx, metrics, config.metrics.token ? { token: config.metrics.token } : {})] : []),
      ...(extras.pages?.(ctx) ?? []),
    ],
    trustProxy: parseTrustedProxies(config.trustProxy.join(',')),
    observers: metrics ? [metrics.observe] : [],
    sdkProxy,
  });
  // With --port 0 the public URL (hosted pages, SigningCertURL) can only be known now.
  if (new URL(config.publicUrl).port === '0') (ctx as { publicUrl: string }).publicUrl = servers.httpUrl;
  log.info('listening', { httpUrl: servers.httpUrl, httpsUrl: servers.httpsUrl, publicUrl: ctx.publicUrl });
  const worker = startTimerWorker(ctx, config.timerIntervalMs);
  const ipnWorker = config.ipn.enabled ? startIpnWorker(ctx, config.ipn) : undefined;
  return {
    app,
    servers,
    demo,
    sdkProxyCaPath: sdkProxy?.caPath ?? null,
    async stop() {
      await ipnWorker?.stop();
      await worker.stop();
      await servers.close();
      await app.close();
    },
  };
}

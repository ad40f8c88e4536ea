import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AppContext, Clock } from '../../src/app/context.js';
import { createKeyPair, createMerchant } from '../../src/app/merchants.js';
import { ensureTestBuyers } from '../../src/app/test-buyers.js';
import { inTransaction } from '../../src/app/transactions.js';
import { ensureSdkProxyCertificate, ensureTlsCertificate, openApp } from '../../src/cli/runtime.js';
import { jsonLogger } from '../../src/cli/logger.js';
import type { Region } from '../../src/domain/regions.js';
import { parseTrustedProxies } from '../../src/http/client-address.js';
import { DEFAULT_ANONYMOUS_LIMITS, type AnonymousLimits } from '../../src/http/hosted/rate-limits.js';
import { defaultPages } from '../../src/http/pages.js';
import { metricsPage, RejiMetrics } from '../../src/http/metrics.js';
import { startServers, type RequestObserver, type RunningServer } from '../../src/http/server.js';
import { startTimerWorker } from '../../src/app/scheduler.js';
import {
  DEFAULT_IPN_WORKER_OPTIONS,
  startIpnWorker,
  type IpnWorker,
  type IpnWorkerOptions,
} from '../../src/app/ipn/worker.js';
import { createTestDatabase, type TestDialect } from './dialects.js';

export interface TestMerchant {
  readonly merchantId: string;
  readonly storeId: string;
  readonly region: Region;
  /** An environment-specific sandbox key (`SANDBOX-...`, paths `/v2/...`). */
  readonly sandboxKey: { readonly publicKeyId: string; readonly privateKeyPem: string };
  /** A legacy key (no prefix; `/sandbox/v2/...` or `/live/v2/...`). */
  readonly legacyKey: { readonly publicKeyId: string; readonly privateKeyPem: string };
  /** An environment-specific live key. */
  readonly liveKey: { readonly publicKeyId: string; readonly privateKeyPem: string };
}

export interface TestReji {
  readonly ctx: AppContext;
  readonly servers: RunningServer;
  /** `127.0.0.1:port` of the HTTPS listener, for the official SDK's overrideServiceUrl. */
  readonly httpsHost: string;
  readonly httpUrl: string;
  readonly dataDir: string;
  /** The PostgreSQL database's URL (undefined on SQLite, which lives in dataDir). */
  readonly databaseUrl: string | undefined;
  /** The notification worker, when started with `ipn`. */
  readonly ipn: IpnWorker | undefined;
  merchant(region?: Region, allowedOrigins?: readonly string[]): Promise<TestMerchant>;
  stop(): Promise<void>;
}

/** Starts the real servers (HTTP and HTTPS on free ports) on a fresh SQLite file or PostgreSQL database. */
export async function startTestReji(options: {
  dialect: TestDialect;
  clock?: Clock;
  timers?: boolean;
  ipn?: Partial<IpnWorkerOptions>;
  /** Runs on the empty database before reji opens (and migrates) it, e.g. to write an older schema. */
  beforeOpen?: (where: { dataDir: string; databaseUrl: string | undefined }) => Promise<void>;
  /** `--trust-proxy`: proxies whose X-Forwarded-For names the client. */
  trustProxy?: string;
  /** Limits for anonymous traffic (the defaults when absent). */
  limits?: Partial<AnonymousLimits>;
  /** Serve `/metrics` and count as `reji serve` does. */
  metrics?: boolean;
  /** Told of every answered request (e.g. to check responses against the OpenAPI document). */
  observers?: readonly RequestObserver[];
  /** Answer as the official SDKs' proxy (`--sdk-proxy`); the CA is `<dataDir>/ca/reji-ca.pem`. */
  sdkProxy?: boolean;
}): Promise<TestReji> {
  const dataDir = mkdtempSync(join(tmpdir(), 'reji-test-'));
  const database = options.dialect === 'postgres' ? await createTestDatabase() : undefined;
  await options.beforeOpen?.({ dataDir, databaseUrl: database?.url });
  const metrics = options.metrics ? new RejiMetrics() : undefined;
  const app = await openApp({
    ...(metrics ? { metrics } : {}),
    dataDir,
    databaseUrl: database?.url,
    poolSize: 10,
    publicUrl: 'http://127.0.0.1:0',
    log: jsonLogger(process.env['REJI_TEST_LOG'] === '1' ? 'info' : 'silent'),
    ...(options.clock ? { clock: options.clock } : {}),
  });
  await inTransaction(app.ctx, (tx) => ensureTestBuyers(tx, app.ctx.clock.now()));
  const tls = ensureTlsCertificate(dataDir);
  const servers = await startServers({
    ctx: app.ctx,
    host: '127.0.0.1',
    port: 0,
    https: { port: 0, key: tls.key, cert: tls.cert },
    pages: [
      ...(metrics ? [metricsPage(app.ctx, metrics)] : []),
      ...defaultPages(app.ctx, { limits: { ...DEFAULT_ANONYMOUS_LIMITS, ...options.limits } }),
    ],
    ...(options.trustProxy ? { trustProxy: parseTrustedProxies(options.trustProxy) } : {}),
    observers: [...(metrics ? [metrics.observe] : []), ...(options.observers ?? [])],
    ...(options.sdkProxy ? { sdkProxy: ensureSdkProxyCertificate(dataDir) } : {}),
  });
  // The hosted pages must be reachable at the real port.
  (app.ctx as { publicUrl: string }).publicUrl = servers.httpUrl;
  const worker = options.timers === false ? undefined : startTimerWorker(app.ctx, 200);
  const ipn = options.ipn
    ? startIpnWorker(app.ctx, { ...DEFAULT_IPN_WORKER_OPTIONS, pollIntervalMs: 100, ...options.ipn })
    : undefined;
  const httpsHost = new URL(servers.httpsUrl!).host;
  return {
    ctx: app.ctx,
    servers,
    httpsHost,
    httpUrl: servers.httpUrl,
    dataDir,
    databaseUrl: database?.url,
    ipn,
    async merchant(region: Region = 'jp', allowedOrigins: readonly string[] = []) {
      const { merchant, store } = await createMerchant(app.ctx, { region, allowedOrigins });
      const sandboxKey = await createKeyPair(app.ctx, {
        merchantId: merchant.merchantId,
        environment: 'Sandbox',
        legacy: false,
      });
      const legacyKey = await createKeyPair(app.ctx, {
        merchantId: merchant.merchantId,
        environment: 'Sandbox',
        legacy: true,
      });
      const liveKey = await createKeyPair(app.ctx, {
        merchantId: merchant.merchantId,
        environment: 'Live',
        legacy: false,
      });
      return {
        merchantId: merchant.merchantId,
        storeId: store.storeId,
        region,
        sandboxKey: { publicKeyId: sandboxKey.publicKeyId, privateKeyPem: sandboxKey.privateKeyPem },
        legacyKey: { publicKeyId: legacyKey.publicKeyId, privateKeyPem: legacyKey.privateKeyPem },
        liveKey: { publicKeyId: liveKey.publicKeyId, privateKeyPem: liveKey.privateKeyPem },
      };
    },
    async stop() {
      await ipn?.stop();
      await worker?.stop();
      await servers.close();
      await app.close();
      await database?.drop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

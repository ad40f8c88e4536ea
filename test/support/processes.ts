import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import net, { type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createKeyPair, createMerchant } from '../../src/app/merchants.js';
import { openApp } from '../../src/cli/runtime.js';
import type { TestMerchant } from './reji.js';

const ROOT = new URL('../..', import.meta.url).pathname;
const BIN = join(ROOT, 'bin/reji.js');

/** A port nobody listens on right now (the OS picks it; it is released before reji binds it). */
export async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** A real `node bin/reji.js serve` process with its own ports and data directory: it shares only the database. */
export interface RejiProcess {
  readonly name: string;
  readonly httpUrl: string;
  /** `127.0.0.1:port` of its HTTPS listener, for the official SDK's overrideServiceUrl. */
  readonly httpsHost: string;
  readonly dataDir: string;
  readonly child: ChildProcess;
  /** Everything it wrote to stdout and stderr so far (JSON log lines). */
  output(): string;
  /** Whether it is still running. */
  alive(): boolean;
  /** Its resident set size now, from /proc (Linux), in bytes. */
  rssBytes(): number;
  /** SIGKILL (no shutdown at all, like a crash or the OOM killer); resolves once it is gone. Keeps the data directory. */
  kill(): Promise<void>;
  /** SIGTERM, then waits for it to exit and returns the exit code; one that does not stop in 20 s is killed and reported. */
  stop(): Promise<number | null>;
}

export interface SpawnOptions {
  readonly name: string;
  /** PostgreSQL's URL; absent: SQLite in the data directory. */
  readonly databaseUrl?: string;
  /** Reuse this data directory (a restart on the same SQLite file); it is then left in place by stop() and kill(). */
  readonly dataDir?: string;
  readonly args?: readonly string[];
  /** How long to wait for `/healthz` (the process waits for an unreachable database up to 60 s first). */
  readonly readyTimeoutMs?: number;
}

/** Raised when the ports picked for a process were taken by another process before it could bind them. */
class PortTaken extends Error {}

/**
 * Starts `reji serve` on free ports and waits until it is ready. The ports are free when picked but another
 * process on the machine may bind one first: then reji exits with EADDRINUSE and it is started again on others.
 */
export async function spawnReji(options: SpawnOptions): Promise<RejiProcess> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await spawnOnce(options);
    } catch (error) {
      if (!(error instanceof PortTaken) || attempt === 3) throw error;
    }
  }
}

async function spawnOnce(options: SpawnOptions): Promise<RejiProcess> {
  const ownDir = options.dataDir === undefined;
  const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), `reji-${options.name}-`));
  const port = await freePort();
  const httpsPort = await freePort();
  const child = spawn(
    process.execPath,
    [
      BIN,
      'serve',
      ...(options.databaseUrl !== undefined ? ['--database-url', options.databaseUrl] : []),
      '--port',
      String(port),
      '--https-port',
      String(httpsPort),
      '--data-dir',
      dataDir,
      '--log-level',
      'warn',
      ...(options.args ?? []),
    ],
    { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, REJI_DATABASE_URL: '' } },
  );
  let output = '';
  child.stdout!.on('data', (c: Buffer) => (output += c.toString()));
  child.stderr!.on('data', (c: Buffer) => (output += c.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  let running = true;
  void exited.then(() => (running = false));
  const httpUrl = `http://127.0.0.1:${port}`;
  const proc: RejiProcess = {
    name: options.name,
    httpUrl,
    httpsHost: `127.0.0.1:${httpsPort}`,
    dataDir,
    child,
    output: () => output,
    alive: () => running,
    rssBytes() {
      const status = readFileSync(`/proc/${child.pid}/status`, 'utf8');
      const kb = /^VmRSS:\s+(\d+) kB/m.exec(status);
      if (!kb) throw new Error(`no VmRSS for reji ${options.name}`);
      return Number(kb[1]) * 1024;
    },
    async kill() {
      if (running) child.kill('SIGKILL');
      await exited;
    },
    async stop() {
      if (running) child.kill('SIGTERM');
      let timer: NodeJS.Timeout | undefined;
      const hung = new Promise<'hung'>((resolve) => (timer = setTimeout(() => resolve('hung'), 20_000)));
      const code = await Promise.race([exited, hung]).finally(() => clearTimeout(timer));
      if (code === 'hung') {
        child.kill('SIGKILL');
        await exited;
      }
      if (ownDir) rmSync(dataDir, { recursive: true, force: true });
      if (code === 'hung')
        throw new Error(`reji ${options.name} did not stop within 20 s of SIGTERM:\n${output.slice(-4000)}`);
      return code;
    },
  };
  const deadline = Date.now() + (options.readyTimeoutMs ?? 60_000);
  for (;;) {
    if (/EADDRINUSE/.test(output)) {
      await proc.kill();
      await proc.stop();
      throw new PortTaken(output);
    }
    if (!running) throw new Error(`reji ${options.name} exited before it was ready:\n${output}`);
    // Its own start-up line first: a /healthz answer alone could come from whoever took the port.
    // (`--host 0.0.0.0` prints that address, still on this port.)
    if (new RegExp(`API and hosted pages: http://(127\\.0\\.0\\.1|0\\.0\\.0\\.0):${port}\\b`).test(output)) {
      try {
        const r = await fetch(`${httpUrl}/healthz`);
        if (r.status === 200) return proc;
      } catch {
        // not listening yet
      }
    }
    if (Date.now() > deadline) {
      await proc.stop();
      throw new Error(`reji ${options.name} did not answer /healthz in time:\n${output}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Runs one `reji` CLI command to completion. */
export function runCli(args: readonly string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [BIN, ...args], {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, REJI_DATABASE_URL: '' },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    child.on('exit', (code) => resolve({ code, stdout, stderr }));
  });
}

/**
 * A JP merchant and its three kinds of keys, made with `reji merchant create` and `reji keys create`:
 * against a PostgreSQL URL, or with the CLI flags that name the database (`--data-dir DIR` for SQLite).
 */
export async function cliMerchant(database: string | readonly string[]): Promise<TestMerchant> {
  const target = typeof database === 'string' ? ['--database-url', database] : database;
  const created = await runCli(['merchant', 'create', '--region', 'jp', ...target, '--json']);
  if (created.code !== 0) throw new Error(`reji merchant create failed: ${created.stderr}`);
  const m = JSON.parse(created.stdout) as { merchantId: string; storeId: string };
  const dir = mkdtempSync(join(tmpdir(), 'reji-key-'));
  try {
    const key = async (name: string, flags: string[]) => {
      const keyFile = join(dir, `${name}.pem`);
      const r = await runCli([
        'keys',
        'create',
        '--merchant-id',
        m.merchantId,
        ...flags,
        '--private-key-out',
        keyFile,
        ...target,
        '--json',
      ]);
      if (r.code !== 0) throw new Error(`reji keys create ${flags.join(' ')} failed: ${r.stderr}`);
      return {
        publicKeyId: (JSON.parse(r.stdout) as { publicKeyId: string }).publicKeyId,
        privateKeyPem: readFileSync(keyFile, 'utf8'),
      };
    };
    const [sandboxKey, legacyKey, liveKey] = await Promise.all([
      key('sandbox', ['--env', 'sandbox']),
      key('legacy', ['--legacy']),
      key('live', ['--env', 'live']),
    ]);
    return { merchantId: m.merchantId, storeId: m.storeId, region: 'jp', sandboxKey, legacyKey, liveKey };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * A JP merchant with a sandbox key, written straight into the database before any reji process starts (faster
 * than `cliMerchant`'s four CLI runs; the legacy and live keys are left out).
 */
export async function seedMerchant(database: {
  dataDir: string;
  databaseUrl?: string | undefined;
}): Promise<TestMerchant> {
  const app = await openApp({
    dataDir: database.dataDir,
    databaseUrl: database.databaseUrl,
    poolSize: 2,
    publicUrl: 'http://127.0.0.1:0',
  });
  try {
    const { merchant, store } = await createMerchant(app.ctx, { region: 'jp', allowedOrigins: [] });
    const key = await createKeyPair(app.ctx, {
      merchantId: merchant.merchantId,
      environment: 'Sandbox',
      legacy: false,
    });
    const sandboxKey = { publicKeyId: key.publicKeyId, privateKeyPem: key.privateKeyPem };
    const none = { publicKeyId: '', privateKeyPem: '' };
    return {
      merchantId: merchant.merchantId,
      storeId: store.storeId,
      region: 'jp',
      sandboxKey,
      legacyKey: none,
      liveKey: none,
    };
  } finally {
    await app.close();
  }
}

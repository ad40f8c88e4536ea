import { spawn } from 'node:child_process';
import http from 'node:http';
import { createServer, type AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { cpuTimeMs, residentMemory } from './proc.js';

/** `reji serve` as operators run it, in its own process, timed from spawn until /healthz answers. */

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** How `reji` is started: the packaged command (compiled, `npm run build`) or the sources through tsx. */
export type RejiRuntime = 'compiled' | 'tsx';

/** Node's arguments before `serve …` for each runtime. */
export const RUNTIME_ENTRY: Record<RejiRuntime, readonly string[]> = {
  compiled: [`${ROOT}dist/reji.js`],
  tsx: [`${ROOT}bin/run-ts.js`, `${ROOT}src/cli/bin.ts`],
};

export interface RejiProcess {
  readonly pid: number;
  readonly port: number;
  /** Spawn until the first 200 from /healthz. */
  readonly startupMs: number;
  /** CPU time the process used until then (all threads): steadier than startupMs on a busy machine. */
  readonly startupCpuMs: number | null;
  /** Peak and current resident memory from /proc (Linux), or null elsewhere. */
  memory(): { peakRssBytes: number; rssBytes: number } | null;
  stop(): Promise<void>;
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as AddressInfo;
      s.close(() => resolve(port));
    });
  });
}

function healthy(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const req = http.get({ host: '127.0.0.1', port, path: '/healthz', agent: false }, (res) => {
      res.resume();
      resolve(res.statusCode === 200);
    });
    req.on('error', () => resolve(false));
  });
}

export async function startRejiServe(options: {
  dataDir: string;
  databaseUrl?: string | undefined;
  profileDir?: string | undefined;
  timeoutMs?: number;
  runtime?: RejiRuntime;
  extraArgs?: readonly string[];
}): Promise<RejiProcess> {
  const port = await freePort();
  const args = [
    'serve',
    '--port',
    String(port),
    '--https-port',
    '0',
    '--data-dir',
    options.dataDir,
    '--log-level',
    'silent',
  ];
  if (options.databaseUrl) args.push('--database-url', options.databaseUrl);
  args.push(...(options.extraArgs ?? []));
  const nodeArgs = options.profileDir ? ['--cpu-prof', '--cpu-prof-dir', options.profileDir] : [];
  const started = performance.now();
  const child = spawn(process.execPath, [...nodeArgs, ...RUNTIME_ENTRY[options.runtime ?? 'compiled'], ...args], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (c: Buffer) => (stderr += c.toString('utf8')));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  let dead = false;
  void exited.then(() => (dead = true));
  const deadline = started + (options.timeoutMs ?? 60_000);
  while (!(await healthy(port))) {
    if (dead) throw new Error(`reji serve exited before answering /healthz:\n${stderr}`);
    if (performance.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`reji serve did not answer /healthz in time:\n${stderr}`);
    }
    await new Promise((r) => setTimeout(r, 5));
  }
  const startupMs = performance.now() - started;
  const startupCpuMs = cpuTimeMs(child.pid!);
  return {
    pid: child.pid!,
    port,
    startupMs,
    startupCpuMs,
    memory: () => residentMemory(child.pid!),
    async stop() {
      if (dead) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
      await exited;
      clearTimeout(timer);
    },
  };
}

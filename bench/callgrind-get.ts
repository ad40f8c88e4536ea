import { execFileSync, spawn } from 'node:child_process';
import { mkdirSync, rmSync } from 'node:fs';
import http from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { signedHeaders } from '../test/support/raw.js';
import { createBenchDatabase, createBenchMerchant } from './lib/database.js';
import { freePort } from './lib/reji-process.js';
import { formatNumber } from './lib/stats.js';

/**
 * `node bin/run-ts.js bench/callgrind-get.ts [--gets 1000] [--warmup 2500]`: instructions per signed Get
 * Checkout Session (SQLite) of the packaged `dist/reji.js`, counted by valgrind's callgrind, which a
 * busy machine does not change. Two servers run side by side, each warmed up with the same number of Gets
 * (the JIT settles), then one answers `--gets` more than the other; the difference in instructions,
 * divided by those Gets, is one Get's cost (all threads: the verification on libuv's pool, GC helpers).
 * Background work that runs by time (timer worker ticks, checkpoints) lands in the difference too, a little.
 * Prints the total and the functions that differ most. Needs `npm run build` first and valgrind.
 */

const { values } = parseArgs({
  options: { gets: { type: 'string', default: '1000' }, warmup: { type: 'string', default: '2500' } },
});
const extraGets = Number(values.gets);
const warmup = Number(values.warmup);
const BASE_GETS = 200;
const ROOT = new URL('..', import.meta.url).pathname;

async function untilHealthy(port: number): Promise<void> {
  for (;;) {
    const up = await new Promise<boolean>((resolve) => {
      const req = http.get({ host: '127.0.0.1', port, path: '/healthz', agent: false }, (res) => {
        res.resume();
        resolve(res.statusCode === 200);
      });
      req.on('error', () => resolve(false));
    });
    if (up) return;
    await new Promise((r) => setTimeout(r, 200));
  }
}

async function countRun(gets: number, outFile: string): Promise<void> {
  const db = await createBenchDatabase('sqlite');
  const merchant = await createBenchMerchant(db);
  const port = await freePort();
  const serve = [join(ROOT, 'dist/reji.js'), 'serve', '--port', String(port), '--https-port', '0'];
  serve.push('--data-dir', db.dataDir, '--log-level', 'silent');
  // A first start makes the data directory's keys and certificates (TLS, local CA, IPN): RSA key
  // generation takes a random number of instructions, which would swamp the difference between the runs.
  const first = spawn(process.execPath, serve, { stdio: ['ignore', 'ignore', 'ignore'] });
  await untilHealthy(port);
  first.kill('SIGTERM');
  await new Promise((resolve) => first.once('exit', resolve));
  const child = spawn(
    'valgrind',
    ['--tool=callgrind', `--callgrind-out-file=${outFile}`, '--smc-check=all-non-file', process.execPath, ...serve],
    { stdio: ['ignore', 'ignore', 'ignore'] },
  );
  const exited = new Promise((resolve) => child.once('exit', resolve));
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  const key = { publicKeyId: merchant.publicKeyId, privateKeyPem: merchant.privateKeyPem, region: 'jp' };
  const send = (method: string, path: string, body = '', headers: Record<string, string> = {}) =>
    new Promise<{ status: number; body: string }>((resolve, reject) => {
      const signed = signedHeaders(`http://127.0.0.1:${port}`, key, { method, path, body, headers });
      const req = http.request({ host: '127.0.0.1', port, method, path, headers: signed, agent }, (res) => {
        let text = '';
        res.on('data', (c: Buffer) => (text += c.toString('utf8')));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
      });
      req.on('error', reject);
      req.end(body);
    });
  try {
    await untilHealthy(port);
    const created = await send(
      'POST',
      '/v2/checkoutSessions',
      JSON.stringify({
        webCheckoutDetails: { checkoutReviewReturnUrl: 'https://shop.example/review' },
        storeId: merchant.storeId,
      }),
      { 'x-amz-pay-idempotency-key': 'callgrind' },
    );
    const path = `/v2/checkoutSessions/${(JSON.parse(created.body) as { checkoutSessionId: string }).checkoutSessionId}`;
    for (let i = 0; i < warmup + gets; i++) {
      const r = await send('GET', path);
      if (r.status !== 200) throw new Error(`Get answered ${r.status}: ${r.body}`);
    }
  } finally {
    agent.destroy();
    child.kill('SIGTERM');
    await exited;
    await db.drop();
  }
}

/** Self instructions per function (callgrind_annotate's flat list). */
function selfCosts(file: string): Map<string, number> {
  const text = execFileSync('callgrind_annotate', ['--inclusive=no', '--threshold=100', file], {
    encoding: 'utf8',
    maxBuffer: 256 * 1024 * 1024,
  });
  const out = new Map<string, number>();
  for (const line of text.split('\n')) {
    const m = /^\s*([\d,]+)\s+\(\s*[\d.]+%\)\s+(.*)$/.exec(line);
    if (m) out.set(m[2]!.trim(), Number(m[1]!.replace(/,/g, '')));
  }
  return out;
}

const dir = join(tmpdir(), `reji-callgrind-${process.pid}`);
const small = join(dir, 'small.out');
const large = join(dir, 'large.out');
mkdirSync(dir, { recursive: true });
try {
  await Promise.all([countRun(BASE_GETS, small), countRun(BASE_GETS + extraGets, large)]);
  const a = selfCosts(small);
  const b = selfCosts(large);
  const diff = [...new Set([...a.keys(), ...b.keys()])]
    .map((name) => ({ name, perGet: ((b.get(name) ?? 0) - (a.get(name) ?? 0)) / extraGets }))
    .sort((x, y) => y.perGet - x.perGet);
  const total = diff.find((d) => d.name.startsWith('PROGRAM TOTALS'))?.perGet ?? Number.NaN;
  const jit = diff.filter((d) => d.name.startsWith('???:0x')).reduce((s, d) => s + d.perGet, 0);
  process.stdout.write(`instructions per signed Get (all threads): ${formatNumber(total)}\n`);
  process.stdout.write(`  of which JIT-compiled JavaScript (no symbols): ${formatNumber(jit)}\n`);
  for (const d of diff.filter((d) => !d.name.startsWith('PROGRAM TOTALS') && !d.name.startsWith('???:0x')).slice(0, 30))
    process.stdout.write(`${formatNumber(d.perGet).padStart(10)}  ${d.name.slice(0, 130)}\n`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}

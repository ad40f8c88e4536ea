import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { createTestDatabase, dialectCases } from '../support/dialects.js';
import { checkout } from '../support/flows.js';
import { eventually, IpnReceiver } from '../support/ipn-receiver.js';
import { officialClient } from '../support/official-sdk.js';
import type { TestMerchant } from '../support/reji.js';
import { freePort } from '../support/processes.js';

const ROOT = new URL('../..', import.meta.url).pathname;
const BIN = join(ROOT, 'bin/reji.js');

/** Runs a one-off `reji` command and returns its parsed --json output. */
function cli(args: string[]): Promise<any> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args, '--json'], {
      cwd: ROOT,
      env: { ...process.env, REJI_LOG_LEVEL: 'silent' },
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.on('exit', (code) =>
      code === 0 ? resolve(JSON.parse(out)) : reject(new Error(`reji ${args.join(' ')} exited ${code}: ${err}`)),
    );
  });
}

/** `reji serve` as a child process on free ports; resolves once its 'listening' line is out. */
async function serve(
  storeArgs: string[],
): Promise<{ child: ChildProcess; httpUrl: string; httpsUrl: string; exited: Promise<number | null> }> {
  const httpsPort = await freePort();
  const child = spawn(
    process.execPath,
    [BIN, 'serve', '--port', '0', '--https-port', String(httpsPort), ...storeArgs],
    {
      cwd: ROOT,
      env: {
        ...process.env,
        REJI_LOG_LEVEL: 'info',
        REJI_IPN_POLL_INTERVAL_MS: '100',
        REJI_IPN_TIMEOUT_MS: '2000',
        REJI_IPN_LEASE_MS: '3000',
        REJI_TIMER_INTERVAL_MS: '200',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return new Promise((resolve, reject) => {
    let buffered = '';
    let stderr = '';
    child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
    child.stdout!.on('data', (d: Buffer) => {
      buffered += d.toString();
      for (const line of buffered.split('\n')) {
        if (!line.startsWith('{')) continue;
        try {
          const entry = JSON.parse(line) as { msg?: string; httpUrl?: string; httpsUrl?: string };
          if (entry.msg === 'listening') resolve({ child, httpUrl: entry.httpUrl!, httpsUrl: entry.httpsUrl!, exited });
        } catch {
          // A line still being written.
        }
      }
    });
    void exited.then((code) => reject(new Error(`reji serve exited with ${code} before listening: ${stderr}`)));
  });
}

for (const { dialect, skip } of await dialectCases()) {
  describe(`notification delivery across a crash (${dialect})`, { skip }, () => {
    const cleanups: (() => unknown)[] = [];
    after(async () => {
      for (const c of cleanups.reverse()) await c();
    });

    test('a reji killed in the middle of a delivery delivers it after a restart', async () => {
      const dataDir = mkdtempSync(join(tmpdir(), 'reji-ipn-restart-'));
      cleanups.push(() => rmSync(dataDir, { recursive: true, force: true }));
      const database = dialect === 'postgres' ? await createTestDatabase() : undefined;
      if (database) cleanups.push(() => database.drop());
      const storeArgs = ['--data-dir', dataDir, ...(database ? ['--database-url', database.url] : [])];

      const receiver = await new IpnReceiver(() => 'hang').start();
      cleanups.push(() => receiver.stop());
      const created = await cli(['merchant', 'create', '--region', 'jp', ...storeArgs]);
      const keyFile = join(dataDir, 'merchant-key.pem');
      const key = await cli([
        'keys',
        'create',
        '--merchant-id',
        created.merchantId,
        '--env',
        'sandbox',
        '--private-key-out',
        keyFile,
        ...storeArgs,
      ]);
      const set = await cli([
        'ipn',
        'set',
        '--merchant-id',
        created.merchantId,
        '--env',
        'sandbox',
        '--url',
        receiver.url,
        ...storeArgs,
      ]);
      assert.deepEqual(set, { merchantId: created.merchantId, environment: 'Sandbox', url: receiver.url });
      const got = await cli(['ipn', 'get', '--merchant-id', created.merchantId, ...storeArgs]);
      assert.deepEqual(got.endpoints, [
        { environment: 'Sandbox', url: receiver.url },
        { environment: 'Live', url: null },
      ]);

      let reji = await serve(storeArgs);
      cleanups.push(() => void reji.child.kill('SIGKILL'));
      const merchant = {
        merchantId: created.merchantId,
        storeId: created.storeId,
        region: 'jp',
        sandboxKey: { publicKeyId: key.publicKeyId, privateKeyPem: readFileSync(keyFile, 'utf8') },
      } as unknown as TestMerchant;
      const client = officialClient({ httpsHost: new URL(reji.httpsUrl).host }, merchant);
      const done = await checkout(client, merchant, { intent: 'Authorize', amount: '2500' });
      assert.equal(done.status, 200);

      // The endpoint holds the deliveries open; reji dies while they are in flight.
      await eventually(() => receiver.holding >= 1, 'a delivery in flight');
      const inFlight = receiver.received.map((r) => r.message['NotificationId']!);
      reji.child.kill('SIGKILL');
      await reji.exited;
      receiver.responder = () => 200;

      reji = await serve(storeArgs);
      await eventually(
        () => inFlight.every((id) => receiver.acknowledged.some((r) => r.message['NotificationId'] === id)),
        'the interrupted deliveries after the restart',
      );
      await eventually(
        () => new Set(receiver.acknowledged.map((r) => r.message['ObjectType'])).size === 2,
        'the charge and charge permission notifications',
      );

      // The endpoint answers before reji writes the attempt down.
      const delivered = (log: { attempts: { notificationId: string; outcome: string }[] }) =>
        inFlight.every((id) => log.attempts.some((a) => a.notificationId === id && a.outcome === 'delivered'));
      const log = await eventually(async () => {
        const l = await cli(['ipn', 'log', '--merchant-id', created.merchantId, ...storeArgs]);
        return delivered(l) && l;
      }, 'the deliveries in the log');
      for (const id of inFlight) {
        const attempts = log.attempts.filter((a: { notificationId: string }) => a.notificationId === id);
        assert.ok(
          attempts.some(
            (a: { outcome: string; statusCode: number }) => a.outcome === 'delivered' && a.statusCode === 200,
          ),
          `log of ${id}: ${JSON.stringify(attempts)}`,
        );
        assert.ok(
          attempts.every((a: { latencyMs: number; url: string }) => a.latencyMs >= 0 && a.url === receiver.url),
        );
      }

      // Replay through the CLI while the server runs: the endpoint gets the same notification again.
      const before = receiver.acknowledged.filter((r) => r.message['NotificationId'] === inFlight[0]).length;
      const replayed = await cli(['ipn', 'replay', inFlight[0]!, ...storeArgs]);
      assert.equal(replayed.status, 'pending');
      await eventually(
        () => receiver.acknowledged.filter((r) => r.message['NotificationId'] === inFlight[0]).length > before,
        'the replay',
      );

      reji.child.kill('SIGTERM');
      assert.equal(await reji.exited, 0);
    });
  });
}

describe('reji ipn: usage errors', () => {
  const run = (args: string[]) =>
    new Promise<{ code: number | null; stderr: string }>((resolve) => {
      const child = spawn(process.execPath, [BIN, 'ipn', ...args], {
        cwd: ROOT,
        env: { ...process.env, REJI_LOG_LEVEL: 'silent' },
      });
      let stderr = '';
      child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
      child.on('exit', (code) => resolve({ code, stderr }));
    });

  test('exit 2 with a clear message', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'reji-ipn-cli-'));
    try {
      const cases: [string[], RegExp][] = [
        [
          ['set', '--merchant-id', 'A1', '--env', 'live', '--url', 'http://shop.example/ipn', '--data-dir', dataDir],
          /Live endpoints must use https/,
        ],
        [
          [
            'set',
            '--merchant-id',
            'A1',
            '--env',
            'staging',
            '--url',
            'https://shop.example/ipn',
            '--data-dir',
            dataDir,
          ],
          /--env must be sandbox or live/,
        ],
        [['set', '--merchant-id', 'A1', '--env', 'sandbox', '--data-dir', dataDir], /--url is required/],
        [['log', '--merchant-id', 'A1', '--limit', 'lots', '--data-dir', dataDir], /--limit must be a whole number/],
        [['replay', '--data-dir', dataDir], /usage: reji ipn replay NOTIFICATION_ID/],
        [['frobnicate'], /reji ipn set/],
      ];
      for (const [args, message] of cases) {
        const { code, stderr } = await run(args);
        assert.equal(code, 2, `${args.join(' ')}: ${stderr}`);
        assert.match(stderr, message);
      }
      const unknown = await run(['replay', 'NOSUCHNOTIFICATION', '--data-dir', dataDir]);
      assert.equal(unknown.code, 1);
      assert.match(unknown.stderr, /Notification NOSUCHNOTIFICATION does not exist/);
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});

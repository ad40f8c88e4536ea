import assert from 'node:assert/strict';
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { promisify } from 'node:util';
import { createTestDatabase, dialectCases } from '../support/dialects.js';
import { signedRequest } from '../support/raw.js';
import { freePort } from '../support/processes.js';

const run = promisify(execFile);
const BIN = new URL('../../bin/reji.js', import.meta.url).pathname;

async function reji(args: string[], env: Record<string, string> = {}) {
  try {
    const r = await run(process.execPath, [BIN, ...args], { env: { ...process.env, ...env } });
    return { code: 0, stdout: r.stdout, stderr: r.stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

async function waitForHealth(url: string, child: ChildProcess): Promise<void> {
  for (let i = 0; i < 200; i++) {
    if (child.exitCode !== null) throw new Error(`reji exited with ${child.exitCode}`);
    try {
      const r = await fetch(`${url}/healthz`);
      if (r.ok) return;
    } catch {
      // not up yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error('reji did not become healthy');
}

for (const { dialect, skip } of await dialectCases()) {
  describe(`the reji command (${dialect})`, { skip }, () => {
    let dataDir: string;
    let database: { url: string; drop(): Promise<void> } | undefined;
    let common: string[];
    before(async () => {
      dataDir = mkdtempSync(join(tmpdir(), 'reji-cli-'));
      database = dialect === 'postgres' ? await createTestDatabase() : undefined;
      common = ['--data-dir', dataDir, ...(database ? ['--database-url', database.url] : [])];
    });
    after(async () => {
      await database?.drop();
      rmSync(dataDir, { recursive: true, force: true });
    });

    test('merchant create, keys create (sandbox, live, legacy), keys register, store allow-origin', async () => {
      const m = await reji(['merchant', 'create', '--region', 'us', '--name', 'CLI shop', ...common, '--json']);
      assert.equal(m.code, 0, m.stderr);
      const merchant = JSON.parse(m.stdout);
      assert.deepEqual(Object.keys(merchant), ['merchantId', 'storeId', 'region', 'ledgerCurrency']);
      assert.equal(merchant.region, 'us');
      assert.equal(merchant.ledgerCurrency, 'USD');
      const psp = await reji(['merchant', 'psp', '--merchant-id', merchant.merchantId, ...common, '--json']);
      assert.equal(psp.code, 0, psp.stderr);
      assert.deepEqual(JSON.parse(psp.stdout), { merchantId: merchant.merchantId, paymentServiceProvider: true });
      const nobody = await reji(['merchant', 'psp', '--merchant-id', 'ANOBODY', '--off', ...common]);
      assert.equal(nobody.code, 1);
      assert.match(nobody.stderr, /Merchant ANOBODY does not exist/);

      const keyFile = join(dataDir, 'sandbox.pem');
      const k = await reji([
        'keys',
        'create',
        '--merchant-id',
        merchant.merchantId,
        '--env',
        'sandbox',
        '--private-key-out',
        keyFile,
        ...common,
        '--json',
      ]);
      assert.equal(k.code, 0, k.stderr);
      const key = JSON.parse(k.stdout);
      assert.match(key.publicKeyId, /^SANDBOX-[A-Z0-9]{24}$/);
      assert.equal(key.privateKeyFile, keyFile);
      assert.match(readFileSync(keyFile, 'utf8'), /BEGIN PRIVATE KEY/);
      assert.equal(statSync(keyFile).mode & 0o777, 0o600);

      const live = JSON.parse(
        (
          await reji([
            'keys',
            'create',
            '--merchant-id',
            merchant.merchantId,
            '--env',
            'live',
            '--private-key-out',
            join(dataDir, 'live.pem'),
            ...common,
            '--json',
          ])
        ).stdout,
      );
      assert.match(live.publicKeyId, /^LIVE-/);
      const legacy = JSON.parse(
        (
          await reji([
            'keys',
            'create',
            '--merchant-id',
            merchant.merchantId,
            '--legacy',
            '--private-key-out',
            join(dataDir, 'legacy.pem'),
            ...common,
            '--json',
          ])
        ).stdout,
      );
      assert.match(legacy.publicKeyId, /^[A-Z0-9]{24}$/);

      const own = generateKeyPairSync('rsa', { modulusLength: 2048 });
      const pub = join(dataDir, 'own.pub.pem');
      writeFileSync(pub, own.publicKey.export({ type: 'spki', format: 'pem' }));
      const reg = await reji([
        'keys',
        'register',
        '--merchant-id',
        merchant.merchantId,
        '--public-key',
        pub,
        ...common,
        '--json',
      ]);
      assert.equal(reg.code, 0, reg.stderr);
      assert.match(JSON.parse(reg.stdout).publicKeyId, /^SANDBOX-/);

      const weak = generateKeyPairSync('rsa', { modulusLength: 1024 });
      writeFileSync(pub, weak.publicKey.export({ type: 'spki', format: 'pem' }));
      const refused = await reji([
        'keys',
        'register',
        '--merchant-id',
        merchant.merchantId,
        '--public-key',
        pub,
        ...common,
      ]);
      assert.notEqual(refused.code, 0);
      assert.match(refused.stderr, /2048/);

      const origins = await reji([
        'store',
        'allow-origin',
        '--store-id',
        merchant.storeId,
        '--origin',
        'https://shop.example',
        '--origin',
        'http://127.0.0.1:*',
        ...common,
        '--json',
      ]);
      assert.deepEqual(JSON.parse(origins.stdout).allowedOrigins, ['https://shop.example', 'http://127.0.0.1:*']);
    });

    test('clear errors for bad usage and bad configuration', async () => {
      const bad = await reji(['merchant', 'create', '--region', 'mars', ...common]);
      assert.equal(bad.code, 2);
      assert.match(bad.stderr, /--region must be one of jp, us, uk, de, eu/);
      const unknown = await reji([
        'keys',
        'create',
        '--merchant-id',
        'ANOPE',
        '--private-key-out',
        join(dataDir, 'x.pem'),
        ...common,
      ]);
      assert.equal(unknown.code, 1);
      assert.match(unknown.stderr, /Merchant ANOPE does not exist/);
      const port = await reji(['serve', '--port', 'eighty', ...common]);
      assert.equal(port.code, 2);
      assert.match(port.stderr, /--port \(REJI_PORT\) must be a port number/);
      const env = await reji(['serve', ...common], { REJI_PUBLIC_URL: 'ftp://x' });
      assert.equal(env.code, 2);
      assert.match(env.stderr, /--public-url/);
      const cmd = await reji(['frobnicate']);
      assert.equal(cmd.code, 2);
    });

    test('a running server sees merchants and keys the CLI creates, at once', async () => {
      const port = await freePort();
      const httpsPort = await freePort();
      const child = spawn(
        process.execPath,
        [BIN, 'serve', '--port', String(port), '--https-port', String(httpsPort), '--log-level', 'warn', ...common],
        { stdio: ['ignore', 'pipe', 'pipe'] },
      );
      let output = '';
      child.stdout!.on('data', (d) => (output += d));
      try {
        const url = `http://127.0.0.1:${port}`;
        await waitForHealth(url, child);
        const https = await fetch(`https://127.0.0.1:${httpsPort}/healthz`).catch((e: Error) => e);
        assert.ok(https instanceof Error, 'the self-signed certificate is not trusted by default');
        const merchant = JSON.parse((await reji(['merchant', 'create', '--region', 'jp', ...common, '--json'])).stdout);
        const keyFile = join(dataDir, 'live-server.pem');
        const key = JSON.parse(
          (
            await reji([
              'keys',
              'create',
              '--merchant-id',
              merchant.merchantId,
              '--private-key-out',
              keyFile,
              ...common,
              '--json',
            ])
          ).stdout,
        );
        const r = await signedRequest(
          url,
          { publicKeyId: key.publicKeyId, privateKeyPem: readFileSync(keyFile, 'utf8') },
          {
            method: 'POST',
            path: '/v2/checkoutSessions',
            body: JSON.stringify({
              webCheckoutDetails: { checkoutReviewReturnUrl: 'https://shop.example/r' },
              storeId: merchant.storeId,
            }),
            headers: { 'x-amz-pay-idempotency-key': 'cli-1' },
          },
        );
        assert.equal(r.status, 201, r.text);
        assert.ok(statSync(join(dataDir, 'tls', 'cert.pem')).size > 0, 'the certificate is kept in the data directory');
      } finally {
        child.kill('SIGTERM');
        await new Promise((r) => child.once('exit', r));
      }
      assert.match(output, /reji is running/);
    });
  });
}

import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { openStore } from '../../src/store/open-store.js';
import { createTestDatabase, dialectCases } from '../support/dialects.js';
import { cliMerchant, freePort, runCli } from '../support/processes.js';

for (const { dialect, skip } of await dialectCases()) {
  describe(`the reji CLI (${dialect})`, { skip }, () => {
    let dir: string;
    let database: Awaited<ReturnType<typeof createTestDatabase>> | undefined;
    /** Where the commands point: --database-url for PostgreSQL, --data-dir for SQLite. */
    let target: string[];
    before(async () => {
      dir = mkdtempSync(join(tmpdir(), 'reji-cli-'));
      database = dialect === 'postgres' ? await createTestDatabase() : undefined;
      target = database ? ['--database-url', database.url] : ['--data-dir', join(dir, 'data')];
    });
    after(async () => {
      await database?.drop();
      rmSync(dir, { recursive: true, force: true });
    });

    test('migrate creates the schema on an empty database, and again finds nothing to do', async () => {
      for (let i = 0; i < 2; i++) {
        const r = await runCli(['migrate', ...target, '--json']);
        assert.equal(r.code, 0, r.stderr);
        assert.deepEqual(JSON.parse(r.stdout), { migrated: true, dialect });
      }
    });

    test('merchant, keys and allowed origins made with the CLI are in the database a server reads', async () => {
      const merchant = await cliMerchant(target);
      const { publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
      const pem = join(dir, 'public.pem');
      writeFileSync(pem, publicKey.export({ type: 'spki', format: 'pem' }));
      const registered = await runCli(['keys', 'register', '--merchant-id', merchant.merchantId, '--public-key', pem, '--env', 'live', ...target, '--json']);
      assert.equal(registered.code, 0, registered.stderr);
      const origins = await runCli(['store', 'allow-origin', '--store-id', merchant.storeId, '--origin', 'https://shop.example', ...target, '--json']);
      assert.equal(origins.code, 0, origins.stderr);

      const store = await openStore({ dataDir: join(dir, 'data'), databaseUrl: database?.url });
      try {
        assert.equal((await store.reader.merchant(merchant.merchantId))?.region, 'jp');
        const keys = await store.reader.publicKeysOf(merchant.merchantId);
        assert.deepEqual(keys.map((k) => k.publicKeyId).sort(), [
          merchant.sandboxKey.publicKeyId, merchant.legacyKey.publicKeyId, merchant.liveKey.publicKeyId,
          (JSON.parse(registered.stdout) as { publicKeyId: string }).publicKeyId,
        ].sort());
        assert.deepEqual((await store.reader.merchantStore(merchant.storeId))?.allowedOrigins, ['https://shop.example']);
      } finally {
        await store.close();
      }
    });
  });
}

describe('the reji CLI without its database', () => {
  test('an unreachable PostgreSQL fails the command at once with the reason', async () => {
    const port = await freePort();
    const started = Date.now();
    const r = await runCli(['merchant', 'create', '--region', 'jp', '--database-url', `postgres://postgres@127.0.0.1:${port}/none`]);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /database is unavailable: .*ECONNREFUSED/);
    assert.ok(Date.now() - started < 15_000);
  });
});

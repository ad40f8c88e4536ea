import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { createTestDatabase, dialectCases } from '../support/dialects.js';
import { freePort, runCli } from '../support/processes.js';

for (const { dialect, skip } of await dialectCases()) {
  describe(`reji migrate (${dialect})`, { skip }, () => {
    let dir: string;
    let database: Awaited<ReturnType<typeof createTestDatabase>> | undefined;
    before(async () => {
      dir = mkdtempSync(join(tmpdir(), 'reji-migrate-'));
      database = dialect === 'postgres' ? await createTestDatabase() : undefined;
    });
    after(async () => {
      await database?.drop();
      rmSync(dir, { recursive: true, force: true });
    });

    test('creates the schema on an empty database, and run again finds nothing to do', async () => {
      const target = database ? ['--database-url', database.url] : ['--data-dir', dir];
      for (let i = 0; i < 2; i++) {
        const r = await runCli(['migrate', ...target, '--json']);
        assert.equal(r.code, 0, r.stderr);
        assert.deepEqual(JSON.parse(r.stdout), { migrated: true, dialect });
      }
    });
  });
}

describe('the reji CLI without its database', () => {
  test('an unreachable PostgreSQL fails the command at once with the reason', async () => {
    const port = await freePort();
    const r = await runCli([
      'merchant',
      'create',
      '--region',
      'jp',
      '--database-url',
      `postgres://postgres@127.0.0.1:${port}/none`,
    ]);
    assert.equal(r.code, 1);
    // The refused connection itself is the reason (no wait for the connect timeout, no retries that hide it).
    assert.match(r.stderr, /database is unavailable: .*ECONNREFUSED/);
    assert.doesNotMatch(r.stderr, /timeout/i);
  });
});

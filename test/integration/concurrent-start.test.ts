import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { Worker } from 'node:worker_threads';
import { TEST_BUYERS } from '../../src/app/test-buyers.js';
import { openStore } from '../../src/store/open-store.js';
import { migrationProvider } from '../../src/store/migrations.js';
import { createTestDatabase, dialectCases } from '../support/dialects.js';

type Outcome = { ok: true; created: number } | { ok: false; error: string };

/** Opens and seeds the store from `n` threads released at the same instant (each with its own connection). */
async function startTogether(
  n: number,
  target: { dataDir: string; databaseUrl: string | undefined },
): Promise<Outcome[]> {
  const barrier = new SharedArrayBuffer(8);
  const gate = new Int32Array(barrier);
  const workers = Array.from(
    { length: n },
    () => new Worker(new URL('../support/start-worker.mjs', import.meta.url), { workerData: { ...target, barrier } }),
  );
  try {
    const outcomes = workers.map(
      (w) =>
        new Promise<Outcome>((resolve, reject) => {
          w.once('message', resolve);
          w.once('error', reject);
        }),
    );
    while (Atomics.load(gate, 1) < n) await new Promise((r) => setTimeout(r, 5));
    Atomics.store(gate, 0, 1);
    Atomics.notify(gate, 0);
    return await Promise.all(outcomes);
  } finally {
    await Promise.all(workers.map((w) => w.terminate()));
  }
}

for (const { dialect, skip } of await dialectCases()) {
  describe(`several processes starting at once on an empty database (${dialect})`, { skip }, () => {
    test('four start together: the schema is migrated once, the test buyers are seeded once, none fails', async () => {
      const dataDir = mkdtempSync(join(tmpdir(), 'reji-start-'));
      const database = dialect === 'postgres' ? await createTestDatabase() : undefined;
      try {
        const outcomes = await startTogether(4, { dataDir, databaseUrl: database?.url });
        for (const o of outcomes) assert.ok(o.ok, o.ok ? '' : o.error);
        const created = outcomes.map((o) => (o.ok ? o.created : 0));
        assert.equal(
          created.reduce((a, b) => a + b, 0),
          TEST_BUYERS.length,
          `buyers created per process: ${created.join(', ')}`,
        );
        const store = await openStore({ dataDir, databaseUrl: database?.url });
        try {
          const db = store.kysely as unknown as import('kysely').Kysely<any>;
          assert.deepEqual(
            (await db.selectFrom('kysely_migration').select('name').orderBy('name').execute()).map(
              (m: { name: string }) => m.name,
            ),
            Object.keys(await migrationProvider('postgres').getMigrations()).sort(),
          );
          assert.equal((await db.selectFrom('buyers').select('buyer_id').execute()).length, TEST_BUYERS.length);
          assert.equal(
            (await db.selectFrom('buyer_payment_methods').select('id').execute()).length,
            // Nine simulated cards each; EU/UK buyers also hold the card that asks for SCA (…3155).
            TEST_BUYERS.reduce((n, b) => n + (b.region === 'eu' ? 10 : 9), 0),
          );
        } finally {
          await store.close();
        }
      } finally {
        await database?.drop();
        rmSync(dataDir, { recursive: true, force: true });
      }
    });
  });
}

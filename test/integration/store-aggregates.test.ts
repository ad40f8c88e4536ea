import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Merchant } from '../../src/domain/merchant.js';
import type { KyselyStore } from '../../src/store/kysely-store.js';
import { openStore } from '../../src/store/open-store.js';
import type { BuyerRecord } from '../../src/store/store.js';
import { createTestDatabase, dialectCases } from '../support/dialects.js';

/** The store's facade: one transaction spans every aggregate, and a savepoint undoes only its own part. */

const merchant = (id: string): Merchant => ({
  merchantId: id,
  name: `Shop ${id}`,
  region: 'jp',
  ledgerCurrency: 'JPY',
  createdAt: 1_000,
  sandboxClockOffsetMs: 0,
});

const buyer = (id: string): BuyerRecord => ({
  buyerId: id,
  region: 'jp',
  email: `${id}@example.com`,
  name: id,
  phoneNumber: null,
  passwordHash: null,
  isTest: false,
  createdAt: 1_000,
  profile: {},
});

for (const { dialect, skip } of await dialectCases()) {
  describe(`the store's aggregates in one transaction (${dialect})`, { skip }, () => {
    let store: KyselyStore;
    let cleanup: () => Promise<void>;
    before(async () => {
      if (dialect === 'postgres') {
        const db = await createTestDatabase();
        store = await openStore({ databaseUrl: db.url, dataDir: tmpdir() });
        cleanup = db.drop;
      } else {
        const dir = mkdtempSync(join(tmpdir(), 'reji-aggregates-'));
        store = await openStore({ dataDir: dir });
        cleanup = async () => rmSync(dir, { recursive: true, force: true });
      }
    });
    after(async () => {
      await store?.close();
      await cleanup?.();
    });

    test('a failing transaction leaves no trace in any aggregate', async () => {
      await assert.rejects(
        store.transaction(async (tx) => {
          await tx.merchants.insert(merchant('M-ROLLBACK'));
          await tx.buyers.insert(buyer('B-ROLLBACK'));
          await tx.notifications.setEndpoint({
            merchantId: 'M-ROLLBACK',
            environment: 'Sandbox',
            url: 'https://shop.example/ipn',
            updatedAt: 1_000,
          });
          // Inside the transaction every aggregate sees the others' writes.
          assert.equal((await tx.merchants.get('M-ROLLBACK'))?.name, 'Shop M-ROLLBACK');
          assert.equal((await tx.buyers.get('B-ROLLBACK'))?.email, 'b-rollback@example.com');
          throw new Error('undo');
        }),
        /undo/,
      );
      assert.equal(await store.reader.merchants.get('M-ROLLBACK'), undefined);
      assert.equal(await store.reader.buyers.get('B-ROLLBACK'), undefined);
      assert.equal(await store.reader.notifications.endpoint('M-ROLLBACK', 'Sandbox'), undefined);
    });

    test('a savepoint undoes only what its function wrote, in every aggregate', async () => {
      await store.transaction(async (tx) => {
        await tx.merchants.insert(merchant('M-KEPT'));
        await assert.rejects(
          tx.savepoint(async (inner) => {
            await inner.buyers.insert(buyer('B-UNDONE'));
            await inner.merchants.advanceSandboxClock('M-KEPT', 60_000);
            throw new Error('undo the inner part');
          }),
          /inner part/,
        );
        await tx.buyers.insert(buyer('B-KEPT'));
      });
      assert.equal((await store.reader.merchants.get('M-KEPT'))?.sandboxClockOffsetMs, 0);
      assert.equal(await store.reader.buyers.get('B-UNDONE'), undefined);
      assert.equal((await store.reader.buyers.byEmail('jp', 'B-KEPT@example.com'))?.buyerId, 'B-KEPT');
    });
  });
}

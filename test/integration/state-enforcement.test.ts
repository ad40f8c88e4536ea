import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { AppContext } from '../../src/app/context.js';
import { IllegalTransitionError, inTransaction, save } from '../../src/app/transactions.js';
import { cancelCharge, createCharge, type Charge } from '../../src/domain/charge.js';
import { money } from '../../src/domain/money.js';
import { DAY } from '../../src/domain/time.js';
import { errorResponse } from '../../src/http/server.js';
import { openStore } from '../../src/store/open-store.js';
import type { Store } from '../../src/store/store.js';
import { createTestDatabase, dialectCases } from '../support/dialects.js';

/** `save` refuses a status change the domain's table forbids: nothing is written and the edge answers a logged 500. */

const NOW = 20 * DAY;

function authorizedCharge(chargeId: string): Charge {
  return createCharge(
    {
      chargeId,
      chargePermissionId: 'S01-1111111-1111111',
      merchantId: 'AMERCHANT',
      environment: 'Sandbox',
      ledgerCurrency: 'JPY',
      chargeAmount: money(1000, 'JPY'),
      captureNow: false,
      canHandlePendingAuthorization: false,
    },
    { kind: 'Approved' },
    NOW,
  );
}

for (const { dialect, skip } of await dialectCases()) {
  describe(`state tables enforced on save (${dialect})`, { skip }, () => {
    let store: Store;
    let dataDir: string;
    let drop: (() => Promise<void>) | undefined;
    const logged: { level: string; message: string; fields?: Record<string, unknown> }[] = [];
    const ctx = (): AppContext => ({
      store,
      clock: { now: () => NOW },
      random: { bytes: (n: number) => new Uint8Array(randomBytes(n)) },
      publicUrl: 'http://127.0.0.1:1',
      log: {
        info: (message, fields) => void logged.push({ level: 'info', message, fields }),
        warn: (message, fields) => void logged.push({ level: 'warn', message, fields }),
        error: (message, fields) => void logged.push({ level: 'error', message, fields }),
      },
    });

    before(async () => {
      dataDir = mkdtempSync(join(tmpdir(), 'reji-state-'));
      let databaseUrl: string | undefined;
      if (dialect === 'postgres') {
        const db = await createTestDatabase();
        databaseUrl = db.url;
        drop = db.drop;
      }
      store = await openStore({ dataDir, databaseUrl });
    });

    after(async () => {
      await store.close();
      await drop?.();
      rmSync(dataDir, { recursive: true, force: true });
    });

    test('a Canceled charge saved back as Authorized: IllegalTransitionError, the row and the outbox unchanged', async () => {
      const c = ctx();
      const id = 'S01-1111111-1111111-C000001';
      const created = await inTransaction(c, (tx) => save(c, tx, 'charge', undefined, authorizedCharge(id), NOW));
      const canceled = await inTransaction(c, async (tx) => {
        const current = (await tx.documents.getForUpdate('charge', id))!;
        const r = cancelCharge(current, 'MerchantCanceled', NOW);
        assert.ok(r.ok);
        return save(c, tx, 'charge', current, r.value, NOW);
      });
      assert.equal(canceled.state, 'Canceled');
      assert.ok(canceled.version > created.version);
      const stored = await store.reader.documents.get('charge', id);
      const outbox = await store.reader.notifications.ofMerchant('AMERCHANT', { objectId: id });

      const other = 'S01-1111111-1111111-C000002';
      const attempt = inTransaction(c, async (tx) => {
        // Written first in the same transaction, so the rollback is visible too.
        await save(c, tx, 'charge', undefined, authorizedCharge(other), NOW);
        const current = (await tx.documents.getForUpdate('charge', id))!;
        const revived: Charge = { ...current, state: 'Authorized', reasonCode: null, reasonDescription: null };
        return save(c, tx, 'charge', current, revived, NOW);
      });
      const error = await attempt.then(
        () => assert.fail('the forbidden transition was saved'),
        (e: unknown) => e,
      );
      assert.ok(error instanceof IllegalTransitionError);
      assert.match(error.message, /charge Canceled \(MerchantCanceled\) -> Authorized/);

      assert.deepEqual(await store.reader.documents.get('charge', id), stored, 'the row is unchanged');
      assert.equal(await store.reader.documents.get('charge', other), undefined, 'the whole transaction rolled back');
      assert.deepEqual(
        await store.reader.notifications.ofMerchant('AMERCHANT', { objectId: id }),
        outbox,
        'no notification',
      );

      // What the HTTP edge answers for it: a logged 500 in Amazon's shape, without internals.
      const answer = errorResponse(c, error, 'req-state-1');
      assert.equal(answer.status, 500);
      const body = JSON.parse(answer.body) as { reasonCode: string; message: string };
      assert.equal(body.reasonCode, 'InternalServerError');
      assert.doesNotMatch(body.message, /Canceled|Authorized|charge/);
      const entry = logged.find((l) => l.level === 'error');
      assert.ok(entry, 'logged as an error');
      assert.match(String(entry.fields?.['error']), /IllegalTransitionError: charge Canceled \(MerchantCanceled\)/);
    });

    test('a document created in a state that is not initial is refused as well', async () => {
      const c = ctx();
      const id = 'S01-1111111-1111111-C000003';
      const born = { ...authorizedCharge(id), state: 'Declined' as const, reasonCode: 'HardDeclined' as const };
      await assert.rejects(
        inTransaction(c, (tx) => save(c, tx, 'charge', undefined, born, NOW)),
        IllegalTransitionError,
      );
      assert.equal(await store.reader.documents.get('charge', id), undefined);
    });
  });
}

import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { startRequestLog, DEFAULT_REQUEST_LOG_OPTIONS } from '../../src/app/request-log.js';
import { inTransaction } from '../../src/app/transactions.js';
import { HOUR } from '../../src/domain/time.js';
import type { NewRequestLogEntry, Store } from '../../src/store/store.js';
import { dialectCases } from '../support/dialects.js';
import { startTestReji, type TestReji } from '../support/reji.js';

function entry(merchantId: string, at: number, objectIds: string[] = [], status = 200): NewRequestLogEntry {
  return {
    requestId: `r${at}`,
    merchantId,
    environment: 'Sandbox',
    at,
    method: 'GET',
    path: '/v2/charges/x',
    operation: 'GetCharge',
    status,
    reasonCode: status >= 400 ? 'InvalidRequestSignature' : null,
    latencyMs: 1.25,
    objectIds,
    detail: { requestHeaders: { accept: 'application/json' }, query: '', requestBody: '', responseBody: '{}' },
  };
}

const silent = { info() {}, warn() {}, error() {} };

for (const { dialect, skip } of await dialectCases()) {
  describe(`the request log store (${dialect})`, { skip }, () => {
    let reji: TestReji;
    before(async () => {
      reji = await startTestReji({ dialect, timers: false });
    });
    after(() => reji?.stop());

    test('append, list by merchant, object id (LIKE wildcards match only themselves) and failures, prune by age and count', async () => {
      const t0 = 1_800_000_000_000;
      await inTransaction(reji.ctx, (tx) =>
        tx.requestLog.append([
          entry('AM1', t0, ['S01-1111111-1111111']),
          entry('AM1', t0 + 1, ['S01-1111111-1111111-C000001'], 403),
          entry('AM1', t0 + 2, ['100%_id']),
          entry('AM2', t0 + 3),
        ]),
      );
      const reader = reji.ctx.store.reader.requestLog;
      const am1 = await reader.list({ merchantId: 'AM1', limit: 10 });
      assert.deepEqual(
        am1.map((e) => e.at),
        [t0 + 2, t0 + 1, t0],
      );
      assert.equal(am1[1]!.detail.requestHeaders['accept'], 'application/json');
      assert.deepEqual(
        (await reader.list({ objectId: 'S01-1111111-1111111', limit: 10 })).map((e) => e.at),
        [t0],
      );
      assert.equal((await reader.list({ objectId: '100%_id', limit: 10 })).length, 1);
      assert.equal((await reader.list({ objectId: '100__id', limit: 10 })).length, 0);
      assert.deepEqual(
        (await reader.list({ failedOnly: true, limit: 10 })).map((e) => e.status),
        [403],
      );
      const tail = await reader.list({ afterSeq: am1[1]!.seq, limit: 10 });
      assert.deepEqual(
        tail.map((e) => e.merchantId),
        ['AM2', 'AM1'],
      );
      assert.equal((await reader.get(am1[0]!.seq))?.requestId, `r${t0 + 2}`);

      // Keep 2 per merchant; nothing is old yet.
      await inTransaction(reji.ctx, (tx) => tx.requestLog.prune(t0 - HOUR, 2, ['AM1', 'AM2']));
      assert.deepEqual(
        (await reader.list({ merchantId: 'AM1', limit: 10 })).map((e) => e.at),
        [t0 + 2, t0 + 1],
      );
      // Everything before t0 + 3 is too old.
      await inTransaction(reji.ctx, (tx) => tx.requestLog.prune(t0 + 3, 100, []));
      assert.deepEqual(
        (await reader.list({ limit: 10 })).map((e) => e.merchantId),
        ['AM2'],
      );
      await inTransaction(reji.ctx, (tx) => tx.requestLog.removeOf('AM2', 'Sandbox'));
      assert.equal((await reader.list({ limit: 10 })).length, 0);
    });

    test('the writer batches off the request path, and a database failure drops the batch without throwing', async () => {
      const log = startRequestLog(reji.ctx.store, reji.ctx.clock, silent, {
        ...DEFAULT_REQUEST_LOG_OPTIONS,
        flushIntervalMs: 60_000,
      });
      for (let i = 0; i < 5; i++) log.record(entry('AW1', 1_800_000_000_000 + i));
      assert.equal((await reji.ctx.store.reader.requestLog.list({ merchantId: 'AW1', limit: 10 })).length, 0);
      await log.flush();
      assert.equal((await reji.ctx.store.reader.requestLog.list({ merchantId: 'AW1', limit: 10 })).length, 5);

      const broken: Store = Object.create(reji.ctx.store) as Store;
      Object.defineProperty(broken, 'transaction', {
        value: async () => {
          throw new Error('database gone');
        },
      });
      const failing = startRequestLog(broken, reji.ctx.clock, silent, DEFAULT_REQUEST_LOG_OPTIONS);
      assert.doesNotThrow(() => failing.record(entry('AW2', 1)));
      await failing.close();
      assert.equal(failing.dropped, 1);
      // Closed: later entries are ignored, never queued.
      failing.record(entry('AW2', 2));
      assert.equal(failing.dropped, 1);
      await log.close();
    });

    test('the writer keeps a merchant within its limit plus one trim step (256), however many entries arrive', async () => {
      const log = startRequestLog(reji.ctx.store, reji.ctx.clock, silent, {
        ...DEFAULT_REQUEST_LOG_OPTIONS,
        maxPerMerchant: 5,
        flushIntervalMs: 60_000,
      });
      const count = async () =>
        (await reji.ctx.store.reader.requestLog.list({ merchantId: 'AT1', limit: 1000 })).length;
      for (let round = 0; round < 3; round++) {
        for (let i = 0; i < 300; i++) log.record(entry('AT1', 1_800_000_000_000 + round * 1000 + i));
        await log.flush();
        const kept = await count();
        assert.ok(kept <= 5 + 256, `round ${round}: ${kept} entries kept`);
      }
      // 900 entries in all: without trimming every 256 they would all be there.
      assert.ok((await count()) < 300);
      await log.close();
    });
  });
}

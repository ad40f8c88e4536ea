import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { AppContext } from '../../src/app/context.js';
import { runDueTimers } from '../../src/app/scheduler.js';
import { inTransaction } from '../../src/app/transactions.js';
import { DAY, HOUR } from '../../src/domain/time.js';
import type { Store } from '../../src/store/store.js';
import { dialectCases } from '../support/dialects.js';
import { idem, officialClient } from '../support/official-sdk.js';
import { startTestReji, type TestMerchant, type TestReji } from '../support/reji.js';

for (const { dialect, skip } of await dialectCases()) {
  describe(`the timer worker (${dialect})`, { skip }, () => {
    let reji: TestReji;
    let merchant: TestMerchant;
    before(async () => {
      reji = await startTestReji({ dialect, timers: false });
      merchant = await reji.merchant('jp');
    });
    after(() => reji?.stop());

    test('a sandbox clock moved (by another process) while timers run: each timer fires by the clock it was claimed with, and the run ends', async () => {
      const client = officialClient(reji, merchant);
      const ids: string[] = [];
      // More than one batch (50) of timers.
      for (let i = 0; i < 60; i++) {
        const r = await client.createCheckoutSession(
          { webCheckoutDetails: { checkoutReviewReturnUrl: 'https://shop.example/review' }, storeId: merchant.storeId },
          idem(),
        );
        ids.push(r.data.checkoutSessionId);
      }
      const advance = (ms: number) =>
        inTransaction(reji.ctx, (tx) => tx.merchants.advanceSandboxClock(merchant.merchantId, ms));
      await advance(25 * HOUR);
      // Another process moves the clock 31 days on right after this worker claimed its first batch.
      let transactions = 0;
      const store: Store = Object.create(reji.ctx.store) as Store;
      Object.defineProperty(store, 'transaction', {
        value: async <T>(fn: Parameters<Store['transaction']>[0]) => {
          if (++transactions === 2) await advance(31 * DAY);
          return reji.ctx.store.transaction(fn) as Promise<T>;
        },
      });
      const ctx: AppContext = { ...reji.ctx, store };
      let timer: NodeJS.Timeout | undefined;
      const fired = await Promise.race([
        runDueTimers(ctx, merchant.merchantId),
        new Promise<never>(
          (_, reject) =>
            (timer = setTimeout(() => reject(new Error('runDueTimers is still running after 20 s')), 20_000)),
        ),
      ]).finally(() => clearTimeout(timer));
      // Each session expires once and is removed once (30 days of retention) - never more.
      assert.ok(fired <= 2 * ids.length, `${fired} timers fired for ${ids.length} sessions`);
      await runDueTimers(reji.ctx, merchant.merchantId);
      for (const id of ids)
        assert.equal(
          await reji.ctx.store.reader.documents.get('checkoutSession', id),
          undefined,
          `session ${id} was removed`,
        );
    });
  });
}

import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { CHAOS_SEED, chaosSize, seededRandom } from '../support/chaos.js';
import { createTestDatabase, dialectCases } from '../support/dialects.js';
import { merchantDocuments, moneyInvariantViolations } from '../support/money-invariants.js';
import { seedMerchant, spawnReji, type RejiProcess } from '../support/processes.js';
import { acknowledgementMark, missingAcknowledged, runWriteLoad } from '../support/write-load.js';

/**
 * Issue 17, reliability: `reji serve` processes killed with SIGKILL at random moments while bursts of signed
 * writes run (SQLite: its one process; PostgreSQL: one of two processes at a time, the other keeps serving),
 * restarted, and at the end all killed at once and started again. `npm run test:chaos` runs it at full size.
 */

/** Kills while the load runs (one process at a time), before the last one that kills every process. */
const KILLS = chaosSize(1, 12);
const WORKERS = chaosSize(4, 12);

for (const { dialect, skip } of await dialectCases()) {
  const processes = dialect === 'postgres' ? ['a', 'b'] : ['a'];
  describe(`kill -9 under bursts of signed writes (${dialect}, ${processes.length} process${processes.length > 1 ? 'es' : ''})`, {
    skip,
    timeout: chaosSize(180_000, 900_000),
  }, () => {
    test('every acknowledged write survives, unknown outcomes resolve by resending the same key, the money adds up', async (t) => {
      const database = dialect === 'postgres' ? await createTestDatabase() : undefined;
      const dataDir = mkdtempSync(join(tmpdir(), 'reji-kill-'));
      const started: RejiProcess[] = [];
      const live = new Map<string, RejiProcess>();
      try {
        const merchant = await seedMerchant({ dataDir, databaseUrl: database?.url });
        const start = async (name: string) => {
          const p = await spawnReji({
            name,
            ...(database ? { databaseUrl: database.url } : { dataDir }),
            // No HTTPS: the load speaks HTTP, and each new data directory would make a certificate first.
            args: ['--timer-interval-ms', '200', '--https-port', '0'],
          });
          started.push(p);
          live.set(name, p);
        };
        await Promise.all(processes.map(start));
        const random = seededRandom(CHAOS_SEED);
        t.diagnostic(
          `seed ${CHAOS_SEED} (REJI_CHAOS_SEED replays the kill moments), ${KILLS} + 1 kills, ${WORKERS} workers`,
        );

        let stopping = false;
        const load = runWriteLoad({
          merchant,
          targets: () => [...live.values()].filter((p) => p.alive()).map((p) => p.httpUrl),
          workers: WORKERS,
          stop: () => stopping,
          tag: `k${CHAOS_SEED.toString(36)}`,
        });
        // A load that failed ends early; awaiting it below reports why.
        let loadEnded = false;
        void load.finally(() => (loadEnded = true)).catch(() => {});
        for (let k = 0; k < KILLS; k++) {
          // Some writes acknowledged since the last start, then a random moment.
          const mark = acknowledgementMark();
          while (acknowledgementMark() < mark + 2 * WORKERS && !loadEnded) await new Promise((r) => setTimeout(r, 20));
          await new Promise((r) => setTimeout(r, random() * 400));
          const name = processes[k % processes.length]!;
          await live.get(name)!.kill();
          await start(name);
        }
        await new Promise((r) => setTimeout(r, 200));
        stopping = true;
        const result = await load;

        // The end: every process dies at once (a power cut for PostgreSQL's clients), then one starts again.
        await Promise.all([...live.values()].map((p) => p.kill()));
        live.clear();
        await start('final');
        const reji = live.get('final')!;

        const flows = result.flows;
        const acked = flows.reduce((n, f) => n + f.acked.size, 0);
        t.diagnostic(
          `${flows.length} checkouts, ${acked} acknowledged writes, ${result.unknownOutcomes} unknown outcomes, ` +
            `${flows.filter((f) => f.abandoned).length} abandoned after one`,
        );
        assert.deepEqual(result.serverErrors, [], 'no answer of 500 or above other than 503');
        assert.ok(result.unknownOutcomes > 0, 'the kills cut requests in flight');
        for (const f of flows)
          if (f.abandoned) assert.match(f.abandoned, /after an unknown outcome/, `flow ${f.n} refused out of the blue`);
        assert.ok(flows.filter((f) => f.refundId).length > KILLS, 'whole checkouts went through between kills');

        assert.deepEqual(await missingAcknowledged(reji.httpUrl, merchant, flows), [], 'acknowledged writes lost');

        // An unknown outcome, resent with its key, has one result: the second resend repeats it byte for byte.
        for (const f of flows)
          for (const r of f.resolved) {
            const [first, second] = r.answers;
            assert.ok(first!.status < 500, `flow ${f.n} ${r.step}: ${first!.status} ${first!.text}`);
            assert.deepEqual(second, first, `flow ${f.n} ${r.step}: the same key answered differently`);
          }

        const docs = await merchantDocuments(
          database ? { databaseUrl: database.url } : { dataDir },
          merchant.merchantId,
        );
        for (const f of flows) {
          const sessions = docs.reviewUrls.filter((u) => u === f.reviewUrl).length;
          assert.ok(sessions <= 1, `flow ${f.n}: one create key made ${sessions} checkout sessions`);
          if (f.acked.has('create')) assert.equal(sessions, 1, `flow ${f.n}: its acknowledged session`);
          if (f.chargeId) {
            const refunds = docs.refunds.filter((r) => r.chargeId === f.chargeId).length;
            assert.ok(refunds <= 1, `flow ${f.n}: one refund key made ${refunds} refunds`);
            const charges = docs.charges.filter((c) => c.chargePermissionId === f.chargePermissionId).length;
            assert.equal(charges, 1, `flow ${f.n}: one complete key, one charge`);
          }
        }
        assert.deepEqual(moneyInvariantViolations(docs), [], 'money invariants');

        const errors = started.flatMap((p) =>
          p
            .output()
            .split('\n')
            .filter((l) => l.includes('"level":"error"'))
            .map((l) => `${p.name}: ${l}`),
        );
        assert.deepEqual(errors, [], 'no process logged an error');
      } finally {
        await Promise.allSettled([...live.values()].map((p) => p.stop()));
        await database?.drop();
        rmSync(dataDir, { recursive: true, force: true });
      }
    });
  });
}

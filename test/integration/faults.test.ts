import assert from 'node:assert/strict';
import net from 'node:net';
import { after, before, describe, test } from 'node:test';
import { sql } from 'kysely';
import pg from 'pg';
import type { Logger } from '../../src/app/context.js';
import type { KyselyStore } from '../../src/store/kysely-store.js';
import { dialectCases, POSTGRES_ADMIN_URL } from '../support/dialects.js';
import { eventually } from '../support/ipn-receiver.js';
import { idem, officialClient, settle, testing } from '../support/official-sdk.js';
import { startTestReji, type TestMerchant, type TestReji } from '../support/reji.js';

/** Issue 17, defects 7 and 9: a database that cannot write, and clients that go away mid-request. */

for (const { dialect, skip } of await dialectCases()) {
  describe(`faults (${dialect})`, { skip }, () => {
    let reji: TestReji;
    let jp: TestMerchant;
    const lines: { level: string; message: string }[] = [];
    before(async () => {
      reji = await startTestReji({ dialect, timers: false });
      jp = await reji.merchant('jp');
      const record =
        (level: string) =>
        (message: string): void => {
          lines.push({ level, message });
        };
      const log: Logger = {
        debug: record('debug'),
        info: record('info'),
        warn: record('warn'),
        error: record('error'),
      };
      (reji.ctx as { log: Logger }).log = log;
    });
    after(() => reji?.stop());

    async function setReadOnly(on: boolean): Promise<void> {
      if (dialect === 'sqlite') {
        await sql.raw(`pragma query_only = ${on ? 'on' : 'off'}`).execute((reji.ctx.store as KyselyStore).kysely);
        return;
      }
      // From the admin database: a connection to the read-only database could not undo it.
      const admin = new pg.Client({ connectionString: POSTGRES_ADMIN_URL });
      await admin.connect();
      const name = new URL(reji.databaseUrl!).pathname.slice(1);
      await admin.query(`alter database ${name} set default_transaction_read_only = ${on ? 'on' : 'off'}`);
      // The pool's connections keep their settings: end them, new ones start with the database's.
      await admin.query(
        'select pg_terminate_backend(pid) from pg_stat_activity where datname = $1 and pid <> pg_backend_pid()',
        [name],
      );
      await admin.end();
    }

    test('a read-only database: writes and /readyz answer 503, never 500; both recover', async () => {
      const client = officialClient(reji, jp);
      const create = () =>
        settle(
          client.createCheckoutSession(
            { webCheckoutDetails: { checkoutReviewReturnUrl: 'https://shop.example/r' }, storeId: jp.storeId },
            idem(),
          ),
        );
      assert.equal((await create()).status, 201);
      assert.equal((await fetch(`${reji.httpUrl}/readyz`)).status, 200);
      await setReadOnly(true);
      try {
        const statuses: number[] = [];
        await eventually(async () => {
          const status = (await create()).status;
          statuses.push(status);
          return status === 503;
        }, 'writes to answer 503');
        assert.ok(
          statuses.every((s) => s === 503),
          statuses.join(','),
        );
        assert.equal((await fetch(`${reji.httpUrl}/readyz`)).status, 503);
      } finally {
        await setReadOnly(false);
      }
      await eventually(async () => (await fetch(`${reji.httpUrl}/readyz`)).status === 200, 'ready again');
      await eventually(async () => (await create()).status === 201, 'writes again');
      assert.deepEqual(
        lines.filter((l) => l.level === 'error'),
        [],
      );
    });

    test('a client that aborts its upload is logged at debug level, without an error', async () => {
      lines.length = 0;
      const url = new URL(reji.httpUrl);
      await new Promise<void>((resolve, reject) => {
        const socket = net.connect(Number(url.port), url.hostname, () => {
          socket.write(
            'POST /v2/checkoutSessions HTTP/1.1\r\nHost: x\r\ncontent-type: application/json\r\ncontent-length: 1000\r\n\r\n{"a":',
          );
          setImmediate(() => {
            socket.destroy();
            resolve();
          });
        });
        socket.on('error', reject);
      });
      await eventually(() => lines.some((l) => l.message === 'client aborted the request'), 'the abort to be logged');
      assert.equal(lines.find((l) => l.message === 'client aborted the request')!.level, 'debug');
      assert.deepEqual(
        lines.filter((l) => l.level === 'error'),
        [],
      );
    });
  });
}

for (const { dialect, skip } of await dialectCases()) {
  describe(`a clock move over many timers (${dialect})`, { skip }, () => {
    let reji: TestReji;
    before(async () => {
      reji = await startTestReji({ dialect, timers: false });
    });
    after(() => reji?.stop());

    test("firing one merchant's timers does not stall another merchant's requests", async () => {
      const busy = await reji.merchant('jp');
      const other = await reji.merchant('jp');
      const busyClient = officialClient(reji, busy);
      const otherClient = officialClient(reji, other);
      const create = (client: typeof busyClient, m: TestMerchant) =>
        client.createCheckoutSession(
          { webCheckoutDetails: { checkoutReviewReturnUrl: 'https://shop.example/r' }, storeId: m.storeId },
          idem(),
        );
      const ids: string[] = [];
      for (let round = 0; round < 8; round++) {
        const created = await Promise.all(Array.from({ length: 20 }, () => create(busyClient, busy)));
        ids.push(...created.map((r) => r.data.checkoutSessionId as string));
      }
      const mine = (await create(otherClient, other)).data.checkoutSessionId as string;
      const order: string[] = [];
      // 25 hours: every one of the 160 sessions expires.
      const clock = testing(busyClient)
        .advanceClock(25 * 3600)
        .then(() => order.push('clock'));
      await eventually(
        async () => (await reji.ctx.store.reader.documents.get('checkoutSession', ids[0]!))?.state === 'Canceled',
        'the first timers to fire',
      );
      await otherClient.getCheckoutSession(mine).then(() => order.push('other merchant'));
      await clock;
      assert.deepEqual(order, ['other merchant', 'clock']);
    });
  });
}

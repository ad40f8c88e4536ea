import assert from 'node:assert/strict';
import { verify, X509Certificate } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { verifyNotification } from '../../sdk/src/ipn.js';
import { replayNotification, setIpnEndpoint } from '../../src/app/ipn/admin.js';
import { signingCertificate } from '../../src/app/ipn/certificate.js';
import { DEFAULT_IPN_WORKER_OPTIONS, startIpnWorker } from '../../src/app/ipn/worker.js';
import { openApp } from '../../src/cli/runtime.js';
import { jsonLogger } from '../../src/cli/logger.js';
import { GIVE_UP_AFTER_MS, JITTER, nominalDelay } from '../../src/domain/ipn-delivery.js';
import type { NotificationRecord } from '../../src/store/store.js';
import { dialectCases } from '../support/dialects.js';
import { checkout } from '../support/flows.js';
import { eventually, IpnReceiver } from '../support/ipn-receiver.js';
import { idem, officialClient, testing, type OfficialClient } from '../support/official-sdk.js';
import { startTestReji, type TestMerchant, type TestReji } from '../support/reji.js';

const JPY = (amount: string) => ({ amount, currencyCode: 'JPY' });

/** A plain SNS SignatureVersion 1 check, written from the SNS documentation rather than with reji's code. */
async function verifyLikeSns(envelope: Record<string, string>): Promise<boolean> {
  const pem = await (await fetch(envelope['SigningCertURL']!)).text();
  const certificate = new X509Certificate(pem);
  let stringToSign = '';
  for (const key of ['Message', 'MessageId', 'Subject', 'Timestamp', 'TopicArn', 'Type']) {
    if (envelope[key] !== undefined) stringToSign += `${key}\n${envelope[key]}\n`;
  }
  return verify(
    'RSA-SHA1',
    Buffer.from(stringToSign, 'utf8'),
    certificate.publicKey,
    Buffer.from(envelope['Signature']!, 'base64'),
  );
}

for (const { dialect, skip } of await dialectCases()) {
  describe(`payment notifications (${dialect})`, { skip }, () => {
    let reji: TestReji;
    const receivers: IpnReceiver[] = [];
    before(async () => {
      // A long timeout: a held delivery stays unanswered for as long as a test needs it to.
      reji = await startTestReji({ dialect, ipn: { pollIntervalMs: 50, timeoutMs: 60_000, leaseMs: 90_000 } });
    });
    after(async () => {
      for (const r of receivers) r.release(200);
      await reji?.stop();
      for (const r of receivers) await r.stop();
    });

    /** A merchant whose sandbox notifications go to a fresh receiver. */
    async function merchantWithReceiver(
      receiver = new IpnReceiver(),
    ): Promise<{ merchant: TestMerchant; client: OfficialClient; receiver: IpnReceiver }> {
      receivers.push(receiver);
      await receiver.start();
      const merchant = await reji.merchant('jp');
      await setIpnEndpoint(reji.ctx, { merchantId: merchant.merchantId, environment: 'Sandbox', url: receiver.url });
      return { merchant, receiver, client: officialClient(reji, merchant, { algorithm: 'AMZN-PAY-RSASSA-PSS-V2' }) };
    }

    const notificationsOf = (merchantId: string) => reji.ctx.store.reader.notifications.ofMerchant(merchantId);

    test('an SNS envelope with the CV2 message, signed so that a plain SNS verification over the served certificate accepts it', async () => {
      const { merchant, client, receiver } = await merchantWithReceiver();
      const done = await checkout(client, merchant, { intent: 'Authorize', amount: '1200' });
      const stored = await eventually(async () => {
        const all = await notificationsOf(merchant.merchantId);
        return all.length > 0 && all.every((n) => n.status === 'delivered') && all;
      }, 'the checkout notifications to be delivered');
      assert.deepEqual(
        new Set(receiver.acknowledged.map((r) => r.message['NotificationId'])),
        new Set(stored.map((n) => n.notificationId)),
      );

      const charge = receiver.received.find((r) => r.message['ObjectType'] === 'CHARGE')!;
      assert.ok(charge, 'a CHARGE notification');
      assert.deepEqual(Object.keys(charge.message), [
        'MerchantID',
        'ObjectType',
        'ObjectId',
        'ChargePermissionId',
        'NotificationType',
        'NotificationId',
        'NotificationVersion',
      ]);
      assert.equal(charge.message['MerchantID'], merchant.merchantId);
      assert.equal(charge.message['ObjectId'], done.data.chargeId);
      assert.equal(charge.message['ChargePermissionId'], done.data.chargePermissionId);
      assert.equal(charge.message['NotificationType'], 'STATE_CHANGE');
      assert.equal(charge.message['NotificationVersion'], 'V2');
      const permission = receiver.received.find((r) => r.message['ObjectType'] === 'CHARGE_PERMISSION')!;
      assert.equal(permission.message['ObjectId'], done.data.chargePermissionId);

      const e = charge.envelope;
      assert.deepEqual(Object.keys(e), [
        'Type',
        'MessageId',
        'TopicArn',
        'Message',
        'Timestamp',
        'SignatureVersion',
        'Signature',
        'SigningCertURL',
      ]);
      assert.equal(e['Type'], 'Notification');
      assert.match(e['MessageId']!, /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
      assert.equal(e['TopicArn'], `arn:aws:sns:us-west-2:000000000000:reji-${merchant.merchantId}-sandbox`);
      assert.match(e['Timestamp']!, /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
      assert.equal(e['SignatureVersion'], '1');
      assert.equal(
        e['SigningCertURL'],
        `${reji.httpUrl}/sns/SimpleNotificationService-${(await signingCertificate(reji.ctx)).fingerprint}.pem`,
      );
      assert.equal(charge.headers['content-type'], 'text/plain; charset=UTF-8');
      assert.equal(charge.headers['x-amz-sns-message-type'], 'Notification');
      assert.equal(charge.headers['x-amz-sns-message-id'], e['MessageId']);
      assert.equal(charge.headers['x-amz-sns-topic-arn'], e['TopicArn']);

      for (const r of receiver.received)
        assert.ok(await verifyLikeSns(r.envelope), `signature of ${r.message['NotificationId']}`);
      assert.equal(
        await verifyLikeSns({ ...e, Message: e['Message']!.replace('STATE_CHANGE', 'ATTRIBUTE_CHANGE') }),
        false,
      );
      assert.equal(await verifyLikeSns({ ...e, TopicArn: 'arn:aws:sns:us-east-1:123456789012:other' }), false);
    });

    test('the SDK helper verifies them, fetching the certificate from reji', async () => {
      const { merchant, client, receiver } = await merchantWithReceiver();
      await checkout(client, merchant, { intent: 'Authorize', amount: '900' });
      await eventually(() => receiver.acknowledged.length >= 2, 'the checkout notifications');
      for (const r of receiver.acknowledged) {
        const verified = await verifyNotification(r.body, {
          allowHttp: true,
          allowedHosts: [new URL(reji.httpUrl).host],
        });
        assert.equal(verified.type, 'Notification');
        assert.equal(verified.message?.NotificationId, r.message['NotificationId']);
      }
      const tampered = JSON.stringify({
        ...receiver.acknowledged[0]!.envelope,
        Message: receiver.acknowledged[1]!.envelope['Message'],
      });
      await assert.rejects(
        verifyNotification(tampered, { allowHttp: true, allowedHosts: [new URL(reji.httpUrl).host] }),
      );
    });

    test('every process on the same database signs with the same certificate', async () => {
      const other = await openApp({
        dataDir: reji.dataDir,
        databaseUrl: reji.databaseUrl,
        poolSize: 2,
        publicUrl: reji.httpUrl,
        log: jsonLogger('silent'),
      });
      try {
        assert.equal(
          (await signingCertificate(other.ctx)).fingerprint,
          (await signingCertificate(reji.ctx)).fingerprint,
        );
      } finally {
        await other.close();
      }
      const missing = await fetch(`${reji.httpUrl}/sns/SimpleNotificationService-00000000000000000000000000000000.pem`);
      assert.equal(missing.status, 404);
    });

    test('a receiver that is down for a while, then comes back, gets every notification', async () => {
      const { merchant, client, receiver } = await merchantWithReceiver();
      await receiver.stop();
      const done = await checkout(client, merchant, { intent: 'Authorize', amount: '3000' });
      const chargeId = done.data.chargeId as string;
      await client.captureCharge(chargeId, { captureAmount: JPY('3000') }, idem());
      await client.createRefund({ chargeId, refundAmount: JPY('1000') }, idem());
      const tried = await eventually(async () => {
        const all = await notificationsOf(merchant.merchantId);
        // The first of each object was tried and refused; later ones of that object wait behind it.
        const heads = new Map<string, NotificationRecord>();
        for (const n of all) if (!heads.has(n.objectId)) heads.set(n.objectId, n);
        return [...heads.values()].every((n) => n.status === 'retrying') && all;
      }, 'the first attempts to fail');
      assert.ok(tried.length >= 5, `${tried.length} notifications`);
      const log = await reji.ctx.store.reader.notifications.attemptsOf(merchant.merchantId);
      assert.ok(
        log.length > 0 && log.every((a) => a.outcome === 'retry' && a.statusCode === null && a.error !== null),
        JSON.stringify(log[0]),
      );

      await receiver.start();
      // Past the second attempt's time (30 s + 20 %); the refund also settles, adding one more.
      await testing(client).advanceClock(40);
      const delivered = await eventually(async () => {
        const all = await notificationsOf(merchant.merchantId);
        return all.length > tried.length && all.every((n) => n.status === 'delivered') && all;
      }, 'every notification to be delivered');
      const got = new Set(receiver.acknowledged.map((r) => r.message['NotificationId']));
      assert.deepEqual(got, new Set(delivered.map((n) => n.notificationId)));
      assert.ok(delivered.some((n) => n.objectType === 'REFUND'));
    });

    test('a receiver that answers 500 sees the retries on the schedule as the sandbox clock moves, then the notification fails', async () => {
      const { merchant, client, receiver } = await merchantWithReceiver(new IpnReceiver(() => 500));
      const done = await checkout(client, merchant, { intent: 'Confirm', amount: '800' });
      const cpId = done.data.chargePermissionId as string;
      const first = await eventually(
        async () => (await reji.ctx.store.reader.notifications.ofMerchant(merchant.merchantId, { objectId: cpId }))[0],
        'the notification',
      );
      const id = first.notificationId;
      const row = async () => (await reji.ctx.store.reader.notifications.get(id))!;
      const sandboxNow = async () =>
        reji.ctx.clock.now() + (await reji.ctx.store.reader.merchants.get(merchant.merchantId))!.sandboxClockOffsetMs;
      await eventually(() => receiver.of(id).length === 1, 'the first attempt');

      let due = first.createdAt;
      for (let attempt = 1; ; attempt++) {
        const n = await eventually(async () => {
          const r = await row();
          return r.attempts === attempt && r;
        }, `attempt ${attempt} to be recorded`);
        const [last] = await reji.ctx.store.reader.notifications.attemptsOf(merchant.merchantId, {
          notificationId: id,
          limit: 1,
        });
        assert.equal(last!.attempt, attempt);
        assert.equal(last!.statusCode, 500);
        assert.ok(last!.attemptedAt >= due, `attempt ${attempt} was made before it was due`);
        due = n.nextAttemptAt;
        if (n.status === 'failed') {
          assert.equal(last!.outcome, 'failed');
          assert.ok(
            last!.attemptedAt >= n.deliveryStartedAt + GIVE_UP_AFTER_MS,
            'the last attempt is at the give-up point',
          );
          assert.ok(attempt >= 10 && attempt <= 12, `${attempt} attempts`);
          break;
        }
        assert.equal(n.status, 'retrying');
        assert.equal(last!.outcome, 'retry');
        assert.equal(last!.nextAttemptAt, n.nextAttemptAt);
        // The wait is the schedule's, give or take the jitter, unless the give-up point comes first.
        const wait = n.nextAttemptAt - last!.attemptedAt;
        const nominal = nominalDelay(attempt);
        const giveUpAt = n.deliveryStartedAt + GIVE_UP_AFTER_MS;
        assert.ok(
          n.nextAttemptAt === giveUpAt || (wait >= nominal * (1 - JITTER) && wait <= nominal * (1 + JITTER)),
          `attempt ${attempt}: waits ${wait} ms for ${nominal} ms`,
        );

        // Not a moment early: just before it is due, a full look of the worker leaves it alone...
        await testing(client).advanceClock(
          Math.max(0, Math.floor((n.nextAttemptAt - (await sandboxNow()) - 5000) / 1000)),
        );
        await reji.ipn!.nextPass();
        assert.equal(receiver.of(id).length, attempt, `attempt ${attempt + 1} came early`);
        // ...and once due, it is sent.
        await testing(client).advanceClock(Math.ceil((n.nextAttemptAt - (await sandboxNow())) / 1000) + 1);
        await eventually(() => receiver.of(id).length === attempt + 1, `attempt ${attempt + 1}`);
      }
      const sent = receiver.of(id);
      assert.ok(
        sent.every((r) => r.envelope['MessageId'] === sent[0]!.envelope['MessageId'] && r.body === sent[0]!.body),
        'every retry sends the same envelope',
      );
      const log = await reji.ctx.store.reader.notifications.attemptsOf(merchant.merchantId, {
        notificationId: id,
        limit: 100,
      });
      assert.equal(log.length, sent.length);
    });

    test("the order of one object's notifications follows its changes; a refused one holds back the later ones", async () => {
      let refusedOnce = false;
      const { merchant, client, receiver } = await merchantWithReceiver(
        new IpnReceiver((n) => {
          if (!refusedOnce && n.message['ObjectType'] === 'CHARGE') {
            refusedOnce = true;
            return 500;
          }
          return 200;
        }),
      );
      // The charge pends (AuthorizationInitiated), is authorized when the clock moves, then captured.
      const done = await checkout(client, merchant, {
        intent: 'Authorize',
        paymentMethodId: 'jp-taro-0701',
        canHandlePendingAuthorization: true,
        amount: '2000',
      });
      const chargeId = done.data.chargeId as string;
      await eventually(() => refusedOnce, 'the first charge notification to be refused');
      await testing(client).advanceClock(20);
      await testing(client).advanceClock(11);
      assert.equal((await client.getCharge(chargeId)).data.statusDetails.state, 'Authorized');
      await client.captureCharge(chargeId, { captureAmount: JPY('2000') }, idem());
      await client
        .closeChargePermission(done.data.chargePermissionId, { closureReason: 'done' })
        .catch(() => undefined);
      await testing(client).advanceClock(60);
      const all = await eventually(async () => {
        const list = await notificationsOf(merchant.merchantId);
        return list.every((n) => n.status === 'delivered') && list;
      }, 'every notification to be delivered');

      for (const objectId of new Set(all.map((n) => n.objectId))) {
        const inOrder = all.filter((n) => n.objectId === objectId).map((n) => n.notificationId);
        const acked = receiver.acknowledged
          .filter((r) => r.message['ObjectId'] === objectId)
          .map((r) => r.message['NotificationId']);
        assert.deepEqual(acked, inOrder, `acknowledged order of ${objectId}`);
      }
      const chargeNotifications = all.filter((n) => n.objectId === chargeId).map((n) => n.notificationId);
      assert.ok(chargeNotifications.length >= 3, `${chargeNotifications.length} charge notifications`);
      // What reached the receiver for the charge: the first (refused), the first again, then the rest in order.
      const seen = receiver.received
        .filter((r) => r.message['ObjectId'] === chargeId)
        .map((r) => r.message['NotificationId']);
      assert.deepEqual(seen, [chargeNotifications[0], ...chargeNotifications]);
    });

    test('a merchant endpoint that does not answer does not hold up API calls', async () => {
      const { merchant, client, receiver } = await merchantWithReceiver(new IpnReceiver(() => 'hang'));
      const done = await checkout(client, merchant, { intent: 'Authorize', amount: '1500' });
      await eventually(() => receiver.holding >= 1, 'a delivery to be held open');
      // While the endpoint holds the delivery, the API answers.
      const captured = await client.captureCharge(done.data.chargeId, { captureAmount: JPY('1500') }, idem());
      assert.equal(captured.data.statusDetails.state, 'Captured');
      const refund = await client.createRefund({ chargeId: done.data.chargeId, refundAmount: JPY('500') }, idem());
      assert.equal(refund.status, 201);
      // Had the API waited for a delivery, that delivery would have ended (and been logged) first.
      assert.deepEqual(await reji.ctx.store.reader.notifications.attemptsOf(merchant.merchantId), []);
      assert.ok(receiver.holding >= 1, 'the delivery is still unanswered');
      receiver.responder = () => 200;
      receiver.release(200);
      await testing(client).advanceClock(60);
      await eventually(
        async () => (await notificationsOf(merchant.merchantId)).every((n) => n.status === 'delivered'),
        'every notification to be delivered',
      );
    });

    // Only PostgreSQL is shared by several reji processes; SQLite serves one.
    if (dialect === 'postgres')
      test('several workers on one database: each notification is sent by one of them, once', async () => {
        const { merchant, client, receiver } = await merchantWithReceiver(
          new IpnReceiver(() => {
            // Hold each delivery a little, so that a second worker would have every chance to send it too.
            setTimeout(() => receiver.release(200), 30);
            return 'hang';
          }),
        );
        const others = await Promise.all(
          [1, 2].map(() =>
            openApp({
              dataDir: reji.dataDir,
              databaseUrl: reji.databaseUrl,
              poolSize: 4,
              publicUrl: reji.httpUrl,
              log: jsonLogger('silent'),
            }),
          ),
        );
        const workers = others.map((o) =>
          startIpnWorker(o.ctx, {
            ...DEFAULT_IPN_WORKER_OPTIONS,
            pollIntervalMs: 20,
            timeoutMs: 60_000,
            leaseMs: 90_000,
          }),
        );
        try {
          for (let i = 0; i < 4; i++) {
            const done = await checkout(client, merchant, { intent: 'Authorize', amount: '1000' });
            await client.captureCharge(done.data.chargeId, { captureAmount: JPY('1000') }, idem());
          }
          const all = await eventually(async () => {
            const list = await notificationsOf(merchant.merchantId);
            return list.length >= 12 && list.every((n) => n.status === 'delivered') && list;
          }, 'every notification to be delivered');
          const counts = new Map<string, number>();
          for (const r of receiver.received)
            counts.set(r.message['NotificationId']!, (counts.get(r.message['NotificationId']!) ?? 0) + 1);
          assert.deepEqual([...counts.keys()].sort(), all.map((n) => n.notificationId).sort());
          assert.ok(
            [...counts.values()].every((c) => c === 1),
            'a notification was sent twice',
          );
          const attempts = await reji.ctx.store.reader.notifications.attemptsOf(merchant.merchantId, { limit: 1000 });
          assert.equal(attempts.length, all.length);
        } finally {
          await Promise.all(workers.map((w) => w.stop()));
          await Promise.all(others.map((o) => o.close()));
        }
      });

    test('without an endpoint a notification is kept as no_endpoint; replay sends it once one is set', async () => {
      const merchant = await reji.merchant('jp');
      const client = officialClient(reji, merchant);
      await checkout(client, merchant, { intent: 'Confirm', amount: '700' });
      const kept = await eventually(async () => {
        const all = await notificationsOf(merchant.merchantId);
        return all.length > 0 && all.every((n) => n.status === 'no_endpoint') && all;
      }, 'notifications to be marked no_endpoint');
      const [logged] = await reji.ctx.store.reader.notifications.attemptsOf(merchant.merchantId);
      assert.equal(logged!.outcome, 'no_endpoint');
      assert.match(logged!.error!, /reji ipn set/);

      const receiver = new IpnReceiver();
      receivers.push(await receiver.start());
      await setIpnEndpoint(reji.ctx, { merchantId: merchant.merchantId, environment: 'Sandbox', url: receiver.url });
      const replayed = await replayNotification(reji.ctx, kept[0]!.notificationId);
      assert.equal(replayed.status, 'pending');
      await eventually(() => receiver.acknowledged.length === 1, 'the replayed notification');
      assert.equal(receiver.acknowledged[0]!.message['NotificationId'], kept[0]!.notificationId);
      // The receiver answers before reji writes down the outcome.
      await eventually(
        async () => (await reji.ctx.store.reader.notifications.get(kept[0]!.notificationId))!.status === 'delivered',
        'the replay to be recorded',
      );
      // Replaying a delivered notification sends it again (at-least-once; NotificationId lets the merchant drop it).
      await replayNotification(reji.ctx, kept[0]!.notificationId);
      await eventually(() => receiver.acknowledged.length === 2, 'the second replay');
      assert.equal(receiver.acknowledged[1]!.body, receiver.acknowledged[0]!.body);
    });
  });
}

// IPN helpers: SNS envelope, SignatureVersion 1 verification with a self-made certificate, the CV2 message.
import assert from 'node:assert/strict';
import { createSign } from 'node:crypto';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { selfSignedCertificate } from '../../src/crypto/x509.js';
import {
  checkSigningCertUrl,
  fetchSigningCertificate,
  NotificationError,
  notificationStringToSign,
  parseIpnMessage,
  parseNotificationEnvelope,
  verifyNotification,
  verifyNotificationSignature,
  type SnsEnvelope,
} from '../src/index.js';

const signing = selfSignedCertificate({ commonName: 'reji notifications', validDays: 30, keyUsage: 'signing' });
const stranger = selfSignedCertificate({ commonName: 'someone else', validDays: 30, keyUsage: 'signing' });

const MESSAGE = JSON.stringify({
  MerchantID: 'A1B2C3D4E5F6G7',
  ObjectType: 'CHARGE',
  ObjectId: 'S01-1234567-1234567-C000001',
  ChargePermissionId: 'S01-1234567-1234567',
  NotificationType: 'STATE_CHANGE',
  NotificationId: 'N0TIFICATI0NID0000000000000000001',
  NotificationVersion: 'V2',
});

function signed(
  fields: Omit<SnsEnvelope, 'Signature' | 'SignatureVersion' | 'SigningCertURL'> & Partial<SnsEnvelope>,
  keyPem = signing.keyPem,
): SnsEnvelope {
  const envelope = {
    SignatureVersion: '1',
    SigningCertURL: 'https://sns.ap-northeast-1.amazonaws.com/SimpleNotificationService-0000.pem',
    Signature: '',
    ...fields,
  } as SnsEnvelope;
  const algorithm = envelope.SignatureVersion === '2' ? 'RSA-SHA256' : 'RSA-SHA1';
  return {
    ...envelope,
    Signature: createSign(algorithm).update(notificationStringToSign(envelope)).sign(keyPem, 'base64'),
  };
}

const base = {
  Type: 'Notification' as const,
  MessageId: '5f2b6a0e-7c1d-4e8a-9b3f-2d4c6e8a0b1c',
  TopicArn: 'arn:aws:sns:ap-northeast-1:000000000000:reji-ipn',
  Message: MESSAGE,
  Timestamp: '2026-01-27T10:10:10.000Z',
};

describe('IPN envelope and signature', () => {
  test('the string to sign lists the present keys in SNS order, each as "Key\\nValue\\n"', () => {
    assert.equal(
      notificationStringToSign({
        ...base,
        SignatureVersion: '1',
        Signature: 'x',
        SigningCertURL: 'u',
        UnsubscribeURL: 'https://unsub',
      }),
      `Message\n${MESSAGE}\nMessageId\n${base.MessageId}\nTimestamp\n${base.Timestamp}\nTopicArn\n${base.TopicArn}\nType\nNotification\n`,
    );
    assert.equal(
      notificationStringToSign({
        ...base,
        Subject: 'Hello',
        SignatureVersion: '1',
        Signature: 'x',
        SigningCertURL: 'u',
      }),
      `Message\n${MESSAGE}\nMessageId\n${base.MessageId}\nSubject\nHello\nTimestamp\n${base.Timestamp}\nTopicArn\n${base.TopicArn}\nType\nNotification\n`,
    );
    // A stray Token on a notification (or Subject on a confirmation) is not signed.
    assert.equal(
      notificationStringToSign({ ...base, Token: 'stray', SignatureVersion: '1', Signature: 'x', SigningCertURL: 'u' }),
      `Message\n${MESSAGE}\nMessageId\n${base.MessageId}\nTimestamp\n${base.Timestamp}\nTopicArn\n${base.TopicArn}\nType\nNotification\n`,
    );
    assert.equal(
      notificationStringToSign({
        ...base,
        Type: 'SubscriptionConfirmation',
        Subject: 'stray',
        Message: 'confirm',
        SubscribeURL: 'https://sub',
        Token: 't0k',
        SignatureVersion: '1',
        Signature: 'x',
        SigningCertURL: 'u',
      }),
      `Message\nconfirm\nMessageId\n${base.MessageId}\nSubscribeURL\nhttps://sub\nTimestamp\n${base.Timestamp}\nToken\nt0k\nTopicArn\n${base.TopicArn}\nType\nSubscriptionConfirmation\n`,
    );
  });

  test('a SignatureVersion 1 (SHA1withRSA) notification verifies; any change breaks it', async () => {
    const envelope = signed(base);
    const body = JSON.stringify(envelope);
    assert.ok(verifyNotificationSignature(parseNotificationEnvelope(body), signing.certPem));
    assert.ok(!verifyNotificationSignature(parseNotificationEnvelope(body), stranger.certPem));
    const tampered = { ...envelope, Message: MESSAGE.replace('C000001', 'C000002') };
    assert.ok(!verifyNotificationSignature(tampered, signing.certPem));
    assert.ok(!verifyNotificationSignature({ ...envelope, Subject: 'added' }, signing.certPem));
    assert.ok(!verifyNotificationSignature({ ...envelope, Signature: 'not base64!' }, signing.certPem));

    const verified = await verifyNotification(body, { certificate: signing.certPem });
    assert.equal(verified.type, 'Notification');
    assert.deepEqual(verified.message, JSON.parse(MESSAGE));
    await assert.rejects(
      verifyNotification(JSON.stringify(tampered), { certificate: signing.certPem }),
      (e: unknown) => e instanceof NotificationError && e.code === 'InvalidSignature',
    );
  });

  test('SignatureVersion 2 (SHA256withRSA) verifies too; other versions are refused', async () => {
    const v2 = signed({ ...base, SignatureVersion: '2' });
    assert.ok(verifyNotificationSignature(v2, signing.certPem));
    assert.throws(
      () => verifyNotificationSignature({ ...v2, SignatureVersion: '3' }, signing.certPem),
      (e: unknown) => e instanceof NotificationError && e.code === 'UnsupportedSignatureVersion',
    );
  });

  test('an expired or unreadable certificate is refused', () => {
    const envelope = signed(base);
    assert.throws(
      () =>
        verifyNotificationSignature(envelope, signing.certPem, {
          now: () => new Date(Date.now() + 60 * 24 * 3600 * 1000),
        }),
      (e: unknown) => e instanceof NotificationError && e.code === 'InvalidCertificate',
    );
    assert.throws(
      () => verifyNotificationSignature(envelope, 'not a certificate'),
      (e: unknown) => e instanceof NotificationError && e.code === 'InvalidCertificate',
    );
  });

  test('subscription confirmations verify and carry no CV2 message', async () => {
    const envelope = signed({
      ...base,
      Type: 'SubscriptionConfirmation',
      Message: 'You have chosen to subscribe',
      SubscribeURL: 'https://sns.example/confirm',
      Token: 'tok',
    });
    const verified = await verifyNotification(envelope, { certificate: signing.certPem });
    assert.equal(verified.type, 'SubscriptionConfirmation');
    assert.equal(verified.message, null);
    assert.equal(verified.envelope.SubscribeURL, 'https://sns.example/confirm');
  });

  test('malformed envelopes are refused with a code', () => {
    const code = (fn: () => unknown) => {
      try {
        fn();
      } catch (e) {
        assert.ok(e instanceof NotificationError);
        return e.code;
      }
      return 'no error';
    };
    assert.equal(
      code(() => parseNotificationEnvelope('not json')),
      'MalformedEnvelope',
    );
    assert.equal(
      code(() => parseNotificationEnvelope('[]')),
      'MalformedEnvelope',
    );
    const { Signature: _s, ...noSignature } = signed(base);
    assert.equal(
      code(() => parseNotificationEnvelope(noSignature)),
      'MalformedEnvelope',
    );
    assert.equal(
      code(() => parseNotificationEnvelope({ ...signed(base), Type: 'Other' })),
      'MalformedEnvelope',
    );
    assert.equal(
      code(() => parseNotificationEnvelope({ ...signed(base), Subject: 7 })),
      'MalformedEnvelope',
    );
    // A null Subject is simply absent.
    assert.equal(parseNotificationEnvelope({ ...signed(base), Subject: null }).Subject, undefined);
    assert.equal(parseNotificationEnvelope(Buffer.from(JSON.stringify(signed(base)))).MessageId, base.MessageId);
  });
});

describe('IPN message', () => {
  test("keys are read case-insensitively and come back in Amazon's PascalCase", () => {
    const camel = parseIpnMessage({
      merchantID: 'M',
      objectType: 'REFUND',
      objectId: 'S01-1-1-R000001',
      chargePermissionId: 'S01-1-1',
      notificationType: 'STATE_CHANGE',
      notificationId: 'n',
      notificationVersion: 'V2',
      extra: 'ignored',
    });
    assert.deepEqual(camel, {
      MerchantID: 'M',
      ObjectType: 'REFUND',
      ObjectId: 'S01-1-1-R000001',
      ChargePermissionId: 'S01-1-1',
      NotificationType: 'STATE_CHANGE',
      NotificationId: 'n',
      NotificationVersion: 'V2',
    });
    assert.deepEqual(parseIpnMessage(MESSAGE), JSON.parse(MESSAGE));
    assert.throws(
      () => parseIpnMessage('{"ObjectType":"CHARGE"}'),
      (e: unknown) => e instanceof NotificationError && e.code === 'MalformedMessage',
    );
    assert.throws(
      () => parseIpnMessage('nope'),
      (e: unknown) => e instanceof NotificationError && e.code === 'MalformedMessage',
    );
  });
});

describe('signing certificate URL and download', () => {
  const tls = selfSignedCertificate({
    commonName: 'localhost',
    altNames: ['127.0.0.1'],
    validDays: 2,
    keyUsage: 'tls-server',
  });
  let server: https.Server;
  let origin: string;
  let host: string;
  let hits = 0;
  before(async () => {
    server = https.createServer({ key: tls.keyPem, cert: tls.certPem }, (req, res) => {
      hits++;
      if (req.url === '/ipn/signing-cert.pem') {
        res.writeHead(200, { 'content-type': 'application/x-pem-file' });
        res.end(signing.certPem);
      } else {
        res.writeHead(404).end();
      }
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    host = `127.0.0.1:${(server.address() as AddressInfo).port}`;
    origin = `https://${host}`;
  });
  after(async () => {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  test('the default allow-list is Amazon SNS over https with a .pem path', () => {
    assert.equal(
      checkSigningCertUrl('https://sns.ap-northeast-1.amazonaws.com/SimpleNotificationService-abc.pem').hostname,
      'sns.ap-northeast-1.amazonaws.com',
    );
    assert.ok(checkSigningCertUrl('https://sns.cn-north-1.amazonaws.com.cn/x.pem'));
    for (const bad of [
      'http://sns.us-east-1.amazonaws.com/x.pem',
      'https://sns.us-east-1.amazonaws.com.evil.example/x.pem',
      'https://evil.example/sns.us-east-1.amazonaws.com/x.pem',
      'https://sns.us-east-1.amazonaws.com/x.txt',
      'https://user:pw@sns.us-east-1.amazonaws.com/x.pem',
      `${origin}/ipn/signing-cert.pem`,
      'not a url',
    ]) {
      assert.throws(
        () => checkSigningCertUrl(bad),
        (e: unknown) => e instanceof NotificationError && e.code === 'UntrustedCertificateUrl',
        bad,
      );
    }
    assert.ok(checkSigningCertUrl(`${origin}/ipn/signing-cert.pem`, { allowedHosts: [host] }));
    assert.ok(checkSigningCertUrl(`${origin}/ipn/signing-cert.pem`, { allowedHosts: ['127.0.0.1'] }));
    assert.throws(
      () => checkSigningCertUrl(`${origin}/ipn/signing-cert.pem`, { allowedHosts: ['127.0.0.1:1'] }),
      NotificationError,
    );
    assert.throws(
      () => checkSigningCertUrl('http://127.0.0.1:8080/c.pem', { allowedHosts: ['127.0.0.1'] }),
      NotificationError,
    );
    assert.ok(checkSigningCertUrl('http://127.0.0.1:8080/c.pem', { allowedHosts: ['127.0.0.1'], allowHttp: true }));
  });

  test('a notification is verified with the certificate fetched from an allowed host (trusting a given CA), then cached', async () => {
    const envelope = signed({ ...base, SigningCertURL: `${origin}/ipn/signing-cert.pem` });
    const cache = new Map<string, string>();
    hits = 0;
    const verified = await verifyNotification(JSON.stringify(envelope), {
      allowedHosts: [host],
      ca: tls.certPem,
      cache,
    });
    assert.equal(verified.type === 'Notification' && verified.message.ObjectId, 'S01-1234567-1234567-C000001');
    await verifyNotification(JSON.stringify(envelope), { allowedHosts: [host], ca: tls.certPem, cache });
    assert.equal(hits, 1);
  });

  test('nothing is fetched from a host outside the allow-list, and an untrusted TLS certificate fails the download', async () => {
    hits = 0;
    const envelope = signed({ ...base, SigningCertURL: `${origin}/ipn/signing-cert.pem` });
    await assert.rejects(
      verifyNotification(envelope),
      (e: unknown) => e instanceof NotificationError && e.code === 'UntrustedCertificateUrl',
    );
    assert.equal(hits, 0);
    await assert.rejects(
      fetchSigningCertificate(`${origin}/ipn/signing-cert.pem`, { allowedHosts: [host], cache: false }),
      (e: unknown) => e instanceof NotificationError && e.code === 'CertificateUnavailable',
    );
    await assert.rejects(
      fetchSigningCertificate(`${origin}/ipn/missing.pem`, { allowedHosts: [host], ca: tls.certPem, cache: false }),
      (e: unknown) => e instanceof NotificationError && /HTTP 404/.test(e.message),
    );
  });
});

import assert from 'node:assert/strict';
import { createPrivateKey, generateKeyPairSync, X509Certificate } from 'node:crypto';
import { describe, test } from 'node:test';
import { buildEnvelope, messageIdOf, topicArn } from '../../../src/app/ipn/envelope.js';
import { selfSignedCertificate } from '../../../src/crypto/x509.js';
import {
  certificateFingerprint,
  signingCertificateFileName,
  signSnsMessage,
  snsStringToSign,
  verifySnsSignature,
} from '../../../src/signing/sns-signature.js';

const fields = {
  Type: 'Notification',
  MessageId: '0b4c0d1c-9a43-5b4e-8d0f-3f7f3a7a0001',
  TopicArn: 'arn:aws:sns:us-west-2:000000000000:reji-A1-sandbox',
  Message: '{"MerchantID":"A1","ObjectType":"CHARGE"}',
  Timestamp: '2026-01-01T00:00:00.000Z',
};

describe('SNS SignatureVersion 1', () => {
  test('the string to sign of a notification: Message, MessageId, Timestamp, TopicArn, Type', () => {
    assert.equal(
      snsStringToSign(fields),
      'Message\n{"MerchantID":"A1","ObjectType":"CHARGE"}\nMessageId\n0b4c0d1c-9a43-5b4e-8d0f-3f7f3a7a0001\n' +
        'Timestamp\n2026-01-01T00:00:00.000Z\nTopicArn\narn:aws:sns:us-west-2:000000000000:reji-A1-sandbox\nType\nNotification\n',
    );
  });

  test('a Subject is signed between MessageId and Timestamp', () => {
    assert.match(snsStringToSign({ ...fields, Subject: 'hello' }), /\nMessageId\n[^\n]+\nSubject\nhello\nTimestamp\n/);
  });

  test('a subscription confirmation signs SubscribeURL and Token instead of Subject', () => {
    const s = snsStringToSign({
      ...fields,
      Type: 'SubscriptionConfirmation',
      Subject: 'ignored',
      SubscribeURL: 'https://x/confirm',
      Token: 't0k',
    });
    assert.equal(s.includes('Subject'), false);
    assert.match(s, /MessageId\n[^\n]+\nSubscribeURL\nhttps:\/\/x\/confirm\nTimestamp\n[^\n]+\nToken\nt0k\nTopicArn\n/);
  });

  test('sign and verify with SHA1withRSA; any change breaks the signature', () => {
    const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const signature = signSnsMessage(fields, privateKey);
    assert.ok(verifySnsSignature(fields, signature, publicKey));
    assert.equal(verifySnsSignature({ ...fields, Message: `${fields.Message} ` }, signature, publicKey), false);
    assert.equal(verifySnsSignature({ ...fields, Timestamp: '2026-01-01T00:00:00.001Z' }, signature, publicKey), false);
    assert.equal(verifySnsSignature(fields, 'not base64!', publicKey), false);
  });

  test('the envelope: SNS keys in order, deterministic MessageId, signed over the stored message', () => {
    const cert = selfSignedCertificate({ commonName: 'sns.test', validDays: 1, keyUsage: 'signing' });
    const certificate = {
      fingerprint: certificateFingerprint(cert.certPem),
      certPem: cert.certPem,
      keyPem: cert.keyPem,
      createdAt: 0,
      privateKey: createPrivateKey(cert.keyPem),
      fileName: signingCertificateFileName(cert.certPem),
    };
    const payload = '{"MerchantID":"AXYZ","NotificationId":"N1","NotificationVersion":"V2"}';
    const input = {
      notificationId: 'N1',
      merchantId: 'AXYZ',
      merchantRegion: 'jp' as const,
      environment: 'Sandbox' as const,
      payload,
      createdAt: Date.UTC(2026, 4, 1, 12, 0, 0, 7),
    };
    const { body, headers, envelope } = buildEnvelope(input, certificate, 'https://reji.example/');
    assert.deepEqual(Object.keys(JSON.parse(body)), [
      'Type',
      'MessageId',
      'TopicArn',
      'Message',
      'Timestamp',
      'SignatureVersion',
      'Signature',
      'SigningCertURL',
    ]);
    assert.equal(envelope.Message, payload);
    assert.equal(envelope.Timestamp, '2026-05-01T12:00:00.007Z');
    assert.equal(envelope.MessageId, messageIdOf('N1'));
    assert.match(envelope.MessageId, /^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    assert.notEqual(messageIdOf('N2'), envelope.MessageId);
    assert.equal(envelope.TopicArn, topicArn('AXYZ', 'jp', 'Sandbox'));
    assert.equal(envelope.TopicArn, 'arn:aws:sns:us-west-2:000000000000:reji-AXYZ-sandbox');
    assert.match(
      envelope.SigningCertURL,
      /^https:\/\/reji\.example\/sns\/SimpleNotificationService-[0-9a-f]{32}\.pem$/,
    );
    assert.equal(headers['content-type'], 'text/plain; charset=UTF-8');
    assert.equal(headers['x-amz-sns-message-type'], 'Notification');
    assert.equal(headers['x-amz-sns-message-id'], envelope.MessageId);
    assert.ok(verifySnsSignature(envelope, envelope.Signature, new X509Certificate(cert.certPem).publicKey));
    // The same notification always gives the same bytes (retries and other processes included).
    assert.equal(buildEnvelope(input, certificate, 'https://reji.example').body, body);
  });
});

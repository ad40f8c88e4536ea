import { createHash, sign, verify, type KeyObject } from 'node:crypto';

/**
 * Amazon SNS message signatures, SignatureVersion 1 (SHA1withRSA), as IPN envelopes carry them.
 * Shared by reji's notification worker and whoever verifies them (tests, the SDK).
 */

export type SnsMessageType = 'Notification' | 'SubscriptionConfirmation' | 'UnsubscribeConfirmation';

/** The envelope keys that take part in the signature. */
export interface SnsSignedFields {
  readonly Type: SnsMessageType | string;
  readonly MessageId: string;
  readonly TopicArn: string;
  readonly Message: string;
  readonly Timestamp: string;
  readonly Subject?: string | undefined;
  readonly SubscribeURL?: string | undefined;
  readonly Token?: string | undefined;
}

const NOTIFICATION_KEYS = ['Message', 'MessageId', 'Subject', 'Timestamp', 'TopicArn', 'Type'] as const;
const SUBSCRIPTION_KEYS = ['Message', 'MessageId', 'SubscribeURL', 'Timestamp', 'Token', 'TopicArn', 'Type'] as const;

/**
 * The SNS string to sign: `Key\nValue\n` for each key in SNS's fixed order (Subject only when present,
 * as SNS does for notifications; confirmations use SubscribeURL and Token instead).
 */
export function snsStringToSign(fields: SnsSignedFields): string {
  const keys = fields.Type === 'Notification' ? NOTIFICATION_KEYS : SUBSCRIPTION_KEYS;
  let out = '';
  for (const key of keys) {
    const value = (fields as unknown as Record<string, string | undefined>)[key];
    if (value === undefined) continue;
    out += `${key}\n${value}\n`;
  }
  return out;
}

/** Base64 SHA1withRSA (PKCS#1 v1.5) over the string to sign: SNS SignatureVersion 1. */
export function signSnsMessage(fields: SnsSignedFields, privateKey: KeyObject | string): string {
  return sign('sha1', Buffer.from(snsStringToSign(fields), 'utf8'), privateKey).toString('base64');
}

/** Whether `signature` (base64) is the SignatureVersion 1 signature of `fields` by the certificate's key. */
export function verifySnsSignature(
  fields: SnsSignedFields,
  signature: string,
  certificateOrKey: KeyObject | string,
): boolean {
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(signature)) return false;
  try {
    return verify(
      'sha1',
      Buffer.from(snsStringToSign(fields), 'utf8'),
      certificateOrKey,
      Buffer.from(signature, 'base64'),
    );
  } catch {
    return false;
  }
}

/** The name part of a SigningCertURL, like SNS's `SimpleNotificationService-<hash>.pem`. */
export function signingCertificateFileName(certPem: string): string {
  return `SimpleNotificationService-${certificateFingerprint(certPem)}.pem`;
}

/** 32 hex digits of the SHA-256 of the certificate's DER: names the certificate in its URL. */
export function certificateFingerprint(certPem: string): string {
  const der = Buffer.from(certPem.replace(/-----(BEGIN|END) CERTIFICATE-----/g, '').replace(/\s+/g, ''), 'base64');
  return createHash('sha256').update(der).digest('hex').slice(0, 32);
}

import { createHash } from 'node:crypto';
import type { Environment } from '../../domain/environment.js';
import { REGION_INFO, type ApiRegion, type Region } from '../../domain/regions.js';
import type { Instant } from '../../domain/time.js';
import { signSnsMessage, type SnsSignedFields } from '../../signing/sns-signature.js';
import type { SnsEnvelope } from '../../wire/types.js';
import { CERTIFICATE_PATH_PREFIX, type SigningCertificate } from './certificate.js';

/** The AWS region named in TopicArn, after the merchant's Amazon Pay region. */
const AWS_REGIONS: Readonly<Record<ApiRegion, string>> = { na: 'us-east-1', eu: 'eu-west-1', jp: 'us-west-2' };

/** The account number in TopicArn: reji is no AWS account, so it is all zeros. */
export const TOPIC_ACCOUNT = '000000000000';

/** The SNS HTTP(S) notification reji POSTs (the wire type, narrowed to what reji sends). */
export interface SnsNotificationEnvelope extends SnsEnvelope {
  readonly Type: 'Notification';
  readonly SignatureVersion: '1';
}

export interface EnvelopeInput {
  readonly notificationId: string;
  readonly merchantId: string;
  readonly merchantRegion: Region;
  readonly environment: Environment;
  /** The stored CV2 message (JSON text), sent as is. */
  readonly payload: string;
  readonly createdAt: Instant;
}

/** `arn:aws:sns:<aws region>:000000000000:reji-<merchantId>-<sandbox|live>`. */
export function topicArn(merchantId: string, region: Region, environment: Environment): string {
  return `arn:aws:sns:${AWS_REGIONS[REGION_INFO[region].apiRegion]}:${TOPIC_ACCOUNT}:reji-${merchantId}-${environment.toLowerCase()}`;
}

/** A UUID derived from the notification id, so that every attempt (and every process) sends the same MessageId, as SNS retries do. */
export function messageIdOf(notificationId: string): string {
  const h = createHash('sha256').update(`reji-ipn:${notificationId}`).digest();
  h[6] = (h[6]! & 0x0f) | 0x50;
  h[8] = (h[8]! & 0x3f) | 0x80;
  const x = h.subarray(0, 16).toString('hex');
  return `${x.slice(0, 8)}-${x.slice(8, 12)}-${x.slice(12, 16)}-${x.slice(16, 20)}-${x.slice(20)}`;
}

/** The signed envelope and the headers SNS sends with it. Deterministic for a notification and certificate. */
export function buildEnvelope(
  input: EnvelopeInput,
  certificate: SigningCertificate,
  publicUrl: string,
): { body: string; headers: Record<string, string>; envelope: SnsNotificationEnvelope } {
  const fields: SnsSignedFields & { Type: 'Notification' } = {
    Type: 'Notification',
    MessageId: messageIdOf(input.notificationId),
    TopicArn: topicArn(input.merchantId, input.merchantRegion, input.environment),
    Message: input.payload,
    Timestamp: new Date(input.createdAt).toISOString(),
  };
  // Amazon's key order.
  const envelope: SnsNotificationEnvelope = {
    Type: fields.Type,
    MessageId: fields.MessageId,
    TopicArn: fields.TopicArn,
    Message: fields.Message,
    Timestamp: fields.Timestamp,
    SignatureVersion: '1',
    Signature: signSnsMessage(fields, certificate.privateKey),
    SigningCertURL: `${publicUrl.replace(/\/+$/, '')}${CERTIFICATE_PATH_PREFIX}${certificate.fileName}`,
  };
  return {
    body: JSON.stringify(envelope),
    envelope,
    headers: {
      'content-type': 'text/plain; charset=UTF-8',
      'x-amz-sns-message-type': 'Notification',
      'x-amz-sns-message-id': envelope.MessageId,
      'x-amz-sns-topic-arn': envelope.TopicArn,
      'user-agent': 'Amazon Simple Notification Service Agent (reji)',
    },
  };
}

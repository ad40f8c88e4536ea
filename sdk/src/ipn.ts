import { X509Certificate, createVerify } from 'node:crypto';
import type { IpnMessage, SnsEnvelope, SnsMessageType } from '../../src/wire/types.js';
import { nodeTransport, type NodeTransportOptions, type Transport } from './transport.js';

/** The hosts Amazon SNS serves its signing certificates from (spec 08 §8.2). */
export const AMAZON_SNS_CERT_HOST = /^sns\.[a-zA-Z0-9-]{3,}\.amazonaws\.com(\.cn)?$/;

export type NotificationErrorCode =
  | 'MalformedEnvelope'
  | 'UnsupportedSignatureVersion'
  | 'UntrustedCertificateUrl'
  | 'CertificateUnavailable'
  | 'InvalidCertificate'
  | 'InvalidSignature'
  | 'MalformedMessage';

/**
 * A notification that cannot be trusted or read; `code` says why. Answer the POST with a 4xx (or just 200
 * and ignore it) — never act on it.
 *
 * @example
 * try { await verifyNotification(body, { certificate }); }
 * catch (error) { if (error instanceof NotificationError) console.warn(error.code, error.message); }
 */
export class NotificationError extends Error {
  readonly code: NotificationErrorCode;

  constructor(code: NotificationErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'NotificationError';
    this.code = code;
  }
}

const MESSAGE_TYPES: readonly SnsMessageType[] = [
  'Notification',
  'SubscriptionConfirmation',
  'UnsubscribeConfirmation',
];
const REQUIRED_ENVELOPE_KEYS = [
  'Type',
  'MessageId',
  'TopicArn',
  'Message',
  'Timestamp',
  'SignatureVersion',
  'Signature',
  'SigningCertURL',
] as const;
const OPTIONAL_ENVELOPE_KEYS = ['Subject', 'UnsubscribeURL', 'SubscribeURL', 'Token'] as const;
/**
 * SNS SignatureVersion 1/2 sign these keys, when present, in this order; a Notification never signs
 * SubscribeURL/Token and a confirmation never signs Subject (as AWS's own validators and reji's sender do).
 */
const NOTIFICATION_SIGNED_KEYS = ['Message', 'MessageId', 'Subject', 'Timestamp', 'TopicArn', 'Type'] as const;
const CONFIRMATION_SIGNED_KEYS = [
  'Message',
  'MessageId',
  'SubscribeURL',
  'Timestamp',
  'Token',
  'TopicArn',
  'Type',
] as const;

function asObject(
  body: string | Uint8Array | object,
  what: string,
  code: NotificationErrorCode,
): Record<string, unknown> {
  let value: unknown = body;
  if (typeof body === 'string' || body instanceof Uint8Array) {
    const text = typeof body === 'string' ? body : Buffer.from(body).toString('utf8');
    try {
      value = JSON.parse(text);
    } catch (cause) {
      throw new NotificationError(code, `The ${what} is not JSON.`, { cause });
    }
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw new NotificationError(code, `The ${what} is not a JSON object.`);
  return value as Record<string, unknown>;
}

/**
 * Reads the SNS envelope an IPN arrives in (the raw `text/plain` body, or its parsed JSON).
 *
 * @example
 * const envelope = parseNotificationEnvelope(rawBody);
 * console.log(envelope.Type, envelope.MessageId);
 */
export function parseNotificationEnvelope(body: string | Uint8Array | object): SnsEnvelope {
  const o = asObject(body, 'notification body', 'MalformedEnvelope');
  const out: Record<string, string> = {};
  for (const key of REQUIRED_ENVELOPE_KEYS) {
    const v = o[key];
    if (typeof v !== 'string' || v === '')
      throw new NotificationError('MalformedEnvelope', `The notification envelope has no ${key}.`);
    out[key] = v;
  }
  for (const key of OPTIONAL_ENVELOPE_KEYS) {
    const v = o[key];
    if (v === undefined || v === null) continue;
    if (typeof v !== 'string')
      throw new NotificationError('MalformedEnvelope', `The notification envelope's ${key} is not a string.`);
    out[key] = v;
  }
  if (!(MESSAGE_TYPES as readonly string[]).includes(out['Type']!)) {
    throw new NotificationError('MalformedEnvelope', `Unknown notification Type "${out['Type']}".`);
  }
  return out as unknown as SnsEnvelope;
}

/**
 * The text SNS signs: `Key\nValue\n` for each present key of Message, MessageId, Subject, SubscribeURL,
 * Timestamp, Token, TopicArn, Type, in that order (Subject only for notifications, SubscribeURL and Token
 * only for subscription confirmations).
 *
 * @example
 * const text = notificationStringToSign(parseNotificationEnvelope(rawBody));
 */
export function notificationStringToSign(envelope: SnsEnvelope): string {
  let text = '';
  for (const key of envelope.Type === 'Notification' ? NOTIFICATION_SIGNED_KEYS : CONFIRMATION_SIGNED_KEYS) {
    const value = envelope[key];
    if (value !== undefined) text += `${key}\n${value}\n`;
  }
  return text;
}

function certificateOf(pem: string | Buffer): X509Certificate {
  try {
    return new X509Certificate(pem);
  } catch (cause) {
    throw new NotificationError('InvalidCertificate', 'The signing certificate is not a PEM X.509 certificate.', {
      cause,
    });
  }
}

/**
 * Checks an envelope's `Signature` with the signing certificate: SHA1withRSA for SignatureVersion 1
 * (SHA256withRSA for 2). Throws for an unusable or expired certificate; returns false for a wrong signature.
 *
 * @example
 * if (!verifyNotificationSignature(envelope, certificatePem)) return res.writeHead(403).end();
 */
export function verifyNotificationSignature(
  envelope: SnsEnvelope,
  certificatePem: string | Buffer,
  options: { readonly now?: () => Date } = {},
): boolean {
  const algorithm =
    envelope.SignatureVersion === '1' ? 'RSA-SHA1' : envelope.SignatureVersion === '2' ? 'RSA-SHA256' : undefined;
  if (algorithm === undefined)
    throw new NotificationError(
      'UnsupportedSignatureVersion',
      `SignatureVersion "${envelope.SignatureVersion}" is not supported; expected "1".`,
    );
  const cert = certificateOf(certificatePem);
  const now = (options.now?.() ?? new Date()).getTime();
  if (now < Date.parse(cert.validFrom) || now > Date.parse(cert.validTo)) {
    throw new NotificationError(
      'InvalidCertificate',
      `The signing certificate is not valid now (valid ${cert.validFrom} to ${cert.validTo}).`,
    );
  }
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(envelope.Signature)) return false;
  try {
    return createVerify(algorithm)
      .update(notificationStringToSign(envelope), 'utf8')
      .verify(cert.publicKey, envelope.Signature, 'base64');
  } catch {
    return false;
  }
}

const IPN_KEYS = [
  'MerchantID',
  'ObjectType',
  'ObjectId',
  'ChargePermissionId',
  'NotificationType',
  'NotificationId',
  'NotificationVersion',
] as const;

/**
 * Reads the CV2 notification (the envelope's `Message`); keys are matched case-insensitively, so the older
 * camelCase form (`merchantID`, `objectType`, …) reads the same.
 *
 * @example
 * const message = parseIpnMessage(envelope.Message);
 * if (message.ObjectType === 'CHARGE') await client.charges.get(message.ObjectId);
 */
export function parseIpnMessage(message: string | object): IpnMessage {
  const o = asObject(message, 'notification Message', 'MalformedMessage');
  const byLower = new Map<string, unknown>();
  for (const [key, value] of Object.entries(o)) byLower.set(key.toLowerCase(), value);
  const out: Record<string, string> = {};
  for (const key of IPN_KEYS) {
    const v = byLower.get(key.toLowerCase());
    if (typeof v !== 'string' || v === '')
      throw new NotificationError('MalformedMessage', `The notification Message has no ${key}.`);
    out[key] = v;
  }
  return out as unknown as IpnMessage;
}

export interface CertificateUrlPolicy {
  /**
   * Hosts the certificate may come from: a string matches the host (`host:port` when it ends in a port, else the
   * host name; IPv6 in brackets); a RegExp is tested against the host name. Default: Amazon SNS only.
   */
  readonly allowedHosts?: ReadonlyArray<string | RegExp>;
  /** Accept `http:` certificate URLs (a local reji sandbox without TLS). Default false. */
  readonly allowHttp?: boolean;
}

/**
 * Checks `SigningCertURL` against the allow-list before anything is fetched: scheme, host, `.pem` path.
 *
 * @example
 * checkSigningCertUrl('https://sns.eu-west-1.amazonaws.com/SimpleNotificationService-abc.pem'); // URL
 * checkSigningCertUrl('https://127.0.0.1:8443/ipn/cert.pem', { allowedHosts: ['127.0.0.1:8443'] });
 */
export function checkSigningCertUrl(certUrl: string, policy: CertificateUrlPolicy = {}): URL {
  let url: URL;
  try {
    url = new URL(certUrl);
  } catch {
    throw new NotificationError('UntrustedCertificateUrl', `SigningCertURL "${certUrl}" is not a URL.`);
  }
  if (url.protocol !== 'https:' && !(policy.allowHttp === true && url.protocol === 'http:')) {
    throw new NotificationError('UntrustedCertificateUrl', `SigningCertURL must be https, got ${url.protocol}`);
  }
  if (url.username !== '' || url.password !== '')
    throw new NotificationError('UntrustedCertificateUrl', 'SigningCertURL must not carry credentials.');
  const allowed = policy.allowedHosts ?? [AMAZON_SNS_CERT_HOST];
  const hostOk = allowed.some((entry) =>
    typeof entry === 'string'
      ? (/:\d+$/.test(entry) ? url.host : url.hostname).toLowerCase() === entry.toLowerCase()
      : entry.test(url.hostname),
  );
  if (!hostOk)
    throw new NotificationError('UntrustedCertificateUrl', `SigningCertURL host ${url.host} is not in the allow-list.`);
  if (!url.pathname.endsWith('.pem'))
    throw new NotificationError('UntrustedCertificateUrl', 'SigningCertURL must point at a .pem file.');
  return url;
}

export interface FetchCertificateOptions extends CertificateUrlPolicy, NodeTransportOptions {
  /** Default 10 s. */
  readonly timeoutMs?: number;
  /** Inject to stub or proxy the download. */
  readonly transport?: Transport;
  /** Downloaded certificates by URL (a module-wide cache by default; `false` for none). */
  readonly cache?: Map<string, string> | false;
}

const certificateCache = new Map<string, string>();

/**
 * Downloads the PEM at `SigningCertURL` after checking it against the allow-list; cached by URL.
 *
 * @example
 * const pem = await fetchSigningCertificate(envelope.SigningCertURL); // Amazon SNS hosts only
 * const local = await fetchSigningCertificate(url, { allowedHosts: ['127.0.0.1:8443'], ca: readFileSync('.reji/tls/cert.pem') });
 */
export async function fetchSigningCertificate(certUrl: string, options: FetchCertificateOptions = {}): Promise<string> {
  const url = checkSigningCertUrl(certUrl, options);
  const cache = options.cache === false ? undefined : (options.cache ?? certificateCache);
  const cached = cache?.get(url.href);
  if (cached !== undefined) return cached;
  const transport = options.transport ?? nodeTransport({ ...options, keepAlive: false });
  let text: string;
  try {
    const res = await transport({
      method: 'GET',
      url: url.href,
      headers: { accept: 'application/x-pem-file, */*' },
      body: undefined,
      timeoutMs: options.timeoutMs ?? 10_000,
    });
    if (res.status !== 200) throw new Error(`HTTP ${res.status}`);
    text = res.body;
  } catch (cause) {
    throw new NotificationError(
      'CertificateUnavailable',
      `Could not fetch the signing certificate from ${url.href}: ${cause instanceof Error ? cause.message : String(cause)}`,
      { cause },
    );
  } finally {
    if (options.transport === undefined) (transport as ReturnType<typeof nodeTransport>).close();
  }
  certificateOf(text);
  if (cache) {
    if (cache.size >= 100) cache.clear();
    cache.set(url.href, text);
  }
  return text;
}

export interface VerifyNotificationOptions extends FetchCertificateOptions {
  /** The signing certificate (PEM); when given, `SigningCertURL` is not fetched. */
  readonly certificate?: string | Buffer;
  readonly now?: () => Date;
}

export type VerifiedNotification =
  | { readonly type: 'Notification'; readonly envelope: SnsEnvelope; readonly message: IpnMessage }
  | {
      readonly type: 'SubscriptionConfirmation' | 'UnsubscribeConfirmation';
      readonly envelope: SnsEnvelope;
      readonly message: null;
    };

/**
 * Parses, verifies and reads an IPN in one go; throws `NotificationError` when it cannot be trusted.
 * The notification is only a hint: read the object with the API before acting on it.
 *
 * @example
 * // POST handler of your IPN endpoint (body read as text)
 * const n = await verifyNotification(rawBody);
 * if (n.type === 'Notification' && n.message.ObjectType === 'CHARGE') {
 *   const { body: charge } = await client.charges.get(n.message.ObjectId);
 * }
 */
export async function verifyNotification(
  body: string | Uint8Array | object,
  options: VerifyNotificationOptions = {},
): Promise<VerifiedNotification> {
  const envelope = parseNotificationEnvelope(body);
  const certificate = options.certificate ?? (await fetchSigningCertificate(envelope.SigningCertURL, options));
  if (!verifyNotificationSignature(envelope, certificate, options.now ? { now: options.now } : {})) {
    throw new NotificationError(
      'InvalidSignature',
      'The notification signature does not verify with the signing certificate.',
    );
  }
  if (envelope.Type === 'Notification')
    return { type: 'Notification', envelope, message: parseIpnMessage(envelope.Message) };
  return { type: envelope.Type, envelope, message: null };
}

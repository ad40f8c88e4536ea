import {
  X509Certificate,
  createHash,
  createPrivateKey,
  createPublicKey,
  generateKeyPairSync,
  randomBytes,
  sign,
  type KeyObject,
} from 'node:crypto';
import { isIP } from 'node:net';

/**
 * A minimal X.509 v3 certificate builder (DER by hand), enough for reji's self-signed HTTPS certificate
 * and the certificate that signs its payment notifications. Node parses and verifies the result.
 */

function length(n: number): Buffer {
  if (n < 0x80) return Buffer.from([n]);
  const bytes: number[] = [];
  for (let v = n; v > 0; v >>= 8) bytes.unshift(v & 0xff);
  return Buffer.from([0x80 | bytes.length, ...bytes]);
}

function tlv(tag: number, content: Buffer): Buffer {
  return Buffer.concat([Buffer.from([tag]), length(content.length), content]);
}

const seq = (...items: Buffer[]) => tlv(0x30, Buffer.concat(items));
const set = (...items: Buffer[]) => tlv(0x31, Buffer.concat(items));
const nul = () => Buffer.from([0x05, 0x00]);
const utf8 = (s: string) => tlv(0x0c, Buffer.from(s, 'utf8'));
const octets = (b: Buffer) => tlv(0x04, b);
const bitString = (b: Buffer) => tlv(0x03, Buffer.concat([Buffer.from([0]), b]));
const explicit = (n: number, content: Buffer) => tlv(0xa0 + n, content);
const bool = (v: boolean) => Buffer.from([0x01, 0x01, v ? 0xff : 0x00]);

function integer(bytes: Buffer): Buffer {
  let b = bytes;
  while (b.length > 1 && b[0] === 0 && (b[1]! & 0x80) === 0) b = b.subarray(1);
  if ((b[0]! & 0x80) !== 0) b = Buffer.concat([Buffer.from([0]), b]);
  return tlv(0x02, b);
}

function oid(dotted: string): Buffer {
  const parts = dotted.split('.').map(Number);
  const out: number[] = [40 * parts[0]! + parts[1]!];
  for (const part of parts.slice(2)) {
    const chunk: number[] = [];
    let v = part;
    do {
      chunk.unshift(v & 0x7f);
      v = Math.floor(v / 128);
    } while (v > 0);
    for (let i = 0; i < chunk.length - 1; i++) chunk[i]! |= 0x80;
    out.push(...chunk);
  }
  return tlv(0x06, Buffer.from(out));
}

function time(at: Date): Buffer {
  const iso = at.toISOString().replace(/[-:T]/g, '').slice(0, 14);
  // UTCTime until 2049, GeneralizedTime after, as RFC 5280 requires.
  return at.getUTCFullYear() < 2050 ? tlv(0x17, Buffer.from(`${iso.slice(2)}Z`)) : tlv(0x18, Buffer.from(`${iso}Z`));
}

function name(commonName: string, organization: string): Buffer {
  return seq(set(seq(oid('2.5.4.10'), utf8(organization))), set(seq(oid('2.5.4.3'), utf8(commonName))));
}

function ipBytes(ip: string): Buffer {
  if (isIP(ip) === 4) return Buffer.from(ip.split('.').map(Number));
  const [head, tail] = ip.split('::') as [string, string | undefined];
  const h = head ? head.split(':') : [];
  const t = tail ? tail.split(':') : [];
  const groups = [...h, ...Array(8 - h.length - t.length).fill('0'), ...t];
  return Buffer.from(
    groups.flatMap((g: string) => {
      const v = parseInt(g || '0', 16);
      return [v >> 8, v & 0xff];
    }),
  );
}

export interface CertificateOptions {
  readonly commonName: string;
  readonly organization?: string;
  /** DNS names and IP addresses for subjectAltName. */
  readonly altNames?: readonly string[];
  readonly validDays: number;
  /** `ca`: a certificate authority that signs other certificates (keyCertSign, CA:true). */
  readonly keyUsage: 'tls-server' | 'signing' | 'ca';
  readonly now?: Date;
}

/** The certificate authority that signs an issued certificate (see `issueCertificate`). */
export interface Issuer {
  readonly certPem: string;
  readonly keyPem: string;
}

export interface GeneratedCertificate {
  readonly certPem: string;
  readonly keyPem: string;
}

const SHA256_WITH_RSA = seq(oid('1.2.840.113549.1.1.11'), nul());

/** A self-signed RSA-2048 certificate and its private key, both PEM. */
export function selfSignedCertificate(options: CertificateOptions): GeneratedCertificate {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const certPem = buildCertificate(options, privateKey, publicKey);
  return { certPem, keyPem: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString() };
}

/** A certificate authority of reji's own (RSA-2048), to be trusted by clients that cannot skip verification. */
export function certificateAuthority(options: Omit<CertificateOptions, 'keyUsage' | 'altNames'>): GeneratedCertificate {
  return selfSignedCertificate({ ...options, keyUsage: 'ca' });
}

/** A new key and a certificate for it signed by `issuer` (CA:false, with the issuer's key id). */
export function issueCertificate(options: CertificateOptions, issuer: Issuer): GeneratedCertificate {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const issuerCert = new X509Certificate(issuer.certPem);
  const issuerKey = createPrivateKey(issuer.keyPem);
  const certPem = buildCertificate(options, privateKey, publicKey, {
    name: subjectOf(issuerCert),
    privateKey: issuerKey,
    keyId: keyIdentifier(issuerCert.publicKey),
  });
  return { certPem, keyPem: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString() };
}

/** RFC 5280 §4.2.1.2 method 1: SHA-1 of the subjectPublicKey bits. */
function keyIdentifier(publicKey: KeyObject): Buffer {
  const spki = publicKey.export({ type: 'spki', format: 'der' });
  return createHash('sha1').update(subjectPublicKeyBits(spki)).digest();
}

/** The BIT STRING content (without the unused-bits byte) of a SubjectPublicKeyInfo. */
function subjectPublicKeyBits(spki: Buffer): Buffer {
  const items = children(children(spki)[0]!.content);
  return items[1]!.content.subarray(1);
}

interface Der {
  readonly tag: number;
  readonly content: Buffer;
  readonly whole: Buffer;
}

function readDer(buf: Buffer, at: number): Der & { readonly end: number } {
  const tag = buf[at]!;
  let len = buf[at + 1]!;
  let offset = at + 2;
  if (len & 0x80) {
    const n = len & 0x7f;
    len = 0;
    for (let i = 0; i < n; i++) len = len * 256 + buf[offset + i]!;
    offset += n;
  }
  return { tag, content: buf.subarray(offset, offset + len), whole: buf.subarray(at, offset + len), end: offset + len };
}

function children(content: Buffer): Der[] {
  const out: Der[] = [];
  for (let at = 0; at < content.length; ) {
    const item = readDer(content, at);
    out.push(item);
    at = item.end;
  }
  return out;
}

/** The subject Name of a certificate, DER, exactly as encoded (an issued certificate's issuer must match it byte for byte). */
function subjectOf(cert: X509Certificate): Buffer {
  const tbs = children(children(cert.raw)[0]!.content)[0]!;
  const fields = children(tbs.content);
  // version [0] is present in v3 certificates: serial, signature, issuer, validity, subject follow.
  const first = fields[0]!.tag === 0xa0 ? 1 : 0;
  return fields[first + 4]!.whole;
}

export function buildCertificate(
  options: CertificateOptions,
  privateKey: KeyObject,
  publicKey: KeyObject = createPublicKey(privateKey),
  issuer?: { readonly name: Buffer; readonly privateKey: KeyObject; readonly keyId: Buffer },
): string {
  const now = options.now ?? new Date();
  const notBefore = new Date(now.getTime() - 60 * 60 * 1000);
  const notAfter = new Date(now.getTime() + options.validDays * 24 * 60 * 60 * 1000);
  const subject = name(options.commonName, options.organization ?? 'reji');
  const spki = publicKey.export({ type: 'spki', format: 'der' });
  // basicConstraints, critical: CA:true only for a certificate authority (an empty SEQUENCE means CA:false).
  const extensions: Buffer[] = [
    seq(oid('2.5.29.19'), bool(true), octets(options.keyUsage === 'ca' ? seq(bool(true)) : seq())),
  ];
  const ownKeyId = keyIdentifier(publicKey);
  if (options.keyUsage === 'ca') {
    // keyCertSign | cRLSign
    extensions.push(seq(oid('2.5.29.15'), bool(true), octets(tlv(0x03, Buffer.from([0x01, 0x06])))));
    extensions.push(seq(oid('2.5.29.14'), octets(octets(ownKeyId))));
  } else if (options.keyUsage === 'tls-server') {
    // digitalSignature | keyEncipherment
    extensions.push(seq(oid('2.5.29.15'), bool(true), octets(tlv(0x03, Buffer.from([0x05, 0xa0])))));
    extensions.push(seq(oid('2.5.29.37'), octets(seq(oid('1.3.6.1.5.5.7.3.1')))));
  } else {
    // digitalSignature only
    extensions.push(seq(oid('2.5.29.15'), bool(true), octets(tlv(0x03, Buffer.from([0x07, 0x80])))));
  }
  if (options.altNames && options.altNames.length > 0) {
    const entries = options.altNames.map((n) => (isIP(n) ? tlv(0x87, ipBytes(n)) : tlv(0x82, Buffer.from(n, 'ascii'))));
    extensions.push(seq(oid('2.5.29.17'), octets(seq(...entries))));
  }
  if (issuer !== undefined) {
    extensions.push(seq(oid('2.5.29.14'), octets(octets(ownKeyId))));
    extensions.push(seq(oid('2.5.29.35'), octets(seq(tlv(0x80, issuer.keyId)))));
  }
  const tbs = seq(
    explicit(0, integer(Buffer.from([2]))),
    integer(randomBytes(16)),
    SHA256_WITH_RSA,
    issuer?.name ?? subject,
    seq(time(notBefore), time(notAfter)),
    subject,
    spki,
    explicit(3, seq(...extensions)),
  );
  const signature = sign('sha256', tbs, issuer?.privateKey ?? privateKey);
  const der = seq(tbs, SHA256_WITH_RSA, bitString(signature));
  const pem = `-----BEGIN CERTIFICATE-----\n${der
    .toString('base64')
    .match(/.{1,64}/g)!
    .join('\n')}\n-----END CERTIFICATE-----\n`;
  // Let Node parse it: a malformed certificate fails here, not in a client.
  new X509Certificate(pem);
  return pem;
}

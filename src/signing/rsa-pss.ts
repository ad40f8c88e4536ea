import { constants, createPrivateKey, createPublicKey, sign, verify, type KeyObject } from 'node:crypto';
import { SIGNING_ALGORITHMS, type SigningAlgorithm } from './algorithms.js';

export type PrivateKeyInput = string | Buffer | KeyObject;
export type PublicKeyInput = string | Buffer | KeyObject;

export function toPrivateKey(key: PrivateKeyInput): KeyObject {
  return typeof key === 'string' || Buffer.isBuffer(key) ? createPrivateKey(key) : key;
}

export function toPublicKey(key: PublicKeyInput): KeyObject {
  return typeof key === 'string' || Buffer.isBuffer(key) ? createPublicKey(key) : key;
}

/** Base64 (with padding) RSASSA-PSS / SHA-256 / MGF1-SHA-256 signature of a UTF-8 string. */
export function signString(algorithm: SigningAlgorithm, privateKey: PrivateKeyInput, text: string): string {
  return sign('sha256', Buffer.from(text, 'utf8'), {
    key: toPrivateKey(privateKey),
    padding: constants.RSA_PKCS1_PSS_PADDING,
    saltLength: SIGNING_ALGORITHMS[algorithm].saltLength,
  }).toString('base64');
}

function verifyOptions(algorithm: SigningAlgorithm, publicKey: PublicKeyInput) {
  return {
    key: toPublicKey(publicKey),
    padding: constants.RSA_PKCS1_PSS_PADDING,
    saltLength: SIGNING_ALGORITHMS[algorithm].saltLength,
  };
}

const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;

/** Verifies with the salt length the algorithm declares; a malformed signature is simply not valid. */
export function verifyString(
  algorithm: SigningAlgorithm,
  publicKey: PublicKeyInput,
  text: string,
  signatureBase64: string,
): boolean {
  if (!BASE64.test(signatureBase64)) return false;
  try {
    return verify(
      'sha256',
      Buffer.from(text, 'utf8'),
      verifyOptions(algorithm, publicKey),
      Buffer.from(signatureBase64, 'base64'),
    );
  } catch {
    return false;
  }
}

/**
 * `verifyString` on libuv's thread pool: the RSA arithmetic (most of a signed request's CPU time)
 * leaves the event loop, which meanwhile serves other requests.
 */
export function verifyStringAsync(
  algorithm: SigningAlgorithm,
  publicKey: PublicKeyInput,
  text: string,
  signatureBase64: string,
): Promise<boolean> {
  if (!BASE64.test(signatureBase64)) return Promise.resolve(false);
  return new Promise((resolve) => {
    try {
      verify(
        'sha256',
        Buffer.from(text, 'utf8'),
        verifyOptions(algorithm, publicKey),
        Buffer.from(signatureBase64, 'base64'),
        (error, valid) => resolve(!error && valid),
      );
    } catch {
      resolve(false);
    }
  });
}

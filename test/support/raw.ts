import { request } from 'node:http';
import { signRequest } from '../../src/signing/index.js';
import type { SigningAlgorithm } from '../../src/signing/index.js';

export interface RawResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
  json: any;
}

/** Sends exactly these bytes and headers (no client-side normalisation), over plain HTTP. */
export function rawRequest(
  baseUrl: string,
  req: { method: string; path: string; headers: Record<string, string>; body?: string | Buffer },
): Promise<RawResponse> {
  const url = new URL(baseUrl);
  return new Promise((resolve, reject) => {
    const r = request(
      { host: url.hostname, port: url.port, method: req.method, path: req.path, headers: req.headers },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          let json: unknown;
          try {
            json = JSON.parse(text);
          } catch {
            json = undefined;
          }
          resolve({ status: res.statusCode ?? 0, headers: res.headers, text, json });
        });
      },
    );
    r.on('error', reject);
    if (req.body !== undefined) r.write(req.body);
    r.end();
  });
}

export interface SignOptions {
  readonly publicKeyId: string;
  readonly privateKeyPem: string;
  readonly algorithm?: SigningAlgorithm;
  /** Defaults to now, in the basic form. */
  readonly date?: Date;
  readonly region?: string;
}

/** Headers for a request signed the way the SDKs do it (every header sent is signed). */
export function signedHeaders(
  baseUrl: string,
  key: SignOptions,
  req: { method: string; path: string; query?: [string, string][]; body?: string; headers?: Record<string, string> },
): Record<string, string> {
  const date = (key.date ?? new Date())
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d{3}/, '');
  const headers: Record<string, string> = {
    accept: 'application/json',
    'content-type': 'application/json',
    'x-amz-pay-date': date,
    'x-amz-pay-host': new URL(baseUrl).host,
    'x-amz-pay-region': key.region ?? 'jp',
    ...req.headers,
  };
  return signRequest({
    method: req.method,
    path: req.path,
    query: req.query ?? [],
    headers,
    body: req.body ?? '',
    publicKeyId: key.publicKeyId,
    privateKey: key.privateKeyPem,
    algorithm: key.algorithm ?? 'AMZN-PAY-RSASSA-PSS-V2',
  }).headers;
}

/** Signs and sends in one go. */
export function signedRequest(
  baseUrl: string,
  key: SignOptions,
  req: { method: string; path: string; query?: [string, string][]; body?: string; headers?: Record<string, string> },
): Promise<RawResponse> {
  const headers = signedHeaders(baseUrl, key, req);
  const qs =
    req.query && req.query.length > 0
      ? `?${req.query.map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`).join('&')}`
      : '';
  return rawRequest(baseUrl, {
    method: req.method,
    path: req.path + qs,
    headers,
    ...(req.body !== undefined ? { body: req.body } : {}),
  });
}

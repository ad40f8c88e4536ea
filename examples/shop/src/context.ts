// The shop's context: everything decided once at start-up and shared by every page (settings, SDK client,
// order store, strings, logger, cookie secret). Built by `createShopContext`, read by the page modules.
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { AmazonPayClient, type AmazonPayClientOptions } from '@reji/sdk';
import { MESSAGES, type Lang, type Messages } from './i18n.js';
import { OrderStore } from './orders.js';
import type { Flash } from './views.js';

/** Everything the shop needs, decided once at start-up. */
export interface ShopConfig {
  /** Interface to listen on (default 127.0.0.1). */
  readonly host?: string;
  /** 0 picks a free port. */
  readonly port: number;
  /** The shop's URL as buyers' browsers reach it; default `http://<host>:<port>`. */
  readonly publicUrl?: string;
  /** Orders and the cookie secret live here (e.g. `.reji/shop`). */
  readonly dataDir: string;
  readonly merchantId: string;
  readonly storeId: string;
  readonly publicKeyId: string;
  /** PEM of the merchant's private key. */
  readonly privateKey: string | Buffer;
  /** Where the API is: reji's URL (`https://127.0.0.1:8443`); leave out for Amazon's hosts. */
  readonly apiBaseUrl?: string;
  /** Extra CA to trust for the API (reji's `.reji/tls/cert.pem`). */
  readonly ca?: string | Buffer;
  /** `<script src>` of checkout.js: `{reji}/checkout.js`, or Amazon's. */
  readonly checkoutJsUrl: string;
  /** Sandbox merchant (shows `sandbox: true` on the button). */
  readonly sandbox: boolean;
  /** Password of `/admin`. */
  readonly adminPassword: string;
  /** Extra options for the SDK client (tests shorten retries). */
  readonly clientOptions?: Partial<AmazonPayClientOptions>;
  /** One JSON object per line; default: stderr. Never gets keys, cookies or buyer data. */
  readonly log?: (entry: Record<string, unknown>) => void;
}

export type Logger = (entry: Record<string, unknown>) => void;

/** The one object every page handler reaches through `r.ctx`. */
export interface ShopContext {
  readonly config: ShopConfig;
  readonly client: AmazonPayClient;
  readonly orders: OrderStore;
  readonly messages: Readonly<Record<Lang, Messages>>;
  readonly log: Logger;
  /** Signs cookies and CSRF tokens (`<dataDir>/secret`). */
  readonly secret: Buffer;
  /** The Content-Security-Policy of every page. */
  readonly csp: string;
  /** One-time messages shown on the next page, keyed by the session's owner hash. */
  readonly flashes: Map<string, Flash>;
  /** The shop's public URL without a trailing slash; set once the server listens. */
  baseUrl: string;
}

function loadSecret(dataDir: string): Buffer {
  const file = join(dataDir, 'secret');
  if (existsSync(file)) return Buffer.from(readFileSync(file, 'utf8').trim(), 'hex');
  const secret = randomBytes(32);
  writeFileSync(file, secret.toString('hex'), { mode: 0o600 });
  return secret;
}

/** Builds the context once: data directory, secret, order store, SDK client, CSP. */
export function createShopContext(config: ShopConfig): ShopContext {
  mkdirSync(config.dataDir, { recursive: true });
  const secret = loadSecret(config.dataDir);
  const orders = new OrderStore(config.dataDir);
  const log: Logger =
    config.log ??
    ((entry) => process.stderr.write(`${JSON.stringify({ time: new Date().toISOString(), ...entry })}\n`));
  const client = new AmazonPayClient({
    publicKeyId: config.publicKeyId,
    privateKey: config.privateKey,
    region: 'jp',
    ...(config.apiBaseUrl ? { baseUrl: config.apiBaseUrl } : {}),
    ...(config.ca ? { ca: config.ca } : {}),
    userAgent: 'reji-demo-shop/0.1',
    ...config.clientOptions,
  });
  const checkoutJsOrigin = new URL(config.checkoutJsUrl).origin;
  // checkout.js posts its form to reji and fetches from it; 注文確定 redirects there after a form POST.
  const csp = [
    "default-src 'none'",
    `script-src 'self' ${checkoutJsOrigin}`,
    "style-src 'self'",
    "img-src 'self' data:",
    `connect-src 'self' ${checkoutJsOrigin}`,
    `form-action 'self' ${checkoutJsOrigin}`,
    "frame-ancestors 'none'",
    "base-uri 'none'",
  ].join('; ');
  return { config, client, orders, messages: MESSAGES, log, secret, csp, flashes: new Map(), baseUrl: '' };
}

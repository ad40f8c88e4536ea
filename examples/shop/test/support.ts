// Test harness for the demo shop: a real reji (test/support/reji.ts), the shop on a free port, a cookie-keeping
// "browser" over fetch, and an SDK client with the same merchant key for reji's testing endpoints.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AmazonPayClient, nodeTransport, type Transport, type TransportRequest } from '@reji/sdk';
import type { TestDialect } from '../../../test/support/dialects.js';
import { startTestReji, type TestMerchant, type TestReji } from '../../../test/support/reji.js';
import { startShop, type RunningShop, type ShopConfig } from '../src/shop.js';

export const ADMIN_PASSWORD = 'test-admin-password';

export interface ShopHarness {
  readonly reji: TestReji;
  readonly merchant: TestMerchant;
  shop: RunningShop;
  /** Same merchant key as the shop: creates sessions like checkout.js and plays the buyer via the testing endpoints. */
  readonly merchantClient: AmazonPayClient;
  /** Every API request the shop sent. */
  readonly shopRequests: TransportRequest[];
  readonly shopDataDir: string;
  /** Stops the shop and starts it again on the same data directory (and port). */
  restartShop(): Promise<void>;
  stop(): Promise<void>;
}

export async function startShopHarness(
  options: { rejiPublicUrl?: string; dialect?: TestDialect } = {},
): Promise<ShopHarness> {
  const reji = await startTestReji({ dialect: options.dialect ?? 'sqlite' });
  const merchant = await reji.merchant('jp', ['http://127.0.0.1:*']);
  const ca = readFileSync(join(reji.dataDir, 'tls', 'cert.pem'));
  const shopDataDir = mkdtempSync(join(tmpdir(), 'reji-shop-'));
  const shopRequests: TransportRequest[] = [];
  const transport = nodeTransport({ ca });
  const recording: Transport = (request) => {
    shopRequests.push(request);
    return transport(request);
  };
  const base = {
    host: '127.0.0.1',
    dataDir: shopDataDir,
    merchantId: merchant.merchantId,
    storeId: merchant.storeId,
    publicKeyId: merchant.sandboxKey.publicKeyId,
    privateKey: merchant.sandboxKey.privateKeyPem,
    apiBaseUrl: `https://${reji.httpsHost}`,
    ca,
    checkoutJsUrl: `${options.rejiPublicUrl ?? reji.httpUrl}/checkout.js`,
    sandbox: true,
    adminPassword: ADMIN_PASSWORD,
    clientOptions: { transport: recording, retries: { maxRetries: 1, initialDelayMs: 5, maxDelayMs: 10 } },
    log: () => {},
  } satisfies Omit<ShopConfig, 'port'>;
  const merchantClient = new AmazonPayClient({
    publicKeyId: merchant.sandboxKey.publicKeyId,
    privateKey: merchant.sandboxKey.privateKeyPem,
    region: 'jp',
    baseUrl: `https://${reji.httpsHost}`,
    ca,
  });
  const harness: ShopHarness = {
    reji,
    merchant,
    shop: await startShop({ ...base, port: 0 }),
    merchantClient,
    shopRequests,
    shopDataDir,
    async restartShop() {
      const port = Number(new URL(harness.shop.url).port);
      await harness.shop.close();
      harness.shop = await startShop({ ...base, port });
    },
    async stop() {
      await harness.shop.close();
      merchantClient.close();
      transport.close();
      await reji.stop();
      rmSync(shopDataDir, { recursive: true, force: true });
    },
  };
  return harness;
}

export interface Page {
  readonly status: number;
  readonly location: string | null;
  readonly html: string;
  readonly headers: Headers;
}

/** A browser without JavaScript: keeps cookies, does not follow redirects. */
export class CookieBrowser {
  readonly cookies = new Map<string, string>();

  constructor(readonly base: string) {}

  async request(
    method: 'GET' | 'POST',
    pathOrUrl: string,
    form?: Record<string, string>,
    headers: Record<string, string> = {},
  ): Promise<Page> {
    const url = new URL(pathOrUrl, this.base);
    const body = form ? new URLSearchParams(form).toString() : undefined;
    // A fresh connection per request (agent: false), so a restarted shop is reached like a browser would.
    const res = await new Promise<IncomingMessage>((resolve, reject) => {
      const req = httpRequest(
        url,
        {
          method,
          agent: false,
          headers: {
            ...(this.cookies.size ? { cookie: [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ') } : {}),
            ...(form ? { 'content-type': 'application/x-www-form-urlencoded', origin: new URL(this.base).origin } : {}),
            ...headers,
          },
        },
        resolve,
      );
      req.on('error', reject);
      req.end(body);
    });
    const chunks: Buffer[] = [];
    for await (const chunk of res) chunks.push(chunk as Buffer);
    const setCookies = res.headers['set-cookie'] ?? [];
    for (const line of setCookies) {
      const [pair, ...attrs] = line.split(';');
      const eq = pair!.indexOf('=');
      const name = pair!.slice(0, eq).trim();
      if (attrs.some((a) => /^\s*max-age=0\s*$/i.test(a))) this.cookies.delete(name);
      else this.cookies.set(name, pair!.slice(eq + 1).trim());
    }
    const responseHeaders = new Headers();
    for (const [name, value] of Object.entries(res.headers)) {
      for (const v of Array.isArray(value) ? value : value === undefined ? [] : [value])
        responseHeaders.append(name, v);
    }
    return {
      status: res.statusCode!,
      location: res.headers.location ?? null,
      html: Buffer.concat(chunks).toString('utf8'),
      headers: responseHeaders,
    };
  }

  get(path: string): Promise<Page> {
    return this.request('GET', path);
  }

  /** Posts a form with the CSRF token of the page it came from. */
  post(path: string, fields: Record<string, string>, fromPage: Page): Promise<Page> {
    return this.request('POST', path, { _csrf: csrfOf(fromPage.html), ...fields });
  }
}

export function csrfOf(html: string): string {
  const m = /name="_csrf" value="([^"]+)"/.exec(html);
  if (!m) throw new Error('no CSRF token on the page');
  return m[1]!;
}

/** The text content of the element with this id (tags stripped, entities of the escaper decoded). */
export function textOf(html: string, id: string): string | null {
  const m = new RegExp(`<(\\w+)[^>]*\\sid="${id}"[^>]*>([\\s\\S]*?)</\\1>`).exec(html);
  if (!m) return null;
  return m[2]!
    .replace(/<[^>]+>/g, ' ')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&amp;/g, '&')
    .replace(/\s+/g, ' ')
    .trim();
}

/** The JSON of a `<script type="application/json" id=…>` block. */
export function jsonBlockOf<T>(html: string, id: string): T {
  const m = new RegExp(`<script type="application/json" id="${id}">([\\s\\S]*?)</script>`).exec(html);
  if (!m) throw new Error(`no JSON block ${id}`);
  return JSON.parse(m[1]!) as T;
}

import { signButtonPayload } from '../../src/signing/index.js';
import type { TestMerchant, TestReji } from './reji.js';

/** A cookie-keeping HTTP client that walks reji's hosted pages like a browser without JavaScript. */
export class PageClient {
  readonly cookies = new Map<string, string>();
  constructor(readonly base: string) {}

  async request(
    path: string,
    init: { method?: string; form?: Record<string, string>; headers?: Record<string, string> } = {},
  ): Promise<Response> {
    const url = path.startsWith('http') ? path : `${this.base}${path}`;
    const headers: Record<string, string> = { ...(init.headers ?? {}) };
    if (this.cookies.size > 0) headers['cookie'] = [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
    let body: string | undefined;
    if (init.form) {
      headers['content-type'] = 'application/x-www-form-urlencoded';
      headers['origin'] ??= this.base;
      body = new URLSearchParams(init.form).toString();
    }
    const res = await fetch(url, {
      method: init.method ?? (init.form ? 'POST' : 'GET'),
      headers,
      body,
      redirect: 'manual',
    });
    for (const c of res.headers.getSetCookie()) {
      const [pair] = c.split(';');
      const eq = pair!.indexOf('=');
      const name = pair!.slice(0, eq);
      const value = pair!.slice(eq + 1);
      if (/Max-Age=0/i.test(c)) this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
    return res;
  }

  /** Follows redirects inside reji; stops at the first page or at a redirect that leaves reji. */
  async follow(res: Response): Promise<{ res: Response; url: string; html: string }> {
    let current = res;
    let url = current.url;
    for (let i = 0; i < 10 && current.status >= 300 && current.status < 400; i++) {
      const location = current.headers.get('location')!;
      const next = new URL(location, url).toString();
      if (!next.startsWith(this.base)) return { res: current, url: next, html: '' };
      current = await this.request(next);
      url = next;
    }
    return { res: current, url, html: await current.text() };
  }

  async get(path: string) {
    return this.follow(await this.request(path));
  }

  async post(path: string, form: Record<string, string>, headers: Record<string, string> = {}) {
    return this.follow(await this.request(path, { form, headers }));
  }
}

export function csrfOf(html: string): string {
  const m = /name="_csrf" value="([^"]+)"/.exec(html);
  if (!m) throw new Error(`no CSRF token in page:\n${html.slice(0, 500)}`);
  return m[1]!;
}

/** The fields checkout.js would post for a button with this payload. */
export function buttonFields(
  merchant: TestMerchant,
  payload: unknown,
  options: {
    productType?: string;
    algorithm?: 'AMZN-PAY-RSASSA-PSS' | 'AMZN-PAY-RSASSA-PSS-V2';
    declareAlgorithm?: boolean;
    signWith?: string;
    key?: 'sandbox' | 'live';
    sandbox?: boolean;
    startedFrom?: string;
    checkoutLanguage?: string;
  } = {},
): Record<string, string> {
  const payloadJSON = typeof payload === 'string' ? payload : JSON.stringify(payload);
  const algorithm = options.algorithm ?? 'AMZN-PAY-RSASSA-PSS-V2';
  const key = options.key === 'live' ? merchant.liveKey : merchant.sandboxKey;
  return {
    merchantId: merchant.merchantId,
    ledgerCurrency: merchant.region === 'jp' ? 'JPY' : merchant.region === 'us' ? 'USD' : 'EUR',
    productType: options.productType ?? 'PayAndShip',
    placement: 'Cart',
    sandbox: String(options.sandbox ?? true),
    checkoutLanguage: options.checkoutLanguage ?? '',
    payloadJSON,
    signature: signButtonPayload(options.signWith ?? payloadJSON, key.privateKeyPem, algorithm),
    publicKeyId: key.publicKeyId,
    algorithm: options.declareAlgorithm === false ? '' : algorithm,
    startedFrom: options.startedFrom ?? '',
  };
}

/** Starts a checkout from a button and signs in as a test buyer; returns the select page. */
export async function startAndSignIn(
  reji: TestReji,
  client: PageClient,
  merchant: TestMerchant,
  payload: unknown,
  email: string,
  fieldOptions: Parameters<typeof buttonFields>[2] = {},
) {
  const started = await client.post('/checkout/start', buttonFields(merchant, payload, fieldOptions), {
    origin: 'http://127.0.0.1:1',
  });
  if (!started.url.includes('/checkout/signin'))
    throw new Error(
      `expected the sign-in page, got ${started.url} ${started.res.status}\n${started.html.slice(0, 800)}`,
    );
  const next = new URL(started.url).searchParams.get('next')!;
  const selected = await client.post('/checkout/signin', {
    _csrf: csrfOf(started.html),
    email,
    password: 'sandbox',
    next,
  });
  const id = new URL(selected.url).searchParams.get('amazonCheckoutSessionId') ?? '';
  void reji;
  return { ...selected, checkoutSessionId: id };
}

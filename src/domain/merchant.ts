import type { Environment } from './environment.js';
import type { CurrencyCode } from './money.js';
import type { Region } from './regions.js';
import type { Instant } from './time.js';
import { hasControlCharacter } from './text.js';

export interface Merchant {
  readonly merchantId: string;
  readonly name: string;
  readonly region: Region;
  readonly ledgerCurrency: CurrencyCode;
  readonly createdAt: Instant;
  /** How far this merchant's sandbox clock runs ahead of real time. Live objects always use real time. */
  readonly sandboxClockOffsetMs: number;
  /** A payment service provider may call Update Charge, Create and Update Dispute (absent: an ordinary merchant). */
  readonly paymentServiceProvider?: boolean;
}

/** A Login-with-Amazon client ("store") of a merchant, with the origins its return URLs may use. */
export interface MerchantStore {
  readonly storeId: string;
  readonly merchantId: string;
  readonly name: string;
  /** Origins of the pages that render the button, e.g. `https://shop.example`, `http://127.0.0.1:*` (`isReturnUrlAllowed`). */
  readonly allowedOrigins: readonly string[];
}

export interface PublicKeyRecord {
  readonly publicKeyId: string;
  readonly merchantId: string;
  /** The environment an environment-specific key (SANDBOX-/LIVE-) is bound to; null for legacy keys. */
  readonly environment: Environment | null;
  readonly publicKeyPem: string;
  readonly createdAt: Instant;
}

export type UrlVerdict = { allowed: true } | { allowed: false; why: string };

/**
 * A return URL given in a signed API call (docs/decisions.md, "Return URLs"): absolute https, or http for a
 * loopback host (localhost, 127.0.0.0/8, [::1]) in the Sandbox; no credentials, no control characters.
 * Allowed origins do not apply here: Amazon checks them where the button is rendered.
 */
export function checkReturnUrl(url: string, environment: Environment): UrlVerdict {
  // new URL() drops CR, LF and tabs silently; a URL holding them would be stored and echoed raw.
  if (hasControlCharacter(url)) return { allowed: false, why: 'URLs must not contain control characters' };
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return { allowed: false, why: 'it is not an absolute URL' };
  }
  if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:')
    return { allowed: false, why: 'only http and https URLs are allowed' };
  if (parsed.username !== '' || parsed.password !== '')
    return { allowed: false, why: 'URLs with credentials are not allowed' };
  if (parsed.protocol === 'http:') {
    if (environment === 'Live') return { allowed: false, why: 'Live return URLs must use https' };
    if (!isLoopbackHost(parsed.hostname))
      return { allowed: false, why: 'plain http is allowed only for localhost, 127.0.0.0/8 and [::1]; use https' };
  }
  return { allowed: true };
}

/** `localhost`, `127.0.0.0/8` or `[::1]` (hostnames as the URL parser normalizes them). */
export function isLoopbackHost(hostname: string): boolean {
  const host = hostname.toLowerCase();
  return host === 'localhost' || host === '[::1]' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host);
}

/**
 * The pages that render the button and start a checkout (or a sign-in): a return URL given there must pass
 * `checkReturnUrl` and use an origin the store allows. A store with no allowed origins accepts any origin in
 * the Sandbox (convenient for tests) and none in Live; once a store lists origins, only those are accepted.
 */
export function isReturnUrlAllowed(url: string, store: MerchantStore, environment: Environment): UrlVerdict {
  const verdict = checkReturnUrl(url, environment);
  if (!verdict.allowed) return verdict;
  if (store.allowedOrigins.length === 0) {
    return environment === 'Sandbox'
      ? { allowed: true }
      : {
          allowed: false,
          why: `store ${store.storeId} has no allowed origins; add one with \`reji store allow-origin\``,
        };
  }
  const parsed = new URL(url);
  if (store.allowedOrigins.some((pattern) => originMatches(pattern, parsed))) return { allowed: true };
  return { allowed: false, why: `origin ${parsed.origin} is not allowed for store ${store.storeId}` };
}

/** `https://shop.example` matches that origin exactly (default port); `http://127.0.0.1:*` matches any port. */
export function originMatches(pattern: string, url: URL): boolean {
  const m = /^(https?):\/\/([^/:]+)(?::(\d+|\*))?\/?$/.exec(pattern.trim().toLowerCase());
  if (!m) return false;
  const [, scheme, host, port] = m;
  if (`${scheme}:` !== url.protocol || host !== url.hostname.toLowerCase()) return false;
  if (port === '*') return true;
  const defaultPort = scheme === 'https' ? '443' : '80';
  return (port ?? defaultPort) === (url.port === '' ? defaultPort : url.port);
}

export function isValidOriginPattern(pattern: string): boolean {
  return /^(https?):\/\/([^/:]+)(?::(\d+|\*))?\/?$/.test(pattern.trim().toLowerCase());
}

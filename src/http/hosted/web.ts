import { clientAddress } from '../client-address.js';
import { createHash } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { TLSSocket } from 'node:tls';
import type { SafeHtml } from '../html.js';

/** Small request/response helpers for the hosted pages: cookies, forms, security headers. */

export const SESSION_COOKIE = 'reji_sid';
/** On https the cookie gets the `__Host-` prefix: Secure, Path=/, no Domain, so no subdomain can set it. */
export const SECURE_SESSION_COOKIE = '__Host-reji_sid';

export function isSecure(req: IncomingMessage, publicUrl: string): boolean {
  return (req.socket as TLSSocket).encrypted === true || publicUrl.startsWith('https:');
}

export function cookieName(secure: boolean): string {
  return secure ? SECURE_SESSION_COOKIE : SESSION_COOKIE;
}

export function readCookie(req: IncomingMessage, name: string): string | undefined {
  const header = req.headers.cookie;
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq === -1) continue;
    if (part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return undefined;
}

export function sessionCookie(value: string, secure: boolean, maxAgeSeconds: number): string {
  return `${cookieName(secure)}=${value}; Path=/; HttpOnly; SameSite=Lax; Max-Age=${maxAgeSeconds}${secure ? '; Secure' : ''}`;
}

export function clearedSessionCookie(secure: boolean): string {
  return `${cookieName(secure)}=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0${secure ? '; Secure' : ''}`;
}

/** The origin this request was addressed to, as the browser sees it. */
export function ownOrigin(req: IncomingMessage, secure: boolean): string {
  return `${secure ? 'https' : 'http'}://${req.headers.host ?? 'localhost'}`;
}

/**
 * A state-changing request from one of reji's own pages: `Sec-Fetch-Site` (when sent) must be
 * same-origin and `Origin` (when sent) must be reji's own. Together with the CSRF token in every form.
 */
export function isSameOriginPost(req: IncomingMessage, origin: string, publicUrl: string): boolean {
  const site = req.headers['sec-fetch-site'];
  if (typeof site === 'string' && site !== 'same-origin' && site !== 'none') return false;
  const from = req.headers.origin;
  if (typeof from === 'string' && from !== 'null') {
    return from === origin || from === new URL(publicUrl).origin;
  }
  return typeof from !== 'string';
}

export function parseForm(body: Buffer): URLSearchParams {
  return new URLSearchParams(body.toString('utf8'));
}

export interface PageOptions {
  /** Origins the page's forms may lead to (form-action also governs the redirects after a POST). */
  readonly formTargets?: readonly string[];
  readonly cookies?: readonly string[];
  /** A page of a Buy Now flow: it keeps its opener (the merchant's page). */
  readonly allowOpener?: boolean;
}

function originOf(url: string): string | undefined {
  try {
    const u = new URL(url);
    return u.protocol === 'http:' || u.protocol === 'https:' ? u.origin : undefined;
  } catch {
    return undefined;
  }
}

export function contentSecurityPolicy(formTargets: readonly string[]): string {
  const targets = [...new Set(formTargets.map(originOf).filter((o): o is string => o !== undefined))];
  return [
    "default-src 'none'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    "connect-src 'self'",
    `form-action 'self'${targets.map((o) => ` ${o}`).join('')}`,
    "frame-ancestors 'none'",
    "base-uri 'none'",
  ].join('; ');
}

const COMMON_HEADERS = {
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'same-origin',
  'x-frame-options': 'DENY',
  'cache-control': 'no-store',
  'cross-origin-opener-policy': 'same-origin',
} as const;

/**
 * The Buy Now sheet is a popup that talks to the merchant's page that opened it (postMessage), as Amazon's does:
 * the pages of a Buy Now flow keep their opener (docs/decisions.md); every other page severs it.
 */
const OPENER_ALLOWED = { 'cross-origin-opener-policy': 'unsafe-none' } as const;

export function sendPage(res: ServerResponse, status: number, page: SafeHtml, options: PageOptions = {}): void {
  const body = page.value;
  res.writeHead(status, {
    ...COMMON_HEADERS,
    ...(options.allowOpener ? OPENER_ALLOWED : {}),
    'content-type': 'text/html; charset=utf-8',
    'content-length': Buffer.byteLength(body),
    'content-security-policy': contentSecurityPolicy(options.formTargets ?? []),
    ...(options.cookies && options.cookies.length > 0 ? { 'set-cookie': [...options.cookies] } : {}),
  });
  res.end(body);
}

/** 303 See Other: after a POST the browser follows with a GET (post-redirect-get). */
export function redirect(
  res: ServerResponse,
  location: string,
  cookies: readonly string[] = [],
  allowOpener = false,
): void {
  res.writeHead(303, {
    ...COMMON_HEADERS,
    ...(allowOpener ? OPENER_ALLOWED : {}),
    location,
    'content-length': 0,
    ...(cookies.length > 0 ? { 'set-cookie': [...cookies] } : {}),
  });
  res.end();
}

export function sendJson(
  res: ServerResponse,
  status: number,
  value: unknown,
  extra: Record<string, string> = {},
): void {
  const body = JSON.stringify(value);
  res.writeHead(status, {
    ...COMMON_HEADERS,
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(body),
    ...extra,
  });
  res.end(body);
}

export interface StaticAsset {
  readonly body: Buffer;
  readonly type: string;
  readonly etag: string;
}

export function asset(body: string, type: string): StaticAsset {
  const buf = Buffer.from(body, 'utf8');
  return { body: buf, type, etag: `"${createHash('sha256').update(buf).digest('base64url').slice(0, 22)}"` };
}

export function sendAsset(
  req: IncomingMessage,
  res: ServerResponse,
  a: StaticAsset,
  extra: Record<string, string> = {},
): void {
  const headers = {
    'content-type': a.type,
    etag: a.etag,
    'cache-control': 'public, max-age=300',
    'x-content-type-options': 'nosniff',
    ...extra,
  };
  if (req.headers['if-none-match'] === a.etag) {
    res.writeHead(304, headers);
    res.end();
    return;
  }
  res.writeHead(200, { ...headers, 'content-length': a.body.length });
  res.end(req.method === 'HEAD' ? undefined : a.body);
}

/** The client address for sign-in limits (the socket's; reji does not trust forwarding headers). */
export function clientIp(req: IncomingMessage): string {
  return clientAddress(req);
}

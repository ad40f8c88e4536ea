import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { isIP } from 'node:net';

/**
 * Who may use the console (docs/deploy.md, "The console"): anyone when reji listens only on a loopback
 * address and no password is set; otherwise whoever knows REJI_CONSOLE_PASSWORD (a sign-in cookie, or
 * `Authorization: Bearer <password>` for scripts). Every form also carries a CSRF token.
 */
export interface ConsoleOptions {
  /** `--no-console` turns the console off: its paths answer 404 like any unknown path. */
  readonly enabled: boolean;
  /** Open without signing in (reji listens on a loopback address only). */
  readonly loopbackOnly: boolean;
  readonly password: string | undefined;
}

export const DEFAULT_CONSOLE_OPTIONS: ConsoleOptions = Object.freeze({
  enabled: true,
  loopbackOnly: true,
  password: undefined,
});

export function isLoopbackHost(host: string): boolean {
  if (host === 'localhost') return true;
  const bare = host.replace(/^\[|\]$/g, '');
  if (isIP(bare) === 4) return bare.startsWith('127.');
  return bare === '::1';
}

export const LOGIN_COOKIE = 'reji_console';
export const CSRF_COOKIE = 'reji_console_csrf';
/** A console sign-in lasts this long. */
const SESSION_SECONDS = 12 * 3600;

export type Access = 'open' | 'signed-in' | 'needs-login' | 'locked';

/** The HMAC key of the sign-in cookie: every process with the same password accepts the same cookie. */
function sessionKey(password: string): Buffer {
  return createHash('sha256').update(`reji-console\u0000${password}`).digest();
}

function sameText(a: string, b: string): boolean {
  const x = createHash('sha256').update(a).digest();
  const y = createHash('sha256').update(b).digest();
  return timingSafeEqual(x, y);
}

export function readCookieValue(req: IncomingMessage, name: string): string | undefined {
  const header = req.headers.cookie;
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq !== -1 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return undefined;
}

/** Arrived on a loopback address and not through a proxy (which would make it reachable from elsewhere). */
function loopbackConnection(req: IncomingMessage): boolean {
  const h = req.headers;
  if (h['x-forwarded-for'] !== undefined || h.forwarded !== undefined || h['x-real-ip'] !== undefined) return false;
  const local = req.socket.localAddress ?? '';
  return isLoopbackHost(local.replace(/^::ffff:/, ''));
}

export function accessOf(req: IncomingMessage, options: ConsoleOptions, nowMs: number): Access {
  if (options.password === undefined) {
    // Both: configured for loopback, and this connection really arrived on a loopback address.
    return options.loopbackOnly && loopbackConnection(req) ? 'open' : 'locked';
  }
  const auth = req.headers.authorization;
  if (typeof auth === 'string' && auth.startsWith('Bearer ') && sameText(auth.slice(7).trim(), options.password))
    return 'signed-in';
  const cookie = readCookieValue(req, LOGIN_COOKIE);
  if (cookie && validSession(cookie, options.password, nowMs)) return 'signed-in';
  return 'needs-login';
}

export function passwordMatches(options: ConsoleOptions, given: string): boolean {
  return options.password !== undefined && sameText(given, options.password);
}

export function newSessionCookie(password: string, nowMs: number, secure: boolean): string {
  const expires = Math.floor(nowMs / 1000) + SESSION_SECONDS;
  const mac = createHmac('sha256', sessionKey(password)).update(String(expires)).digest('base64url');
  return `${LOGIN_COOKIE}=${expires}.${mac}; Path=/; HttpOnly; SameSite=Strict; Max-Age=${SESSION_SECONDS}${secure ? '; Secure' : ''}`;
}

function validSession(value: string, password: string, nowMs: number): boolean {
  const dot = value.indexOf('.');
  if (dot === -1) return false;
  const expires = Number(value.slice(0, dot));
  if (!Number.isInteger(expires) || expires * 1000 < nowMs) return false;
  const mac = createHmac('sha256', sessionKey(password)).update(String(expires)).digest('base64url');
  return sameText(mac, value.slice(dot + 1));
}

/** The CSRF token of this browser (double-submit cookie) and the cookie to set when it had none. */
export function csrfTokenOf(req: IncomingMessage, secure: boolean): { token: string; setCookie: string | undefined } {
  const existing = readCookieValue(req, CSRF_COOKIE);
  if (existing && /^[0-9a-f]{32}$/.test(existing)) return { token: existing, setCookie: undefined };
  const token = randomBytes(16).toString('hex');
  return {
    token,
    setCookie: `${CSRF_COOKIE}=${token}; Path=/; HttpOnly; SameSite=Strict${secure ? '; Secure' : ''}`,
  };
}

export function csrfValid(req: IncomingMessage, formToken: string | null): boolean {
  const cookie = readCookieValue(req, CSRF_COOKIE);
  return cookie !== undefined && formToken !== null && formToken !== '' && sameText(cookie, formToken);
}

import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import tls from 'node:tls';

/**
 * reji as the HTTP proxy of an official SDK, so that the SDK keeps Amazon's real service URL and only its proxy
 * setting changes (README "Official SDKs"). Two forms, both only for Amazon Pay's API hosts:
 * - CONNECT pay-api.amazon.jp:443 (PHP's cURL, Java's HttpClient, .NET): reji answers 200 and terminates TLS itself
 *   with a certificate for those hosts signed by reji's local CA, which the client trusts; the decrypted requests are
 *   served as any other.
 * - An absolute-form request `GET https://pay-api.amazon.jp/v2/...` over plain HTTP (axios, hence the Node SDK, with
 *   HTTPS_PROXY): served at once, no TLS and no CA involved.
 * reji never forwards anything anywhere: any other host is refused, so it is no open relay.
 */

/** The hosts of Amazon Pay API v2 (NA, EU, FE) that reji answers for as a proxy. */
export const AMAZON_PAY_API_HOSTS: readonly string[] = ['pay-api.amazon.com', 'pay-api.amazon.eu', 'pay-api.amazon.jp'];

const isAmazonPayHost = (host: string) => AMAZON_PAY_API_HOSTS.includes(host.toLowerCase());

/** `host:port` of a CONNECT request line; undefined when it is not one. */
function connectTarget(url: string): { host: string; port: number } | undefined {
  const m = /^([A-Za-z0-9.-]+):(\d{1,5})$/.exec(url);
  return m ? { host: m[1]!, port: Number(m[2]) } : undefined;
}

function refuse(socket: Duplex, status: number, reason: string, message: string): void {
  const body = `${message}\n`;
  socket.end(
    `HTTP/1.1 ${status} ${reason}\r\ncontent-type: text/plain; charset=utf-8\r\ncontent-length: ${Buffer.byteLength(body)}\r\nconnection: close\r\n\r\n${body}`,
  );
}

export interface SdkProxyOptions {
  /** A certificate (and key) for AMAZON_PAY_API_HOSTS, signed by the CA the clients trust. */
  readonly key: string;
  readonly cert: string;
  /** Where decrypted requests go: reji's own request handler. */
  readonly handler: (req: IncomingMessage, res: ServerResponse) => void;
}

/**
 * Makes `server` answer CONNECT for Amazon Pay's API hosts on port 443 (any proxy credentials are accepted: PHP's
 * SDK only uses a proxy when it has a user name and password, and reji forwards nothing).
 */
export function acceptSdkProxy(server: http.Server, options: SdkProxyOptions): void {
  const context = tls.createSecureContext({ key: options.key, cert: options.cert, minVersion: 'TLSv1.2' });
  // The decrypted connections are served by an HTTP server that never listens: it only parses.
  const inner = http.createServer({ keepAliveTimeout: 65_000 }, options.handler);
  server.on('connect', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    socket.on('error', () => socket.destroy());
    const target = connectTarget(req.url ?? '');
    if (!target || !isAmazonPayHost(target.host) || target.port !== 443) {
      refuse(
        socket,
        403,
        'Forbidden',
        `reji answers CONNECT only for ${AMAZON_PAY_API_HOSTS.join(', ')} on port 443; it forwards nothing.`,
      );
      return;
    }
    socket.write('HTTP/1.1 200 Connection Established\r\n\r\n');
    if (head.length > 0) socket.unshift(head);
    const secure = new tls.TLSSocket(socket, {
      isServer: true,
      secureContext: context,
      ALPNProtocols: ['http/1.1'],
    });
    secure.on('error', () => secure.destroy());
    inner.emit('connection', secure);
  });
}

/**
 * The path and query of a request: origin-form as sent, or, for an absolute-form request to an Amazon Pay API host
 * (a client that uses reji as its plain HTTP proxy), the path and query of its URL. Undefined for an absolute-form
 * request to any other host, which reji must not serve as if it were its own.
 */
export function originFormOf(url: string): string | undefined {
  if (url.startsWith('/') || url === '*') return url;
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return undefined;
  }
  if ((parsed.protocol !== 'https:' && parsed.protocol !== 'http:') || !isAmazonPayHost(parsed.hostname))
    return undefined;
  return `${parsed.pathname}${parsed.search}`;
}

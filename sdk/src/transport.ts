import http from 'node:http';
import https from 'node:https';

export interface TransportRequest {
  readonly method: string;
  /** Absolute URL, e.g. `https://127.0.0.1:8443/v2/checkoutSessions`. */
  readonly url: string;
  /** Lower-case names; sent as given. */
  readonly headers: Readonly<Record<string, string>>;
  /** The exact bytes to send (UTF-8), or undefined for none. */
  readonly body: string | undefined;
  /** Time for the whole exchange, connect to last byte. */
  readonly timeoutMs: number;
  readonly signal?: AbortSignal | undefined;
}

export interface TransportResponse {
  readonly status: number;
  /** Lower-case names; repeated headers joined with `, `. */
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
}

/**
 * Sends one HTTP request. Rejects only when no response arrived (network failure, timeout, abort);
 * any HTTP status resolves. Inject your own to record or stub traffic.
 */
export type Transport = (request: TransportRequest) => Promise<TransportResponse>;

export interface NodeTransportOptions {
  /** Extra CA certificates (PEM) to trust, e.g. reji's self-signed `.reji/tls/cert.pem`. */
  readonly ca?: string | Buffer | ReadonlyArray<string | Buffer> | undefined;
  /** Default true. false accepts any certificate: for local experiments only. */
  readonly rejectUnauthorized?: boolean | undefined;
  /** Reuse connections (default true). */
  readonly keepAlive?: boolean | undefined;
}

export interface NodeTransport extends Transport {
  /** Closes idle kept-alive connections. */
  close(): void;
}

/**
 * Raised by the transport when the exchange takes longer than `timeoutMs`; the client wraps it in a
 * `ConnectionError` (as `cause`) once the retries run out.
 *
 * @example
 * catch (error) { if (error instanceof ConnectionError && error.cause instanceof TransportTimeoutError) console.warn('timed out'); }
 */
export class TransportTimeoutError extends Error {
  constructor(timeoutMs: number) {
    super(`No complete response within ${timeoutMs} ms.`);
    this.name = 'TransportTimeoutError';
  }
}

function headersOf(res: http.IncomingMessage): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(res.headers)) {
    if (value === undefined) continue;
    out[name] = Array.isArray(value) ? value.join(', ') : value;
  }
  return out;
}

/**
 * The default transport: `node:https` / `node:http` with its own agent, so TLS trust (`ca`,
 * `rejectUnauthorized`) is per client, not process-wide.
 *
 * @example
 * import { readFileSync } from 'node:fs';
 * const transport = nodeTransport({ ca: readFileSync('.reji/tls/cert.pem') });
 * const res = await transport({ method: 'GET', url: 'https://127.0.0.1:8443/healthz', headers: {}, body: undefined, timeoutMs: 5000 });
 */
export function nodeTransport(options: NodeTransportOptions = {}): NodeTransport {
  const keepAlive = options.keepAlive ?? true;
  const ca =
    options.ca === undefined
      ? undefined
      : Array.isArray(options.ca)
        ? [...options.ca]
        : (options.ca as string | Buffer);
  const httpsAgent = new https.Agent({
    keepAlive,
    ...(ca !== undefined ? { ca } : {}),
    rejectUnauthorized: options.rejectUnauthorized ?? true,
    minVersion: 'TLSv1.2',
  });
  const httpAgent = new http.Agent({ keepAlive });

  const send: Transport = (request) =>
    new Promise<TransportResponse>((resolve, reject) => {
      const url = new URL(request.url);
      const isHttps = url.protocol === 'https:';
      const body = request.body === undefined ? undefined : Buffer.from(request.body, 'utf8');
      const headers: Record<string, string> = { ...request.headers };
      if (body !== undefined) headers['content-length'] = String(body.length);
      let settled = false;
      const finish = (fn: () => void) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        request.signal?.removeEventListener('abort', onAbort);
        fn();
      };
      const req = (isHttps ? https : http).request(
        url,
        { method: request.method, headers, agent: isHttps ? httpsAgent : httpAgent },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (chunk: Buffer) => chunks.push(chunk));
          res.on('end', () =>
            finish(() =>
              resolve({
                status: res.statusCode ?? 0,
                headers: headersOf(res),
                body: Buffer.concat(chunks).toString('utf8'),
              }),
            ),
          );
          res.on('error', (error) => finish(() => reject(error)));
        },
      );
      const timer = setTimeout(() => {
        const error = new TransportTimeoutError(request.timeoutMs);
        req.destroy(error);
        finish(() => reject(error));
      }, request.timeoutMs);
      const onAbort = () => {
        const reason: unknown = request.signal?.reason ?? new Error('aborted');
        req.destroy(reason instanceof Error ? reason : new Error(String(reason)));
        finish(() => reject(reason));
      };
      req.on('error', (error) => finish(() => reject(error)));
      if (request.signal?.aborted) {
        onAbort();
        return;
      }
      request.signal?.addEventListener('abort', onAbort, { once: true });
      req.end(body);
    });

  return Object.assign(send, {
    close() {
      httpsAgent.destroy();
      httpAgent.destroy();
    },
  });
}

import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { ApiError } from '../app/api-error.js';
import { pingDatabase, storeTrouble } from '../app/availability.js';
import type { AppContext, Caller } from '../app/context.js';
import { logApiCall, reasonCodeOf } from './request-log-entry.js';
import { pooledRandomBytes } from '../crypto/random-pool.js';
import { handleApiCall, isApiPath } from './api-router.js';
import { NO_TRUSTED_PROXIES, resolveClientAddress, type TrustedProxies } from './client-address.js';
import { acceptSdkProxy, AMAZON_PAY_API_HOSTS, originFormOf } from './sdk-proxy.js';

/** The largest request body reji reads; larger ones answer 400 InvalidRequest. */
export const BODY_LIMIT_BYTES = 64 * 1024;

/** Pages and scripts for browsers (hosted checkout, checkout.js, the IPN certificate...), mounted beside the API. */
export interface PageHandler {
  /** Handles the request and returns true, or returns false when the path is not its own. */
  handle(
    req: IncomingMessage,
    res: ServerResponse,
    /** `body(limit)`: the request body, refused (400 InvalidRequest) above `limit` bytes (default BODY_LIMIT_BYTES). */
    context: { readonly requestId: string; readonly body: (limit?: number) => Promise<Buffer> },
  ): Promise<boolean>;
}

/** One answered request, for observers (/metrics, tests); no bodies except the API's own JSON answer. */
export interface RequestRecord {
  readonly requestId: string;
  readonly method: string;
  readonly path: string;
  /** The API operation from the route table, or Health, Ready, Page, NotFound; Api when no route matched. */
  readonly operation: string;
  readonly status: number;
  readonly seconds: number;
  readonly merchantId?: string;
  /** An API error's reasonCode. */
  readonly reasonCode?: string;
  /** The API's JSON answer as sent (API calls only). */
  readonly responseBody?: string;
}

/** Told of every answered request, after the answer; must not throw (a throw is logged and ignored). */
export type RequestObserver = (record: RequestRecord) => void;

export interface ServerOptions {
  readonly ctx: AppContext;
  readonly host: string;
  readonly port: number;
  readonly https?: { readonly port: number; readonly key: string; readonly cert: string } | undefined;
  readonly pages?: readonly PageHandler[];
  /** Proxies whose X-Forwarded-For is believed (`--trust-proxy`); none by default. */
  readonly trustProxy?: TrustedProxies;
  readonly observers?: readonly RequestObserver[];
  /** Answer as the HTTP proxy of official SDKs for Amazon Pay's API hosts (src/http/sdk-proxy.ts), with this certificate. */
  readonly sdkProxy?: { readonly key: string; readonly cert: string } | undefined;
}

export interface RunningServer {
  readonly httpUrl: string;
  readonly httpsUrl: string | null;
  close(): Promise<void>;
}

export function newRequestId(): string {
  return pooledRandomBytes(16).toString('hex');
}

class BodyTooLarge extends Error {
  constructor(readonly limit: number) {
    super(`body larger than ${limit} bytes`);
  }
}

/** The client went away before its request body arrived: nothing to answer, nothing wrong with reji. */
class ClientAborted extends Error {}

const EMPTY = Buffer.alloc(0);

function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  // A request with neither Content-Length nor Transfer-Encoding has no body (RFC 9112 §6.3): no need to wait for one.
  if (req.headers['content-length'] === undefined && req.headers['transfer-encoding'] === undefined) {
    req.resume();
    return Promise.resolve(EMPTY);
  }
  return new Promise((resolve, reject) => {
    const declared = Number(req.headers['content-length'] ?? '0');
    if (declared > limit) {
      reject(new BodyTooLarge(limit));
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        reject(new BodyTooLarge(limit));
        req.removeAllListeners('data');
        req.resume();
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks)));
    req.on('error', (error) => reject(new ClientAborted(error.message)));
  });
}

/** Repeated headers are joined with ',' as the canonical request wants. */
function headerMap(req: IncomingMessage): Map<string, string> {
  const out = new Map<string, string>();
  const raw = req.rawHeaders;
  for (let i = 0; i < raw.length; i += 2) {
    const name = raw[i]!.toLowerCase();
    const value = raw[i + 1]!;
    const previous = out.get(name);
    out.set(name, previous === undefined ? value : `${previous},${value}`);
  }
  return out;
}

function sendJson(
  res: ServerResponse,
  status: number,
  body: string,
  requestId: string,
  headers: Readonly<Record<string, string>> = {},
): void {
  res.writeHead(status, {
    ...headers,
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(body),
    'x-amz-pay-request-id': requestId,
    // A browser must never read an API answer as anything but JSON (issue 17).
    'x-content-type-options': 'nosniff',
  });
  res.end(body);
}

/** The one place a thrown error becomes a response: Amazon's shape, and never internals for a 500. */
export function errorResponse(ctx: AppContext, error: unknown, requestId: string): { status: number; body: string } {
  if (error instanceof ApiError) return { status: error.status, body: JSON.stringify(error.toBody()) };
  if (error instanceof BodyTooLarge) {
    return {
      status: 400,
      body: JSON.stringify({
        reasonCode: 'InvalidRequest',
        message: `The request body is larger than ${error.limit} bytes.`,
      }),
    };
  }
  if (error instanceof ClientAborted) {
    ctx.log.debug?.('client aborted the request', { requestId, error: error.message });
    return { status: 400, body: JSON.stringify({ reasonCode: 'InvalidRequest', message: 'The request was aborted.' }) };
  }
  // The database is unreachable, or the transaction lost to other writers every time it was retried:
  // either way nothing is known to have happened, and the same request (same idempotency key) may be sent again.
  const trouble = storeTrouble(error);
  if (trouble) {
    ctx.log.warn(trouble.log, { requestId, error: trouble.message });
    return {
      status: 503,
      body: JSON.stringify({
        reasonCode: 'ServiceUnavailable',
        message: 'The service is temporarily unavailable. Retry the request.',
      }),
    };
  }
  ctx.log.error('unexpected error', {
    requestId,
    error: error instanceof Error ? (error.stack ?? error.message) : String(error),
  });
  return {
    status: 500,
    body: JSON.stringify({
      reasonCode: 'InternalServerError',
      message: `An internal error occurred. Retry the request; request id ${requestId}.`,
    }),
  };
}

/** How long a readiness check waits for the database (a full pool counts as not ready). */
const READY_TIMEOUT_MS = 2_000;

async function databaseReachable(ctx: AppContext): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<false>((resolve) => {
    timer = setTimeout(() => resolve(false), READY_TIMEOUT_MS);
  });
  try {
    return await Promise.race([
      pingDatabase(ctx).then(
        () => true,
        () => false,
      ),
      timeout,
    ]);
  } finally {
    clearTimeout(timer);
  }
}

export function createRequestListener(
  ctx: AppContext,
  pages: readonly PageHandler[] = [],
  trustProxy: TrustedProxies = NO_TRUSTED_PROXIES,
  observers: readonly RequestObserver[] = [],
) {
  return async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    resolveClientAddress(req, trustProxy);
    const started = process.hrtime.bigint();
    const requestId = newRequestId();
    if (req.url !== undefined && !req.url.startsWith('/')) {
      // Absolute-form: a client using reji as its HTTP proxy (sdk-proxy.ts); only Amazon Pay's API hosts are served.
      const originForm = originFormOf(req.url);
      if (originForm === undefined) {
        sendJson(
          res,
          400,
          JSON.stringify({
            reasonCode: 'InvalidRequest',
            message: `reji serves absolute-form requests only for ${AMAZON_PAY_API_HOSTS.join(', ')}; it forwards nothing.`,
          }),
          requestId,
        );
        return;
      }
      req.url = originForm;
    }
    const url = req.url ?? '/';
    const q = url.indexOf('?');
    const rawPath = q === -1 ? url : url.slice(0, q);
    const rawQuery = q === -1 ? '' : url.slice(q + 1);
    let operation = 'Unknown';
    let merchantId: string | undefined;
    let apiBody: string | undefined;
    try {
      if (rawPath === '/healthz' && (req.method === 'GET' || req.method === 'HEAD')) {
        // Liveness: the process serves requests. It stays 200 while the database is down, so that an
        // orchestrator does not restart processes that would only wait for the same database.
        operation = 'Health';
        sendJson(res, 200, '{"status":"ok"}', requestId);
      } else if (rawPath === '/readyz' && (req.method === 'GET' || req.method === 'HEAD')) {
        // Readiness: this process reaches the database; a load balancer sends it traffic only then.
        operation = 'Ready';
        const ready = await databaseReachable(ctx);
        sendJson(
          res,
          ready ? 200 : 503,
          ready ? '{"status":"ok","database":"ok"}' : '{"status":"unavailable","database":"unreachable"}',
          requestId,
        );
      } else if (isApiPath(rawPath)) {
        operation = 'Api';
        const headers = headerMap(req);
        let body: Buffer = EMPTY;
        let caller: Caller | undefined;
        let answer: { status: number; body: string; headers?: Readonly<Record<string, string>> | undefined };
        let dropped = false;
        let failure: unknown;
        try {
          body = await readBody(req, BODY_LIMIT_BYTES);
          const result = await handleApiCall(
            ctx,
            { method: req.method ?? 'GET', rawPath, rawQuery, headers, body },
            (op) => (operation = op),
            (c) => (caller = c),
          );
          merchantId = result.merchantId;
          if (result.dropAfterMs !== undefined) {
            // An armed Timeout fault: the operation ran, but the client never gets its answer.
            await sleep(result.dropAfterMs, undefined, { ref: false });
            operation = `${operation} (dropped)`;
            req.socket.destroy();
            dropped = true;
            answer = { status: 0, body: '' };
          } else {
            answer = result;
            apiBody = result.body;
          }
        } catch (error) {
          failure = error;
          answer = errorResponse(ctx, error, requestId);
          apiBody = answer.body;
        }
        if (!dropped) sendJson(res, answer.status, answer.body, requestId, answer.headers);
        if (ctx.requestLog) {
          logApiCall(
            ctx,
            {
              requestId,
              method: req.method ?? 'GET',
              rawPath,
              rawQuery,
              headers,
              body,
              operation,
              status: answer.status,
              responseBody: answer.body,
              latencyMs: Number(process.hrtime.bigint() - started) / 1e6,
              caller,
              error: failure,
            },
            ctx.clock.now(),
          );
        }
      } else {
        let handled = false;
        for (const page of pages) {
          if (await page.handle(req, res, { requestId, body: (limit = BODY_LIMIT_BYTES) => readBody(req, limit) })) {
            handled = true;
            operation = 'Page';
            break;
          }
        }
        if (!handled) {
          operation = 'NotFound';
          sendJson(
            res,
            404,
            JSON.stringify({ reasonCode: 'ResourceNotFound', message: `Nothing at ${rawPath}.` }),
            requestId,
          );
        }
      }
    } catch (error) {
      const { status, body } = errorResponse(ctx, error, requestId);
      if (!res.headersSent) sendJson(res, status, body, requestId);
      else res.destroy();
    } finally {
      const ms = Number(process.hrtime.bigint() - started) / 1e6;
      // One line per request: no query strings, headers, bodies, keys or buyer data.
      ctx.log.info('request', {
        requestId,
        method: req.method,
        path: rawPath,
        operation,
        status: res.statusCode,
        ms: Math.round(ms * 100) / 100,
        ...(merchantId ? { merchantId } : {}),
      });
      if (observers.length > 0) {
        const record: RequestRecord = {
          requestId,
          method: req.method ?? 'GET',
          path: rawPath,
          operation,
          status: res.statusCode,
          seconds: ms / 1000,
          ...(merchantId ? { merchantId } : {}),
          ...(apiBody !== undefined && res.statusCode >= 400 ? { reasonCode: reasonCodeOf(apiBody) } : {}),
          ...(apiBody !== undefined ? { responseBody: apiBody } : {}),
        };
        for (const observe of observers) {
          try {
            observe(record);
          } catch (error) {
            ctx.log.warn('request observer failed', { requestId, error: String(error) });
          }
        }
      }
    }
  };
}

function listen(server: http.Server | https.Server, host: string, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve((server.address() as AddressInfo).port);
    });
  });
}

function urlHost(host: string): string {
  return host.includes(':') ? `[${host}]` : host;
}

export async function startServers(options: ServerOptions): Promise<RunningServer> {
  const listener = createRequestListener(options.ctx, options.pages, options.trustProxy, options.observers);
  const handler = (req: IncomingMessage, res: ServerResponse) => void listener(req, res);
  const plain = http.createServer({ keepAliveTimeout: 65_000 }, handler);
  if (options.sdkProxy) acceptSdkProxy(plain, { ...options.sdkProxy, handler });
  const httpPort = await listen(plain, options.host, options.port);
  let secure: https.Server | undefined;
  let httpsPort: number | undefined;
  if (options.https) {
    secure = https.createServer(
      { key: options.https.key, cert: options.https.cert, minVersion: 'TLSv1.2', keepAliveTimeout: 65_000 },
      handler,
    );
    httpsPort = await listen(secure, options.host, options.https.port);
  }
  const close = (server: http.Server | https.Server) =>
    new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    });
  return {
    httpUrl: `http://${urlHost(options.host)}:${httpPort}`,
    httpsUrl: httpsPort === undefined ? null : `https://${urlHost(options.host)}:${httpsPort}`,
    async close() {
      await Promise.all([close(plain), ...(secure ? [close(secure)] : [])]);
    },
  };
}

import { ID_PATTERNS } from '../domain/ids.js';
import { nowFor, type AppContext, type Caller } from '../app/context.js';
import { cutBody, keepsBodies, redactAuthorization, redactBody } from '../app/request-log.js';
import type { NewRequestLogEntry, SignatureDebug } from '../app/console.js';
import { SignatureMismatchError } from './auth.js';
import { diagnoseSignature } from './signature-debug.js';

/** Turns one answered API call into a request log entry (after the response went out) and queues it. */

export interface AnsweredCall {
  readonly requestId: string;
  readonly method: string;
  readonly rawPath: string;
  readonly rawQuery: string;
  readonly headers: ReadonlyMap<string, string>;
  readonly body: Uint8Array;
  readonly operation: string;
  readonly status: number;
  readonly responseBody: string;
  readonly latencyMs: number;
  readonly caller: Caller | undefined;
  readonly error: unknown;
}

/** Headers the log keeps besides `x-amz-pay-*` (the rest say nothing about an Amazon Pay integration). */
const KEPT_HEADERS: ReadonlySet<string> = new Set(['authorization', 'content-type', 'accept', 'user-agent', 'host']);
/** The shapes of object ids (ids.ts), listed once. */
const ID_SHAPES: readonly RegExp[] = Object.values(ID_PATTERNS);
/** The ids a body names: a scan, cheaper than parsing every response (nested ids link the object too). */
const ID_IN_BODY = /"(?:checkoutSessionId|chargePermissionId|chargeId|refundId|disputeId|reportId)":"([^"\\]{1,100})"/g;

/** `/v2/charges/:chargeId/...`: every path segment that has the form of an object id. */
function pathIds(rawPath: string): string[] {
  const ids: string[] = [];
  for (const segment of rawPath.split('/')) {
    if (segment.length < 19) continue;
    const id = decodeURIComponentSafe(segment);
    if (!id.includes(' ') && ID_SHAPES.some((p) => p.test(id)) && !ids.includes(id)) ids.push(id);
  }
  return ids;
}

function objectIds(call: AnsweredCall, bodyText: string): string[] {
  const ids = new Set<string>(pathIds(call.rawPath));
  for (const m of bodyText.matchAll(ID_IN_BODY)) ids.add(m[1]!);
  if (call.status < 400) for (const m of call.responseBody.matchAll(ID_IN_BODY)) ids.add(m[1]!);
  return [...ids].filter((id) => !id.includes(' '));
}

function decodeURIComponentSafe(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

/** The reasonCode of an API error answer (parse only error answers); undefined when it has none. */
export function reasonCodeOf(body: string): string | undefined {
  try {
    const code = (JSON.parse(body) as { reasonCode?: unknown }).reasonCode;
    return typeof code === 'string' ? code : undefined;
  } catch {
    return undefined;
  }
}

export function logApiCall(ctx: AppContext, call: AnsweredCall, at: number): void {
  const log = ctx.requestLog;
  if (!log) return;
  // The signature debugger verifies variants (RSA, asynchronous); every other entry is built at once.
  if (call.error instanceof SignatureMismatchError) {
    const failure = call.error.failure;
    diagnoseSignature(failure).then(
      (signature) => log.record(entryOf(ctx, call, at, failure.merchantId, signature)),
      (error) => ctx.log.warn('request log: entry not recorded', { error: String(error) }),
    );
    return;
  }
  log.record(entryOf(ctx, call, at, call.caller?.merchant.merchantId, undefined));
}

function entryOf(
  ctx: AppContext,
  call: AnsweredCall,
  at: number,
  merchantId: string | undefined,
  signature: SignatureDebug | undefined,
): NewRequestLogEntry {
  const options = ctx.requestLog!.options;
  const clockAt = call.caller ? nowFor(ctx, call.caller.merchant, call.caller.environment) : undefined;
  if (call.method === 'GET' && call.status < 400 && options.reads === 'summary') {
    return {
      requestId: call.requestId,
      merchantId: merchantId ?? '',
      environment: call.caller?.environment ?? null,
      at,
      method: call.method,
      path: call.rawPath,
      operation: call.operation,
      status: call.status,
      reasonCode: null,
      latencyMs: Math.round(call.latencyMs * 100) / 100,
      objectIds: pathIds(call.rawPath),
      detail: {
        summary: true,
        requestHeaders: {},
        query: call.rawQuery,
        requestBody: null,
        responseBody: null,
        clockAt,
      },
    };
  }
  const headers: Record<string, string> = {};
  for (const [name, value] of call.headers) {
    if (name.startsWith('x-amz-pay-') || KEPT_HEADERS.has(name))
      headers[name] = name === 'authorization' ? redactAuthorization(value) : value;
  }
  const bodyText = call.body.length === 0 ? '' : Buffer.from(call.body).toString('utf8');
  const environment = call.caller?.environment ?? null;
  const keep = keepsBodies(environment);
  return {
    requestId: call.requestId,
    merchantId: merchantId ?? '',
    environment,
    at,
    method: call.method,
    path: call.rawPath,
    operation: call.operation,
    status: call.status,
    reasonCode: call.status < 400 ? null : (reasonCodeOf(call.responseBody) ?? null),
    latencyMs: Math.round(call.latencyMs * 100) / 100,
    objectIds: objectIds(call, bodyText),
    detail: {
      requestHeaders: headers,
      query: call.rawQuery,
      requestBody: keep ? cutBody(redactBody(bodyText), options) : null,
      responseBody: keep || call.status >= 400 ? cutBody(call.responseBody, options) : null,
      ...(signature ? { signature } : {}),
      ...(clockAt !== undefined ? { clockAt } : {}),
    },
  };
}

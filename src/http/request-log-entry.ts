import { ID_PATTERNS } from '../domain/ids.js';
import { nowFor, type AppContext, type Caller } from '../app/context.js';
import { cutBody, keepsBodies, redactAuthorization } from '../app/request-log.js';
import type { SignatureDebug } from '../app/console.js';
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

const ID_FIELDS = ['checkoutSessionId', 'chargePermissionId', 'chargeId', 'refundId'] as const;
/** Headers the log keeps (the rest say nothing about Amazon Pay integration). */
const KEPT_HEADERS = /^(x-amz-pay-|authorization$|content-type$|accept$|user-agent$|host$)/;

function idsIn(json: string | undefined, into: Set<string>): void {
  if (json?.[0] !== '{') return;
  try {
    const value = JSON.parse(json) as Record<string, unknown>;
    for (const f of ID_FIELDS) if (typeof value[f] === 'string') into.add(value[f]);
  } catch {}
}

function objectIds(call: AnsweredCall, bodyText: string): string[] {
  const ids = new Set<string>();
  // `/v2/charges/:chargeId/...`: every segment after a resource name that looks like an id.
  for (const segment of call.rawPath.split('/')) {
    const id = decodeURIComponentSafe(segment);
    if (Object.values(ID_PATTERNS).some((p) => p.test(id))) ids.add(id);
  }
  idsIn(bodyText, ids);
  if (call.status < 400) idsIn(call.responseBody, ids);
  return [...ids].filter((id) => !id.includes(' '));
}

function decodeURIComponentSafe(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

function reasonCodeOf(status: number, body: string): string | null {
  if (status < 400) return null;
  try {
    const code = (JSON.parse(body) as { reasonCode?: unknown }).reasonCode;
    return typeof code === 'string' ? code : null;
  } catch {
    return null;
  }
}

export function logApiCall(ctx: AppContext, call: AnsweredCall, at: number): void {
  const log = ctx.requestLog;
  if (!log) return;
  void (async () => {
    const headers: Record<string, string> = {};
    for (const [name, value] of call.headers) {
      if (KEPT_HEADERS.test(name)) headers[name] = name === 'authorization' ? redactAuthorization(value) : value;
    }
    const bodyText = Buffer.from(call.body).toString('utf8');
    const environment = call.caller?.environment ?? null;
    let signature: SignatureDebug | undefined;
    let merchantId = call.caller?.merchant.merchantId;
    if (call.error instanceof SignatureMismatchError) {
      signature = await diagnoseSignature(call.error.failure);
      merchantId = call.error.failure.merchantId;
    }
    const keep = keepsBodies(environment);
    log.record({
      requestId: call.requestId,
      merchantId: merchantId ?? '',
      environment,
      at,
      method: call.method,
      path: call.rawPath,
      operation: call.operation,
      status: call.status,
      reasonCode: reasonCodeOf(call.status, call.responseBody),
      latencyMs: Math.round(call.latencyMs * 100) / 100,
      objectIds: objectIds(call, bodyText),
      detail: {
        requestHeaders: headers,
        query: call.rawQuery,
        requestBody: keep ? cutBody(bodyText, log.options) : null,
        responseBody: keep || call.status >= 400 ? cutBody(call.responseBody, log.options) : null,
        ...(signature ? { signature } : {}),
        ...(call.caller ? { clockAt: nowFor(ctx, call.caller.merchant, call.caller.environment) } : {}),
      },
    });
  })().catch((error) => ctx.log.warn('request log: entry not recorded', { error: String(error) }));
}

import { ApiError } from '../app/api-error.js';
import type { AppContext, Caller } from '../app/context.js';
import type { Environment } from '../domain/environment.js';
import { takeFault } from '../app/faults.js';
import { runIdempotent } from '../app/idempotency.js';
import { throttle } from '../app/throttling.js';
import { FAULT_STATUS } from '../domain/faults.js';
import { setTimeout as sleep } from 'node:timers/promises';
import { requireSandbox } from '../app/testing.js';
import { isStorableText } from '../domain/text.js';
import { callerNow, idempotencyOf, readBody, referenceOf, simulationOf, type ApiRequest } from './api-request.js';
import { usableMerchant } from '../domain/partners.js';
import type { Instant } from '../domain/time.js';
import { authenticate, parseQuery, type SignedRequestParts } from './auth.js';
import { Reply, type ApiRoute, type ErasedInput } from './route-table.js';
import { API_ROUTES } from './routes.js';

export interface ParsedApiPath {
  readonly pathEnvironment: Environment | null;
  readonly segments: readonly string[];
  /** `/v2/...` without the environment and without a trailing slash. */
  readonly routePath: string;
}

/** `/v2/...`, `/sandbox/v2/...` or `/live/v2/...`; undefined when the path is not an API path at all. */
export function parseApiPath(rawPath: string): ParsedApiPath | undefined {
  const parts = rawPath.split('/').slice(1);
  let pathEnvironment: Environment | null = null;
  if (parts[0] === 'sandbox' || parts[0] === 'live') {
    pathEnvironment = parts[0] === 'sandbox' ? 'Sandbox' : 'Live';
    parts.shift();
  }
  const version = parts.shift();
  if (version === undefined || !/^v\d+$/.test(version)) return undefined;
  if (version !== 'v2') throw new ApiError('InvalidAPIVersion', `API version ${version} is not supported; use v2.`);
  // .NET sends a trailing slash; it is signed as sent but does not change the route.
  if (parts.length > 0 && parts[parts.length - 1] === '') parts.pop();
  const segments = parts.map((p) => {
    let segment: string;
    try {
      segment = decodeURIComponent(p);
    } catch {
      throw new ApiError('InvalidRequest', `The path segment ${p} is not valid percent-encoding.`);
    }
    if (!isStorableText(segment))
      throw new ApiError('InvalidParameterValue', `The path segment ${p} contains a NUL character or invalid Unicode.`);
    return segment;
  });
  return { pathEnvironment, segments, routePath: `/v2/${parts.join('/')}` };
}

export function isApiPath(rawPath: string): boolean {
  return /^\/((sandbox|live)\/)?v\d+(\/|$)/.test(rawPath);
}

function match(route: ApiRoute, segments: readonly string[]): Record<string, string> | undefined {
  if (route.segments.length !== segments.length) return undefined;
  const params: Record<string, string> = {};
  for (let i = 0; i < segments.length; i++) {
    const p = route.segments[i]!;
    const s = segments[i]!;
    if (p.startsWith(':')) {
      if (s === '') return undefined;
      params[p.slice(1)] = s;
    } else if (p !== s) return undefined;
  }
  return params;
}

export interface ApiCall {
  readonly method: string;
  readonly rawPath: string;
  readonly rawQuery: string;
  readonly headers: ReadonlyMap<string, string>;
  readonly body: Uint8Array;
}

export interface ApiResult {
  readonly status: number;
  readonly body: string;
  /** Headers beside reji's own (a claim's Location). */
  readonly headers?: Readonly<Record<string, string>>;
  /** For the request log. */
  readonly operation: string;
  readonly merchantId?: string;
  /** An armed Timeout fault: hold the connection this long, then close it without sending the answer. */
  readonly dropAfterMs?: number;
}

export type ApiCallHandler = (
  ctx: AppContext,
  call: ApiCall,
  onRoute?: (operation: string) => void,
  /** Told who called once the signature checked out (the request log). */
  onCaller?: (caller: Caller) => void,
) => Promise<ApiResult>;

/** The API router over a route table (no state of its own beyond the table). */
export function createApiRouter(routes: readonly ApiRoute[]): ApiCallHandler {
  // Grouped once by segment count (table order kept within a group): a call only tries routes of its own length.
  const bySegmentCount = new Map<number, ApiRoute[]>();
  for (const route of routes) {
    const group = bySegmentCount.get(route.segments.length) ?? [];
    group.push(route);
    bySegmentCount.set(route.segments.length, group);
  }
  /** Finds the route (404 / 405 in Amazon's shape before any authentication), authenticates, runs it. */
  return async (ctx, call, onRoute = () => {}, onCaller = () => {}) => {
    const parsed = parseApiPath(call.rawPath);
    if (!parsed) throw new ApiError('ResourceNotFound', `No API operation at ${call.rawPath}.`);
    const candidates: { route: ApiRoute; params: Record<string, string> }[] = [];
    for (const r of bySegmentCount.get(parsed.segments.length) ?? []) {
      const params = match(r, parsed.segments);
      if (params !== undefined) candidates.push({ route: r, params });
    }
    if (candidates.length === 0) throw new ApiError('ResourceNotFound', `No API operation at ${parsed.routePath}.`);
    const found = candidates.find((c) => c.route.method === call.method);
    if (!found) {
      throw new ApiError(
        'RequestNotSupported',
        `${call.method} is not supported on ${parsed.routePath}; use ${[...new Set(candidates.map((c) => c.route.method))].join(' or ')}.`,
      );
    }
    const { route, params } = found;
    onRoute(route.operation);
    const parts: SignedRequestParts = { ...call, pathEnvironment: parsed.pathEnvironment };
    const caller = await authenticate(ctx, parts).catch((error: unknown) => {
      if (error instanceof ApiError) ctx.metrics?.authenticationFailed(error.reasonCode);
      throw error;
    });
    onCaller(caller);
    const req: ApiRequest = {
      method: call.method,
      rawPath: call.rawPath,
      rawQuery: call.rawQuery,
      routePath: parsed.routePath,
      headers: call.headers,
      body: call.body,
      caller,
      pathEnvironment: parsed.pathEnvironment,
    };
    let dropAfterMs: number | undefined;
    // The testing endpoints are never faulted or throttled: they are how a merchant disarms and turns them off.
    if (!route.operation.startsWith('Testing')) {
      const fault = await takeFault(ctx, caller, route.operation);
      if (fault?.outcome === 'Delay') await sleep(fault.delayMs, undefined, { ref: false });
      else if (fault?.outcome === 'Timeout') dropAfterMs = fault.delayMs;
      else if (fault !== undefined) {
        throw new ApiError(
          fault.outcome,
          `Answered ${FAULT_STATUS[fault.outcome]} by the armed fault ${fault.faultId} (POST /v2/testing/faults); retry the request.`,
        );
      }
      throttle(ctx, caller, route.operation, route.method);
    }
    // Under a Timeout fault the client gets no answer at all, whatever the operation did.
    const body =
      dropAfterMs === undefined
        ? await runRoute(ctx, route, req, params)
        : await runRoute(ctx, route, req, params).catch(() => ({ status: 0, body: '' }));
    return {
      ...body,
      operation: route.operation,
      merchantId: caller.merchant.merchantId,
      ...(dropAfterMs === undefined ? {} : { dropAfterMs }),
    };
  };
}

/**
 * The checks every route declares, in this order: Sandbox-only, who may call, simulation code, body, idempotency
 * key; then the handler.
 */
async function runRoute(
  ctx: AppContext,
  route: ApiRoute,
  req: ApiRequest,
  params: Record<string, string>,
): Promise<{ status: number; body: string; headers?: Readonly<Record<string, string>> }> {
  if (route.sandboxOnly) requireSandbox(req.caller);
  checkAccess(route, req.caller, callerNow(ctx, req));
  const simulation = route.simulation === null ? undefined : simulationOf(req, route.simulation);
  const input: ErasedInput = {
    params,
    query: queryOf(req.rawQuery),
    body: route.body === undefined ? undefined : readBody(req, route.body),
    simulation,
    caller: req.caller,
    now: () => callerNow(ctx, req),
  };
  const render = (value: unknown) => {
    const { status, body, headers } =
      value instanceof Reply ? value : { status: route.status, body: value, headers: undefined };
    return { status, body: body === undefined ? '' : JSON.stringify(body), headers };
  };
  if (route.idempotency === 'none') return render(await route.handler(ctx, input));
  const r = await runIdempotent(
    ctx,
    req.caller,
    route.referenceId
      ? referenceOf(req, route.referenceId.field, route.referenceId.of(input.body))
      : idempotencyOf(req, route.idempotency === 'required'),
    input.now,
    (tx) => route.handler(ctx, { ...input, tx }),
    render,
  );
  return { status: r.status, body: r.body };
}

function queryOf(rawQuery: string): Record<string, string[]> {
  const query: Record<string, string[]> = Object.create(null);
  for (const [k, v] of parseQuery(rawQuery)) {
    const values = query[k] ?? [];
    values.push(v);
    query[k] = values;
  }
  return query;
}

/** Who may call the route (route-table.ts, `Access`): refused before the body is read. */
function checkAccess(route: ApiRoute, caller: Caller, now: Instant): void {
  if (route.access === 'any') return;
  if (route.access === 'partner') {
    if (!caller.partner)
      throw new ApiError(
        'UnauthorizedAccess',
        `${route.operation} is for partners (solution providers); ${caller.publicKeyId} is a merchant's key.`,
      );
    return;
  }
  if (caller.merchant.kind === 'partner')
    throw new ApiError(
      'UnauthorizedAccess',
      `${route.operation} acts for a merchant: a partner's key must send the merchant's x-amz-pay-authtoken.`,
    );
  const usable = usableMerchant(caller.merchant, now);
  if (!usable.ok) throw ApiError.from(usable.error);
}

/** Answers every operation of API_ROUTES. */
export const handleApiCall: ApiCallHandler = createApiRouter(API_ROUTES);

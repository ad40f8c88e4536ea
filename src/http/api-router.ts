import { ApiError } from '../app/api-error.js';
import type { AppContext } from '../app/context.js';
import type { Environment } from '../domain/environment.js';
import { runIdempotent } from '../app/idempotency.js';
import { requireSandbox } from '../app/testing.js';
import { isStorableText } from '../domain/text.js';
import { callerNow, idempotencyOf, readBody, simulationOf, type ApiRequest } from './api-request.js';
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
  /** For the request log. */
  readonly operation: string;
  readonly merchantId?: string;
}

export type ApiCallHandler = (
  ctx: AppContext,
  call: ApiCall,
  onRoute?: (operation: string) => void,
) => Promise<ApiResult>;

/** The API router over a route table (no state of its own beyond the table). */
export function createApiRouter(routes: readonly ApiRoute[]): ApiCallHandler {
  /** Finds the route (404 / 405 in Amazon's shape before any authentication), authenticates, runs it. */
  return async (ctx, call, onRoute = () => {}) => {
    const parsed = parseApiPath(call.rawPath);
    if (!parsed) throw new ApiError('ResourceNotFound', `No API operation at ${call.rawPath}.`);
    const candidates = routes.filter((r) => match(r, parsed.segments) !== undefined);
    if (candidates.length === 0) throw new ApiError('ResourceNotFound', `No API operation at ${parsed.routePath}.`);
    const route = candidates.find((r) => r.method === call.method);
    if (!route) {
      throw new ApiError(
        'RequestNotSupported',
        `${call.method} is not supported on ${parsed.routePath}; use ${[...new Set(candidates.map((r) => r.method))].join(' or ')}.`,
      );
    }
    onRoute(route.operation);
    const parts: SignedRequestParts = { ...call, pathEnvironment: parsed.pathEnvironment };
    const caller = await authenticate(ctx, parts).catch((error: unknown) => {
      if (error instanceof ApiError) ctx.metrics?.authenticationFailed(error.reasonCode);
      throw error;
    });
    const req: ApiRequest = {
      method: call.method,
      rawPath: call.rawPath,
      routePath: parsed.routePath,
      rawQuery: call.rawQuery,
      headers: call.headers,
      body: call.body,
      caller,
      pathEnvironment: parsed.pathEnvironment,
    };
    const body = await runRoute(ctx, route, req, match(route, parsed.segments)!);
    return { ...body, operation: route.operation, merchantId: caller.merchant.merchantId };
  };
}

/**
 * The checks every route declares, in this order: Sandbox-only, simulation code, body, idempotency key; then the
 * handler.
 */
async function runRoute(
  ctx: AppContext,
  route: ApiRoute,
  req: ApiRequest,
  params: Record<string, string>,
): Promise<{ status: number; body: string }> {
  if (route.sandboxOnly) requireSandbox(req.caller);
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
    const { status, body } = value instanceof Reply ? value : { status: route.status, body: value };
    return { status, body: JSON.stringify(body) };
  };
  if (route.idempotency === 'none') return render(await route.handler(ctx, input));
  const r = await runIdempotent(
    ctx,
    req.caller,
    idempotencyOf(req, route.idempotency === 'required'),
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

/** Answers every operation of API_ROUTES. */
export const handleApiCall: ApiCallHandler = createApiRouter(API_ROUTES);

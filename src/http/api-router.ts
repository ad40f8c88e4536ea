import { ApiError } from '../app/api-error.js';
import type { AppContext } from '../app/context.js';
import type { Environment } from '../domain/environment.js';
import { isStorableText } from '../domain/text.js';
import type { ApiHandler } from './api-request.js';
import { authenticate, type SignedRequestParts } from './auth.js';
import * as checkout from './routes-checkout.js';
import { getBuyer } from './routes-buyers.js';
import * as payments from './routes-payments.js';

type Method = 'GET' | 'POST' | 'PATCH' | 'DELETE';

interface Route {
  readonly method: Method;
  /** Segments after `/v2`; `:name` captures one segment. */
  readonly pattern: readonly string[];
  /** The operation's name in logs. */
  readonly name: string;
  readonly handler: ApiHandler;
}

const routes: Route[] = [];

export function addRoute(method: Method, path: string, name: string, handler: ApiHandler): void {
  routes.push({ method, pattern: path.split('/').filter(Boolean), name, handler });
}

addRoute('POST', 'checkoutSessions', 'CreateCheckoutSession', checkout.postCheckoutSession);
addRoute('GET', 'checkoutSessions/:id', 'GetCheckoutSession', checkout.getCheckoutSession);
addRoute('PATCH', 'checkoutSessions/:id', 'UpdateCheckoutSession', checkout.patchCheckoutSession);
addRoute('POST', 'checkoutSessions/:id/complete', 'CompleteCheckoutSession', checkout.postComplete);
addRoute('POST', 'checkoutSessions/:id/finalize', 'FinalizeCheckoutSession', checkout.postFinalize);
addRoute('GET', 'chargePermissions/:id', 'GetChargePermission', payments.getChargePermission);
addRoute('PATCH', 'chargePermissions/:id', 'UpdateChargePermission', payments.patchChargePermission);
addRoute('DELETE', 'chargePermissions/:id/close', 'CloseChargePermission', payments.closeChargePermissionRoute);
addRoute('POST', 'charges', 'CreateCharge', payments.postCharge);
addRoute('GET', 'charges/:id', 'GetCharge', payments.getCharge);
addRoute('PATCH', 'charges/:id', 'UpdateCharge', payments.patchCharge);
addRoute('POST', 'charges/:id/capture', 'CaptureCharge', payments.postCapture);
addRoute('DELETE', 'charges/:id/cancel', 'CancelCharge', payments.cancelChargeRoute);
addRoute('POST', 'refunds', 'CreateRefund', payments.postRefund);
addRoute('GET', 'refunds/:id', 'GetRefund', payments.getRefund);
addRoute('POST', 'testing/checkoutSessions/:id/buyerConsent', 'TestingBuyerConsent', checkout.postBuyerConsent);
addRoute('POST', 'testing/checkoutSessions/:id/processPayment', 'TestingProcessPayment', checkout.postProcessPayment);
addRoute('POST', 'testing/clock', 'TestingAdvanceClock', checkout.postClock);
addRoute('GET', 'testing/clock', 'TestingGetClock', checkout.getClock);
addRoute('GET', 'testing/buyers', 'TestingListBuyers', checkout.getTestBuyers);
addRoute('GET', 'buyers/:buyerToken', 'GetBuyer', getBuyer);

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

function match(route: Route, segments: readonly string[]): Record<string, string> | undefined {
  if (route.pattern.length !== segments.length) return undefined;
  const params: Record<string, string> = {};
  for (let i = 0; i < segments.length; i++) {
    const p = route.pattern[i]!;
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

/** Finds the route (404 / 405 in Amazon's shape before any authentication), authenticates, runs it. */
export async function handleApiCall(
  ctx: AppContext,
  call: ApiCall,
  onRoute: (operation: string) => void = () => {},
): Promise<ApiResult> {
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
  onRoute(route.name);
  const parts: SignedRequestParts = { ...call, pathEnvironment: parsed.pathEnvironment };
  const caller = await authenticate(ctx, parts);
  const response = await route.handler(ctx, {
    method: call.method,
    rawPath: call.rawPath,
    routePath: parsed.routePath,
    params: match(route, parsed.segments)!,
    headers: call.headers,
    body: call.body,
    caller,
    pathEnvironment: parsed.pathEnvironment,
  });
  const body = 'raw' in response ? response.raw : JSON.stringify(response.body);
  return { status: response.status, body, operation: route.name, merchantId: caller.merchant.merchantId };
}

import type { AppContext, Caller } from '../app/context.js';
import type { SimulatedOperation, SimulationEffect } from '../domain/simulations.js';
import type { Instant } from '../domain/time.js';
import type { StoreTx } from '../store/store.js';
import type { Schema } from '../wire/schema.js';

/**
 * The declarative API route table: each operation is one `defineRoute({...})` entry that says what the router
 * does before the handler runs (simulation code, body, idempotency key), so that a handler is just its use case.
 * The entries are data: the router (api-router.ts) and, later, an OpenAPI document are built from the same list.
 */

export const HTTP_METHODS = ['GET', 'POST', 'PATCH', 'DELETE'] as const;
export type HttpMethod = (typeof HTTP_METHODS)[number];

/** The `:name` segments of a path: `'chargeId'` for `/v2/charges/:chargeId/capture`. */
export type PathParamNames<P extends string> = P extends `${string}/:${infer Name}/${infer Rest}`
  ? Name | PathParamNames<`/${Rest}`>
  : P extends `${string}/:${infer Name}`
    ? Name
    : never;

/** The decoded path parameters of a route, one per declared `:name`. */
export type PathParams<P extends string> = Readonly<Record<PathParamNames<P>, string>>;

/**
 * `none`: the idempotency header is not read. `optional` / `required`: the handler runs once per key (and a
 * missing key is refused when `required`), inside the transaction that stores the response for replays.
 * `reference`: the same, keyed by a reference id of the body (`referenceId`) instead of the header (in-store).
 */
export type Idempotency = 'none' | 'optional' | 'required' | 'reference';

/** The simulation codes a route accepts: those of one operation, none (`Other`), or not read at all (null). */
export type SimulationRule = SimulatedOperation | 'Other' | null;

/** What a handler receives: everything already checked by the router. */
export interface RouteInput<P extends string, B> {
  readonly params: PathParams<P>;
  /** The validated body; undefined when the route declares no body (it is then not read at all). */
  readonly body: B;
  /** The query's parameters (decoded; a repeated name, as Java's SDK sends lists, keeps every value in order). */
  readonly query: Readonly<Record<string, readonly string[]>>;
  /** The effect of `x-amz-pay-simulation-code`, undefined when none was sent. */
  readonly simulation: SimulationEffect | undefined;
  readonly caller: Caller;
  /** The caller's "now": real time in Live, the merchant's sandbox clock in the Sandbox. */
  now(): Instant;
}

/** An idempotent handler runs inside the transaction that also claims the key and stores the response. */
export type HandlerInput<P extends string, B, I extends Idempotency> = I extends 'none'
  ? RouteInput<P, B>
  : RouteInput<P, B> & { readonly tx: StoreTx };

/** A response with a status other than the route's `status` (e.g. 202 for a pending Complete). */
export class Reply {
  constructor(
    readonly status: number,
    readonly body: unknown,
    readonly headers: Readonly<Record<string, string>> = {},
  ) {}
}

/** `body` undefined answers with no body (204, 202). */
export function reply(status: number, body: unknown, headers: Readonly<Record<string, string>> = {}): Reply {
  return new Reply(status, body, headers);
}

/**
 * Who may call a route: `merchant` (default) a merchant's key, or a partner's key with an `x-amz-pay-authtoken`
 * acting for a usable merchant; `partner` only a partner's key (onboarding, token exchange); `any` both.
 */
export type Access = 'merchant' | 'partner' | 'any';

export interface RouteSpec<P extends string, B, I extends Idempotency> {
  readonly method: HttpMethod;
  /** `/v2/...`; `:name` captures one (percent-decoded, non-empty) segment. */
  readonly path: P;
  /** The operation's name in logs (and its OpenAPI operationId). */
  readonly operation: string;
  /** The request body's declaration; without one the body is not read (GETs, refused operations). */
  readonly body?: Schema<unknown, B>;
  /** The declaration the handler's answer renders through (the API description's response schema). */
  readonly response?: Schema<unknown, unknown>;
  /** The query parameters the operation reads (the API description lists them). */
  readonly query?: readonly string[];
  readonly simulation: SimulationRule;
  /** Testing endpoints: a Live key is refused (401 UnauthorizedAccess) before the body is read. */
  readonly sandboxOnly?: boolean;
  /** Default `merchant`. */
  readonly access?: Access;
  /** Default `none`. */
  readonly idempotency?: I;
  /** With `idempotency: 'reference'`: the body field that names the request, and its value. */
  readonly referenceId?: { readonly field: string; readonly of: (body: B) => string };
  /** The success status; default 200. */
  readonly status?: number;
  /** Other success statuses the handler may answer with `reply(status, body)`. */
  readonly otherStatuses?: readonly number[];
  /** Returns the wire body (answered with `status`) or a `Reply`. */
  readonly handler: (ctx: AppContext, input: HandlerInput<P, B, I>) => Promise<unknown>;
}

/** A route as the router and documentation generators see it (types erased). */
export interface ApiRoute {
  readonly method: HttpMethod;
  readonly path: string;
  readonly operation: string;
  /** The path's segments after `/v2`, e.g. `['charges', ':chargeId', 'capture']`. */
  readonly segments: readonly string[];
  /** The declared `:name`s in path order. */
  readonly pathParams: readonly string[];
  readonly body: Schema<unknown, unknown> | undefined;
  readonly response: Schema<unknown, unknown> | undefined;
  readonly query: readonly string[];
  readonly simulation: SimulationRule;
  readonly sandboxOnly: boolean;
  readonly access: Access;
  readonly idempotency: Idempotency;
  readonly referenceId: { readonly field: string; readonly of: (body: unknown) => string } | undefined;
  readonly status: number;
  readonly otherStatuses: readonly number[];
  readonly handler: (ctx: AppContext, input: ErasedInput) => Promise<unknown>;
}

export type ErasedInput = RouteInput<string, unknown> & {
  readonly params: Readonly<Record<string, string>>;
  readonly tx?: StoreTx;
};

/** Declares one operation; params, body and (for idempotent routes) `tx` are typed from the declaration. */
export function defineRoute<const P extends string, B = undefined, I extends Idempotency = 'none'>(
  spec: RouteSpec<P, B, I>,
): ApiRoute {
  if ((spec.idempotency === 'reference') !== (spec.referenceId !== undefined))
    throw new Error(`Route ${spec.operation}: idempotency 'reference' goes with referenceId`);
  const parts = spec.path.split('/');
  if (parts[0] !== '' || parts[1] !== 'v2' || parts.length < 3 || parts.slice(2).some((s) => s === '')) {
    throw new Error(`Route path ${spec.path} must look like /v2/segment/:param`);
  }
  const segments = parts.slice(2);
  return {
    method: spec.method,
    path: spec.path,
    operation: spec.operation,
    segments,
    pathParams: segments.filter((s) => s.startsWith(':')).map((s) => s.slice(1)),
    body: spec.body as Schema<unknown, unknown> | undefined,
    response: spec.response,
    query: spec.query ?? [],
    simulation: spec.simulation,
    sandboxOnly: spec.sandboxOnly ?? false,
    access: spec.access ?? 'merchant',
    idempotency: spec.idempotency ?? 'none',
    referenceId: spec.referenceId as ApiRoute['referenceId'],
    status: spec.status ?? 200,
    otherStatuses: spec.otherStatuses ?? [],
    handler: spec.handler as unknown as ApiRoute['handler'],
  };
}

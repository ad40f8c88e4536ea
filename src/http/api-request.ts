import type { Caller, AppContext } from '../app/context.js';
import { ApiError } from '../app/api-error.js';
import { nowFor } from '../app/context.js';
import { IDEMPOTENCY_KEY, fingerprint, operationOf, type IdempotentRequest } from '../app/idempotency.js';
import type { Instant } from '../domain/time.js';
import { simulationFor, type SimulatedOperation, type SimulationEffect } from '../domain/simulations.js';
import type { Result } from '../domain/errors.js';
import type { Environment } from '../domain/environment.js';
import { firstUnstorable } from '../domain/text.js';
import type { Schema } from '../wire/schema.js';

/** An authenticated API call as the router sees it. */
export interface ApiRequest {
  readonly method: string;
  readonly rawPath: string;
  /** The path without `/{env}` and without a trailing slash, e.g. `/v2/charges/S01-.../capture`. */
  readonly routePath: string;
  readonly rawQuery: string;
  readonly headers: ReadonlyMap<string, string>;
  readonly body: Uint8Array;
  readonly caller: Caller;
  readonly pathEnvironment: Environment | null;
}

/**
 * Parses and validates the JSON body once, at the edge. An empty body reads as `{}`, and so does `[]`: Amazon's
 * PHP SDK encodes an empty body that way (docs/decisions.md).
 */
export function readBody<T>(req: ApiRequest, schema: Schema<unknown, T>): T {
  let value: unknown = {};
  if (req.body.length > 0) {
    const type = req.headers.get('content-type') ?? '';
    if (!/^application\/json\s*(;.*)?$/i.test(type.trim())) {
      throw new ApiError('InvalidHeaderValue', 'The header content-type must be application/json.');
    }
    try {
      value = JSON.parse(Buffer.from(req.body).toString('utf8'));
    } catch (error) {
      throw new ApiError('InvalidRequestFormat', `The request body is not valid JSON: ${(error as Error).message}.`);
    }
    if (Array.isArray(value) && value.length === 0) value = {};
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      throw new ApiError('InvalidRequestFormat', 'The request body must be a JSON object.');
    }
    refuseUnstorable(value);
  }
  return check(schema.parse(value, ''));
}

/** A NUL or a lone surrogate anywhere in the body: refused before it reaches a query (the same on every database). */
export function refuseUnstorable(value: unknown): void {
  const at = firstUnstorable(value);
  if (at !== undefined) {
    throw new ApiError(
      'InvalidParameterValue',
      `The value provided for ${at === '' ? 'the request' : at} is invalid. It contains a NUL character or invalid Unicode.`,
    );
  }
}

function check<T>(r: Result<T>): T {
  if (r.ok) return r.value;
  throw ApiError.from(r.error);
}

/** `x-amz-pay-idempotency-key`: checked here; `required` on creates and captures. */
export function idempotencyOf(req: ApiRequest, required: boolean): IdempotentRequest {
  const key = req.headers.get('x-amz-pay-idempotency-key');
  if (key === undefined) {
    if (required)
      throw new ApiError('MissingHeader', 'The request is missing the required header x-amz-pay-idempotency-key.');
  } else if (key.trim() === '') {
    throw new ApiError('MissingHeaderValue', 'The header x-amz-pay-idempotency-key is empty.');
  } else if (!IDEMPOTENCY_KEY.test(key)) {
    throw new ApiError(
      'InvalidHeaderValue',
      'The header x-amz-pay-idempotency-key is invalid: use 1 to 32 characters of A-Z, a-z, 0-9, - and _.',
    );
  }
  return {
    key,
    operation: operationOf(req.method, req.routePath),
    fingerprint: fingerprint({
      method: req.method,
      path: req.routePath,
      simulationCode: simulationCodeOf(req),
      body: req.body,
    }),
  };
}

export function simulationCodeOf(req: Pick<ApiRequest, 'headers'>): string | undefined {
  const code = req.headers.get('x-amz-pay-simulation-code');
  return code === undefined || code.trim() === '' ? undefined : code.trim();
}

/** The caller's "now": real time in Live, the merchant's sandbox clock in the Sandbox. */
export function callerNow(ctx: AppContext, req: Pick<ApiRequest, 'caller'>): Instant {
  return nowFor(ctx, req.caller.merchant, req.caller.environment);
}

/** The simulation code of a request, checked against the operation (or refused where none applies). */
export function simulationOf(
  req: Pick<ApiRequest, 'headers' | 'caller'>,
  operation: SimulatedOperation | 'Other',
): SimulationEffect | undefined {
  const r = simulationFor(operation, simulationCodeOf(req), req.caller.environment);
  if (!r.ok) throw ApiError.from(r.error);
  return r.value;
}

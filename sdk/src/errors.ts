import type { ReasonCode } from '../../src/domain/errors.js';

export type { ReasonCode };

/** A reason code reji or Amazon may answer with; unknown future codes still come through as strings. */
export type AnyReasonCode = ReasonCode | (string & {});

/** Declines of a payment (Create Charge, Capture, Complete): read `reasonCode` to decide what to do. */
export const DECLINE_REASON_CODES = [
  'SoftDeclined',
  'HardDeclined',
  'PaymentMethodNotAllowed',
  'MFANotCompleted',
  'TransactionTimedOut',
  'AmazonRejected',
] as const satisfies readonly ReasonCode[];
export type DeclineReasonCode = (typeof DECLINE_REASON_CODES)[number];

/** 422 answers that mean "the object is not in a state that allows this". */
export const STATE_REASON_CODES = [
  'InvalidCheckoutSessionStatus',
  'CheckoutSessionCanceled',
  'InvalidChargePermissionStatus',
  'ChargePermissionNotModifiable',
  'InvalidChargeStatus',
  'InvalidDisputeStatus',
  'TransactionCountExceeded',
] as const satisfies readonly ReasonCode[];
export type StateReasonCode = (typeof STATE_REASON_CODES)[number];

export interface ErrorDetails {
  readonly status: number | null;
  readonly reasonCode: AnyReasonCode | null;
  readonly message: string;
  readonly requestId: string | null;
  readonly body: unknown;
  readonly headers: Readonly<Record<string, string>>;
  readonly attempts: number;
  readonly idempotencyKey?: string | undefined;
  readonly cause?: unknown;
}

/**
 * The root of every error the SDK throws for a call: `instanceof AmazonPayError` catches them all.
 *
 * @example
 * try {
 *   await client.charges.capture(chargeId, { captureAmount: { amount: '1000', currencyCode: 'JPY' } });
 * } catch (error) {
 *   if (error instanceof AmazonPayError) console.log(error.status, error.reasonCode, error.requestId);
 *   throw error;
 * }
 */
export class AmazonPayError extends Error {
  /** HTTP status, or null when no response arrived. */
  readonly status: number | null;
  /** Amazon Pay's `reasonCode`, or null when no response arrived. */
  readonly reasonCode: AnyReasonCode | null;
  /** `x-amz-pay-request-id` of the (last) response, for support requests. */
  readonly requestId: string | null;
  /** The parsed response body (or its text when it was not JSON). */
  readonly body: unknown;
  readonly headers: Readonly<Record<string, string>>;
  /** How many times the request was sent. */
  readonly attempts: number;
  /** The `x-amz-pay-idempotency-key` the request carried (POST only): reuse it to retry safely. */
  readonly idempotencyKey: string | null;

  constructor(details: ErrorDetails) {
    super(details.message, details.cause === undefined ? undefined : { cause: details.cause });
    this.name = new.target.name;
    this.status = details.status;
    this.reasonCode = details.reasonCode;
    this.requestId = details.requestId;
    this.body = details.body;
    this.headers = details.headers;
    this.attempts = details.attempts;
    this.idempotencyKey = details.idempotencyKey ?? null;
  }
}

/**
 * An error answer of the API (any non-2xx status): status and reasonCode are always set.
 *
 * @example
 * catch (error) {
 *   if (error instanceof AmazonPayApiError && error.reasonCode === 'DuplicateIdempotencyKey') { ... }
 * }
 */
export class AmazonPayApiError extends AmazonPayError {
  declare readonly status: number;
  declare readonly reasonCode: AnyReasonCode;
}

/**
 * 400 (and other client errors such as 405, 426): the request itself is wrong; fix it, do not retry.
 *
 * @example
 * catch (error) {
 *   if (error instanceof InvalidRequestError) console.error(`fix the request: ${error.reasonCode}: ${error.message}`);
 * }
 */
export class InvalidRequestError extends AmazonPayApiError {}

/**
 * 401 / 403: unknown key, wrong environment, bad signature or account status.
 *
 * @example
 * catch (error) {
 *   if (error instanceof AuthenticationError && error.reasonCode === 'InvalidRequestSignature') console.error(error.message);
 * }
 */
export class AuthenticationError extends AmazonPayApiError {}

/**
 * 404 `ResourceNotFound`: no such object for this merchant and environment.
 *
 * @example
 * try { await client.charges.get(id); } catch (error) { if (error instanceof NotFoundError) return null; throw error; }
 */
export class NotFoundError extends AmazonPayApiError {}

/**
 * 409, e.g. `AmountMismatch` when Complete's amount differs from the session's.
 *
 * @example
 * catch (error) { if (error instanceof ConflictError) showCartChanged(); }
 */
export class ConflictError extends AmazonPayApiError {}

/**
 * 422 because the object is in the wrong state (`InvalidChargeStatus`, `CheckoutSessionCanceled`, …).
 *
 * @example
 * catch (error) {
 *   if (error instanceof StateError && error.reasonCode === 'CheckoutSessionCanceled') {
 *     const { body } = await client.checkoutSessions.get(id); // statusDetails.reasonCode says why
 *   }
 * }
 */
export class StateError extends AmazonPayApiError {
  declare readonly reasonCode: StateReasonCode | (string & {});
}

/**
 * 422 decline of a payment. `isSoftDecline`: try again later; `isHardDecline`: the buyer must use another payment method.
 *
 * @example
 * catch (error) {
 *   if (error instanceof DeclineError) {
 *     if (error.isSoftDecline) scheduleRetry();
 *     else askBuyerForAnotherPaymentMethod();
 *   }
 * }
 */
export class DeclineError extends AmazonPayApiError {
  declare readonly reasonCode: DeclineReasonCode;

  /** SoftDeclined / TransactionTimedOut: the same request may succeed later. */
  get isSoftDecline(): boolean {
    return this.reasonCode === 'SoftDeclined' || this.reasonCode === 'TransactionTimedOut';
  }

  /** HardDeclined / PaymentMethodNotAllowed: the buyer has to pick another payment method. */
  get isHardDecline(): boolean {
    return this.reasonCode === 'HardDeclined' || this.reasonCode === 'PaymentMethodNotAllowed';
  }
}

/**
 * 408 / 425 after the retries ran out: the outcome is unknown; retry later with the same idempotency key.
 *
 * @example
 * catch (error) { if (error instanceof RequestTimeoutError) await retryLater(error.idempotencyKey); }
 */
export class RequestTimeoutError extends AmazonPayApiError {}

/**
 * 429 `TooManyRequests` after the retries ran out.
 *
 * @example
 * catch (error) { if (error instanceof RateLimitError) await sleep(error.retryAfterMs ?? 5000); }
 */
export class RateLimitError extends AmazonPayApiError {
  /** From `Retry-After`, when the server sent one. */
  get retryAfterMs(): number | null {
    return parseRetryAfter(this.headers['retry-after'], Date.now());
  }
}

/**
 * 5xx after the retries ran out (`InternalServerError`, `ProcessingFailure`, `ServiceUnavailable`).
 *
 * @example
 * catch (error) { if (error instanceof ServerError) await retryLater(); }
 */
export class ServerError extends AmazonPayApiError {}

/**
 * No HTTP response: DNS, refused or reset connection, TLS failure or timeout, after the retries ran out.
 * The server may or may not have processed a POST; retry it with the same idempotency key.
 *
 * @example
 * catch (error) { if (error instanceof ConnectionError) console.error('network problem', error.cause); }
 */
export class ConnectionError extends AmazonPayError {
  declare readonly status: null;
  declare readonly reasonCode: null;
}

const DECLINES = new Set<string>(DECLINE_REASON_CODES);

/** The reason code when the body carried none (e.g. an HTML 502 from a proxy). */
function defaultReasonCode(status: number): AnyReasonCode {
  if (status === 408) return 'RequestTimeout';
  if (status === 429) return 'TooManyRequests';
  if (status === 503) return 'ServiceUnavailable';
  if (status >= 500) return 'InternalServerError';
  if (status === 404) return 'ResourceNotFound';
  return `Http${status}`;
}

export interface ErrorResponse {
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  /** The raw body text. */
  readonly text: string;
  readonly attempts: number;
  readonly idempotencyKey?: string | undefined;
}

/**
 * Turns a non-2xx response into the matching error class.
 *
 * @example
 * const error = errorFromResponse({ status: 404, headers: {}, text: '{"reasonCode":"ResourceNotFound","message":"No such id."}', attempts: 1 });
 * error instanceof NotFoundError; // true
 */
export function errorFromResponse(response: ErrorResponse): AmazonPayApiError {
  let body: unknown = response.text;
  try {
    body = response.text === '' ? null : JSON.parse(response.text);
  } catch {
    // keep the text
  }
  const fields = typeof body === 'object' && body !== null ? (body as Record<string, unknown>) : {};
  const reasonCode =
    typeof fields['reasonCode'] === 'string' ? fields['reasonCode'] : defaultReasonCode(response.status);
  const message = typeof fields['message'] === 'string' ? fields['message'] : `HTTP ${response.status}`;
  const details: ErrorDetails = {
    status: response.status,
    reasonCode,
    message,
    requestId: response.headers['x-amz-pay-request-id'] ?? null,
    body,
    headers: response.headers,
    attempts: response.attempts,
    idempotencyKey: response.idempotencyKey,
  };
  const s = response.status;
  if (s === 400) return new InvalidRequestError(details);
  if (s === 401 || s === 403) return new AuthenticationError(details);
  if (s === 404) return new NotFoundError(details);
  if (s === 408 || s === 425) return new RequestTimeoutError(details);
  if (s === 409) return new ConflictError(details);
  if (s === 422) return DECLINES.has(reasonCode) ? new DeclineError(details) : new StateError(details);
  if (s === 429) return new RateLimitError(details);
  if (s >= 500) return new ServerError(details);
  if (s >= 400) return new InvalidRequestError(details);
  return new AmazonPayApiError(details);
}

/**
 * `Retry-After` as milliseconds from `now`: delta-seconds or an HTTP date; null when absent or unreadable.
 *
 * @example
 * parseRetryAfter('2', Date.now()); // 2000
 */
export function parseRetryAfter(value: string | undefined, now: number): number | null {
  if (value === undefined) return null;
  const text = value.trim();
  if (/^\d+(\.\d+)?$/.test(text)) return Math.round(Number(text) * 1000);
  const at = Date.parse(text);
  if (Number.isNaN(at)) return null;
  return Math.max(0, at - now);
}

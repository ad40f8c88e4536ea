/**
 * The one catalogue of Amazon Pay reason codes reji answers with: each code has exactly one HTTP status.
 * docs/errors.md lists the same codes (a test keeps them in step).
 */
export const ERROR_CATALOGUE = {
  InvalidHeaderValue: { status: 400, description: 'A header has an invalid value.' },
  InvalidRequest: { status: 400, description: 'The request is invalid (see the message).' },
  InvalidParameterValue: { status: 400, description: 'A body or path parameter has an invalid value.' },
  InvalidRequestFormat: { status: 400, description: 'The body is not a valid JSON object.' },
  MissingHeader: { status: 400, description: 'A required header is absent.' },
  MissingHeaderValue: { status: 400, description: 'A required header is present but empty.' },
  MissingParameterValue: { status: 400, description: 'A required parameter is missing.' },
  UnrecognizedField: { status: 400, description: 'The body has a field the operation does not accept.' },
  InvalidSandboxSimulationSpecified: {
    status: 400,
    description: 'The simulation code is unknown or not valid for this operation.',
  },
  DuplicateIdempotencyKey: {
    status: 400,
    description: 'The idempotency key was already used with a different request.',
  },
  InvalidParameterCombination: { status: 400, description: 'Parameters that cannot be used together were given.' },
  CurrencyMismatch: { status: 400, description: 'The currency differs from the one fixed for the object or ledger.' },
  InvalidAPIVersion: { status: 400, description: 'The API version in the path is not supported.' },
  TransactionAmountExceeded: { status: 400, description: 'The amount is above the allowed maximum.' },
  PeriodicAmountExceeded: {
    status: 400,
    description: 'The recurring monthly limit of the charge permission would be exceeded.',
  },
  UnauthorizedAccess: {
    status: 401,
    description: 'The caller may not perform this call (unknown key, wrong environment).',
  },
  InvalidAuthentication: { status: 403, description: 'Authentication failed.' },
  InvalidAccountStatus: { status: 403, description: 'The merchant account is not in good standing.' },
  InvalidRequestSignature: { status: 403, description: 'The request signature does not verify.' },
  InvalidAuthorizationToken: { status: 403, description: 'The x-amz-pay-authtoken header is not valid.' },
  ResourceNotFound: { status: 404, description: 'No such object for this merchant and environment.' },
  UnsupportedOperation: { status: 405, description: 'The operation is not supported.' },
  RequestNotSupported: { status: 405, description: 'The HTTP method is not supported on this path.' },
  RequestTimeout: { status: 408, description: 'The request timed out; retry with the same idempotency key.' },
  AmountMismatch: { status: 409, description: 'The amount differs from the amount on the checkout session.' },
  InvalidCheckoutSessionStatus: {
    status: 422,
    description: 'The checkout session is not in a state that allows the operation.',
  },
  CheckoutSessionCanceled: {
    status: 422,
    description: 'The checkout session was canceled; read statusDetails.reasonCode.',
  },
  InvalidChargePermissionStatus: {
    status: 422,
    description: 'The charge permission is not in a state that allows the operation.',
  },
  ChargePermissionNotModifiable: { status: 422, description: 'The charge permission can no longer be modified.' },
  InvalidChargeStatus: { status: 422, description: 'The charge is not in a state that allows the operation.' },
  InvalidDisputeStatus: { status: 422, description: 'The dispute is not in a state that allows the operation.' },
  SoftDeclined: { status: 422, description: 'The payment was declined; it may succeed if retried later.' },
  HardDeclined: { status: 422, description: 'The payment was declined; the buyer must use another payment method.' },
  PaymentMethodNotAllowed: { status: 422, description: 'The payment method cannot be used for this transaction.' },
  MFANotCompleted: { status: 422, description: 'The buyer has not completed multi-factor authentication.' },
  TransactionTimedOut: { status: 422, description: 'The authorization could not be processed in time.' },
  AmazonRejected: { status: 422, description: 'Amazon rejected the transaction.' },
  TransactionCountExceeded: { status: 422, description: 'Too many transactions on this object.' },
  TLSVersionNotSupported: { status: 426, description: 'TLS 1.2 or later is required.' },
  TooManyRequests: { status: 429, description: 'Throttled; retry with exponential backoff.' },
  InternalServerError: { status: 500, description: 'Something went wrong on the server; retry.' },
  ProcessingFailure: { status: 500, description: 'The transaction could not be processed; retry later.' },
  ServiceUnavailable: { status: 503, description: 'The service is temporarily unavailable; retry.' },
} as const satisfies Record<string, { status: number; description: string }>;

export type ReasonCode = keyof typeof ERROR_CATALOGUE;

/** An expected failure, in Amazon Pay's terms. */
export interface DomainError {
  readonly reasonCode: ReasonCode;
  readonly message: string;
}

export function domainError(reasonCode: ReasonCode, message: string): DomainError {
  return { reasonCode, message };
}

export function statusOf(reasonCode: ReasonCode): number {
  return ERROR_CATALOGUE[reasonCode].status;
}

/** Amazon's wording for a bad parameter, e.g. `The value provided for chargeAmount.amount is invalid.` */
export function invalidParameter(path: string, why?: string): DomainError {
  return domainError('InvalidParameterValue', `The value provided for ${path} is invalid.${why ? ` ${why}` : ''}`);
}

export type Result<T, E = DomainError> =
  | { readonly ok: true; readonly value: T }
  | { readonly ok: false; readonly error: E };

export function ok<T>(value: T): { readonly ok: true; readonly value: T } {
  return { ok: true, value };
}

export function fail(error: DomainError): { readonly ok: false; readonly error: DomainError };
export function fail(reasonCode: ReasonCode, message: string): { readonly ok: false; readonly error: DomainError };
export function fail(
  a: DomainError | ReasonCode,
  message?: string,
): { readonly ok: false; readonly error: DomainError } {
  return { ok: false, error: typeof a === 'string' ? domainError(a, message ?? ERROR_CATALOGUE[a].description) : a };
}

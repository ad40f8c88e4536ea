import { ERROR_CATALOGUE, type DomainError, type ReasonCode, type Result } from '../domain/errors.js';

/**
 * An expected failure on its way to the HTTP edge. With `keepChanges`, what the use case wrote so far
 * is committed before the error is answered (a decline that made a charge permission NonChargeable).
 */
export class ApiError extends Error {
  readonly status: number;
  constructor(
    readonly reasonCode: ReasonCode,
    message: string,
    readonly keepChanges = false,
  ) {
    super(message);
    this.name = 'ApiError';
    this.status = ERROR_CATALOGUE[reasonCode].status;
  }

  static from(error: DomainError, keepChanges = false): ApiError {
    return new ApiError(error.reasonCode, error.message, keepChanges);
  }

  toBody(): { reasonCode: ReasonCode; message: string } {
    return { reasonCode: this.reasonCode, message: this.message };
  }
}

/** The value of a domain result, or its failure thrown as an ApiError. */
export function unwrap<T>(result: Result<T>): T {
  if (result.ok) return result.value;
  throw ApiError.from(result.error);
}

export function notFound(kind: string, id: string): ApiError {
  return new ApiError('ResourceNotFound', `${kind} ${id} was not found.`);
}

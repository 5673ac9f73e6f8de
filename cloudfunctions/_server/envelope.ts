/** The reply envelope of API.md section 1, and the error a use case raises to produce `ok:false`. */
import {
  ERROR_MESSAGES,
  type ApiError,
  type Envelope,
  type ErrorCode,
  type FieldErrors,
} from '../../miniprogram/core/errors';

/**
 * A domain failure: the action stops, nothing it started is kept, and the caller gets this code with a Chinese
 * message. Use cases throw it; the router turns it into the envelope.
 */
export class DomainError extends Error {
  constructor(
    readonly code: ErrorCode,
    message?: string,
    readonly fields?: FieldErrors,
  ) {
    super(message ?? ERROR_MESSAGES[code]);
    this.name = 'DomainError';
  }
}

export function ok<T>(data: T): Envelope<T> {
  return { ok: true, data };
}

export function failure(code: ErrorCode, message?: string, fields?: FieldErrors): Envelope<never> {
  const error: ApiError = { code, message: message ?? ERROR_MESSAGES[code] };
  if (fields && Object.keys(fields).length > 0) error.fields = fields;
  return { ok: false, error };
}

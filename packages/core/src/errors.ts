/**
 * The error codes with their HTTP status (docs/api-conventions.md). Every failure a client sees maps to
 * one of them; 415 and 431 answer bodies and headers the server cannot read.
 */
export const ERROR_STATUS = {
  validation_error: 400,
  unauthorized: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  invalid_transition: 409,
  payload_too_large: 413,
  unsupported_media_type: 415,
  headers_too_large: 431,
  rate_limited: 429,
  internal: 500,
  git_error: 502,
  unavailable: 503,
} as const;

export type ErrorCode = keyof typeof ERROR_STATUS;

export type ErrorDetails = Record<string, unknown>;

/** Base of every typed error; adapters and handlers throw these, the HTTP layer renders them. */
export class ConmanError extends Error {
  readonly code: ErrorCode;
  readonly details: ErrorDetails | undefined;

  constructor(code: ErrorCode, message: string, details?: ErrorDetails, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
    this.code = code;
    this.details = details;
  }

  get status(): number {
    return ERROR_STATUS[this.code];
  }
}

export class ValidationError extends ConmanError {
  constructor(message: string, details?: ErrorDetails) {
    super('validation_error', message, details);
  }
}

export class UnauthorizedError extends ConmanError {
  constructor(message = 'Authentication required') {
    super('unauthorized', message);
  }
}

export class ForbiddenError extends ConmanError {
  constructor(message = 'Not allowed', details?: ErrorDetails) {
    super('forbidden', message, details);
  }
}

export class NotFoundError extends ConmanError {
  constructor(message = 'Not found', details?: ErrorDetails) {
    super('not_found', message, details);
  }
}

export class ConflictError extends ConmanError {
  constructor(message: string, details?: ErrorDetails) {
    super('conflict', message, details);
  }
}

export class InvalidTransitionError extends ConmanError {
  constructor(message: string, details?: ErrorDetails) {
    super('invalid_transition', message, details);
  }
}

export class PayloadTooLargeError extends ConmanError {
  constructor(message: string, details?: ErrorDetails) {
    super('payload_too_large', message, details);
  }
}

/** A request body in an encoding or charset the API does not read (docs/api-conventions.md). */
export class UnsupportedMediaTypeError extends ConmanError {
  constructor(message: string, details?: ErrorDetails) {
    super('unsupported_media_type', message, details);
  }
}

export class RateLimitedError extends ConmanError {
  readonly retryAfterSeconds: number;
  constructor(retryAfterSeconds: number, message = 'Too many requests') {
    super('rate_limited', message, { retry_after_seconds: retryAfterSeconds });
    this.retryAfterSeconds = retryAfterSeconds;
  }
}

export class UnavailableError extends ConmanError {
  constructor(message: string, details?: ErrorDetails) {
    super('unavailable', message, details);
  }
}

export function isConmanError(error: unknown): error is ConmanError {
  return error instanceof ConmanError;
}

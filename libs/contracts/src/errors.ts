import type { ErrorCode, ErrorDetails, WireError } from './generated/types';

export type { ErrorCode, ErrorDetails, WireError };

/** Every code of the closed set, in a stable order (for tests and docs). */
export const ERROR_CODES: readonly ErrorCode[] = [
  'invalid_argument',
  'not_found',
  'conflict',
  'payload_too_large',
  'unauthenticated',
  'permission_denied',
  'resource_exhausted',
  'unavailable',
  'internal',
];

/** Used at the end of exhaustive switches: the compiler proves it unreachable. */
export function assertNever(value: never): never {
  throw new Error(`unexpected value: ${JSON.stringify(value)}`);
}

/** Whether a caller may retry the same request unchanged and expect a different outcome. */
export function isRetryableCode(code: ErrorCode): boolean {
  switch (code) {
    case 'unavailable':
    case 'resource_exhausted':
      return true;
    case 'unauthenticated':
    case 'permission_denied':
    case 'invalid_argument':
    case 'not_found':
    case 'conflict':
    case 'payload_too_large':
    case 'internal':
      return false;
    default:
      return assertNever(code);
  }
}

/** The HTTP status the gateway answers for a code. */
export function httpStatusFor(code: ErrorCode): number {
  switch (code) {
    case 'invalid_argument':
      return 400;
    case 'not_found':
      return 404;
    case 'conflict':
      return 409;
    case 'payload_too_large':
      return 413;
    case 'unauthenticated':
      return 401;
    case 'permission_denied':
      return 403;
    case 'resource_exhausted':
      return 429;
    case 'unavailable':
      return 503;
    case 'internal':
      return 500;
    default:
      return assertNever(code);
  }
}

/** What a CrucibleError carries besides its code and message. */
export interface CrucibleErrorOptions {
  /** Whether retrying the same request can succeed (default: from the code, see `isRetryableCode`). */
  readonly retryable?: boolean;
  /** The failure this one translates (logged with it, never sent on the wire). */
  readonly cause?: unknown;
}

/**
 * The brand of every CrucibleError, shared by every copy of this package in a
 * process (`Symbol.for`): two builds of the class are two classes, so
 * `instanceof` misses errors made by the other; `isCrucibleError` does not.
 */
const CRUCIBLE_ERROR = Symbol.for('crucible.error');

/**
 * The one error type that crosses process boundaries. Inside a process it is
 * thrown; on the wire it travels as {@link WireError} (`toWire`/`fromWire`),
 * without its `cause`. Callers recognise it with `isCrucibleError` and check
 * `code`, never `instanceof` across packages.
 */
export class CrucibleError extends Error {
  readonly code: ErrorCode;
  readonly retryable: boolean;
  readonly details: ErrorDetails;
  readonly [CRUCIBLE_ERROR] = true;

  constructor(
    code: ErrorCode,
    message: string,
    details: ErrorDetails = {},
    options: CrucibleErrorOptions = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'CrucibleError';
    this.code = code;
    this.details = details;
    this.retryable = options.retryable ?? isRetryableCode(code);
  }

  toWire(): WireError {
    return {
      code: this.code,
      message: this.message,
      retryable: this.retryable,
      details: this.details,
    };
  }

  static fromWire(wire: WireError): CrucibleError {
    return new CrucibleError(wire.code, wire.message, wire.details, { retryable: wire.retryable });
  }
}

/** Whether `value` is a CrucibleError, whichever copy of this package made it. */
export function isCrucibleError(value: unknown): value is CrucibleError {
  return (
    typeof value === 'object' &&
    value !== null &&
    (value as { [CRUCIBLE_ERROR]?: unknown })[CRUCIBLE_ERROR] === true
  );
}

/** A field broke a rule; `path` is a JSON Pointer into the request. */
export function invalidArgument(
  path: string,
  reason: string,
  message: string,
  extra: Record<string, unknown> = {},
): CrucibleError {
  return new CrucibleError('invalid_argument', message, { ...extra, path, reason });
}

export function notFound(message: string, details: ErrorDetails = {}): CrucibleError {
  return new CrucibleError('not_found', message, details);
}

export function conflict(message: string, details: ErrorDetails = {}): CrucibleError {
  return new CrucibleError('conflict', message, details);
}

export function payloadTooLarge(limitBytes: number, actualBytes: number, path = ''): CrucibleError {
  return new CrucibleError(
    'payload_too_large',
    `payload of ${actualBytes} bytes exceeds the limit of ${limitBytes} bytes`,
    { path, reason: 'payload_too_large', limit_bytes: limitBytes, actual_bytes: actualBytes },
  );
}

/** No credential, or one the gateway does not accept (`details.reason` says which). */
export function unauthenticated(reason: string, message: string): CrucibleError {
  return new CrucibleError('unauthenticated', message, { reason });
}

/** A valid credential that may not do this (a missing scope, a refused Host or Origin). */
export function permissionDenied(
  reason: string,
  message: string,
  details: ErrorDetails = {},
): CrucibleError {
  return new CrucibleError('permission_denied', message, { ...details, reason });
}

/** Too many requests from one caller; `retry_after_seconds` says when to try again. */
export function resourceExhausted(message: string, retryAfterSeconds: number): CrucibleError {
  return new CrucibleError('resource_exhausted', message, {
    reason: 'rate_limited',
    retry_after_seconds: retryAfterSeconds,
  });
}

export function unavailable(message: string, details: ErrorDetails = {}): CrucibleError {
  return new CrucibleError('unavailable', message, details);
}

/** A bug or an unexpected failure; the message is generic, the cause stays in logs. */
export function internal(
  message = 'internal error',
  details: ErrorDetails = {},
  options: { cause?: unknown } = {},
): CrucibleError {
  return new CrucibleError('internal', message, details, options);
}

/**
 * Turns anything thrown into a CrucibleError: itself, one rebuilt from a wire
 * error, or `internal` with the unknown error as its cause.
 */
export function toCrucibleError(error: unknown): CrucibleError {
  if (isCrucibleError(error)) return error;
  if (isWireErrorLike(error)) return CrucibleError.fromWire(error);
  return internal(undefined, {}, { cause: error });
}

function isWireErrorLike(value: unknown): value is WireError {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Record<string, unknown>;
  return (
    typeof v.code === 'string' &&
    (ERROR_CODES as readonly string[]).includes(v.code) &&
    typeof v.message === 'string' &&
    typeof v.retryable === 'boolean' &&
    typeof v.details === 'object' &&
    v.details !== null
  );
}

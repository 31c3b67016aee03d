import type { ErrorCode, ErrorDetails, WireError } from './generated/types';

export type { ErrorCode, ErrorDetails, WireError };

/** Every code of the closed set, in a stable order (for tests and docs). */
export const ERROR_CODES: readonly ErrorCode[] = [
  'invalid_argument',
  'not_found',
  'conflict',
  'payload_too_large',
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
      return true;
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
    case 'unavailable':
      return 503;
    case 'internal':
      return 500;
    default:
      return assertNever(code);
  }
}

/**
 * The one error type that crosses process boundaries. Inside a process it is
 * thrown; on the wire it travels as {@link WireError} (`toWire`/`fromWire`).
 * Callers check `code`, never `instanceof` across packages.
 */
export class CrucibleError extends Error {
  readonly code: ErrorCode;
  readonly retryable: boolean;
  readonly details: ErrorDetails;

  constructor(code: ErrorCode, message: string, details: ErrorDetails = {}, retryable?: boolean) {
    super(message);
    this.name = 'CrucibleError';
    this.code = code;
    this.details = details;
    this.retryable = retryable ?? isRetryableCode(code);
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
    return new CrucibleError(wire.code, wire.message, wire.details, wire.retryable);
  }
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

export function unavailable(message: string, details: ErrorDetails = {}): CrucibleError {
  return new CrucibleError('unavailable', message, details);
}

/** A bug or an unexpected failure; the message is generic, the cause stays in logs. */
export function internal(message = 'internal error', details: ErrorDetails = {}): CrucibleError {
  return new CrucibleError('internal', message, details);
}

/** Turns anything thrown into a CrucibleError (unknown errors become `internal`). */
export function toCrucibleError(error: unknown): CrucibleError {
  if (error instanceof CrucibleError) return error;
  if (isWireErrorLike(error)) return CrucibleError.fromWire(error);
  return internal();
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

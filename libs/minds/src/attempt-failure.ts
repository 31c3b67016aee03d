import { APIConnectionError, APIConnectionTimeoutError, APIError, APIUserAbortError } from 'openai';
import type { MindFailureKind } from './mind';
import { retryAfterMs } from './retry-policy';
import { isFormatRefusal } from './structured-output';

/** Why one HTTP attempt failed, and whether the mind should try it again. */
export interface AttemptFailure {
  readonly kind: MindFailureKind;
  readonly message: string;
  /** Worth another try within this call (overload, outage, a dropped connection). */
  readonly transient: boolean;
  readonly status?: number;
  readonly retryAfterMs?: number;
  /** A 400/422 that refused the response format (a weaker structured output mode may pass). */
  readonly formatRefusal: boolean;
}

/** What the mind knows besides the error: which of its own signals fired. */
export interface AttemptContext {
  /** The caller's signal aborted. */
  readonly aborted: boolean;
  /** The call's overall deadline passed. */
  readonly deadlineExceeded: boolean;
  /** This attempt's timeout passed. */
  readonly attemptTimedOut: boolean;
  readonly deadlineMs: number;
  readonly timeoutMs: number;
  readonly now: number;
}

// Connection errors that mean nobody is listening there (or no such host).
const UNREACHABLE_CODES = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EADDRNOTAVAIL',
]);

/**
 * Maps what the openai client (or undici under it) threw for one attempt to
 * a failure kind. Our own signals are asked first: an abort surfaces from
 * the client as several different errors depending on when it struck.
 */
export function classifyAttemptFailure(error: unknown, context: AttemptContext): AttemptFailure {
  if (context.aborted) return failure('aborted', 'the call was aborted', false);
  if (context.deadlineExceeded) {
    return failure(
      'timeout',
      `no answer within the call's deadline of ${context.deadlineMs} ms`,
      false,
    );
  }
  if (context.attemptTimedOut || error instanceof APIConnectionTimeoutError) {
    return failure(
      'timeout',
      `no answer within the attempt timeout of ${context.timeoutMs} ms`,
      true,
    );
  }
  if (error instanceof APIUserAbortError) return failure('aborted', 'the call was aborted', false);
  if (error instanceof APIConnectionError) {
    const code = errorCode(error.cause);
    if (code !== undefined && UNREACHABLE_CODES.has(code)) {
      return failure('unreachable', `cannot reach the server (${code})`, true);
    }
    return failure('server_error', `the connection failed: ${describeCause(error)}`, true);
  }
  if (error instanceof APIError && typeof error.status === 'number') {
    return statusFailure(error as APIError<number, Headers | undefined>, context.now);
  }
  // By name: these come from undici's realm, where instanceof against ours fails under jest.
  if (isErrorNamed(error, 'SyntaxError')) {
    return failure('invalid_response', `the reply body is not JSON: ${error.message}`, false);
  }
  // undici: the connection dropped while the body was being read.
  if (isErrorNamed(error, 'TypeError') && errorCode(error.cause)?.startsWith('UND_ERR') === true) {
    return failure('server_error', `the connection failed: ${describeCause(error)}`, true);
  }
  return failure('server_error', `unexpected failure: ${describe(error)}`, false);
}

function statusFailure(error: APIError<number, Headers | undefined>, now: number): AttemptFailure {
  const status = error.status;
  const message = `${error.message}`;
  const retryAfter = retryAfterMs(error.headers, now);
  const withStatus = (
    kind: MindFailureKind,
    transient: boolean,
    formatRefusal = false,
  ): AttemptFailure => ({
    kind,
    message,
    transient,
    status,
    formatRefusal,
    ...(retryAfter === undefined ? {} : { retryAfterMs: retryAfter }),
  });
  // The server may say outright whether a retry helps (OpenAI's x-should-retry).
  const shouldRetry = error.headers?.get('x-should-retry');
  if (status === 401 || status === 403) return withStatus('auth', false);
  if (status === 429) return withStatus('rate_limited', shouldRetry !== 'false');
  if (status === 408) return withStatus('timeout', shouldRetry !== 'false');
  if (status >= 500 || status === 409) return withStatus('server_error', shouldRetry !== 'false');
  const param = typeof error.param === 'string' ? error.param : undefined;
  return withStatus(
    'bad_request',
    shouldRetry === 'true',
    isFormatRefusal({ status, message, param }),
  );
}

function isErrorNamed(error: unknown, name: string): error is Error {
  return (
    typeof error === 'object' &&
    error !== null &&
    (error as { name?: unknown }).name === name &&
    typeof (error as { message?: unknown }).message === 'string'
  );
}

function failure(kind: MindFailureKind, message: string, transient: boolean): AttemptFailure {
  return { kind, message, transient, formatRefusal: false };
}

/** The first `code` string along an error's cause chain (undici nests them). */
function errorCode(error: unknown, depth = 0): string | undefined {
  if (depth > 5 || typeof error !== 'object' || error === null) return undefined;
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string') return code;
  return errorCode((error as { cause?: unknown }).cause, depth + 1);
}

function describeCause(error: Error): string {
  const parts: string[] = [];
  let current: unknown = error;
  for (let depth = 0; depth < 5 && typeof current === 'object' && current !== null; depth += 1) {
    const { message, cause } = current as { message?: unknown; cause?: unknown };
    if (typeof message === 'string' && message !== '') parts.push(message);
    current = cause;
  }
  return parts.join(': ');
}

function describe(error: unknown): string {
  if (typeof error === 'object' && error !== null) {
    const { name, message } = error as { name?: unknown; message?: unknown };
    if (typeof message === 'string')
      return `${typeof name === 'string' ? name : 'Error'}: ${message}`;
  }
  return String(error);
}

import { assertNever } from '@crucible/contracts';
import type { MindFailureKind } from './mind';

// A registered symbol, so a MindError from another copy of this module (src
// under jest, dist elsewhere) is still recognised.
const MIND_ERROR = Symbol.for('@crucible/minds.MindError');

/** What a MindError says, as plain data (for call records and logs). */
export interface MindFailure {
  readonly kind: MindFailureKind;
  readonly retryable: boolean;
  readonly message: string;
  /** HTTP attempts made (0 when none was sent, e.g. aborted while queued). */
  readonly tries: number;
  /** HTTP status of the last answer, when there was one. */
  readonly status?: number;
  /** What the server's Retry-After (or retry-after-ms) asked for, in milliseconds. */
  readonly retry_after_ms?: number;
}

export interface MindErrorInit {
  readonly kind: MindFailureKind;
  readonly message: string;
  readonly tries: number;
  readonly status?: number;
  readonly retryAfterMs?: number;
  readonly cause?: unknown;
}

/**
 * A mind gave up on a call (see MindFailureKind). `retryable` says whether a
 * later attempt may succeed; the mind has already made its own retries.
 * Recognise it with `isMindError`, never `instanceof`.
 */
export class MindError extends Error {
  override readonly name = 'MindError';
  readonly kind: MindFailureKind;
  readonly retryable: boolean;
  readonly tries: number;
  readonly status: number | undefined;
  readonly retryAfterMs: number | undefined;

  constructor(init: MindErrorInit) {
    super(init.message, init.cause === undefined ? undefined : { cause: init.cause });
    this.kind = init.kind;
    this.retryable = isRetryableFailure(init.kind);
    this.tries = init.tries;
    this.status = init.status;
    this.retryAfterMs = init.retryAfterMs;
    Object.defineProperty(this, MIND_ERROR, { value: true });
  }

  /** The failure as plain data: no stack, no cause (those stay in logs). */
  toJSON(): MindFailure {
    return {
      kind: this.kind,
      retryable: this.retryable,
      message: this.message,
      tries: this.tries,
      ...(this.status === undefined ? {} : { status: this.status }),
      ...(this.retryAfterMs === undefined ? {} : { retry_after_ms: this.retryAfterMs }),
    };
  }
}

/** True for a MindError from any copy of this module. */
export function isMindError(value: unknown): value is MindError {
  return (
    typeof value === 'object' &&
    value !== null &&
    (value as { [MIND_ERROR]?: unknown })[MIND_ERROR] === true
  );
}

/**
 * Whether a later attempt of the same call may succeed. Overload, outages and
 * a model's malformed answer can pass; a request the server refused, missing
 * credentials and a caller's abort will not.
 */
export function isRetryableFailure(kind: MindFailureKind): boolean {
  switch (kind) {
    case 'timeout':
    case 'rate_limited':
    case 'server_error':
    case 'unreachable':
    case 'invalid_response':
      return true;
    case 'bad_request':
    case 'auth':
    case 'aborted':
      return false;
    default:
      return assertNever(kind);
  }
}

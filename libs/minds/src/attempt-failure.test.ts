import { APIConnectionError, APIConnectionTimeoutError, APIError, APIUserAbortError } from 'openai';
import { classifyAttemptFailure, type AttemptContext } from './attempt-failure';

const context: AttemptContext = {
  aborted: false,
  deadlineExceeded: false,
  attemptTimedOut: false,
  deadlineMs: 60_000,
  timeoutMs: 10_000,
  now: Date.parse('2026-01-01T00:00:00Z'),
};

function status(code: number, headers: Record<string, string> = {}, body: object = {}): APIError {
  return APIError.generate(
    code,
    { error: { message: `scripted ${code}`, ...body } },
    undefined,
    new Headers(headers),
  );
}

function connectionError(code: string): APIConnectionError {
  const cause = Object.assign(new TypeError('fetch failed'), {
    cause: Object.assign(new Error(`connect ${code} 127.0.0.1:1`), { code }),
  });
  return new APIConnectionError({ message: 'Connection error.', cause });
}

describe('classifyAttemptFailure', () => {
  it('asks its own signals first', () => {
    const anything = status(500);
    expect(
      classifyAttemptFailure(anything, { ...context, aborted: true, deadlineExceeded: true }),
    ).toMatchObject({
      kind: 'aborted',
      transient: false,
    });
    expect(
      classifyAttemptFailure(new APIUserAbortError(), { ...context, deadlineExceeded: true }),
    ).toMatchObject({
      kind: 'timeout',
      transient: false,
    });
    expect(
      classifyAttemptFailure(new APIUserAbortError(), { ...context, attemptTimedOut: true }),
    ).toMatchObject({
      kind: 'timeout',
      transient: true,
    });
  });

  it('maps the client connection errors', () => {
    expect(classifyAttemptFailure(new APIConnectionTimeoutError(), context)).toMatchObject({
      kind: 'timeout',
      transient: true,
    });
    expect(classifyAttemptFailure(connectionError('ECONNREFUSED'), context)).toMatchObject({
      kind: 'unreachable',
      transient: true,
      message: 'cannot reach the server (ECONNREFUSED)',
    });
    expect(classifyAttemptFailure(connectionError('ENOTFOUND'), context).kind).toBe('unreachable');
    expect(classifyAttemptFailure(connectionError('UND_ERR_SOCKET'), context)).toMatchObject({
      kind: 'server_error',
      transient: true,
    });
    expect(classifyAttemptFailure(new APIUserAbortError(), context).kind).toBe('aborted');
  });

  it('maps statuses, with Retry-After and the server’s own retry advice', () => {
    expect(classifyAttemptFailure(status(429, { 'retry-after': '2' }), context)).toMatchObject({
      kind: 'rate_limited',
      transient: true,
      status: 429,
      retryAfterMs: 2000,
    });
    expect(classifyAttemptFailure(status(503, { 'retry-after-ms': '150' }), context)).toMatchObject(
      {
        kind: 'server_error',
        transient: true,
        retryAfterMs: 150,
      },
    );
    expect(
      classifyAttemptFailure(status(429, { 'x-should-retry': 'false' }), context).transient,
    ).toBe(false);
    expect(classifyAttemptFailure(status(408), context)).toMatchObject({
      kind: 'timeout',
      transient: true,
    });
    expect(classifyAttemptFailure(status(401), context)).toMatchObject({
      kind: 'auth',
      transient: false,
    });
    expect(classifyAttemptFailure(status(403), context).kind).toBe('auth');
    expect(classifyAttemptFailure(status(404), context)).toMatchObject({
      kind: 'bad_request',
      transient: false,
    });
    expect(classifyAttemptFailure(status(400), context)).toMatchObject({
      kind: 'bad_request',
      formatRefusal: false,
    });
    expect(
      classifyAttemptFailure(status(400, {}, { param: 'response_format' }), context),
    ).toMatchObject({
      kind: 'bad_request',
      formatRefusal: true,
    });
  });

  it('calls an unparsable body invalid_response, and anything else a non-transient server_error', () => {
    expect(
      classifyAttemptFailure(new SyntaxError('Unexpected end of JSON input'), context),
    ).toMatchObject({
      kind: 'invalid_response',
      transient: false,
    });
    expect(classifyAttemptFailure(new RangeError('odd'), context)).toMatchObject({
      kind: 'server_error',
      transient: false,
      message: 'unexpected failure: RangeError: odd',
    });
  });
});

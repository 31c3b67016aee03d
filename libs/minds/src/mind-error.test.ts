import { MindError, isMindError, isRetryableFailure } from './mind-error';
import type { MindFailureKind } from './mind';

describe('MindError', () => {
  it('carries kind, retryable, status, Retry-After, tries and cause', () => {
    const cause = new Error('429 Too Many Requests');
    const error = new MindError({
      kind: 'rate_limited',
      message: 'rate limited after 3 tries',
      tries: 3,
      status: 429,
      retryAfterMs: 2000,
      cause,
    });
    expect(error).toMatchObject({
      name: 'MindError',
      kind: 'rate_limited',
      retryable: true,
      tries: 3,
      status: 429,
      retryAfterMs: 2000,
      message: 'rate limited after 3 tries',
    });
    expect(error.cause).toBe(cause);
    expect(error).toBeInstanceOf(Error);
  });

  it('serializes to plain data without stack or cause', () => {
    const error = new MindError({ kind: 'auth', message: '401', tries: 1, status: 401 });
    expect(JSON.parse(JSON.stringify(error))).toEqual({
      kind: 'auth',
      retryable: false,
      message: '401',
      tries: 1,
      status: 401,
    });
    const aborted = new MindError({ kind: 'aborted', message: 'aborted', tries: 0 });
    expect(aborted.toJSON()).toEqual({
      kind: 'aborted',
      retryable: false,
      message: 'aborted',
      tries: 0,
    });
  });

  it('is recognised by its brand, also when built by another copy of the module', () => {
    expect(isMindError(new MindError({ kind: 'timeout', message: 't', tries: 1 }))).toBe(true);
    expect(isMindError(new Error('plain'))).toBe(false);
    expect(isMindError({ kind: 'timeout' })).toBe(false);
    expect(isMindError(null)).toBe(false);
    expect(isMindError('MindError')).toBe(false);

    const foreign = Object.defineProperty(new Error('x'), Symbol.for('@crucible/minds.MindError'), {
      value: true,
    });
    expect(isMindError(foreign)).toBe(true);
  });

  it('says which failures a later attempt may get past', () => {
    const kinds: Record<MindFailureKind, boolean> = {
      timeout: true,
      rate_limited: true,
      server_error: true,
      unreachable: true,
      invalid_response: true,
      bad_request: false,
      auth: false,
      aborted: false,
    };
    for (const [kind, retryable] of Object.entries(kinds)) {
      expect([kind, isRetryableFailure(kind as MindFailureKind)]).toEqual([kind, retryable]);
    }
  });
});

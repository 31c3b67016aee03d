import {
  CrucibleError,
  internal,
  isCrucibleError,
  notFound,
  permissionDenied,
  resourceExhausted,
  toCrucibleError,
  unauthenticated,
  unavailable,
} from './errors';

describe('CrucibleError', () => {
  it('is recognised by its brand, also when another copy of the package made it', () => {
    let other: typeof import('./errors') | undefined;
    jest.isolateModules(() => {
      other = jest.requireActual<typeof import('./errors')>('./errors');
    });
    const foreign = other!.notFound('no such thing');
    // Two copies of the module are two classes: instanceof misses the other's errors.
    expect(foreign instanceof CrucibleError).toBe(false);
    expect(isCrucibleError(foreign)).toBe(true);
    expect(toCrucibleError(foreign)).toBe(foreign);
    // The brand is the process-wide symbol every build of the package looks for.
    expect((foreign as unknown as Record<symbol, unknown>)[Symbol.for('crucible.error')]).toBe(
      true,
    );
    // And the other copy rebuilds wire errors (the codes written out: not read from either copy).
    for (const code of ['invalid_argument', 'not_found', 'unavailable', 'internal'] as const) {
      const wire = { code, message: 'm', retryable: false, details: {} };
      expect(other!.toCrucibleError(wire).toWire()).toEqual(wire);
    }
  });

  it('recognises nothing else', () => {
    for (const value of [
      new Error('plain'),
      { code: 'not_found', message: 'x', retryable: false, details: {} },
      null,
      undefined,
      'not_found',
    ]) {
      expect(isCrucibleError(value)).toBe(false);
    }
  });

  it('carries its cause, which never goes on the wire', () => {
    const cause = new Error('socket hang up');
    const error = new CrucibleError(
      'unavailable',
      'the scenarios service did not answer',
      {},
      {
        cause,
      },
    );
    expect(error.cause).toBe(cause);
    expect(error.retryable).toBe(true);
    expect(error.toWire()).toEqual({
      code: 'unavailable',
      message: 'the scenarios service did not answer',
      retryable: true,
      details: {},
    });
    expect(internal('internal error', {}, { cause }).cause).toBe(cause);
    // Without one, no `cause` member at all, not one holding undefined.
    expect(Object.hasOwn(notFound('gone'), 'cause')).toBe(false);
    expect(Object.hasOwn(internal(), 'cause')).toBe(false);
  });

  it('turns an unknown error into internal with that error as its cause', () => {
    const bug = new TypeError('x is undefined');
    const error = toCrucibleError(bug);
    expect(error.code).toBe('internal');
    expect(error.message).toBe('internal error');
    expect(error.cause).toBe(bug);
  });

  it('rebuilds an error from the wire, keeping its retryable flag', () => {
    const wire = { ...unavailable('busy').toWire(), retryable: false };
    const error = toCrucibleError(wire);
    expect(isCrucibleError(error)).toBe(true);
    expect(error.toWire()).toEqual(wire);
    expect(CrucibleError.fromWire(notFound('gone').toWire()).code).toBe('not_found');
  });
});

describe('the gateway refusals', () => {
  it('carry their code, reason and details', () => {
    expect(unauthenticated('missing_token', 'no token').toWire()).toEqual({
      code: 'unauthenticated',
      message: 'no token',
      retryable: false,
      details: { reason: 'missing_token' },
    });
    expect(
      permissionDenied('insufficient_scope', 'needs write', {
        required_scope: 'write',
        reason: 'overridden',
      }).toWire(),
    ).toEqual({
      code: 'permission_denied',
      message: 'needs write',
      retryable: false,
      details: { required_scope: 'write', reason: 'insufficient_scope' },
    });
    expect(resourceExhausted('slow down', 3).toWire()).toEqual({
      code: 'resource_exhausted',
      message: 'slow down',
      retryable: true,
      details: { reason: 'rate_limited', retry_after_seconds: 3 },
    });
  });
});

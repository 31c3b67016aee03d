// Test-only entry (`@crucible/contracts/testing`): never imported by production code.

/** A class of errors, e.g. CrucibleError (abstract: any constructor signature). */
export type ErrorClass<E> = abstract new (...args: never[]) => E;

/**
 * What `fn` throws. With `type`, only an error of that class is returned and
 * anything else is rethrown as it is, so the test shows the real failure.
 * Fails the test when `fn` returns.
 */
export function thrownBy(fn: () => unknown): unknown;
export function thrownBy<E>(fn: () => unknown, type: ErrorClass<E>): E;
export function thrownBy<E>(fn: () => unknown, type?: ErrorClass<E>): unknown {
  try {
    fn();
  } catch (error) {
    return accepted(error, type);
  }
  throw new Error(`expected a ${type?.name ?? 'throw'}, but the call returned`);
}

/**
 * What `promise` rejects with. With `type`, only an error of that class is
 * returned and anything else is rethrown as it is. Fails the test when the
 * promise resolves.
 */
export function rejectionOf(promise: Promise<unknown>): Promise<unknown>;
export function rejectionOf<E>(promise: Promise<unknown>, type: ErrorClass<E>): Promise<E>;
export async function rejectionOf<E>(
  promise: Promise<unknown>,
  type?: ErrorClass<E>,
): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return accepted(error, type);
  }
  throw new Error(`expected a ${type?.name ?? 'rejection'}, but the promise resolved`);
}

function accepted<E>(error: unknown, type: ErrorClass<E> | undefined): unknown {
  if (type === undefined || error instanceof type) return error;
  throw error;
}

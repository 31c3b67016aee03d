// Test-only entry (`@crucible/contracts/testing`): never imported by production code.

/** A class of errors, e.g. CrucibleError (abstract: any constructor signature). */
export type ErrorClass<E> = abstract new (...args: never[]) => E;

/**
 * The `type` error `fn` throws. Anything else it throws is rethrown as it is,
 * so the test shows the real failure; fails the test when `fn` returns.
 */
export function thrownBy<E>(fn: () => unknown, type: ErrorClass<E>): E {
  try {
    fn();
  } catch (error) {
    if (error instanceof type) return error;
    throw error;
  }
  throw new Error(`expected a ${type.name}, but the call returned`);
}

/**
 * What `promise` rejects with, whatever it is; fails the test when it
 * resolves. One parameter, so it can be mapped over promises.
 */
export async function rejectionOf(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected a rejection, but the promise resolved');
}

/**
 * The `type` error `promise` rejects with. Anything else is rethrown as it
 * is; fails the test when the promise resolves.
 */
export async function rejectedWith<E>(promise: Promise<unknown>, type: ErrorClass<E>): Promise<E> {
  const error = await rejectionOf(promise);
  if (error instanceof type) return error;
  throw error;
}

import { CrucibleError, invalidArgument, isCrucibleError, notFound } from '@crucible/contracts';
import type { RpcContext } from '@crucible/messaging';
import type { ScenariosDeps } from '../handlers/deps';

/**
 * The hash a {name} or {hash} reference stands for. A name is resolved now by
 * the names service (its not_found comes back as is, pointed at the name in
 * our request); a hash is returned as it is: the handler's own read of the
 * scenario is its lookup (a missing one throws `scenarioNotFound`), not a
 * round trip of its own. `path` is where the reference sits in the request.
 */
export async function referencedHash(
  deps: ScenariosDeps,
  ref: { name?: string; hash?: string },
  path: string,
  ctx: RpcContext,
): Promise<string> {
  if ((ref.name === undefined) === (ref.hash === undefined)) {
    throw invalidArgument(
      path,
      'invalid_ref',
      `${path || 'request'}: give exactly one of name and hash`,
    );
  }
  if (ref.name !== undefined) {
    try {
      return (await deps.names.resolve(ref.name, ctx)).hash;
    } catch (error) {
      // The names service points into its own request; point at the name in ours.
      if (isCrucibleError(error) && error.code === 'not_found') {
        throw new CrucibleError(
          error.code,
          `${path}/name: ${error.message}`,
          { ...error.details, path: `${path}/name` },
          { cause: error },
        );
      }
      throw error;
    }
  }
  return ref.hash as string;
}

/** The error for a {hash} reference at `path` (where the reference sits) that is not stored. */
export function scenarioNotFound(hash: string, path: string): CrucibleError {
  return notFound(`no scenario with hash ${hash}`, {
    path: `${path}/hash`,
    reason: 'scenario_not_found',
    hash,
  });
}

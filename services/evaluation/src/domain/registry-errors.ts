import { conflict, notFound, type CrucibleError } from '@crucible/contracts';

/** `conflict`/`<what>_exists`: the key is taken by different content (nothing written). */
export function takenByOther(what: string, key: string, path: string): CrucibleError {
  return conflict(`${what.replace('_', ' ')} ${key} is already registered with other content`, {
    reason: `${what}_exists`,
    path,
    key,
  });
}

/** `not_found`/`model_not_found`. */
export function modelNotFound(id: string, path: string): CrucibleError {
  return notFound(`no model ${id}`, { reason: 'model_not_found', path, id });
}

/** `not_found`/`model_version_not_found`. */
export function modelVersionNotFound(
  modelId: string,
  version: string,
  path: string,
): CrucibleError {
  return notFound(`model ${modelId} has no version ${version}`, {
    reason: 'model_version_not_found',
    path,
    model_id: modelId,
    version,
  });
}

/** `conflict`/`cas_failed`: the alias does not point where the caller expected (as names do). */
export function aliasCasFailed(
  alias: string,
  expected: string | null,
  current: string | null,
): CrucibleError {
  return conflict(`${alias}: expected ${expected ?? 'unset'}, but it is ${current ?? 'unset'}`, {
    reason: 'cas_failed',
    path: '/expected_current_version',
    alias,
    expected,
    current,
  });
}

/** `conflict`/`cas_failed`: the version is not at the stage the caller expected (nothing written). */
export function stageCasFailed(
  modelId: string,
  version: string,
  expected: string,
  current: string,
): CrucibleError {
  return conflict(
    `model ${modelId} version ${version}: expected stage ${expected}, but it is ${current}`,
    {
      reason: 'cas_failed',
      path: '/expected_stage',
      model_id: modelId,
      version,
      expected,
      current,
    },
  );
}

/**
 * Most aliases one model may have: `get_model` and `list_models` answer them
 * all in one reply (maxItems of registered_model.v1.json's `aliases`).
 */
export const MAX_ALIASES_PER_MODEL = 100;

/** `conflict`/`too_many_aliases`: a new alias past MAX_ALIASES_PER_MODEL (nothing written). */
export function tooManyAliases(modelId: string): CrucibleError {
  return conflict(`model ${modelId} already has ${MAX_ALIASES_PER_MODEL} aliases`, {
    reason: 'too_many_aliases',
    path: '/alias',
    model_id: modelId,
    limit: MAX_ALIASES_PER_MODEL,
  });
}

import {
  conflict,
  invalidArgument,
  notFound,
  permissionDenied,
  type CrucibleError,
} from '@crucible/contracts';

/** One compare-and-swap that did not hold. */
export interface CasFailure {
  readonly name: string;
  /** JSON Pointer of the expectation in the request. */
  readonly path: string;
  /** What the caller expected (null: not set). */
  readonly expected: string | null;
  /** Where the name points now (null: not set). */
  readonly current: string | null;
}

/**
 * `conflict`/`cas_failed`. `path`, `name`, `expected` and `current` describe
 * the first failure; `failures` lists every one (a batch may have several).
 */
export function casFailed(failures: readonly CasFailure[]): CrucibleError {
  const [first] = failures;
  if (first === undefined) throw new Error('casFailed needs at least one failure');
  const message =
    failures.length === 1
      ? `${first.name}: expected ${first.expected ?? 'unset'}, but it is ${first.current ?? 'unset'}`
      : `${failures.length} compare-and-swaps failed (${failures.map((f) => f.name).join(', ')}); nothing changed`;
  return conflict(message, {
    reason: 'cas_failed',
    path: first.path,
    name: first.name,
    expected: first.expected,
    current: first.current,
    failures: failures.map((f) => ({ ...f })),
  });
}

/** `not_found`/`name_not_found`: the name is not set. */
export function nameNotFound(name: string, path: string): CrucibleError {
  return notFound(`no name ${name}`, { reason: 'name_not_found', path, name });
}

/** `not_found`/`name_not_set_at`: the name pointed nowhere at that time. */
export function nameNotSetAt(name: string, at: string): CrucibleError {
  return notFound(`${name} was not set at ${at}`, {
    reason: 'name_not_set_at',
    path: '/at',
    name,
    at,
  });
}

/** `not_found`/`scenario_not_found`: a target hash is not a stored scenario. */
export function scenarioNotFound(hash: string, path: string): CrucibleError {
  return notFound(`no scenario with hash ${hash}`, {
    reason: 'scenario_not_found',
    path,
    hash,
  });
}

/** `invalid_argument`/`duplicate_name`: a batch names the same name twice. */
export function duplicateName(name: string, path: string, firstPath: string): CrucibleError {
  return invalidArgument(
    path,
    'duplicate_name',
    `${path}: ${name} is already updated at ${firstPath}`,
    {
      name,
      first_path: firstPath,
    },
  );
}

/** `permission_denied`/`name_protected`: a protected name moves only under a directive naming it. */
export function nameProtected(name: string): CrucibleError {
  return permissionDenied(
    'name_protected',
    `${name} is protected: it moves only under an approved directive that names it (directive_id)`,
    { path: '/directive_id', name },
  );
}

import { conflict, invalidArgument, notFound, type CrucibleError } from '@crucible/contracts';
import type { RecordKind } from './record-kinds';

/** `not_found`/`<kind>_not_found`: no record of that kind with that id (path: the field naming it). */
export function recordNotFound(
  kind: RecordKind | 'experiment',
  id: number,
  path: string,
): CrucibleError {
  return notFound(`no ${kind.replace('_', ' ')} ${id}`, {
    reason: `${kind}_not_found`,
    path,
    id,
  });
}

/** `invalid_argument`/`different_project`: a referenced record belongs to another project. */
export function differentProject(
  path: string,
  kind: RecordKind,
  id: number,
  expected: number,
  actual: number,
): CrucibleError {
  return invalidArgument(
    path,
    'different_project',
    `${path}: ${kind.replace('_', ' ')} ${id} is in project ${actual}, not ${expected}`,
    { id, expected_project_id: expected, project_id: actual },
  );
}

/** `conflict`/`version_mismatch`: an update's expected_version is not the record's version. */
export function versionMismatch(
  kind: RecordKind,
  id: number,
  expected: number,
  current: number,
): CrucibleError {
  return conflict(`${kind.replace('_', ' ')} ${id} is at version ${current}, not ${expected}`, {
    reason: 'version_mismatch',
    path: '/expected_version',
    id,
    expected,
    current,
  });
}

/** `invalid_argument`/`nothing_to_update`: an update names no field to change. */
export function nothingToUpdate(kind: RecordKind): CrucibleError {
  return invalidArgument('', 'nothing_to_update', `update_${kind} names no field to change`);
}

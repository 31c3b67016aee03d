import { joinPointer } from '@crucible/contracts';
import { differentProject, recordNotFound } from '../domain/record-errors';
import { RECORD_SPECS, type RecordKind, type RecordSpec } from '../domain/record-kinds';
import {
  scoreConfigProblem,
  scoresProblem,
  type ScoreConfig,
  type ScoreValue,
} from '../domain/score-rules';
import type { EvaluationDeps } from '../handlers/deps';
import { projectOf } from './record-shape';

/**
 * Checks what a new record refers to and returns its project: each
 * reference must be a stored record (`<kind>_not_found` at its field), all
 * of one project (`different_project`), plus the rules of its kind. Records
 * are never deleted, so what is checked here still holds when the
 * transaction writes (no lock needed).
 */
export async function checkNewRecord(
  deps: EvaluationDeps,
  spec: RecordSpec,
  request: Record<string, unknown>,
): Promise<number> {
  let projectId: number | undefined;
  for (const reference of spec.references) {
    const id = request[reference.field];
    if (typeof id !== 'number') continue;
    const path = joinPointer('', reference.field);
    const owner = await ownerProject(deps, reference.kind, id, path);
    if (projectId === undefined) projectId = owner;
    else if (owner !== projectId) {
      throw differentProject(path, reference.kind, id, projectId, owner);
    }
  }
  if (projectId === undefined) {
    if (spec.kind !== 'project') throw new Error(`${spec.kind} has no project reference`);
    return 0; // a project's own id is given by its insert
  }
  await checkKindRules(deps, spec.kind, request, projectId);
  return projectId;
}

async function ownerProject(
  deps: EvaluationDeps,
  kind: RecordKind,
  id: number,
  path: string,
): Promise<number> {
  const row = await deps.store.get(RECORD_SPECS[kind], id);
  if (row === undefined) throw recordNotFound(kind, id, path);
  return projectOf(kind, row);
}

/** The rules particular to one kind (docs/services/evaluation.md, "Rules"). */
async function checkKindRules(
  deps: EvaluationDeps,
  kind: RecordKind,
  request: Record<string, unknown>,
  projectId: number,
): Promise<void> {
  switch (kind) {
    case 'candidate': {
      // Lineage: parents are stored candidates of the same project. A
      // parent exists before its child, so lineage never has a cycle.
      const parents = (request.parent_ids as number[] | undefined) ?? [];
      const rows = await deps.store.getMany(RECORD_SPECS.candidate, parents);
      const found = new Map(rows.map((row) => [Number(row.id), row]));
      for (const [i, id] of parents.entries()) {
        const path = joinPointer('/parent_ids', i);
        const row = found.get(id);
        if (row === undefined) throw recordNotFound('candidate', id, path);
        const owner = projectOf('candidate', row);
        if (owner !== projectId) throw differentProject(path, 'candidate', id, projectId, owner);
      }
      return;
    }
    case 'evaluation': {
      const config = request.score_config as ScoreConfig;
      const problem =
        scoreConfigProblem(config, '/score_config') ??
        scoresProblem(config, request.scores as Record<string, ScoreValue>, '/scores');
      if (problem !== null) throw problem;
      return;
    }
    case 'issue': {
      const target = request.target_kind as RecordKind;
      const id = request.target_id as number;
      const owner = await ownerProject(deps, target, id, '/target_id');
      if (owner !== projectId) throw differentProject('/target_id', target, id, projectId, owner);
      return;
    }
    case 'project':
    case 'chat_session':
    case 'message':
    case 'problem_spec':
    case 'world_model':
    case 'run':
    case 'scenario_suite':
      return;
  }
}

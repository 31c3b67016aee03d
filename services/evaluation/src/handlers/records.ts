import { pageBudget, type RpcContext } from '@crucible/messaging';
import type { Knex } from '@crucible/database';
import { nothingToUpdate, recordNotFound, versionMismatch } from '../domain/record-errors';
import type { RecordSpec } from '../domain/record-kinds';
import { runStatusChangeProblem } from '../domain/run-status';
import { pageOf } from '../domain/page-cursor';
import { scoresProblem, type ScoreConfig, type ScoreValue } from '../domain/score-rules';
import { recordEvent } from '../flows/record-events';
import { checkNewRecord } from '../flows/record-references';
import { projectOf, toWireRecord, type WireRecord } from '../flows/record-shape';
import type { RecordRow } from '../store/record-store';
import type { EvaluationDeps } from './deps';

type Request = Record<string, unknown>;

/** create_<kind>: checks references and the kind's rules, stores version 1 and its event. */
export async function createRecord(
  deps: EvaluationDeps,
  spec: RecordSpec,
  request: Request,
  ctx: RpcContext,
): Promise<WireRecord> {
  const projectId = await checkNewRecord(deps, spec, request);
  const row: Request = { ...spec.defaults };
  for (const field of spec.fields) if (request[field] !== undefined) row[field] = request[field];
  if (spec.kind !== 'project') row.project_id = projectId;
  const stored = await deps.store.transaction(async (trx) => {
    const inserted = await deps.store.insert(spec, row, trx);
    if (spec.kind === 'world_model') await storeWorldModelVersion(deps, inserted, ctx, trx);
    await deps.store.enqueue([recordEvent(deps, ctx, 'created', eventData(spec, inserted))], trx);
    return inserted;
  });
  return toWireRecord(spec, stored);
}

/** get_<kind>: the record by id (`<kind>_not_found` at /id). */
export async function getRecord(
  deps: EvaluationDeps,
  spec: RecordSpec,
  request: Request,
): Promise<WireRecord> {
  const id = request.id as number;
  const row = await deps.store.get(spec, id);
  if (row === undefined) throw recordNotFound(spec.kind, id, '/id');
  return toWireRecord(spec, row);
}

/**
 * update_<kind>: changes the fields given (only mutable ones are in the
 * schema), one version more; with expected_version, only at that version
 * (`conflict`/`version_mismatch`, nothing written). A run's status moves
 * only as domain/run-status.ts allows, checked under the run's row lock.
 */
export async function updateRecord(
  deps: EvaluationDeps,
  spec: RecordSpec,
  request: Request,
  ctx: RpcContext,
): Promise<WireRecord> {
  const id = request.id as number;
  const changes: Request = {};
  for (const field of spec.mutable)
    if (request[field] !== undefined) changes[field] = request[field];
  if (Object.keys(changes).length === 0) throw nothingToUpdate(spec.kind);
  const current = await deps.store.get(spec, id);
  if (current === undefined) throw recordNotFound(spec.kind, id, '/id');
  if (spec.kind === 'evaluation' && changes.scores !== undefined) {
    // The score config never changes, so checking against the stored one holds.
    const problem = scoresProblem(
      current.score_config as ScoreConfig,
      changes.scores as Record<string, ScoreValue>,
      '/scores',
    );
    if (problem !== null) throw problem;
  }
  const expected = request.expected_version as number | undefined;
  const updated = await deps.store.transaction(async (trx) => {
    if (spec.kind === 'run' && changes.status !== undefined) {
      // Under the lock: a worker or another update cannot move it between the check and the write.
      const locked = (await deps.store.getForUpdate(spec, id, trx)) ?? current;
      const problem = runStatusChangeProblem(
        { id, config: locked.config, status: String(locked.status) },
        changes.status as string, // the schema's enum
      );
      if (problem !== null) throw problem;
    }
    const row = await deps.store.update(spec, id, changes, expected, trx);
    if (row === undefined) return undefined;
    if (spec.kind === 'world_model') await storeWorldModelVersion(deps, row, ctx, trx);
    await deps.store.enqueue([recordEvent(deps, ctx, 'updated', eventData(spec, row))], trx);
    return row;
  });
  if (updated === undefined) {
    // The row exists (records are never deleted): only the version differed.
    const now = await deps.store.get(spec, id);
    throw versionMismatch(spec.kind, id, expected ?? 0, now?.version ?? current.version);
  }
  return toWireRecord(spec, updated);
}

/** list_<table>: records in id order, filtered, a page at a time (cut by count and size). */
export async function listRecords(
  deps: EvaluationDeps,
  spec: RecordSpec,
  request: Request,
  ctx: RpcContext,
): Promise<{ items: WireRecord[]; next_cursor?: string }> {
  const limit = (request.limit as number | undefined) ?? deps.settings.defaultPageLimit;
  const filter: Request = {};
  for (const field of spec.filters)
    if (request[field] !== undefined) filter[field] = request[field];
  const cursor = request.cursor as string | undefined;
  const rows = await deps.store.list(spec, filter, {
    afterId: cursor === undefined ? undefined : Number(cursor),
    limit: limit + 1,
  });
  return pageOf(rows, {
    limit,
    budgetBytes: pageBudget(ctx.replyBudgetBytes, { items: [] }),
    encode: (row) => toWireRecord(spec, row),
    position: (row) => Number(row.id),
  });
}

function eventData(spec: RecordSpec, row: RecordRow) {
  return {
    entity: spec.kind,
    id: Number(row.id),
    project_id: projectOf(spec.kind, row),
    version: row.version,
  };
}

/** Every world model version, the first included, is kept (world_model_versions). */
async function storeWorldModelVersion(
  deps: EvaluationDeps,
  row: RecordRow,
  ctx: RpcContext,
  trx: Knex.Transaction,
): Promise<void> {
  await deps.store.insertWorldModelVersion(
    {
      world_model_id: row.id,
      version: row.version,
      model: row.model as Record<string, unknown>,
      created_at: row.updated_at,
      actor: ctx.principal ?? null,
    },
    trx,
  );
}

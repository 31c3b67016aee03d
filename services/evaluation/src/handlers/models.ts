import type {
  GetModelRequest,
  ListModelsReply,
  ListModelsRequest,
  ListModelVersionsReply,
  ListModelVersionsRequest,
  ModelAliasHistoryReply,
  ModelAliasHistoryRequest,
  ModelStage,
  RegisteredModel,
  RegisterModelRequest,
  RegisterModelVersionRequest,
  SetModelAliasReply,
  SetModelAliasRequest,
} from '@crucible/contracts';
import { pageBudget, type RpcContext } from '@crucible/messaging';
import { withDefaults, type ModelRef, type ModelVersion } from '@crucible/experiment-ir';
import { canonicalJson } from '@crucible/hashing';
import {
  aliasCasFailed,
  modelNotFound,
  MAX_ALIASES_PER_MODEL,
  modelVersionNotFound,
  takenByOther,
  tooManyAliases,
} from '../domain/registry-errors';
import { pageOf } from '../domain/page-cursor';
import { registryEvent } from '../flows/record-events';
import type { AliasRow, ModelRow, ModelVersionRow } from '../store/registry-store';
import type { EvaluationDeps } from './deps';

/** register_model: stores a ModelRef (defaults filled in); the same again returns it, other content is `model_exists`. */
export async function registerModel(
  deps: EvaluationDeps,
  request: RegisterModelRequest,
  ctx: RpcContext,
): Promise<RegisteredModel> {
  const model = withDefaults('model_ref', request.model);
  const inserted = await deps.store.transaction(async (trx) => {
    const row = await deps.registry.insertModel(
      model.id,
      model as unknown as Record<string, unknown>,
      trx,
    );
    if (row !== undefined) {
      await deps.store.enqueue(
        [registryEvent(deps, ctx, { model_id: model.id, change: 'model_registered' })],
        trx,
      );
    }
    return row;
  });
  if (inserted !== undefined) return toRegisteredModel(inserted, []);
  const existing = await deps.registry.model(model.id);
  if (existing === undefined) throw new Error('model insert conflicted but no row is there');
  if (canonicalJson(existing.model) !== canonicalJson(model)) {
    throw takenByOther('model', model.id, '/model/id');
  }
  return toRegisteredModel(existing, await deps.registry.aliasesOf([model.id]));
}

export async function getModel(
  deps: EvaluationDeps,
  request: GetModelRequest,
): Promise<RegisteredModel> {
  const row = await deps.registry.model(request.id);
  if (row === undefined) throw modelNotFound(request.id, '/id');
  return toRegisteredModel(row, await deps.registry.aliasesOf([row.id]));
}

export async function listModels(
  deps: EvaluationDeps,
  request: ListModelsRequest,
  ctx: RpcContext,
): Promise<ListModelsReply> {
  const limit = request.limit ?? deps.settings.defaultPageLimit;
  const rows = await deps.registry.listModels({ after: request.cursor, limit: limit + 1 });
  const aliases = await deps.registry.aliasesOf(rows.slice(0, limit).map((row) => row.id));
  return pageOf(rows, {
    limit,
    budgetBytes: pageBudget(ctx.replyBudgetBytes, { items: [] }),
    encode: (row) =>
      toRegisteredModel(
        row,
        aliases.filter((a) => a.model_id === row.id),
      ),
    position: (row) => row.id,
  });
}

/**
 * register_model_version: an immutable version of a registered model
 * (semver, stage); its parent_version, when given, a registered version of
 * the same model. The same again returns it (at its stage now); other
 * content is `model_version_exists`.
 */
export async function registerModelVersion(
  deps: EvaluationDeps,
  request: RegisterModelVersionRequest,
  ctx: RpcContext,
): Promise<ModelVersion> {
  const version = withDefaults('model_version', request.model_version);
  const modelId = String(version.model_id);
  if ((await deps.registry.model(modelId)) === undefined) {
    throw modelNotFound(modelId, '/model_version/model_id');
  }
  if (version.parent_version !== undefined) {
    const parent = await deps.registry.modelVersion({ modelId, version: version.parent_version });
    if (parent === undefined) {
      throw modelVersionNotFound(modelId, version.parent_version, '/model_version/parent_version');
    }
  }
  const inserted = await deps.store.transaction(async (trx) => {
    const row = await deps.registry.insertModelVersion(
      {
        model_id: modelId,
        version: version.version,
        version_id: version.id,
        stage: version.stage ?? 'development',
        model_version: version as unknown as Record<string, unknown>,
      },
      trx,
    );
    if (row !== undefined) {
      const data = {
        model_id: modelId,
        change: 'version_registered' as const,
        version: version.version,
      };
      await deps.store.enqueue([registryEvent(deps, ctx, data)], trx);
    }
    return row;
  });
  if (inserted !== undefined) return versionOf(inserted);
  const same = await deps.registry.modelVersion({ modelId, version: version.version });
  if (same !== undefined && sameRegistration(same, version)) return versionOf(same);
  // Either (model, version) or the version's id is taken by other content.
  const path = same !== undefined ? '/model_version/version' : '/model_version/id';
  throw takenByOther(
    'model_version',
    same !== undefined ? `${modelId} ${version.version}` : version.id,
    path,
  );
}

export async function listModelVersions(
  deps: EvaluationDeps,
  request: ListModelVersionsRequest,
  ctx: RpcContext,
): Promise<ListModelVersionsReply> {
  if ((await deps.registry.model(request.model_id)) === undefined) {
    throw modelNotFound(request.model_id, '/model_id');
  }
  const limit = request.limit ?? deps.settings.defaultPageLimit;
  const rows = await deps.registry.listModelVersions({
    modelId: request.model_id,
    stage: request.stage,
    afterSeq: request.cursor === undefined ? undefined : Number(request.cursor),
    limit: limit + 1,
  });
  return pageOf(rows, {
    limit,
    budgetBytes: pageBudget(ctx.replyBudgetBytes, { items: [] }),
    encode: versionOf,
    position: (row) => Number(row.seq),
  });
}

/**
 * set_model_alias: points an alias at a registered version of its model,
 * under the alias's lock, so of racing compare-and-swaps exactly one wins
 * (the others get `cas_failed`, nothing written). Pointing it where it
 * already points changes nothing.
 */
export async function setModelAlias(
  deps: EvaluationDeps,
  request: SetModelAliasRequest,
  ctx: RpcContext,
): Promise<SetModelAliasReply> {
  const { model_id: modelId, alias, version } = request;
  if ((await deps.registry.model(modelId)) === undefined) throw modelNotFound(modelId, '/model_id');
  // Versions are never deleted: checked once, registered for good.
  if ((await deps.registry.modelVersion({ modelId, version })) === undefined) {
    throw modelVersionNotFound(modelId, version, '/version');
  }
  return deps.store.transaction(async (trx) => {
    await deps.registry.lockAlias(modelId, alias, trx);
    const current = (await deps.registry.alias(modelId, alias, trx))?.version ?? null;
    if (current === null) {
      // A new alias: counted under the model's own lock (an alias key no
      // label can take), so racing new aliases cannot pass the cap together.
      await deps.registry.lockAlias(modelId, '', trx);
      const aliases = await deps.registry.aliasesOf([modelId], trx);
      if (aliases.length >= MAX_ALIASES_PER_MODEL) throw tooManyAliases(modelId);
    }
    if (
      request.expected_current_version !== undefined &&
      request.expected_current_version !== current
    ) {
      throw aliasCasFailed(alias, request.expected_current_version, current);
    }
    if (current === version) {
      const [last] = await deps.registry.aliasHistory(modelId, alias, { limit: 1 }, trx);
      if (last === undefined) throw new Error(`alias ${alias} is set but has no history`);
      return {
        model_id: modelId,
        alias,
        version,
        previous_version: last.old_version,
        changed: false,
        history_id: Number(last.id),
        changed_at: last.changed_at.toISOString(),
      };
    }
    const moved = await deps.registry.moveAlias(
      {
        modelId,
        alias,
        from: current,
        to: version,
        note: request.note ?? null,
        actor: ctx.principal ?? null,
      },
      trx,
    );
    const data = {
      model_id: modelId,
      change: 'alias_moved' as const,
      alias,
      version,
      previous_version: current,
      history_id: Number(moved.id),
    };
    await deps.store.enqueue([registryEvent(deps, ctx, data, moved.changed_at)], trx);
    return {
      model_id: modelId,
      alias,
      version,
      previous_version: current,
      changed: true,
      history_id: Number(moved.id),
      changed_at: moved.changed_at.toISOString(),
    };
  });
}

export async function modelAliasHistory(
  deps: EvaluationDeps,
  request: ModelAliasHistoryRequest,
  ctx: RpcContext,
): Promise<ModelAliasHistoryReply> {
  const limit = request.limit ?? deps.settings.defaultPageLimit;
  const rows = await deps.registry.aliasHistory(request.model_id, request.alias, {
    beforeId: request.cursor === undefined ? undefined : Number(request.cursor),
    limit: limit + 1,
  });
  const frame = { model_id: request.model_id, alias: request.alias };
  const page = pageOf(rows, {
    limit,
    budgetBytes: pageBudget(ctx.replyBudgetBytes, { ...frame, entries: [] }),
    encode: (row) => ({
      id: Number(row.id),
      old_version: row.old_version,
      new_version: row.new_version,
      note: row.note,
      changed_at: row.changed_at.toISOString(),
      actor: row.actor ?? null,
    }),
    position: (row) => Number(row.id),
  });
  return page.next_cursor === undefined
    ? { ...frame, entries: page.items }
    : { ...frame, entries: page.items, next_cursor: page.next_cursor };
}

/**
 * A version as it is now: its registered content at its current stage (the
 * stored JSON keeps the stage it was registered at; set_model_version_stage
 * moves the column).
 */
function versionOf(row: ModelVersionRow): ModelVersion {
  return { ...(row.model_version as unknown as ModelVersion), stage: row.stage as ModelStage };
}

/**
 * Whether a registration repeats the stored one: the same content at the
 * stage it was registered at (a retry, even after the stage moved) or at the
 * stage it is at now (a copy of the version as read).
 */
function sameRegistration(row: ModelVersionRow, version: ModelVersion): boolean {
  const given = canonicalJson(version);
  return given === canonicalJson(row.model_version) || given === canonicalJson(versionOf(row));
}

function toRegisteredModel(row: ModelRow, aliases: readonly AliasRow[]): RegisteredModel {
  return {
    model: row.model as unknown as ModelRef,
    aliases: aliases.map((a) => ({
      alias: a.alias,
      version: a.version,
      updated_at: a.updated_at.toISOString(),
    })),
    created_at: row.created_at.toISOString(),
  };
}

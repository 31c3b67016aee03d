import type { Knex, ServiceDb } from '@crucible/database';

/** A row of experiments. */
export interface ExperimentRow {
  id: string | number;
  project_id: string | number;
  experiment_id: string;
  hash: string;
  experiment: Record<string, unknown>;
  created_at: Date;
}

export interface ModelRow {
  id: string;
  model: Record<string, unknown>;
  created_at: Date;
}

export interface ModelVersionRow {
  seq: string | number;
  model_id: string;
  version: string;
  version_id: string;
  stage: string;
  model_version: Record<string, unknown>;
  created_at: Date;
}

export interface AliasRow {
  model_id: string;
  alias: string;
  version: string;
  updated_at: Date;
}

export interface AliasHistoryRow {
  id: string | number;
  model_id: string;
  alias: string;
  old_version: string | null;
  new_version: string;
  note: string | null;
  changed_at: Date;
  /** The principal that moved it (null: none, or moved before actors were kept). */
  actor: string | null;
}

export interface StageHistoryRow {
  id: string | number;
  model_id: string;
  version: string;
  old_stage: string;
  new_stage: string;
  note: string | null;
  changed_at: Date;
  /** The principal that moved it (null: no outside caller did). */
  actor: string | null;
}

/**
 * One statement: moves the version's stage only if it is still `from` (a
 * concurrent move waits on the row's lock and then finds the stage changed,
 * so of racing compare-and-swaps exactly one updates) and records the move.
 * No row back: the compare-and-swap was lost, nothing written.
 */
const MOVE_STAGE_SQL = `
with moved as (
  update ?? set stage = ?
  where model_id = ? and version = ? and stage = ?
  returning model_id, version
)
insert into ??
  (model_id, version, old_stage, new_stage, note, actor, changed_at)
select model_id, version, ?, ?, ?, ?, date_trunc('milliseconds', clock_timestamp())
from moved
returning *`;

/**
 * First key of the two-key advisory locks on model aliases: apart from any
 * other advisory lock in the database ('alia' in ASCII).
 */
const ALIAS_LOCK_SPACE = 0x616c6961;

/**
 * Data access of the experiments and the model registry (same schema as
 * the records); every method takes its transaction last. Inserts are
 * store-or-keep (`on conflict do nothing`): undefined means the key was taken.
 */
export class RegistryStore {
  constructor(private readonly db: ServiceDb) {}

  async insertExperiment(
    row: Omit<ExperimentRow, 'id' | 'created_at'>,
    trx: Knex.Transaction,
  ): Promise<ExperimentRow | undefined> {
    const [inserted] = await this.db
      .table('experiments', trx)
      .insert({ ...row, experiment: JSON.stringify(row.experiment) })
      .onConflict(['project_id', 'experiment_id'])
      .ignore()
      .returning<ExperimentRow[]>('*');
    return inserted;
  }

  async experimentById(id: number, trx?: Knex.Transaction): Promise<ExperimentRow | undefined> {
    return this.db.table('experiments', trx).where('id', id).first<ExperimentRow | undefined>('*');
  }

  async experimentByName(
    projectId: number,
    experimentId: string,
    trx?: Knex.Transaction,
  ): Promise<ExperimentRow | undefined> {
    return this.db
      .table('experiments', trx)
      .where({ project_id: projectId, experiment_id: experimentId })
      .first<ExperimentRow | undefined>('*');
  }

  async listExperiments(
    filter: { projectId?: number; afterId?: number; limit: number },
    trx?: Knex.Transaction,
  ): Promise<ExperimentRow[]> {
    const query = this.db.table('experiments', trx);
    if (filter.projectId !== undefined) query.where('project_id', filter.projectId);
    if (filter.afterId !== undefined) query.andWhere('id', '>', filter.afterId);
    return query.orderBy('id').limit(filter.limit).select<ExperimentRow[]>('*');
  }

  async insertModel(
    id: string,
    model: Record<string, unknown>,
    trx: Knex.Transaction,
  ): Promise<ModelRow | undefined> {
    const [inserted] = await this.db
      .table('models', trx)
      .insert({ id, model: JSON.stringify(model) })
      .onConflict('id')
      .ignore()
      .returning<ModelRow[]>('*');
    return inserted;
  }

  async model(id: string, trx?: Knex.Transaction): Promise<ModelRow | undefined> {
    return this.db.table('models', trx).where('id', id).first<ModelRow | undefined>('*');
  }

  async listModels(
    page: { after?: string; limit: number },
    trx?: Knex.Transaction,
  ): Promise<ModelRow[]> {
    const query = this.db.table('models', trx);
    if (page.after !== undefined) query.where('id', '>', page.after);
    return query.orderBy('id').limit(page.limit).select<ModelRow[]>('*');
  }

  async aliasesOf(modelIds: readonly string[], trx?: Knex.Transaction): Promise<AliasRow[]> {
    if (modelIds.length === 0) return [];
    return this.db
      .table('model_aliases', trx)
      .whereIn('model_id', [...modelIds])
      .orderBy(['model_id', 'alias'])
      .select<AliasRow[]>('*');
  }

  async insertModelVersion(
    row: Omit<ModelVersionRow, 'seq' | 'created_at'>,
    trx: Knex.Transaction,
  ): Promise<ModelVersionRow | undefined> {
    const [inserted] = await this.db
      .table('model_versions', trx)
      .insert({ ...row, model_version: JSON.stringify(row.model_version) })
      .onConflict()
      .ignore()
      .returning<ModelVersionRow[]>('*');
    return inserted;
  }

  /** The version registered as (modelId, version), or under versionId. */
  async modelVersion(
    key: { modelId: string; version: string } | { versionId: string },
    trx?: Knex.Transaction,
  ): Promise<ModelVersionRow | undefined> {
    const query = this.db.table('model_versions', trx);
    if ('versionId' in key) query.where('version_id', key.versionId);
    else query.where({ model_id: key.modelId, version: key.version });
    return query.first<ModelVersionRow | undefined>('*');
  }

  async listModelVersions(
    filter: { modelId: string; stage?: string; afterSeq?: number; limit: number },
    trx?: Knex.Transaction,
  ): Promise<ModelVersionRow[]> {
    const query = this.db.table('model_versions', trx).where('model_id', filter.modelId);
    if (filter.stage !== undefined) query.andWhere('stage', filter.stage);
    if (filter.afterSeq !== undefined) query.andWhere('seq', '>', filter.afterSeq);
    return query.orderBy('seq').limit(filter.limit).select<ModelVersionRow[]>('*');
  }

  /**
   * Takes the write lock of one alias until the transaction ends: an
   * advisory lock, so an alias with no row yet is covered too (two
   * create-only moves cannot both pass).
   */
  async lockAlias(modelId: string, alias: string, trx: Knex.Transaction): Promise<void> {
    await trx.raw('select pg_advisory_xact_lock(?, hashtext(?))', [
      ALIAS_LOCK_SPACE,
      `${modelId}/${alias}`,
    ]);
  }

  async alias(
    modelId: string,
    alias: string,
    trx?: Knex.Transaction,
  ): Promise<AliasRow | undefined> {
    return this.db
      .table('model_aliases', trx)
      .where({ model_id: modelId, alias })
      .first<AliasRow | undefined>('*');
  }

  /** Points the alias and records the move; the history row. */
  async moveAlias(
    move: {
      modelId: string;
      alias: string;
      from: string | null;
      to: string;
      note: string | null;
      actor: string | null;
    },
    trx: Knex.Transaction,
  ): Promise<AliasHistoryRow> {
    const now = await trx.raw<{ rows: Array<{ now: Date }> }>(
      `select date_trunc('milliseconds', clock_timestamp()) as now`,
    );
    const changedAt = now.rows[0]?.now;
    if (changedAt === undefined) throw new Error('clock_timestamp() returned no row');
    await this.db
      .table('model_aliases', trx)
      .insert({
        model_id: move.modelId,
        alias: move.alias,
        version: move.to,
        updated_at: changedAt,
      })
      .onConflict(['model_id', 'alias'])
      .merge(['version', 'updated_at']);
    const [history] = await this.db
      .table('model_alias_history', trx)
      .insert({
        model_id: move.modelId,
        alias: move.alias,
        old_version: move.from,
        new_version: move.to,
        note: move.note,
        changed_at: changedAt,
        actor: move.actor,
      })
      .returning<AliasHistoryRow[]>('*');
    if (history === undefined) throw new Error('alias history insert returned no row');
    return history;
  }

  /** Moves a version's stage by compare-and-swap and records it; undefined: it was not at `from`. */
  async moveStage(
    move: {
      modelId: string;
      version: string;
      from: string;
      to: string;
      note: string | null;
      actor: string | null;
    },
    trx: Knex.Transaction,
  ): Promise<StageHistoryRow | undefined> {
    const result = await trx.raw<{ rows: StageHistoryRow[] }>(MOVE_STAGE_SQL, [
      this.db.qualified('model_versions'),
      move.to,
      move.modelId,
      move.version,
      move.from,
      this.db.qualified('model_version_stage_history'),
      move.from,
      move.to,
      move.note,
      move.actor,
    ]);
    return result.rows[0];
  }

  /** The stage moves of one version, newest first. */
  async stageHistory(
    modelId: string,
    version: string,
    page: { beforeId?: number; limit: number },
    trx?: Knex.Transaction,
  ): Promise<StageHistoryRow[]> {
    const query = this.db
      .table('model_version_stage_history', trx)
      .where({ model_id: modelId, version });
    if (page.beforeId !== undefined) query.andWhere('id', '<', page.beforeId);
    return query.orderBy('id', 'desc').limit(page.limit).select<StageHistoryRow[]>('*');
  }

  async aliasHistory(
    modelId: string,
    alias: string,
    page: { beforeId?: number; limit: number },
    trx?: Knex.Transaction,
  ): Promise<AliasHistoryRow[]> {
    const query = this.db.table('model_alias_history', trx).where({ model_id: modelId, alias });
    if (page.beforeId !== undefined) query.andWhere('id', '<', page.beforeId);
    return query.orderBy('id', 'desc').limit(page.limit).select<AliasHistoryRow[]>('*');
  }
}

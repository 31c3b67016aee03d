import type { Knex, ServiceDb } from '@crucible/database';

export interface TrainingRunRow {
  seq: string | number;
  id: string;
  model_id: string;
  status: string;
  training_run: Record<string, unknown>;
  created_at: Date;
  updated_at: Date;
}

export interface DeploymentRow {
  seq: string | number;
  id: string;
  model_version_id: string;
  state: string;
  config: Record<string, unknown>;
  status: Record<string, unknown>;
  feedback: Record<string, unknown>;
  created_at: Date;
  updated_at: Date;
}

/**
 * Data access of reported training runs and deployments (evaluation schema);
 * every method takes its transaction last. Updates happen under the row's
 * lock (`forUpdate`), so racing reports of one run are checked one after
 * the other.
 */
export class LifecycleStore {
  constructor(private readonly db: ServiceDb) {}

  async trainingRun(
    id: string,
    trx?: Knex.Transaction,
    options: { lock: boolean } = { lock: false },
  ): Promise<TrainingRunRow | undefined> {
    const query = this.db.table('training_runs', trx).where('id', id);
    if (options.lock) query.forUpdate();
    return query.first<TrainingRunRow | undefined>('*');
  }

  /** Inserts a new run; undefined when its id was taken meanwhile. */
  async insertTrainingRun(
    row: Pick<TrainingRunRow, 'id' | 'model_id' | 'status' | 'training_run'>,
    trx: Knex.Transaction,
  ): Promise<TrainingRunRow | undefined> {
    const [inserted] = await this.db
      .table('training_runs', trx)
      .insert({ ...row, training_run: JSON.stringify(row.training_run) })
      .onConflict('id')
      .ignore()
      .returning<TrainingRunRow[]>('*');
    return inserted;
  }

  async updateTrainingRun(
    id: string,
    change: Pick<TrainingRunRow, 'status' | 'training_run'>,
    trx: Knex.Transaction,
  ): Promise<TrainingRunRow> {
    const [row] = await this.db
      .table('training_runs', trx)
      .where('id', id)
      .update({
        status: change.status,
        training_run: JSON.stringify(change.training_run),
        updated_at: trx.raw(`date_trunc('milliseconds', now())`),
      })
      .returning<TrainingRunRow[]>('*');
    if (row === undefined) throw new Error(`training run ${id} vanished under its lock`);
    return row;
  }

  async listTrainingRuns(
    filter: { modelId?: string; status?: string; afterSeq?: number; limit: number },
    trx?: Knex.Transaction,
  ): Promise<TrainingRunRow[]> {
    const query = this.db.table('training_runs', trx);
    if (filter.modelId !== undefined) query.where('model_id', filter.modelId);
    if (filter.status !== undefined) query.andWhere('status', filter.status);
    if (filter.afterSeq !== undefined) query.andWhere('seq', '>', filter.afterSeq);
    return query.orderBy('seq').limit(filter.limit).select<TrainingRunRow[]>('*');
  }

  async deployment(
    id: string,
    trx?: Knex.Transaction,
    options: { lock: boolean } = { lock: false },
  ): Promise<DeploymentRow | undefined> {
    const query = this.db.table('deployments', trx).where('id', id);
    if (options.lock) query.forUpdate();
    return query.first<DeploymentRow | undefined>('*');
  }

  async insertDeployment(
    row: Pick<
      DeploymentRow,
      'id' | 'model_version_id' | 'state' | 'config' | 'status' | 'feedback'
    >,
    trx: Knex.Transaction,
  ): Promise<DeploymentRow | undefined> {
    const [inserted] = await this.db
      .table('deployments', trx)
      .insert({
        ...row,
        config: JSON.stringify(row.config),
        status: JSON.stringify(row.status),
        feedback: JSON.stringify(row.feedback),
      })
      .onConflict('id')
      .ignore()
      .returning<DeploymentRow[]>('*');
    return inserted;
  }

  async updateDeployment(
    id: string,
    change: Pick<DeploymentRow, 'state' | 'config' | 'status' | 'feedback'>,
    trx: Knex.Transaction,
  ): Promise<DeploymentRow> {
    const [row] = await this.db
      .table('deployments', trx)
      .where('id', id)
      .update({
        state: change.state,
        config: JSON.stringify(change.config),
        status: JSON.stringify(change.status),
        feedback: JSON.stringify(change.feedback),
        updated_at: trx.raw(`date_trunc('milliseconds', now())`),
      })
      .returning<DeploymentRow[]>('*');
    if (row === undefined) throw new Error(`deployment ${id} vanished under its lock`);
    return row;
  }

  async listDeployments(
    filter: { modelVersionId?: string; state?: string; afterSeq?: number; limit: number },
    trx?: Knex.Transaction,
  ): Promise<DeploymentRow[]> {
    const query = this.db.table('deployments', trx);
    if (filter.modelVersionId !== undefined) query.where('model_version_id', filter.modelVersionId);
    if (filter.state !== undefined) query.andWhere('state', filter.state);
    if (filter.afterSeq !== undefined) query.andWhere('seq', '>', filter.afterSeq);
    return query.orderBy('seq').limit(filter.limit).select<DeploymentRow[]>('*');
  }
}

import type { Knex } from '@crucible/database';
import { first, GovernanceStore } from './governance-store';
import type { ArtifactRow, ExecutionRunRow, RoleRow, RunHistoryRow } from './rows';

const RUNS = 'execution_runs';
const RUN_HISTORY = 'execution_run_history';
const ROLES = 'agent_roles';
const ARTIFACTS = 'artifacts';

/** Execution runs and their history, agent roles, artifact references. */
export class RecordStore extends GovernanceStore {
  async insertRun(row: ExecutionRunRow, trx: Knex.Transaction): Promise<void> {
    await this.db.table<ExecutionRunRow>(RUNS, trx).insert(row);
  }

  async run(id: string, trx?: Knex.Transaction): Promise<ExecutionRunRow | undefined> {
    return first<ExecutionRunRow>(this.db.table(RUNS, trx).where('id', id));
  }

  /**
   * A directive's runs still pending or running, oldest first, locked until
   * the transaction ends (so none finishes meanwhile under another writer).
   */
  async lockOpenRuns(directiveId: string, trx: Knex.Transaction): Promise<ExecutionRunRow[]> {
    return (await this.db
      .table<ExecutionRunRow>(RUNS, trx)
      .where('directive_id', directiveId)
      .whereIn('status', ['pending', 'running'])
      .orderBy([{ column: 'created_at' }, { column: 'id' }])
      .forUpdate()) as ExecutionRunRow[];
  }

  /** The compare-and-swap of a run's status (see DirectiveStore.swapStatus), with the timestamps it sets. */
  async swapRunStatus(
    id: string,
    expected: string,
    change: { status: string; started_at?: Date; completed_at?: Date },
    trx: Knex.Transaction,
  ): Promise<ExecutionRunRow | undefined> {
    const [row] = await this.db
      .table<ExecutionRunRow>(RUNS, trx)
      .where({ id, status: expected })
      .update(change)
      .returning<ExecutionRunRow[]>('*');
    return row;
  }

  async insertRunHistory(row: Omit<RunHistoryRow, 'id'>, trx: Knex.Transaction): Promise<number> {
    const [inserted] = await this.db
      .table(RUN_HISTORY, trx)
      .insert(row)
      .returning<Array<{ id: string }>>('id');
    if (inserted === undefined) throw new Error('run history insert returned no row');
    return Number(inserted.id);
  }

  /** Inserts a role; false when the name is taken. */
  async insertRole(row: RoleRow, trx?: Knex.Transaction): Promise<boolean> {
    const inserted = await this.db
      .table(ROLES, trx)
      .insert(row)
      .onConflict('role_name')
      .ignore()
      .returning('role_name');
    return inserted.length > 0;
  }

  /** Roles in name order (byte order: COLLATE "C") after `after`. */
  async roles(page: { after?: string; limit: number }, trx?: Knex.Transaction): Promise<RoleRow[]> {
    const query = this.db.table<RoleRow>(ROLES, trx);
    if (page.after !== undefined) query.where('role_name', '>', page.after);
    return (await query.orderBy('role_name').limit(page.limit)) as RoleRow[];
  }

  async insertArtifact(row: ArtifactRow, trx?: Knex.Transaction): Promise<void> {
    await this.db.table(ARTIFACTS, trx).insert(row);
  }

  async artifact(id: string, trx?: Knex.Transaction): Promise<ArtifactRow | undefined> {
    return first<ArtifactRow>(this.db.table(ARTIFACTS, trx).where('id', id));
  }
}

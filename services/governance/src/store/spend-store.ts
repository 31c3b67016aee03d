import type { Knex } from '@crucible/database';
import { first, GovernanceStore } from './governance-store';
import type { ExecutionRunRow, SpendEntryRow } from './rows';

const RUNS = 'execution_runs';
const ENTRIES = 'spend_entries';

/** The spend of execution runs: their running totals and the charges behind them. */
export class SpendStore extends GovernanceStore {
  /** The run that keeps a directive's spend: its newest pending or running one. */
  async openRun(directiveId: string, trx?: Knex.Transaction): Promise<ExecutionRunRow | undefined> {
    return first<ExecutionRunRow>(
      this.db
        .table(RUNS, trx)
        .where('directive_id', directiveId)
        .whereIn('status', ['pending', 'running'])
        .orderBy([
          { column: 'created_at', order: 'desc' },
          { column: 'id', order: 'desc' },
        ]),
    );
  }

  /**
   * The run of a directive that ended last (the one still open first), of
   * those that ended together the one that had started: where spend reported
   * after its runs were ended (by its timebox) belongs.
   */
  async lastEndedRun(
    directiveId: string,
    trx?: Knex.Transaction,
  ): Promise<ExecutionRunRow | undefined> {
    return first<ExecutionRunRow>(
      this.db
        .table(RUNS, trx)
        .where('directive_id', directiveId)
        .orderByRaw(
          'completed_at desc nulls first, started_at desc nulls last, created_at desc, id desc',
        ),
    );
  }

  /**
   * What a directive has spent over all its runs (a budget is the
   * directive's: a run completed and a new one started does not reset it).
   * The amount as NUMERIC text; the currency of its runs (one, see record_spend).
   */
  async directiveTotals(
    directiveId: string,
    trx?: Knex.Transaction,
  ): Promise<{ amount: string; currency: string | null; tokens: number }> {
    const row = await this.db
      .table(RUNS, trx)
      .where('directive_id', directiveId)
      .first<{ amount: string | null; currency: string | null; tokens: string | null }>(
        this.db.knex.raw('sum(spent_amount)::text as amount'),
        this.db.knex.raw('min(spent_currency) as currency'),
        this.db.knex.raw('sum(spent_tokens)::text as tokens'),
      );
    return {
      amount: row?.amount ?? '0',
      currency: row?.currency ?? null,
      tokens: Number(row?.tokens ?? 0),
    };
  }

  /**
   * Inserts the charges whose keys were never recorded; returns those it
   * inserted (a key seen before, under any directive, is skipped: a charge
   * counts once).
   */
  async insertNew(rows: readonly SpendEntryRow[], trx: Knex.Transaction): Promise<SpendEntryRow[]> {
    if (rows.length === 0) return [];
    return (await this.db
      .table(ENTRIES, trx)
      .insert(rows)
      .onConflict('key')
      .ignore()
      .returning('*')) as SpendEntryRow[];
  }

  /** Adds to a run's totals (amount as an exact decimal string) and returns the run. */
  async addToRun(
    runId: string,
    add: { amount: string; tokens: number; currency: string | null },
    trx: Knex.Transaction,
  ): Promise<ExecutionRunRow> {
    const knex = this.db.knex;
    const [row] = await this.db
      .table<ExecutionRunRow>(RUNS, trx)
      .where('id', runId)
      .update({
        spent_amount: knex.raw('spent_amount + ?::numeric', [add.amount]),
        spent_tokens: knex.raw('spent_tokens + ?::bigint', [add.tokens]),
        spent_currency: knex.raw('coalesce(spent_currency, ?::text)', [add.currency]),
      } as Record<string, unknown>)
      .returning<ExecutionRunRow[]>('*');
    if (row === undefined) throw new Error(`run ${runId} vanished while its spend was added`);
    return row;
  }
}

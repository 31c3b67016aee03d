import type { Knex } from '@crucible/database';
import { first, GovernanceStore } from './governance-store';
import type { DeadlineRow, DirectiveHistoryRow, DirectiveRow, PendingReviewRow } from './rows';

const DIRECTIVES = 'directives';
const HISTORY = 'directive_history';
const REVIEWS = 'pending_reviews';
const DEADLINES = 'directive_deadlines';

export interface DirectiveFilter {
  status?: string;
  scope?: string;
  role?: string;
  /** Position after which to list (newest first): the last row's (created_at, id). */
  before?: { created_at: Date; id: string };
  limit: number;
}

/** Directives, their status history and the proposals waiting for a human. */
export class DirectiveStore extends GovernanceStore {
  async insert(row: DirectiveRow, trx: Knex.Transaction): Promise<void> {
    await this.db.table<DirectiveRow>(DIRECTIVES, trx).insert(serialize(row));
  }

  async get(id: string, trx?: Knex.Transaction): Promise<DirectiveRow | undefined> {
    return first<DirectiveRow>(this.db.table(DIRECTIVES, trx).where('id', id));
  }

  /** The directive, its row locked until the transaction ends (status changes wait for each other). */
  async lock(id: string, trx: Knex.Transaction): Promise<DirectiveRow | undefined> {
    return first<DirectiveRow>(this.db.table(DIRECTIVES, trx).where('id', id).forUpdate());
  }

  /**
   * The compare-and-swap of a status: moves it only if it is `expected` now.
   * Concurrent swaps of one row wait for each other's lock and re-check the
   * condition, so exactly one of several with the same expectation wins.
   * Returns the changed row, or undefined when the status was not `expected`.
   */
  async swapStatus(
    id: string,
    expected: string,
    status: string,
    at: Date,
    trx: Knex.Transaction,
  ): Promise<DirectiveRow | undefined> {
    const [row] = await this.db
      .table<DirectiveRow>(DIRECTIVES, trx)
      .where({ id, status: expected })
      .update({ status, updated_at: at })
      .returning<DirectiveRow[]>('*');
    return row;
  }

  async insertHistory(
    row: Omit<DirectiveHistoryRow, 'id'>,
    trx: Knex.Transaction,
  ): Promise<DirectiveHistoryRow> {
    const [inserted] = await this.db
      .table<DirectiveHistoryRow>(HISTORY, trx)
      .insert(row)
      .returning<DirectiveHistoryRow[]>('*');
    if (inserted === undefined) throw new Error('history insert returned no row');
    return inserted;
  }

  /** The latest status changes of a directive, newest first. */
  async history(id: string, limit: number, trx?: Knex.Transaction): Promise<DirectiveHistoryRow[]> {
    return (await this.db
      .table(HISTORY, trx)
      .where('directive_id', id)
      .orderBy('id', 'desc')
      .limit(limit)) as DirectiveHistoryRow[];
  }

  /** Directives newest first, by status, scope or role, after a position. */
  async list(filter: DirectiveFilter, trx?: Knex.Transaction): Promise<DirectiveRow[]> {
    const query = this.db.table<DirectiveRow>(DIRECTIVES, trx);
    if (filter.status !== undefined) query.where('status', filter.status);
    if (filter.scope !== undefined) query.where('scope', filter.scope);
    if (filter.role !== undefined) query.where('role', filter.role);
    if (filter.before !== undefined) {
      query.whereRaw('(created_at, id) < (?, ?)', [filter.before.created_at, filter.before.id]);
    }
    return (await query
      .orderBy([
        { column: 'created_at', order: 'desc' },
        { column: 'id', order: 'desc' },
      ])
      .limit(filter.limit)) as DirectiveRow[];
  }

  async putReview(row: PendingReviewRow, trx: Knex.Transaction): Promise<void> {
    await this.db
      .table<PendingReviewRow>(REVIEWS, trx)
      .insert(row)
      .onConflict('directive_id')
      .merge();
  }

  async review(id: string, trx?: Knex.Transaction): Promise<PendingReviewRow | undefined> {
    return first<PendingReviewRow>(this.db.table(REVIEWS, trx).where('directive_id', id));
  }

  async deleteReview(id: string, trx: Knex.Transaction): Promise<void> {
    await this.db.table<PendingReviewRow>(REVIEWS, trx).where('directive_id', id).delete();
  }

  /**
   * Whether any review's timer, and any approved directive's timebox
   * (`DeadlineStore`), has run out and is still unclaimed: one statement
   * outside any transaction, so that an idle escalation round opens none.
   * Read at `clock_timestamp()`, no earlier than the claims' `now()` of a
   * round that follows it, so whatever such a claim would take it counts.
   */
  async dueWork(): Promise<{ reviews: boolean; deadlines: boolean }> {
    const result = await this.db.knex.raw<{
      rows: Array<{ reviews: boolean; deadlines: boolean }>;
    }>(
      `select exists (select from ?? where escalated_at is null and due_at is not null
                        and due_at <= clock_timestamp()) as reviews,
              exists (select from ?? where expired_at is null
                        and due_at <= clock_timestamp()) as deadlines`,
      [this.db.qualified(REVIEWS), this.db.qualified(DEADLINES)],
    );
    const row = result.rows[0];
    return { reviews: row?.reviews === true, deadlines: row?.deadlines === true };
  }

  /**
   * Claims the reviews whose timers ran out and have not escalated yet:
   * marks them escalated at `at` and returns them. Rows another poller holds
   * are skipped (SKIP LOCKED), so each escalates once whatever the replicas.
   */
  async claimDueReviews(
    at: Date,
    limit: number,
    trx: Knex.Transaction,
  ): Promise<PendingReviewRow[]> {
    const result = await trx.raw<{ rows: PendingReviewRow[] }>(
      `update ?? as r set escalated_at = ?
        where r.directive_id in (
          select directive_id from ?? where escalated_at is null and due_at is not null and due_at <= ?
           order by due_at, directive_id limit ? for update skip locked)
        returning r.*`,
      [this.db.qualified(REVIEWS), at, this.db.qualified(REVIEWS), at, limit],
    );
    return result.rows;
  }
}

/**
 * The deadlines of approved directives' timeboxes (migration 0004): one per
 * directive, replaced when it is approved again.
 */
export class DeadlineStore extends GovernanceStore {
  async put(row: DeadlineRow, trx: Knex.Transaction): Promise<void> {
    await this.db.table<DeadlineRow>(DEADLINES, trx).insert(row).onConflict('directive_id').merge();
  }

  async get(directiveId: string, trx?: Knex.Transaction): Promise<DeadlineRow | undefined> {
    return first<DeadlineRow>(this.db.table(DEADLINES, trx).where('directive_id', directiveId));
  }

  /**
   * Claims the deadlines that passed and were not acted on: marks them
   * expired at `at` and returns them, skipping rows another poller holds
   * (SKIP LOCKED), so each is acted on once whatever the replicas.
   */
  async claimDue(at: Date, limit: number, trx: Knex.Transaction): Promise<DeadlineRow[]> {
    const result = await trx.raw<{ rows: DeadlineRow[] }>(
      `update ?? as d set expired_at = ?
        where d.directive_id in (
          select directive_id from ?? where expired_at is null and due_at <= ?
           order by due_at, directive_id limit ? for update skip locked)
        returning d.*`,
      [this.db.qualified(DEADLINES), at, this.db.qualified(DEADLINES), at, limit],
    );
    return result.rows;
  }
}

// knex sends a JS object to a JSONB column as JSON, but an array or a string
// would be sent as a Postgres array or text: stringify the JSON columns.
function serialize(row: DirectiveRow): Record<string, unknown> {
  const json = (v: unknown): string | null => (v === null ? null : JSON.stringify(v));
  return {
    ...row,
    constraints: json(row.constraints),
    success_metrics: json(row.success_metrics),
    budget: json(row.budget),
    payload: JSON.stringify(row.payload),
  };
}

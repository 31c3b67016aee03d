import type { Knex, ServiceDb } from '@crucible/database';

/** A feedback event to store. */
export interface NewFeedbackRow {
  deployment_id: string;
  event_id: string;
  model_version_id: string;
  feedback_type: string;
  score: number | null;
  event: Record<string, unknown>;
}

export interface FeedbackRow extends NewFeedbackRow {
  seq: string | number;
  received_at: Date;
}

export interface FeedbackTotalRow {
  deployment_id: string;
  feedback_type: string;
  model_version_id: string;
  events: string | number;
  scored: string | number;
  score_sum: number;
}

/**
 * Data access of stored feedback (evaluation schema). Events go in with
 * one multi-row insert per batch; the totals move by what that insert
 * actually stored, in the same transaction, so a duplicate is neither
 * stored nor counted twice.
 */
export class FeedbackStore {
  constructor(private readonly db: ServiceDb) {}

  /** Stores the rows not stored before (by deployment and event id); the ones stored now. */
  async insertNew(
    rows: readonly NewFeedbackRow[],
    trx: Knex.Transaction,
  ): Promise<Array<Pick<FeedbackRow, 'feedback_type' | 'score'>>> {
    if (rows.length === 0) return [];
    // In key order: racing batches that share events wait on each other instead of deadlocking.
    const sorted = [...rows].sort((a, b) =>
      a.event_id < b.event_id ? -1 : a.event_id > b.event_id ? 1 : 0,
    );
    return this.db
      .table('feedback_events', trx)
      .insert(sorted.map((row) => ({ ...row, event: JSON.stringify(row.event) })))
      .onConflict(['deployment_id', 'event_id'])
      .ignore()
      .returning<Array<Pick<FeedbackRow, 'feedback_type' | 'score'>>>(['feedback_type', 'score']);
  }

  /** Adds to the totals of a deployment, one row per feedback type. */
  async addTotals(
    totals: ReadonlyArray<
      Omit<FeedbackTotalRow, 'events' | 'scored'> & { events: number; scored: number }
    >,
    trx: Knex.Transaction,
  ): Promise<void> {
    if (totals.length === 0) return;
    // Sorted by key: racing batches of one deployment take the rows' locks in one order.
    const sorted = [...totals].sort((a, b) => (a.feedback_type < b.feedback_type ? -1 : 1));
    await trx.raw(
      `insert into ?? as total (deployment_id, feedback_type, model_version_id, events, scored, score_sum)
       select * from jsonb_to_recordset(?::jsonb) as batch(deployment_id text,
         feedback_type text, model_version_id text, events bigint, scored bigint, score_sum double precision)
       on conflict (deployment_id, feedback_type) do update set
         events = total.events + excluded.events,
         scored = total.scored + excluded.scored,
         score_sum = total.score_sum + excluded.score_sum`,
      [this.db.qualified('feedback_totals'), JSON.stringify(sorted)],
    );
  }

  /** Totals per feedback type (by name), of a deployment or of every deployment of a version; at most `limit`. */
  async totals(
    of: { deploymentId: string } | { modelVersionId: string },
    limit: number,
    trx?: Knex.Transaction,
  ): Promise<
    Array<{
      feedback_type: string;
      events: string | number;
      scored: string | number;
      score_sum: number;
    }>
  > {
    const query = this.db.table('feedback_totals', trx);
    if ('deploymentId' in of) query.where('deployment_id', of.deploymentId);
    else query.where('model_version_id', of.modelVersionId);
    return query
      .groupBy('feedback_type')
      .orderBy('feedback_type')
      .limit(limit)
      .select('feedback_type')
      .sum({ events: 'events', scored: 'scored', score_sum: 'score_sum' });
  }

  async list(
    filter: { deploymentId: string; feedbackType?: string; afterSeq?: number; limit: number },
    trx?: Knex.Transaction,
  ): Promise<FeedbackRow[]> {
    const query = this.db.table('feedback_events', trx).where('deployment_id', filter.deploymentId);
    if (filter.feedbackType !== undefined) query.andWhere('feedback_type', filter.feedbackType);
    if (filter.afterSeq !== undefined) query.andWhere('seq', '>', filter.afterSeq);
    return query.orderBy('seq').limit(filter.limit).select<FeedbackRow[]>('*');
  }
}

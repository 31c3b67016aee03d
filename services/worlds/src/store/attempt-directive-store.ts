import type { Knex, ServiceDb } from '@crucible/database';

/** The directive each turn attempt runs under (migration 0003), if any. */
export class AttemptDirectiveStore {
  constructor(private readonly db: ServiceDb) {}

  /** Records the directive of attempts, in the transaction that queues them. */
  async put(
    attemptIds: readonly number[],
    directiveId: string,
    trx: Knex.Transaction,
  ): Promise<void> {
    if (attemptIds.length === 0) return;
    await this.db
      .table('attempt_directives', trx)
      .insert(attemptIds.map((attempt_id) => ({ attempt_id, directive_id: directiveId })));
  }

  /** The directive an attempt runs under, or undefined. */
  async of(attemptId: number): Promise<string | undefined> {
    const row = await this.db
      .table('attempt_directives')
      .where({ attempt_id: attemptId })
      .first<{ directive_id: string } | undefined>('directive_id');
    return row?.directive_id;
  }
}

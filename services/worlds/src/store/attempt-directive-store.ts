import type { Knex, ServiceDb } from '@crucible/database';

/**
 * The directive each turn attempt runs under (migration 0003), if any. The
 * worker reads it with its claim (TurnStore.claimNext); run_turn writes it
 * with its attempts in one statement (TurnStore.queue), and this store when
 * that statement found no live world.
 */
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
}

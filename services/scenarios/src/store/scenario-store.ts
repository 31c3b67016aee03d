import type { Knex, NamedStatement, ServiceDb } from '@crucible/database';
import type { Outbox } from '@crucible/messaging';
import { readDerivation, type DerivationRow } from './derivations';
import { lineageStatement, readLineage, type Lineage } from './lineage';
import { readScenario, scenarioReadStatement, type ScenarioRead } from './scenario-read';
import { readScenarioList, type ListQuery, type SummaryRow } from './scenario-list';
import {
  reserveDerivationId,
  writeScenario,
  writeStatements,
  type ScenarioWrite,
  type WriteEvents,
  type WriteOutcome,
  type WriteStatements,
} from './scenario-write';

export type { ScenarioWrite, WriteEvents, WriteOutcome } from './scenario-write';

/**
 * Data access of the scenarios schema, the handlers' only way to it; every
 * method takes its optional transaction last. A manifest, its bindings, its
 * derivation and their events commit together (one statement); writes are
 * store-or-reuse, so retries and concurrent identical calls converge on one
 * manifest and one derivation.
 */
export class ScenarioStore {
  private readonly readStatement: NamedStatement;
  private readonly lineageStatement: NamedStatement;
  private readonly writeStatements: WriteStatements;

  constructor(
    private readonly db: ServiceDb,
    private readonly outbox: Outbox,
  ) {
    this.readStatement = scenarioReadStatement(db);
    this.lineageStatement = lineageStatement(db);
    this.writeStatements = writeStatements(db, outbox);
  }

  /** The id a write's derivation gets if it is new (`ScenarioWrite.derivation_id`). */
  reserveDerivationId(trx?: Knex.Transaction): Promise<number> {
    return reserveDerivationId(this.db, this.writeStatements, trx);
  }

  /**
   * Writes a scenario and its derivation, in `trx` or committed on its own,
   * with each of `events` whose row is new.
   */
  write(input: ScenarioWrite, events: WriteEvents, trx?: Knex.Transaction): Promise<WriteOutcome> {
    return writeScenario(this.db, this.writeStatements, this.outbox, input, events, trx);
  }

  /** The hashes among `hashes` that are stored scenarios. */
  async existing(hashes: readonly string[], trx?: Knex.Transaction): Promise<Set<string>> {
    if (hashes.length === 0) return new Set();
    const found: string[] = await this.db
      .table<{ hash: string }>('scenarios', trx)
      .whereIn('hash', [...new Set(hashes)])
      .pluck('hash');
    return new Set(found);
  }

  /** Manifest, bindings, profile compositions, relations and world count in one round trip. */
  read(hash: string, trx?: Knex.Transaction): Promise<ScenarioRead | undefined> {
    return readScenario(this.db, this.readStatement, hash, trx);
  }

  /** Applies a name move to the projection unless a later move of that name is already there. */
  async projectNameMove(
    move: { name: string; hash: string | null; history_id: number },
    trx?: Knex.Transaction,
  ): Promise<void> {
    await (trx ?? this.db.knex).raw(
      `insert into ?? as np (name, hash, history_id, updated_at) values (?, ?, ?, now())
       on conflict (name) do update set hash = excluded.hash, history_id = excluded.history_id, updated_at = now()
       where np.history_id < excluded.history_id`,
      [this.db.qualified('names_projection'), move.name, move.hash, move.history_id],
    );
  }

  /** list_scenarios' page (see scenario-list.ts). */
  list(query: ListQuery, trx?: Knex.Transaction): Promise<SummaryRow[]> {
    return readScenarioList(this.db, query, trx);
  }

  /** Ancestors and descendants of a scenario, or undefined when it does not exist (see lineage.ts). */
  lineage(hash: string, maxDepth: number, trx?: Knex.Transaction): Promise<Lineage | undefined> {
    return readLineage(this.db, this.lineageStatement, hash, maxDepth, trx);
  }

  /** A derivation with its parent edges, or undefined. */
  derivation(id: number, trx?: Knex.Transaction): Promise<DerivationRow | undefined> {
    return readDerivation(this.db, id, trx);
  }

  /** One transaction for several writes; the relay is woken after it commits if it wrote events. */
  transaction<T>(fn: (trx: Knex.Transaction) => Promise<T>): Promise<T> {
    return this.outbox.transaction(fn);
  }
}

import type { Knex, NamedStatement } from '@crucible/database';
import { first, GovernanceStore } from './governance-store';
import type { DecisionRow, PolicyRow } from './rows';

const POLICIES = 'policies';
const HEAD = 'policy_head';
const HISTORY = 'policy_history';
const DECISIONS = 'decisions';

/** The active policy's hash and since when. */
export interface PolicyHead {
  hash: string;
  changed_at: Date;
}

/** Content-addressed policies, the active one and its history, and decision records. */
export class PolicyStore extends GovernanceStore {
  private activeStatement: NamedStatement | undefined;

  /** Stores a policy by hash (a stored one is left as it is). */
  async putPolicy(row: Omit<PolicyRow, 'created_at'>, trx?: Knex.Transaction): Promise<void> {
    await this.db
      .table(POLICIES, trx)
      .insert({ hash: row.hash, version: row.version, config: JSON.stringify(row.config) })
      .onConflict('hash')
      .ignore();
  }

  async policy(hash: string, trx?: Knex.Transaction): Promise<PolicyRow | undefined> {
    return first<PolicyRow>(this.db.table(POLICIES, trx).where('hash', hash));
  }

  /**
   * The active policy's row (the head's hash and the policy it names, read in
   * one statement), or undefined before the first start has set one.
   */
  async activePolicy(trx?: Knex.Transaction): Promise<PolicyRow | undefined> {
    // Named (prepared once per connection): every authorize_work reads it.
    this.activeStatement ??= this.db.statement(
      'policies_active',
      `select p.* from ${this.db.quotedTable(POLICIES)} p
        where p.hash = (select h.hash from ${this.db.quotedTable(HEAD)} h)`,
    );
    const [row] = await this.db.run<PolicyRow>(this.activeStatement, [], trx);
    return row;
  }

  /** The active policy, or undefined before the first start has set one. */
  async head(trx?: Knex.Transaction): Promise<PolicyHead | undefined> {
    return this.db.table<PolicyHead>(HEAD, trx).first('hash', 'changed_at');
  }

  /** The active policy, its row locked until the transaction ends. */
  async lockHead(trx: Knex.Transaction): Promise<PolicyHead | undefined> {
    return this.db.table<PolicyHead>(HEAD, trx).forUpdate().first('hash', 'changed_at');
  }

  /** Makes a policy the first active one, unless one is active already (start-up). */
  async initHead(hash: string, at: Date, trx: Knex.Transaction): Promise<boolean> {
    const inserted = await this.db
      .table(HEAD, trx)
      .insert({ hash, changed_at: at })
      .onConflict('only_row')
      .ignore()
      .returning('hash');
    return inserted.length > 0;
  }

  async moveHead(hash: string, at: Date, trx: Knex.Transaction): Promise<void> {
    await this.db.table(HEAD, trx).update({ hash, changed_at: at });
  }

  async insertHistory(
    row: {
      old_hash: string | null;
      new_hash: string;
      actor: string;
      reason: string | null;
      changed_at: Date;
    },
    trx: Knex.Transaction,
  ): Promise<number> {
    const [inserted] = await this.db
      .table(HISTORY, trx)
      .insert(row)
      .returning<Array<{ id: string }>>('id');
    if (inserted === undefined) throw new Error('policy history insert returned no row');
    return Number(inserted.id);
  }

  /** Stores a decision record by hash; true when it was new. */
  async putDecision(row: DecisionRow, trx: Knex.Transaction): Promise<boolean> {
    const inserted = await this.db
      .table(DECISIONS, trx)
      .insert({ ...row, input: JSON.stringify(row.input), results: JSON.stringify(row.results) })
      .onConflict('hash')
      .ignore()
      .returning('hash');
    return inserted.length > 0;
  }

  async decision(hash: string, trx?: Knex.Transaction): Promise<DecisionRow | undefined> {
    return first<DecisionRow>(this.db.table(DECISIONS, trx).where('hash', hash));
  }

  /** Decisions oldest first, evaluated in [since, until), after a position. */
  async decisions(
    filter: {
      since?: Date;
      until?: Date;
      after?: { evaluated_at: Date; hash: string };
      limit: number;
    },
    trx?: Knex.Transaction,
  ): Promise<DecisionRow[]> {
    const query = this.db.table<DecisionRow>(DECISIONS, trx);
    if (filter.since !== undefined) query.where('evaluated_at', '>=', filter.since);
    if (filter.until !== undefined) query.where('evaluated_at', '<', filter.until);
    if (filter.after !== undefined) {
      query.whereRaw('(evaluated_at, hash) > (?, ?)', [
        filter.after.evaluated_at,
        filter.after.hash,
      ]);
    }
    return (await query.orderBy(['evaluated_at', 'hash']).limit(filter.limit)) as DecisionRow[];
  }
}

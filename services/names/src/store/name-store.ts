import type { Knex, ServiceDb } from '@crucible/database';
import type { GateEvidence } from '@crucible/contracts';
import type { Outbox, OutboxRow } from '@crucible/messaging';

const NAMES = 'scenario_names';
const HISTORY = 'scenario_name_history';
const PROTECTED = 'protected_names';
const GATED = 'gated_names';

/** A row of protected_names (migration 0004). */
export interface ProtectionRow {
  name: string;
  protected_at: Date;
  actor: string | null;
  note: string | null;
}

/**
 * First key of the two-key advisory locks on names: keeps them apart from
 * any other advisory lock in the database ('name' in ASCII).
 */
const NAME_LOCK_SPACE = 0x6e616d65;

/** A row of scenario_names. */
export interface NameRow {
  name: string;
  hash: string;
  updated_at: Date;
}

/** A row of scenario_name_history (`id` is a BIGSERIAL, read as a string). */
export interface HistoryRow {
  id: string;
  name: string;
  old_hash: string | null;
  /** null: a tombstone (the name was removed). */
  new_hash: string | null;
  note: string | null;
  /** Who moved it (the authenticated principal); null before actors were recorded. */
  actor: string | null;
  /** The directive the move was made under (migration 0004); null without one. */
  directive_id: string | null;
  /** The passed gate run a gated name moved on (migration 0005, schemas/names/gate_evidence.v1.json); null otherwise. */
  gate: GateEvidence | null;
  changed_at: Date;
}

export type NewHistoryRow = Omit<HistoryRow, 'id'>;

/** Where a name points now, with the history row that put it there. */
export interface CurrentName {
  name: string;
  hash: string;
  history_id: string;
  changed_at: Date;
  /** Set when the name is protected. */
  protection: ProtectionRow | undefined;
}

/** The protection columns `current` reads beside the name (`protected_name` is the row's name). */
type ProtectionColumn = 'protected_name' | 'protected_at' | 'actor' | 'note';

export interface ListFilter {
  /** A LIKE pattern (escape character `\`). */
  like?: string;
  hash?: string;
  after?: string;
  limit: number;
}

/**
 * Data access of the names schema; every method takes its transaction last.
 * Writes need one (`moveNames` runs them in one `transaction`); reads run on
 * their own unless given one.
 */
export class NameStore {
  constructor(
    private readonly db: ServiceDb,
    private readonly outbox: Outbox,
  ) {}

  /** One transaction for a move; the relay is woken after it commits if it wrote events. */
  transaction<T>(fn: (trx: Knex.Transaction) => Promise<T>): Promise<T> {
    return this.outbox.transaction(fn);
  }

  /**
   * Takes the write lock of every name until the transaction ends: one
   * advisory lock per name, so a name with no row yet is covered too (two
   * create-only moves of one new name cannot both pass). Taken in key order,
   * so transactions sharing names wait for each other and never deadlock
   * (the outer select calls the function row by row in the subquery's order).
   */
  async lockNames(names: readonly string[], trx: Knex.Transaction): Promise<void> {
    await trx.raw(
      `select pg_advisory_xact_lock(?, k)
         from (select distinct hashtext(n) as k from unnest(?::text[]) as n order by k) as keys`,
      [NAME_LOCK_SPACE, [...names]],
    );
  }

  /**
   * The time of this transaction's moves: read after the locks are held, so
   * a later move of a name never gets an earlier time; millisecond precision,
   * so the times callers see (RFC 3339, milliseconds) are exactly the stored ones.
   */
  async moveTime(trx: Knex.Transaction): Promise<Date> {
    const result = await trx.raw<{ rows: Array<{ now: Date }> }>(
      `select date_trunc('milliseconds', clock_timestamp()) as now`,
    );
    const now = result.rows[0]?.now;
    if (now === undefined) throw new Error('clock_timestamp() returned no row');
    return now;
  }

  /** Where each of `names` points now; names not set are absent. */
  async currentHashes(
    names: readonly string[],
    trx?: Knex.Transaction,
  ): Promise<Map<string, string>> {
    const rows = await this.db
      .table<NameRow>(NAMES, trx)
      .select<Array<Pick<NameRow, 'name' | 'hash'>>>('name', 'hash')
      .whereIn('name', [...names]);
    return new Map(rows.map((row) => [row.name, row.hash]));
  }

  /** Appends history rows; their ids by name. */
  async insertHistory(
    rows: readonly NewHistoryRow[],
    trx: Knex.Transaction,
  ): Promise<Map<string, string>> {
    if (rows.length === 0) return new Map();
    const inserted = await this.db
      .table<HistoryRow>(HISTORY, trx)
      .insert(
        rows.map((row) => ({
          ...row,
          gate: row.gate === null ? null : JSON.stringify(row.gate),
        })) as never,
      )
      .returning<Array<Pick<HistoryRow, 'id' | 'name'>>>(['id', 'name']);
    return new Map(inserted.map((row) => [row.name, String(row.id)]));
  }

  /** Points names at hashes (creating the rows that do not exist). */
  async upsertNames(rows: readonly NameRow[], trx: Knex.Transaction): Promise<void> {
    if (rows.length === 0) return;
    await this.db
      .table<NameRow>(NAMES, trx)
      .insert([...rows])
      .onConflict('name')
      .merge(['hash', 'updated_at']);
  }

  async deleteNames(names: readonly string[], trx: Knex.Transaction): Promise<void> {
    if (names.length === 0) return;
    await this.db
      .table<NameRow>(NAMES, trx)
      .whereIn('name', [...names])
      .delete();
  }

  /** Writes the moves' events, in order, in the move's transaction. */
  async enqueue(events: readonly OutboxRow[], trx: Knex.Transaction): Promise<void> {
    await this.outbox.write(events, trx);
  }

  /**
   * Where a name points now, and its protection if it is protected (one
   * statement: resolve_name is on the path of every run and world made by
   * name); undefined when it is not set.
   */
  async current(name: string, trx?: Knex.Transaction): Promise<CurrentName | undefined> {
    // The latest history row of a set name is the move that set it (both are
    // written in one transaction).
    const result = await (trx ?? this.db.knex).raw<{
      rows: Array<Omit<CurrentName, 'protection'> & Partial<Record<ProtectionColumn, unknown>>>;
    }>(
      `select n.name, n.hash, h.id as history_id, h.changed_at,
              p.name as protected_name, p.protected_at, p.actor, p.note
         from ?? as n
         join lateral (select id, changed_at from ?? as h
                        where h.name = n.name order by h.id desc limit 1) as h on true
         left join ?? as p on p.name = n.name
        where n.name = ?`,
      [this.db.qualified(NAMES), this.db.qualified(HISTORY), this.db.qualified(PROTECTED), name],
    );
    const row = result.rows[0];
    if (row === undefined) return undefined;
    const { protected_name, protected_at, actor, note, ...current } = row;
    return {
      ...current,
      protection:
        protected_name == null
          ? undefined
          : {
              name: protected_name as string,
              protected_at: protected_at as Date,
              actor: actor as string | null,
              note: note as string | null,
            },
    };
  }

  /** The latest move of a name at or before `at`, if any. */
  async lastMoveAt(
    name: string,
    at: Date,
    trx?: Knex.Transaction,
  ): Promise<HistoryRow | undefined> {
    return this.db
      .table<HistoryRow>(HISTORY, trx)
      .where('name', name)
      .andWhere('changed_at', '<=', at)
      .orderBy([
        { column: 'changed_at', order: 'desc' },
        { column: 'id', order: 'desc' },
      ])
      .first(...HISTORY_COLUMNS);
  }

  /** Moves of a name, newest first, with ids below `beforeId` when given. */
  async history(
    name: string,
    page: { limit: number; beforeId?: number },
    trx?: Knex.Transaction,
  ): Promise<HistoryRow[]> {
    const { limit, beforeId } = page;
    const query = this.db.table<HistoryRow>(HISTORY, trx).where('name', name);
    if (beforeId !== undefined) query.andWhere('id', '<', String(beforeId));
    return query
      .orderBy('id', 'desc')
      .limit(limit)
      .select<HistoryRow[]>(...HISTORY_COLUMNS);
  }

  /** Which of `names` are protected (protect_name). */
  async protectedAmong(names: readonly string[], trx?: Knex.Transaction): Promise<Set<string>> {
    const rows = await this.db
      .table(PROTECTED, trx)
      .whereIn('name', [...names])
      .select<Array<{ name: string }>>('name');
    return new Set(rows.map((row) => row.name));
  }

  /** The protections of those of `names` that are protected, by name. */
  async protections(
    names: readonly string[],
    trx?: Knex.Transaction,
  ): Promise<Map<string, ProtectionRow>> {
    if (names.length === 0) return new Map();
    const rows = await this.db
      .table(PROTECTED, trx)
      .whereIn('name', [...names])
      .select<ProtectionRow[]>('name', 'protected_at', 'actor', 'note');
    return new Map(rows.map((row) => [row.name, row]));
  }

  /** Marks a name protected; false when it already was. */
  async protect(
    row: { name: string; protected_at: Date; actor: string | null; note: string | null },
    trx: Knex.Transaction,
  ): Promise<boolean> {
    const inserted = await this.db
      .table(PROTECTED, trx)
      .insert(row)
      .onConflict('name')
      .ignore()
      .returning('name');
    return inserted.length > 0;
  }

  /** Lifts a name's protection; false when it was not protected. */
  async unprotect(name: string, trx: Knex.Transaction): Promise<boolean> {
    return (await this.db.table(PROTECTED, trx).where('name', name).delete()) > 0;
  }

  /** Which of `names` are gated (mark_name_gated): their moves ask the evaluation service. */
  async gatedAmong(names: readonly string[], trx?: Knex.Transaction): Promise<Set<string>> {
    const rows = await this.db
      .table(GATED, trx)
      .whereIn('name', [...names])
      .select<Array<{ name: string }>>('name');
    return new Set(rows.map((row) => row.name));
  }

  /** Marks a name gated or not; false when it already was so. */
  async markGated(
    row: { name: string; gated: boolean; at: Date },
    trx: Knex.Transaction,
  ): Promise<boolean> {
    if (!row.gated) return (await this.db.table(GATED, trx).where('name', row.name).delete()) > 0;
    const inserted = await this.db
      .table(GATED, trx)
      .insert({ name: row.name, gated_at: row.at })
      .onConflict('name')
      .ignore()
      .returning('name');
    return inserted.length > 0;
  }

  /** Names in name order (byte order: the columns are COLLATE "C"). */
  async list(filter: ListFilter, trx?: Knex.Transaction): Promise<NameRow[]> {
    const query = this.db.table<NameRow>(NAMES, trx);
    if (filter.like !== undefined) query.whereRaw(`name like ? escape '\\'`, [filter.like]);
    if (filter.hash !== undefined) query.andWhere('hash', filter.hash);
    if (filter.after !== undefined) query.andWhere('name', '>', filter.after);
    return query
      .orderBy('name')
      .limit(filter.limit)
      .select<NameRow[]>('name', 'hash', 'updated_at');
  }
}

const HISTORY_COLUMNS = [
  'directive_id',
  'gate',
  'id',
  'name',
  'old_hash',
  'new_hash',
  'note',
  'actor',
  'changed_at',
] as const;

import type { Knex, ServiceDb } from '@crucible/database';
import type { Outbox, OutboxRow } from '@crucible/messaging';
import type { ChainLink, TurnSegment } from '../domain/world-chain';
import type { NewWorld, StatePiece, StoredState, WorldRow } from './rows';

export const WORLD_COLUMNS = [
  'id',
  'slug',
  'name',
  'created_at',
  'scenario_hash',
  'scenario_label',
  'scenario_ref_kind',
  'scenario_ref_value',
  'scenario_snapshot',
  'mind',
  'engine',
  'current_turn',
  'parent_id',
  'parent_slug',
  'fork_turn',
  'parent_through',
  'deleted_at',
] as const;

/** list_worlds' query: filters, the last row of the previous page, how many rows to read. */
export interface WorldListQuery {
  readonly scenario_hash?: string;
  readonly scenario_label?: string;
  readonly after?: { readonly created_at: string; readonly id: number };
  readonly limit: number;
}

/**
 * Data access of the worlds schema for worlds and their states; every method
 * takes its optional transaction last. Writes that produce events run in
 * `transaction`, the outbox's.
 */
export class WorldStore {
  constructor(
    readonly db: ServiceDb,
    private readonly outbox: Outbox,
  ) {}

  /** One transaction; the relay is woken after it commits if it wrote events. */
  transaction<T>(fn: (trx: Knex.Transaction) => Promise<T>): Promise<T> {
    return this.outbox.transaction(fn);
  }

  async enqueue(rows: readonly OutboxRow[], trx: Knex.Transaction): Promise<void> {
    await this.outbox.write(rows, trx);
  }

  /** Inserts a world; a live world with the same slug makes it fail with a unique violation. */
  async insertWorld(world: NewWorld, trx: Knex.Transaction): Promise<WorldRow> {
    const [row] = await this.db
      .table('worlds', trx)
      .insert({
        ...world,
        scenario_snapshot: JSON.stringify(world.scenario_snapshot),
        mind: world.mind === null ? null : JSON.stringify(world.mind),
      })
      .returning<WorldRow[]>(WORLD_COLUMNS);
    if (!row) throw new Error('insert into worlds returned no row');
    return normalizeWorld(row);
  }

  /** The live world with this slug. `lock` takes its row lock (one writer of a world at a time). */
  async world(
    slug: string,
    trx?: Knex.Transaction,
    options: { lock?: boolean } = {},
  ): Promise<WorldRow | undefined> {
    let query = this.db.table('worlds', trx).where({ slug }).whereNull('deleted_at');
    if (options.lock) query = query.forUpdate();
    const row = await query.first<WorldRow | undefined>(WORLD_COLUMNS);
    return row && normalizeWorld(row);
  }

  /** A world's current turn (live or deleted); undefined when there is no such world. */
  async currentTurn(id: number, trx?: Knex.Transaction): Promise<number | undefined> {
    const row = await this.db
      .table('worlds', trx)
      .where({ id })
      .first<{ current_turn: number } | undefined>('current_turn');
    return row?.current_turn;
  }

  /** A world by id, live or deleted. */
  async worldById(id: number, trx?: Knex.Transaction): Promise<WorldRow | undefined> {
    const row = await this.db
      .table('worlds', trx)
      .where({ id })
      .first<WorldRow | undefined>(WORLD_COLUMNS);
    return row && normalizeWorld(row);
  }

  /** The most recently deleted world with this slug, if any. */
  async deletedWorld(slug: string, trx?: Knex.Transaction): Promise<WorldRow | undefined> {
    const row = await this.db
      .table('worlds', trx)
      .where({ slug })
      .whereNotNull('deleted_at')
      .orderBy('deleted_at', 'desc')
      .first<WorldRow | undefined>(WORLD_COLUMNS);
    return row && normalizeWorld(row);
  }

  /** Live worlds newest first (ties by id), after a cursor. */
  async listWorlds(query: WorldListQuery, trx?: Knex.Transaction): Promise<WorldRow[]> {
    let builder = this.db.table('worlds', trx).whereNull('deleted_at');
    if (query.scenario_hash !== undefined)
      builder = builder.where({ scenario_hash: query.scenario_hash });
    if (query.scenario_label !== undefined)
      builder = builder.where({ scenario_label: query.scenario_label });
    if (query.after !== undefined) {
      const { created_at, id } = query.after;
      builder = builder.whereRaw('(created_at, id) < (?::timestamptz, ?)', [created_at, id]);
    }
    const rows = await builder
      .orderBy([
        { column: 'created_at', order: 'desc' },
        { column: 'id', order: 'desc' },
      ])
      .limit(query.limit)
      .select<WorldRow[]>(WORLD_COLUMNS.filter((c) => c !== 'scenario_snapshot'));
    return rows.map(normalizeWorld);
  }

  /** Marks a live world deleted; returns the row as it is now. */
  async markDeleted(id: number, trx: Knex.Transaction): Promise<WorldRow> {
    const [row] = await this.db
      .table('worlds', trx)
      .where({ id })
      .whereNull('deleted_at')
      .update({ deleted_at: trx.raw("date_trunc('milliseconds', now())") })
      .returning<WorldRow[]>(WORLD_COLUMNS);
    if (!row) throw new Error(`world ${id} is not live`);
    return normalizeWorld(row);
  }

  /** Moves a world's current turn. */
  async setCurrentTurn(id: number, turn: number, trx: Knex.Transaction): Promise<void> {
    await this.db.table('worlds', trx).where({ id }).update({ current_turn: turn });
  }

  /**
   * A world and its fork ancestry, nearest first (a recursive walk of
   * parent_id; its length is the fork depth, not the number of turns).
   */
  async chain(worldId: number, trx?: Knex.Transaction): Promise<ChainLink[]> {
    const result = await (trx ?? this.db.knex).raw<{
      rows: Array<{ id: string | number; fork_turn: number | null }>;
    }>(
      `with recursive chain(id, parent_id, fork_turn, depth) as (
         select id, parent_id, parent_through, 0 from ?? where id = ?
         union all
         select w.id, w.parent_id, w.parent_through, c.depth + 1 from ?? w join chain c on w.id = c.parent_id
       )
       select id, fork_turn from chain order by depth`,
      [this.db.qualified('worlds'), worldId, this.db.qualified('worlds')],
    );
    return result.rows.map((r) => ({ id: Number(r.id), fork_turn: r.fork_turn }));
  }

  /**
   * Writes a state: its pieces and manifest, each once whatever the number of
   * worlds and turns that share it (content addressed, ON CONFLICT DO NOTHING).
   */
  async putState(state: StoredState, trx: Knex.Transaction): Promise<void> {
    const pieces = uniquePieces(state.pieces);
    for (let i = 0; i < pieces.length; i += 500) {
      await this.db
        .table('state_pieces', trx)
        .insert(pieces.slice(i, i + 500).map((p) => ({ hash: p.hash, json: p.json })))
        .onConflict('hash')
        .ignore();
    }
    await this.db
      .table('world_states', trx)
      .insert({ state_hash: state.state_hash, manifest: state.manifest })
      .onConflict('state_hash')
      .ignore();
  }

  /** Records that `worldId` committed `turn` as `stateHash`. */
  async insertTurn(
    row: { world_id: number; turn: number; state_hash: string; attempt_id: number | null },
    trx: Knex.Transaction,
  ): Promise<void> {
    await this.db.table('world_turns', trx).insert(row);
  }

  /** The state hash `ownerId` committed as `turn`, or undefined. */
  async turnStateHash(
    ownerId: number,
    turn: number,
    trx?: Knex.Transaction,
  ): Promise<string | undefined> {
    const row = await this.db
      .table('world_turns', trx)
      .where({ world_id: ownerId, turn })
      .first<{ state_hash: string } | undefined>('state_hash');
    return row?.state_hash;
  }

  /** Every state hash of a world's history, turn by turn (reading its ancestors' turns). */
  async stateHashes(
    segments: readonly TurnSegment[],
    upTo: number,
    trx?: Knex.Transaction,
  ): Promise<Map<number, string>> {
    const out = new Map<number, string>();
    for (const s of segments) {
      const rows = await this.db
        .table('world_turns', trx)
        .where({ world_id: s.world_id })
        .andWhere('turn', '>=', s.from)
        .andWhere('turn', '<=', s.to === null ? upTo : Math.min(s.to, upTo))
        .select<Array<{ turn: number; state_hash: string }>>('turn', 'state_hash');
      for (const r of rows) out.set(r.turn, r.state_hash);
    }
    return out;
  }

  /** Pieces by hash. */
  async pieces(hashes: readonly string[], trx?: Knex.Transaction): Promise<StatePiece[]> {
    if (hashes.length === 0) return [];
    return this.db
      .table('state_pieces', trx)
      .whereIn('hash', [...new Set(hashes)])
      .select<StatePiece[]>('hash', 'json');
  }

  /** A manifest by state hash. */
  async manifest(stateHash: string, trx?: Knex.Transaction): Promise<string | undefined> {
    const row = await this.db
      .table('world_states', trx)
      .where({ state_hash: stateHash })
      .first<{ manifest: string } | undefined>('manifest');
    return row?.manifest;
  }
}

function uniquePieces(pieces: readonly StatePiece[]): StatePiece[] {
  const seen = new Map<string, StatePiece>();
  for (const p of pieces) if (!seen.has(p.hash)) seen.set(p.hash, p);
  return [...seen.values()].sort((a, b) => (a.hash < b.hash ? -1 : a.hash > b.hash ? 1 : 0));
}

/** pg returns BIGINT as text: ids fit a JS number (BIGSERIAL from 1). */
/** A worlds row with its bigint ids as numbers. */
export function normalizeWorld(row: WorldRow): WorldRow {
  return {
    ...row,
    id: Number(row.id),
    parent_id: row.parent_id === null ? null : Number(row.parent_id),
  };
}

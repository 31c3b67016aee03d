import type { Knex, NamedStatement, ServiceDb } from '@crucible/database';
import type { TurnSegment } from '../domain/world-chain';
import type { AttemptRow, StoredState, TurnEventRow, TurnFailureRow } from './rows';

const ATTEMPT_COLUMNS = [
  'id',
  'world_id',
  'status',
  'requested_at',
  'started_at',
  'finished_at',
  'lease_owner',
  'lease_until',
  'tries',
  'target_turn',
  'produced_turn',
  'duration_ms',
  'failure',
  'requested_by',
] as const;

/** An audit event to write with a turn. */
export interface NewTurnEvent {
  readonly turn: number;
  readonly seq: number;
  readonly kind: string;
  readonly agent_id: string | null;
  readonly data: Record<string, unknown>;
}

/** list_turn_events' query. */
export interface TurnEventQuery {
  readonly segments: readonly TurnSegment[];
  readonly turn?: number;
  readonly kind?: string;
  readonly after?: { readonly turn: number; readonly seq: number };
  readonly limit: number;
}

/**
 * Turn attempts (the durable queue shared by every replica) and the audit
 * events of turns; every method takes its optional transaction last.
 */
export class TurnStore {
  private readonly commitStatement: NamedStatement;

  constructor(private readonly db: ServiceDb) {
    this.commitStatement = commitTurnStatement(db);
  }

  /**
   * Writes a committed turn in one statement (one round trip, whatever the
   * number of agents): the state's new pieces and manifest (content
   * addressed, ON CONFLICT DO NOTHING), the turn row, the world's current
   * turn, the audit events numbered after the turn's existing ones (a failed
   * attempt's) and the attempt's status. Run it in the commit's transaction,
   * with the attempt and the world locked.
   */
  async commitTurn(
    commit: {
      readonly world_id: number;
      readonly attempt_id: number;
      readonly turn: number;
      readonly state: StoredState;
      readonly events: ReadonlyArray<Omit<NewTurnEvent, 'turn' | 'seq'>>;
    },
    trx: Knex.Transaction,
  ): Promise<void> {
    const pieces = new Map(commit.state.pieces.map((p) => [p.hash, p.json]));
    // Sorted, so concurrent commits sharing pieces take their locks in one order.
    const hashes = [...pieces.keys()].sort();
    await this.db.run(
      this.commitStatement,
      [
        hashes,
        hashes.map((h) => pieces.get(h)),
        commit.state.state_hash,
        commit.state.manifest,
        commit.world_id,
        commit.turn,
        commit.attempt_id,
        commit.events.map((e) => e.kind),
        commit.events.map((e) => e.agent_id),
        commit.events.map((e) => JSON.stringify(e.data)),
      ],
      trx,
    );
  }

  /**
   * Queues `count` attempts of a world, in order, asked for by `requestedBy`
   * (the request's principal, or null); returns their ids.
   */
  async enqueue(
    worldId: number,
    count: number,
    trx: Knex.Transaction,
    requestedBy: string | null = null,
  ): Promise<number[]> {
    const rows = await this.db
      .table('turn_attempts', trx)
      .insert(
        Array.from({ length: count }, () => ({ world_id: worldId, requested_by: requestedBy })),
      )
      .returning<Array<{ id: string | number }>>('id');
    return rows.map((r) => Number(r.id)).sort((a, b) => a - b);
  }

  /**
   * Claims the next attempt to run: the oldest unfinished attempt of its
   * world, queued or running on an expired lease (its worker died), skipping
   * rows another worker is claiming (FOR UPDATE SKIP LOCKED). A world's later
   * attempts wait while an earlier one is unfinished, so turns run one at a
   * time per world, in the order asked. The claimed attempt's target_turn is
   * its world's current turn + 1 (what it will produce unless the world moves).
   */
  async claimNext(owner: string, leaseMs: number): Promise<AttemptRow | undefined> {
    const table = this.db.qualified('turn_attempts');
    const result = await this.db.knex.raw<{ rows: AttemptRow[] }>(
      `update ?? as a
          set status = 'running', lease_owner = ?, lease_until = now() + (? * interval '1 millisecond'),
              started_at = coalesce(a.started_at, now()), tries = a.tries + 1,
              target_turn = (select w.current_turn + 1 from ?? w where w.id = a.world_id)
        where a.id = (
          select c.id from ?? c
           where (c.status = 'queued' or (c.status = 'running' and c.lease_until < now()))
             and not exists (
               select 1 from ?? e
                where e.world_id = c.world_id and e.id < c.id and e.status in ('queued', 'running'))
           order by c.id
           limit 1
           for update skip locked)
        returning ${ATTEMPT_COLUMNS.map((c) => `a.${c}`).join(', ')}`,
      [table, owner, leaseMs, this.db.qualified('worlds'), table, table],
    );
    const row = result.rows[0];
    return row && normalizeAttempt(row);
  }

  /** An attempt created already running under `owner` (a replay's turn, run by its handler). */
  async insertRunning(
    worldId: number,
    owner: string,
    leaseMs: number,
    targetTurn: number,
  ): Promise<AttemptRow> {
    const [row] = await this.db
      .table('turn_attempts')
      .insert({
        world_id: worldId,
        status: 'running',
        lease_owner: owner,
        lease_until: this.db.knex.raw("now() + (? * interval '1 millisecond')", [leaseMs]),
        started_at: this.db.knex.raw('now()'),
        tries: 1,
        target_turn: targetTurn,
      })
      .returning<AttemptRow[]>(ATTEMPT_COLUMNS);
    if (!row) throw new Error('insert into turn_attempts returned no row');
    return normalizeAttempt(row);
  }

  /** Extends a lease still held; false when it was lost (expired and taken over, or finished). */
  async heartbeat(id: number, owner: string, leaseMs: number): Promise<boolean> {
    const updated = await this.db
      .table('turn_attempts')
      .where({ id, lease_owner: owner, status: 'running' })
      .update({
        lease_until: this.db.knex.raw("now() + (? * interval '1 millisecond')", [leaseMs]),
      });
    return updated === 1;
  }

  /** Hands a running attempt back to the queue (its worker is stopping). */
  async release(id: number, owner: string): Promise<void> {
    await this.db
      .table('turn_attempts')
      .where({ id, lease_owner: owner, status: 'running' })
      .update({ status: 'queued', lease_owner: null, lease_until: null });
  }

  /** Records the turn an attempt is producing. */
  async setTarget(id: number, owner: string, turn: number): Promise<void> {
    await this.db
      .table('turn_attempts')
      .where({ id, lease_owner: owner })
      .update({ target_turn: turn });
  }

  /** Locks an attempt for its commit; undefined unless it is still running under `owner`'s lease. */
  async lockOwned(
    id: number,
    owner: string,
    trx: Knex.Transaction,
  ): Promise<AttemptRow | undefined> {
    const row = await this.db
      .table('turn_attempts', trx)
      .where({ id, lease_owner: owner, status: 'running' })
      .forUpdate()
      .first<AttemptRow | undefined>(ATTEMPT_COLUMNS);
    return row && normalizeAttempt(row);
  }

  /** Marks an attempt finished. */
  async finish(
    id: number,
    outcome:
      | { status: 'committed'; produced_turn: number }
      | { status: 'failed'; failure: TurnFailureRow },
    trx: Knex.Transaction,
  ): Promise<void> {
    await this.db
      .table('turn_attempts', trx)
      .where({ id })
      .update({
        status: outcome.status,
        finished_at: trx.raw('now()'),
        duration_ms: trx.raw(
          'greatest(0, round(extract(epoch from (now() - started_at)) * 1000))::int',
        ),
        lease_until: null,
        produced_turn: outcome.status === 'committed' ? outcome.produced_turn : null,
        failure: outcome.status === 'failed' ? JSON.stringify(outcome.failure) : null,
      });
  }

  /** Fails every unfinished attempt of a world (it was deleted); returns their ids. */
  async failUnfinished(
    worldId: number,
    failure: TurnFailureRow,
    trx: Knex.Transaction,
  ): Promise<number[]> {
    const rows = await this.db
      .table('turn_attempts', trx)
      .where({ world_id: worldId })
      .whereIn('status', ['queued', 'running'])
      .update({
        status: 'failed',
        finished_at: trx.raw('now()'),
        lease_until: null,
        failure: JSON.stringify(failure),
      })
      .returning<Array<{ id: string | number }>>('id');
    return rows.map((r) => Number(r.id));
  }

  /** An attempt of a world. */
  async attempt(
    worldId: number,
    id: number,
    trx?: Knex.Transaction,
  ): Promise<AttemptRow | undefined> {
    const row = await this.db
      .table('turn_attempts', trx)
      .where({ id, world_id: worldId })
      .first<AttemptRow | undefined>(ATTEMPT_COLUMNS);
    return row && normalizeAttempt(row);
  }

  /** Writes a turn's audit events. */
  async insertEvents(
    worldId: number,
    attemptId: number,
    events: readonly NewTurnEvent[],
    trx: Knex.Transaction,
  ): Promise<void> {
    for (let i = 0; i < events.length; i += 500) {
      await this.db.table('turn_events', trx).insert(
        events.slice(i, i + 500).map((e) => ({
          world_id: worldId,
          attempt_id: attemptId,
          turn: e.turn,
          seq: e.seq,
          kind: e.kind,
          agent_id: e.agent_id,
          data: JSON.stringify(e.data),
        })),
      );
    }
  }

  /** The next free seq of a turn's events (a failed attempt's events follow earlier ones). */
  async nextEventSeq(worldId: number, turn: number, trx: Knex.Transaction): Promise<number> {
    const row = await this.db
      .table('turn_events', trx)
      .where({ world_id: worldId, turn })
      .max<{ max: number | null }>('seq as max')
      .first();
    return row?.max === null || row?.max === undefined ? 0 : row.max + 1;
  }

  /** Audit events of a world's history (its own turns and its ancestors' up to each fork). */
  async events(query: TurnEventQuery, trx?: Knex.Transaction): Promise<TurnEventRow[]> {
    let builder = this.db.table('turn_events', trx).where((outer) => {
      for (const s of query.segments) {
        outer.orWhere((inner) => {
          inner.where('world_id', s.world_id).andWhere('turn', '>=', s.from);
          if (s.to !== null) inner.andWhere('turn', '<=', s.to);
        });
      }
    });
    if (query.turn !== undefined) builder = builder.where({ turn: query.turn });
    if (query.kind !== undefined) builder = builder.where({ kind: query.kind });
    if (query.after !== undefined) {
      builder = builder.whereRaw('(turn, seq) > (?, ?)', [query.after.turn, query.after.seq]);
    }
    return builder
      .orderBy([
        { column: 'turn', order: 'asc' },
        { column: 'seq', order: 'asc' },
      ])
      .limit(query.limit)
      .select<TurnEventRow[]>('turn', 'seq', 'kind', 'agent_id', 'data', 'recorded_at');
  }
}

/**
 * The statement of commitTurn. Data-modifying CTEs all run, in one snapshot;
 * the foreign key of world_turns on world_states is checked at the end of
 * the statement, so it sees the manifest inserted beside it.
 */
function commitTurnStatement(db: ServiceDb): NamedStatement {
  const t = (name: string): string => db.quotedTable(name);
  return db.statement(
    'commit_turn',
    `with pieces as (
       insert into ${t('state_pieces')} (hash, json)
       select p.hash, p.json from unnest($1::text[], $2::text[]) as p(hash, json)
       on conflict (hash) do nothing
     ), manifest as (
       insert into ${t('world_states')} (state_hash, manifest) values ($3, $4)
       on conflict (state_hash) do nothing
     ), turn_row as (
       insert into ${t('world_turns')} (world_id, turn, state_hash, attempt_id) values ($5, $6, $3, $7)
     ), world as (
       update ${t('worlds')} set current_turn = $6 where id = $5
     ), base as (
       select coalesce(max(seq) + 1, 0) as seq from ${t('turn_events')} where world_id = $5 and turn = $6
     ), events as (
       insert into ${t('turn_events')} (world_id, attempt_id, turn, seq, kind, agent_id, data)
       select $5, $7, $6, base.seq + e.ord - 1, e.kind, e.agent_id, e.data::json
         from base, unnest($8::text[], $9::text[], $10::text[]) with ordinality as e(kind, agent_id, data, ord)
     )
     update ${t('turn_attempts')}
        set status = 'committed', finished_at = now(),
            duration_ms = greatest(0, round(extract(epoch from (now() - started_at)) * 1000))::int,
            lease_until = null, produced_turn = $6, failure = null
      where id = $7`,
  );
}

function normalizeAttempt(row: AttemptRow): AttemptRow {
  return {
    ...row,
    id: Number(row.id),
    world_id: Number(row.world_id),
    requested_at: new Date(row.requested_at),
    started_at: row.started_at === null ? null : new Date(row.started_at),
    finished_at: row.finished_at === null ? null : new Date(row.finished_at),
    lease_until: row.lease_until === null ? null : new Date(row.lease_until),
    failure:
      typeof row.failure === 'string' ? (JSON.parse(row.failure) as TurnFailureRow) : row.failure,
  };
}

import {
  jsonArrayBytes,
  RELAXED_COMMIT,
  type Knex,
  type NamedStatement,
  type ServiceDb,
} from '@crucible/database';
import type { EventStatement, Outbox, OutboxRow } from '@crucible/messaging';
import { callValues, insertCallsSql, type NewLlmCall } from './llm-call-store';
import type { TurnSegment } from '../domain/world-chain';
import type {
  AttemptRow,
  ClaimedAttempt,
  FinishedAttempt,
  StoredState,
  TurnEventRow,
  TurnFailureRow,
  WorldRow,
} from './rows';
import { normalizeWorld, WORLD_COLUMNS } from './world-store';

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

/*
 * LOCK ORDER. A transaction that locks a world's row and some of its
 * attempts' rows locks the world first: a turn's commit (commitHeldTurn,
 * lockForCommit), delete_world (the world, then its unfinished attempts)
 * and run_turn (the world, then new attempts). Statements that lock
 * attempts only (the claim, a heartbeat, cancel_turns) never wait for a
 * world. Two orders would deadlock a commit with a delete of its world.
 */

/** The attempts run_turn queued, or (`repeatOf`) those a request with its key queued before. */
export interface QueuedTurns {
  readonly ids: readonly number[];
  /** What the earlier request with the key asked (its turns and directive). */
  readonly repeatOf?: { readonly turns: number; readonly directive_id: string | null };
}

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
  private readonly commitHeldStatement: EventStatement;
  private readonly queueStatement: NamedStatement;
  private readonly claimStatement: NamedStatement;
  private readonly lockStatement: NamedStatement;
  private readonly liveAttemptStatement: NamedStatement;

  constructor(
    private readonly db: ServiceDb,
    private readonly outbox: Outbox,
  ) {
    this.commitStatement = commitTurnStatement(db);
    this.commitHeldStatement = commitHeldTurnStatement(db, outbox);
    this.queueStatement = queueTurnsStatement(db);
    this.claimStatement = claimStatement(db);
    this.lockStatement = lockForCommitStatement(db);
    this.liveAttemptStatement = liveWorldAttemptStatement(db);
  }

  /**
   * run_turn's statement: locks the live world `slug`'s row and queues
   * `count` attempts (with their directive), or, for a `requestKey` this
   * world has queued under before, queues nothing and answers the attempts
   * it queued then (`repeatOf`: what that request asked). Undefined when it
   * wrote and found nothing: no live world by that slug, or a request with
   * the same key committed while this one waited for the world's row (its
   * attempts are newer than this statement's snapshot); queueChecked then
   * answers.
   */
  async queue(
    slug: string,
    count: number,
    requestedBy: string | null,
    directiveId: string | undefined,
    requestKey: string | undefined,
  ): Promise<QueuedTurns | undefined> {
    const rows = await this.db.run<{
      id: string | number;
      repeated: boolean;
      prior_turns: number | null;
      prior_directive: string | null;
    }>(this.queueStatement, [slug, count, requestedBy, directiveId ?? null, requestKey ?? null]);
    const first = rows[0];
    if (first === undefined) return undefined;
    const ids = rows.map((r) => Number(r.id)).sort((a, b) => a - b);
    return first.repeated
      ? { ids, repeatOf: { turns: Number(first.prior_turns), directive_id: first.prior_directive } }
      : { ids };
  }

  /** The attempts a world queued under `requestKey` and what that request asked; undefined if none. */
  async requested(
    worldId: number,
    requestKey: string,
    trx: Knex.Transaction,
  ): Promise<QueuedTurns | undefined> {
    const request = await this.db
      .table('turn_requests', trx)
      .where({ world_id: worldId, request_key: requestKey })
      .first<{ turns: number; directive_id: string | null } | undefined>('turns', 'directive_id');
    if (request === undefined) return undefined;
    const rows = await this.db
      .table('turn_attempts', trx)
      .where({ world_id: worldId, request_key: requestKey })
      .orderBy('id')
      .select<Array<{ id: string | number }>>('id');
    return {
      ids: rows.map((r) => Number(r.id)),
      repeatOf: { turns: request.turns, directive_id: request.directive_id },
    };
  }

  /** Claims `requestKey` for the world (queueChecked, with the world's row locked). */
  async insertRequest(
    worldId: number,
    requestKey: string,
    turns: number,
    directiveId: string | undefined,
    trx: Knex.Transaction,
  ): Promise<void> {
    await this.db.table('turn_requests', trx).insert({
      world_id: worldId,
      request_key: requestKey,
      turns,
      directive_id: directiveId ?? null,
    });
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
  ): Promise<FinishedAttempt> {
    const [row] = await this.db.run<AttemptRow & UsageColumns>(
      this.commitStatement,
      commitValues(commit),
      trx,
    );
    if (!row) throw new Error('the commit of a turn updated no attempt');
    return finishedAttempt(row);
  }

  /**
   * Commits a turn in one statement of its own (one round trip, its own
   * transaction; no BEGIN, lock or COMMIT of their own): writes `records`
   * (ON CONFLICT DO NOTHING, as recordMany) and, when each is written now
   * or was recorded before with the same content, locks the attempt,
   * still running under `owner`'s lease, then its world, still live at
   * `start_turn`, its turn's audit events numbered from `first_seq`, and
   * only then writes what commitTurn writes and `events` (turn_committed
   * and the audit events' own) to the outbox. Returns undefined, having
   * written nothing, when the attempt or the world is not as expected: the
   * caller then commits the outcome step by step (lease lost, world moved or
   * deleted). Locks are taken in commitTurn's order (attempt, world, pieces
   * by hash).
   */
  async commitHeldTurn(
    commit: {
      readonly world_id: number;
      readonly attempt_id: number;
      readonly owner: string;
      readonly start_turn: number;
      readonly state: StoredState;
      readonly events: ReadonlyArray<Omit<NewTurnEvent, 'turn' | 'seq'>>;
      /** Call records of the turn not written yet (RecordingMind.takeHeld). */
      readonly records: readonly NewLlmCall[];
      /**
       * The seq its first audit event gets (after a failed attempt's events
       * of the turn): the statement writes nothing unless it is so.
       */
      readonly first_seq: number;
    },
    events: readonly OutboxRow[],
  ): Promise<FinishedAttempt | undefined> {
    const turn = commit.start_turn + 1;
    const records = [...new Map(commit.records.map((r) => [r.hash, r])).values()];
    for (const r of records) {
      if (r.world_id !== commit.world_id || r.turn !== turn)
        throw new Error(`record ${r.hash} is not of world ${commit.world_id}, turn ${turn}`);
    }
    const [row] = await this.outbox.runReturning<AttemptRow & UsageColumns>(
      this.commitHeldStatement,
      [
        ...commitValues({ ...commit, turn }),
        commit.owner,
        commit.start_turn,
        ...callValues(records),
        commit.first_seq,
      ],
      events,
    );
    return row && finishedAttempt(row);
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
    requestKey: string | null = null,
  ): Promise<number[]> {
    const rows = await this.db
      .table('turn_attempts', trx)
      .insert(
        Array.from({ length: count }, () => ({
          world_id: worldId,
          requested_by: requestedBy,
          request_key: requestKey,
        })),
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
  async claimNext(owner: string, leaseMs: number): Promise<ClaimedAttempt | undefined> {
    const [row] = await this.db.run<ClaimRow>(this.claimStatement, [owner, leaseMs]);
    if (!row) return undefined;
    const attempt = {} as Record<string, unknown>;
    const world = {} as Record<string, unknown>;
    for (const column of ATTEMPT_COLUMNS) attempt[column] = row[column];
    for (const column of WORLD_COLUMNS) world[column] = row[`w_${column}`];
    return {
      attempt: normalizeAttempt(attempt as unknown as AttemptRow),
      world: normalizeWorld(world as unknown as WorldRow),
      directive_id: row.directive_id ?? undefined,
      has_records: row.has_records,
      next_seq: Number(row.next_seq),
      more: row.more,
    };
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

  /**
   * Locks an attempt's world and then the attempt for its commit, in one
   * statement (one round trip; the world's lock first, as delete_world takes
   * them): the world's id, slug, current turn and deletion, or undefined
   * unless the attempt is still running under `owner`'s lease.
   */
  async lockForCommit(
    id: number,
    owner: string,
    worldId: number,
    trx: Knex.Transaction,
  ): Promise<Pick<WorldRow, 'id' | 'slug' | 'current_turn' | 'deleted_at'> | undefined> {
    const [row] = await this.db.run<Pick<WorldRow, 'id' | 'slug' | 'current_turn' | 'deleted_at'>>(
      this.lockStatement,
      [id, owner, worldId],
      trx,
    );
    return row && { ...row, id: Number(row.id) };
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

  /**
   * Fails every unfinished attempt of a world (it was deleted, or its turns
   * cancelled); returns their ids.
   */
  async failUnfinished(
    worldId: number,
    failure: TurnFailureRow,
    trx?: Knex.Transaction,
  ): Promise<number[]> {
    const rows = await this.db
      .table('turn_attempts', trx)
      .where({ world_id: worldId })
      .whereIn('status', ['queued', 'running'])
      .update({
        status: 'failed',
        finished_at: this.db.knex.raw('now()'),
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

  /**
   * The live world with this slug (its id and slug) and its attempt `id`, if
   * it has one, in one statement; undefined when no live world has the slug.
   */
  async liveWorldAttempt(
    slug: string,
    id: number,
  ): Promise<
    { world: Pick<WorldRow, 'id' | 'slug'>; attempt: AttemptRow | undefined } | undefined
  > {
    const [row] = await this.db.run<Record<string, unknown> & { w_id: string | number }>(
      this.liveAttemptStatement,
      [slug, id],
    );
    if (!row) return undefined;
    const world = { id: Number(row.w_id), slug };
    if (row['id'] === null) return { world, attempt: undefined };
    const attempt = {} as Record<string, unknown>;
    for (const column of ATTEMPT_COLUMNS) attempt[column] = row[column];
    return { world, attempt: normalizeAttempt(attempt as unknown as AttemptRow) };
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

/** A committed turn's values: `$1` to `$10` of turnWrites. */
function commitValues(commit: {
  readonly world_id: number;
  readonly attempt_id: number;
  readonly turn: number;
  readonly state: StoredState;
  readonly events: ReadonlyArray<Omit<NewTurnEvent, 'turn' | 'seq'>>;
}): unknown[] {
  const pieces = new Map(commit.state.pieces.map((p) => [p.hash, p.json]));
  // Sorted, so concurrent commits sharing pieces take their locks in one order.
  const hashes = [...pieces.keys()].sort();
  return [
    hashes,
    hashes.map((h) => pieces.get(h)),
    commit.state.state_hash,
    commit.state.manifest,
    commit.world_id,
    commit.turn,
    commit.attempt_id,
    commit.events.map((e) => e.kind),
    commit.events.map((e) => e.agent_id),
    // One JSON array, not a text[] that `pg` would escape; as bytes (jsonArrayBytes: what
    // JSON.stringify of the array writes, without making it one large string).
    jsonArrayBytes(commit.events.map((e) => JSON.stringify(e.data))),
  ];
}

/** The attempt as a commit returned it, with its turn's usage. */
function finishedAttempt(row: AttemptRow & UsageColumns): FinishedAttempt {
  const { calls, input_tokens, output_tokens, latency_ms, claimable, ...attempt } = row;
  return {
    attempt: normalizeAttempt(attempt),
    usage: {
      calls: Number(calls),
      input_tokens: Number(input_tokens),
      output_tokens: Number(output_tokens),
      latency_ms: Number(latency_ms),
    },
    claimable,
  };
}

/**
 * A committed turn's writes, as data-modifying CTEs, each made only when
 * `guard` (SQL) holds: the new pieces, the manifest, the turn row, the
 * world's current turn, the audit events numbered after the turn's existing
 * ones, and `committed`, the attempt's status (returning the attempt and the
 * usage of the turn's calls, those recorded before and those of the CTE
 * `recordedNow`, written by the same statement). Values: pieces' hashes and JSON ($1, $2), state
 * hash ($3), manifest ($4), world ($5), turn ($6), attempt ($7), events'
 * kinds and agents ($8, $9) and data (a JSON array, $10). Data-modifying CTEs all run, in one
 * snapshot; the foreign key of world_turns on world_states is checked at the
 * end of the statement, so it sees the manifest inserted beside it.
 */
function turnWrites(db: ServiceDb, guard: string, recordedNow?: string): string {
  const t = (name: string): string => db.quotedTable(name);
  const calls = `select input_tokens, output_tokens, latency_ms from ${t('llm_calls')} where world_id = $5 and turn = $6${
    recordedNow === undefined
      ? ''
      : ` union all select input_tokens, output_tokens, latency_ms from ${recordedNow}`
  }`;
  return `pieces as (
       insert into ${t('state_pieces')} (hash, json)
       select p.hash, p.json from unnest($1::text[], $2::text[]) as p(hash, json) where ${guard}
       on conflict (hash) do nothing
     ), manifest as (
       insert into ${t('world_states')} (state_hash, manifest) select $3, $4 where ${guard}
       on conflict (state_hash) do nothing
     ), turn_row as (
       insert into ${t('world_turns')} (world_id, turn, state_hash, attempt_id)
       select $5, $6, $3, $7 where ${guard}
     ), world as (
       update ${t('worlds')} set current_turn = $6 where id = $5 and ${guard}
     ), base as (
       select coalesce(max(seq) + 1, 0) as seq from ${t('turn_events')} where world_id = $5 and turn = $6
     ), events as (
       insert into ${t('turn_events')} (world_id, attempt_id, turn, seq, kind, agent_id, data)
       select $5, $7, $6, base.seq + e.ord - 1, e.kind, e.agent_id, e.data
         from base, rows from (unnest($8::text[], $9::text[]), json_array_elements($10::json))
              with ordinality as e(kind, agent_id, data, ord)
        where ${guard}
     ), committed as (
       update ${t('turn_attempts')} as a
          set status = 'committed', finished_at = now(),
              duration_ms = greatest(0, round(extract(epoch from (now() - a.started_at)) * 1000))::int,
              lease_until = null, produced_turn = $6, failure = null
         -- The usage of the turn's calls, answered to get_turn_status: the
         -- worker wrote every record of them before this statement (or in
         -- it: recordedNow, which the statement's snapshot does not see).
         from (select count(*) as calls, coalesce(sum(input_tokens), 0) as input_tokens,
                      coalesce(sum(output_tokens), 0) as output_tokens,
                      coalesce(sum(latency_ms), 0) as latency_ms
                 from (${calls}) as c) as u
        where a.id = $7 and ${guard}
       returning ${ATTEMPT_COLUMNS.map((c) => `a.${c}`).join(', ')},
         u.calls, u.input_tokens, u.output_tokens, u.latency_ms,
         ${claimableSql(t('turn_attempts'), '$7', '$7')} as claimable
     )`;
}

/** The statement of commitTurn (in the commit's transaction, the attempt and the world locked). */
function commitTurnStatement(db: ServiceDb): NamedStatement {
  return db.statement('commit_turn', `with ${turnWrites(db, 'true')} select * from committed`);
}

/**
 * The statement of commitHeldTurn: the turn's last call records ($13 to
 * $25, `recorded`), then commitTurn's writes and the events, guarded by
 * `checked` (every record given is written now or was recorded before with
 * the same content; one that another transaction is writing meanwhile,
 * unseen by the snapshot, fails it too) and the locks of `live` (the world,
 * live at turn $12, its turn's audit events to be numbered from $26, as
 * the published ones are) and then `held` (the attempt, still running under the
 * lease of $11): `exists (select 1 from live)` is evaluated before the
 * attempt's row is locked, so the world's lock comes first, as in
 * lockForCommit and delete_world (LOCK ORDER above), and every write reads
 * `held`, so none is made before both locks are held. FOR UPDATE gives the newest
 * version of each row (a lease taken over or a world moved since the
 * statement's snapshot leaves it empty). Only the events' numbering reads
 * the snapshot: the turn's earlier events are those of the world's attempts
 * finished before this one was claimed, all committed before it.
 */
function commitHeldTurnStatement(db: ServiceDb, outbox: Outbox): EventStatement {
  const t = (name: string): string => db.quotedTable(name);
  return outbox.withEventWhen('commit_held_turn', {
    ctes: `recorded as (
       ${insertCallsSql(t('llm_calls'), 13, '$5', '$6')}
       returning hash, input_tokens, output_tokens, latency_ms
     ), checked as materialized (
       -- Every record given is written now, or was recorded before with the same answer.
       select where not exists (
         select from unnest($13::text[], $15::text[]) as r(hash, content)
          where not exists (select from recorded w where w.hash = r.hash)
            and not exists (select from ${t('llm_calls')} l where l.hash = r.hash and l.content = r.content))
     ), live as materialized (
       select id from ${t('worlds')}
        where id = $5 and current_turn = $12 and deleted_at is null and exists (select from checked)
          -- The audit events' seqs, published with the turn, are the ones they get.
          and (select coalesce(max(seq) + 1, 0) from ${t('turn_events')} where world_id = $5 and turn = $6) = $26
          for update
     ), held as materialized (
       select id from ${t('turn_attempts')}
        where id = $7 and lease_owner = $11 and status = 'running' and exists (select 1 from live)
          for update
     ), ${turnWrites(db, 'exists (select 1 from held)', 'recorded')}`,
    when: 'committed',
    select: 'select * from committed',
    valueCount: 26,
  });
}

/** The usage columns the commit returns beside the attempt (bigint sums: strings). */
interface UsageColumns {
  calls: string | number;
  input_tokens: string | number;
  output_tokens: string | number;
  latency_ms: string | number;
  /** FinishedAttempt.claimable, beside them in the commit's row. */
  claimable: boolean;
}

/** A claim's row: the attempt's columns, the world's prefixed `w_`, the directive, has_records, next_seq and more. */
type ClaimRow = Record<string, unknown> & {
  directive_id: string | null;
  has_records: boolean;
  next_seq: number | string;
  more: boolean;
};

/**
 * run_turn's statement (TurnStore.queue). The world's row lock is taken by
 * `w` (FOR UPDATE in a CTE locks the rows it reads) and held to the end of
 * the statement's transaction; the directives' foreign key is checked at the
 * end of the statement, so it sees the attempts inserted beside them. With
 * a request key ($5), `req` claims it for the world (its primary key: a
 * concurrent request with the key inserts nothing) and the attempts are
 * queued only when it did; a key claimed before answers its attempts
 * (`repeated`) with what it asked.
 */
function queueTurnsStatement(db: ServiceDb): NamedStatement {
  const t = (name: string): string => db.quotedTable(name);
  return db.statement(
    'queue_turns',
    `with w as (
       select id from ${t('worlds')} where slug = $1 and deleted_at is null for update
     ), req as (
       insert into ${t('turn_requests')} (world_id, request_key, turns, directive_id)
       select w.id, $5::text, $2::int, $4::uuid from w where $5::text is not null
       on conflict do nothing
       returning world_id
     ), queued as (
       insert into ${t('turn_attempts')} (world_id, requested_by, request_key)
       select w.id, $3::text, $5::text from w, generate_series(1, $2::int) as g(n)
        where $5::text is null or exists (select from req)
        order by g.n
       returning id
     ), directives as (
       insert into ${t('attempt_directives')} (attempt_id, directive_id)
       select id, $4::uuid from queued where $4::uuid is not null
     )
     select id, false as repeated, null::int as prior_turns, null::uuid as prior_directive from queued
     union all
     select a.id, true, r.turns, r.directive_id
       from w
       join ${t('turn_requests')} r on r.world_id = w.id and r.request_key = $5::text
       join ${t('turn_attempts')} a on a.world_id = w.id and a.request_key = $5::text
      where not exists (select from req)`,
  );
}

/**
 * The claim (TurnStore.claimNext): the oldest unfinished attempt of its
 * world, queued or running on an expired lease, skipping rows another worker
 * is claiming; its target turn is the world's current turn + 1. Returns the
 * world as it read it, the attempt's directive, whether calls are
 * recorded for the target turn already and the seq its audit events start
 * from, so the worker starts the turn without another round trip. Its
 * commit does not wait for the disk (RELAXED_COMMIT): a claim that
 * Postgres's crash takes back is claimed again.
 */
function claimStatement(db: ServiceDb): NamedStatement {
  const t = (name: string): string => db.quotedTable(name);
  return db.statement(
    'claim_attempt',
    `update ${t('turn_attempts')} as a
        set status = 'running', lease_owner = $1, lease_until = now() + ($2 * interval '1 millisecond'),
            started_at = coalesce(a.started_at, now()), tries = a.tries + 1,
            target_turn = w.current_turn + 1
       from ${t('worlds')} as w, ${RELAXED_COMMIT}
      where w.id = a.world_id
        and a.id = (
          select c.id from ${t('turn_attempts')} c
           where (c.status = 'queued' or (c.status = 'running' and c.lease_until < now()))
             and not exists (
               select 1 from ${t('turn_attempts')} e
                where e.world_id = c.world_id and e.id < c.id and e.status in ('queued', 'running'))
           order by c.id
           limit 1
           for update skip locked)
      returning ${ATTEMPT_COLUMNS.map((c) => `a.${c}`).join(', ')},
        ${WORLD_COLUMNS.map((c) => `w.${c} as w_${c}`).join(', ')},
        (select d.directive_id from ${t('attempt_directives')} d where d.attempt_id = a.id) as directive_id,
        exists (select 1 from ${t('llm_calls')} l
                 where l.world_id = a.world_id and l.turn = w.current_turn + 1) as has_records,
        (select coalesce(max(e.seq) + 1, 0) from ${t('turn_events')} e
          where e.world_id = a.world_id and e.turn = w.current_turn + 1) as next_seq,
        ${claimableSql(t('turn_attempts'), 'a.id')} as more`,
  );
}

/**
 * Whether an attempt other than `except` (SQL) is one a claim could take, in
 * the statement's snapshot: queued, or running on an expired lease, and not
 * behind an open attempt of its own world (the claim's own test), found by
 * the open attempts' index. The claim returns it (`except` the attempt it
 * took, which still blocks its world's next); the commit too, where the
 * attempt it finishes (`finishing`) no longer blocks. A worker looks for more
 * work only when there is some (TurnWorker).
 */
function claimableSql(attempts: string, except: string, finishing?: string): string {
  return `exists (select 1 from ${attempts} c
                   where c.id <> ${except}
                     and (c.status = 'queued' or (c.status = 'running' and c.lease_until < now()))
                     and not exists (
                       select 1 from ${attempts} e
                        where e.world_id = c.world_id and e.id < c.id and e.status in ('queued', 'running')${
                          finishing === undefined ? '' : ` and e.id <> ${finishing}`
                        }))`;
}

/**
 * The commit's lock (TurnStore.lockForCommit). `a` reads `w`, so the
 * world's row is locked before the attempt's (LOCK ORDER above); no row
 * when the attempt is not this owner's (a world row is never removed, so
 * that is the only way to get none).
 */
function lockForCommitStatement(db: ServiceDb): NamedStatement {
  const t = (name: string): string => db.quotedTable(name);
  return db.statement(
    'lock_for_commit',
    `with w as materialized (
       select id, slug, current_turn, deleted_at from ${t('worlds')} where id = $3 for update
     ), a as materialized (
       select id from ${t('turn_attempts')}
        where id = $1 and lease_owner = $2 and status = 'running' and exists (select 1 from w)
          for update
     )
     select w.id, w.slug, w.current_turn, w.deleted_at from w where exists (select 1 from a)`,
  );
}

/** TurnStore.liveWorldAttempt: the world's id (`w_id`) and the attempt's columns (null: none). */
function liveWorldAttemptStatement(db: ServiceDb): NamedStatement {
  const t = (name: string): string => db.quotedTable(name);
  return db.statement(
    'live_world_attempt',
    `select w.id as w_id, ${ATTEMPT_COLUMNS.map((c) => `a.${c}`).join(', ')}
       from ${t('worlds')} w
       left join ${t('turn_attempts')} a on a.world_id = w.id and a.id = $2
      where w.slug = $1 and w.deleted_at is null`,
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

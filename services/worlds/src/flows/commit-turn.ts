import type { TurnEventsV1 } from '@crucible/contracts';
import type { Outbox, OutboxRow } from '@crucible/messaging';
import { EVENT_MAX_BYTES, pagedEventData } from '../domain/world-page';
import type { AuditEvent, TurnOutcome } from '../kernel';
import type { LlmCallStore, NewLlmCall } from '../store/llm-call-store';
import type { AttemptRow, FinishedAttempt, StoredState, TurnFailureRow } from '../store/rows';
import type { NewTurnEvent, TurnStore } from '../store/turn-store';
import type { WorldStore } from '../store/world-store';
import { encodeState } from './state-codec';

/** What committing a turn needs. */
export interface CommitDeps {
  readonly store: WorldStore;
  readonly turns: TurnStore;
  readonly calls: LlmCallStore;
  readonly events: Pick<Outbox, 'event'>;
}

/** How an attempt ended, for the worker. */
export type CommitResult = 'committed' | 'failed' | 'lease_lost';

/** How an attempt ended and, for a committed turn, the attempt as get_turn_status answers it. */
export interface CommitReport {
  readonly result: CommitResult;
  readonly finished?: FinishedAttempt;
}

/** The audit rows of a turn's events, numbered from `firstSeq`. */
export function auditRows(
  turn: number,
  events: readonly AuditEvent[],
  firstSeq: number,
): NewTurnEvent[] {
  return events.map((event, i) => ({
    turn,
    seq: firstSeq + i,
    kind: event.type,
    agent_id: event.agent_id,
    data: { ...event, turn },
  }));
}

/** What the commit of an attempt may be given beside the outcome. */
export interface CommitOptions {
  /** encodeState(outcome.state), when the caller has it already. */
  readonly stored?: StoredState;
  /**
   * The slug of the attempt's world, when the caller knows it (a world's slug
   * never changes): a committed turn is then written in one statement,
   * turn_committed included (TurnStore.commitHeldTurn).
   */
  readonly worldSlug?: string;
  /**
   * Call records of the turn not written yet (RecordingMind.takeHeld: a
   * deterministic mind's last, or the record of any other's last call),
   * written by that one statement, which commits only when each is new or
   * recorded before with the same content. When it commits nothing,
   * `writeRecords` is called before the steps below: it writes and checks
   * them (and throws if one differs).
   */
  readonly records?: {
    readonly calls: readonly NewLlmCall[];
    readonly writeRecords: () => Promise<void>;
  };
  /**
   * The seq of the turn's first audit event (the claim's `next_seq`: after
   * a failed attempt's events of the turn), which the one statement needs
   * to publish the events as they are numbered; without it the steps below
   * read it.
   */
  readonly firstSeq?: number;
}

/**
 * Commits an attempt's outcome in one transaction: for a committed turn the
 * new pieces, the turn row, the world's current turn, the audit events,
 * turn_committed and the attempt's status; for a failed one the audit events
 * so far, a turn_failed event row with the failure and every complaint,
 * turn_failed and the attempt's status, the world unchanged. Nothing is
 * written unless the attempt is still this worker's (a worker whose lease
 * ran out lost it to another, which commits instead). A committed turn whose
 * world's slug is given goes in one statement first (TurnStore.commitHeldTurn,
 * the same writes, locks and checks); only when that wrote nothing (lease
 * lost, world moved or deleted) do the transaction's steps run and say why.
 */
export async function commitOutcome(
  deps: CommitDeps,
  attempt: AttemptRow,
  owner: string,
  startTurn: number,
  outcome:
    TurnOutcome | { status: 'failed'; failure: TurnFailureRow; events: readonly AuditEvent[] },
  options: CommitOptions = {},
): Promise<CommitReport> {
  const target = startTurn + 1;
  const encoded =
    outcome.status === 'committed' ? (options.stored ?? encodeState(outcome.state)) : undefined;
  if (
    outcome.status === 'committed' &&
    encoded &&
    options.worldSlug !== undefined &&
    options.firstSeq !== undefined
  ) {
    // The usual case in one round trip; nothing written unless the attempt is
    // still ours and the world still at startTurn, and then the steps below say why.
    const events = turnEventRows(outcome.events, target);
    const finished = await deps.turns.commitHeldTurn(
      {
        world_id: attempt.world_id,
        attempt_id: attempt.id,
        owner,
        start_turn: startTurn,
        state: encoded,
        events,
        records: options.records?.calls ?? [],
        first_seq: options.firstSeq,
      },
      [
        turnCommitted(deps, attempt, options.worldSlug, target, encoded.state_hash),
        ...auditEvents(deps, attempt, options.worldSlug, target, events, options.firstSeq),
      ],
    );
    if (finished) return { result: 'committed', finished };
  }
  // Records the statement above did not commit with the turn (or was never given).
  if (options.records !== undefined) await options.records.writeRecords();
  return deps.store.transaction(async (trx): Promise<CommitReport> => {
    // The world's lock, then the attempt's (undefined: the lease was lost).
    const world = await deps.turns.lockForCommit(attempt.id, owner, attempt.world_id, trx);
    if (!world) return { result: 'lease_lost' };
    const meta = eventMeta(world.slug, attempt.id);
    if (world.deleted_at !== null || world.current_turn !== startTurn) {
      const failure: TurnFailureRow = {
        code: world.deleted_at === null ? 'stale_state' : 'world_deleted',
        agent_id: null,
        phase: null,
        message:
          world.deleted_at === null
            ? `the world moved to turn ${world.current_turn} while this attempt ran from turn ${startTurn}`
            : 'the world was deleted while the turn ran',
        complaints: [],
      };
      await deps.turns.finish(attempt.id, { status: 'failed', failure }, trx);
      return { result: 'failed' };
    }
    if (outcome.status === 'committed' && encoded) {
      // The world's lock is held: the seq commitTurn numbers the events from.
      const firstSeq = await deps.turns.nextEventSeq(world.id, target, trx);
      const events = turnEventRows(outcome.events, target);
      const finished = await deps.turns.commitTurn(
        { world_id: world.id, attempt_id: attempt.id, turn: target, state: encoded, events },
        trx,
      );
      await deps.store.enqueue(
        [
          turnCommitted(deps, attempt, world.slug, target, encoded.state_hash),
          ...auditEvents(deps, attempt, world.slug, target, events, firstSeq),
        ],
        trx,
      );
      return { result: 'committed', finished };
    }
    const failure = failureRow(outcome as Exclude<typeof outcome, { status: 'committed' }>);
    const seq = await deps.turns.nextEventSeq(world.id, target, trx);
    const rows = auditRows(target, outcome.events, seq);
    rows.push({
      turn: target,
      seq: seq + rows.length,
      kind: 'turn_failed',
      agent_id: failure.agent_id,
      data: { ...failure, attempt_id: attempt.id, turn: target },
    });
    await deps.turns.insertEvents(world.id, attempt.id, rows, trx);
    await deps.store.enqueue(
      [
        deps.events.event(
          'worlds.turn_failed',
          {
            world_id: world.id,
            world_slug: world.slug,
            turn: target,
            attempt_id: attempt.id,
            failure,
            actor: attempt.requested_by ?? null,
          },
          meta,
        ),
        ...auditEvents(deps, attempt, world.slug, target, rows, seq),
      ],
      trx,
    );
    await deps.turns.finish(attempt.id, { status: 'failed', failure }, trx);
    return { result: 'failed' };
  });
}

/** A committed turn's audit events, as commitTurn writes them. */
function turnEventRows(
  events: readonly AuditEvent[],
  turn: number,
): Array<Omit<NewTurnEvent, 'turn' | 'seq'>> {
  return events.map((event) => ({
    kind: event.type,
    agent_id: event.agent_id,
    data: { ...event, turn },
  }));
}

/** At most this many audit events in one worlds_audit record. */
const AUDIT_RECORD_EVENTS = 1000;
/** And about this many bytes of them (an event is at most EVENT_MAX_BYTES, 256 KiB, after its cut). */
const AUDIT_RECORD_BYTES = 512 * 1024;

/**
 * The worlds_audit records of an attempt's audit rows: the events in order,
 * numbered from `firstSeq` as the turn's events are stored, each cut as
 * list_turn_events cuts it (pagedEventData), as few records as fit
 * AUDIT_RECORD_EVENTS and AUDIT_RECORD_BYTES, the last one `final`. One
 * record per attempt in the usual case: a 100-agent turn's 300 events are
 * not 300 records to write, publish and consume.
 */
export function auditEvents(
  deps: CommitDeps,
  attempt: AttemptRow,
  worldSlug: string,
  turn: number,
  rows: ReadonlyArray<Pick<NewTurnEvent, 'kind' | 'agent_id' | 'data'>>,
  firstSeq: number,
): OutboxRow[] {
  if (rows.length === 0) return [];
  const meta = eventMeta(worldSlug, attempt.id);
  const chunks: AuditEntry[][] = [[]];
  let bytes = 0;
  rows.forEach((row, i) => {
    const paged = pagedEventData(row.data);
    // Data too large even cut (nothing growable in it) is left to list_turn_events.
    const whole = paged.dataBytes <= EVENT_MAX_BYTES;
    const dataBytes = whole ? paged.dataBytes : 2;
    const cuts = whole ? paged.cuts : [{ path: '', bytes: paged.dataBytes, kept_bytes: 0 }];
    const entry: AuditEntry = {
      seq: firstSeq + i,
      kind: row.kind as AuditEntry['kind'],
      agent_id: row.agent_id,
      data: whole ? paged.data : {},
      ...(cuts.length > 0 ? { truncated: cuts } : {}),
    };
    let chunk = chunks[chunks.length - 1] as AuditEntry[];
    if (
      chunk.length > 0 &&
      (chunk.length >= AUDIT_RECORD_EVENTS || bytes + dataBytes > AUDIT_RECORD_BYTES)
    ) {
      chunk = [];
      chunks.push(chunk);
      bytes = 0;
    }
    chunk.push(entry);
    bytes += dataBytes;
  });
  return chunks.map((events, i) =>
    deps.events.event(
      'worlds_audit.turn_events',
      {
        world_id: attempt.world_id,
        world_slug: worldSlug,
        turn,
        attempt_id: attempt.id,
        // Never empty: a chunk is made for an event.
        events: events as TurnEventsV1['events'],
        final: i === chunks.length - 1,
      },
      meta,
    ),
  );
}

type AuditEntry = TurnEventsV1['events'][number];

/** The turn_committed event of an attempt that produced `turn`. */
function turnCommitted(
  deps: CommitDeps,
  attempt: AttemptRow,
  worldSlug: string,
  turn: number,
  stateHash: string,
): OutboxRow {
  return deps.events.event(
    'worlds.turn_committed',
    {
      world_id: attempt.world_id,
      world_slug: worldSlug,
      turn,
      state_hash: stateHash,
      attempt_id: attempt.id,
      actor: attempt.requested_by ?? null,
    },
    eventMeta(worldSlug, attempt.id),
  );
}

/** The key and causation of an attempt's events. */
function eventMeta(
  worldSlug: string,
  attemptId: number,
): { key: string; causationId: string; correlationId: string } {
  return {
    key: worldSlug,
    causationId: `attempt:${attemptId}`,
    correlationId: `attempt:${attemptId}`,
  };
}

/** A failure as stored and shown: the kernel's, or the service's own. */
export function failureRow(
  outcome:
    { status: 'failed'; failure: TurnFailureRow } | Extract<TurnOutcome, { status: 'failed' }>,
): TurnFailureRow {
  const f = outcome.failure;
  const phase =
    f.phase === 'perceive' || f.phase === 'intend' || f.phase === 'adjudicate' ? f.phase : null;
  return {
    code: f.code,
    agent_id: f.agent_id === '' || f.agent_id === null ? null : f.agent_id,
    phase,
    message: f.message,
    complaints: [...f.complaints],
  };
}

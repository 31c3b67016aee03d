import type { Outbox, OutboxRow } from '@crucible/messaging';
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
  if (outcome.status === 'committed' && encoded && options.worldSlug !== undefined) {
    // The usual case in one round trip; nothing written unless the attempt is
    // still ours and the world still at startTurn, and then the steps below say why.
    const finished = await deps.turns.commitHeldTurn(
      {
        world_id: attempt.world_id,
        attempt_id: attempt.id,
        owner,
        start_turn: startTurn,
        state: encoded,
        events: turnEventRows(outcome.events, target),
        records: options.records?.calls ?? [],
      },
      turnCommitted(deps, attempt, options.worldSlug, target, encoded.state_hash),
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
      const finished = await deps.turns.commitTurn(
        {
          world_id: world.id,
          attempt_id: attempt.id,
          turn: target,
          state: encoded,
          events: turnEventRows(outcome.events, target),
        },
        trx,
      );
      await deps.store.enqueue(
        [turnCommitted(deps, attempt, world.slug, target, encoded.state_hash)],
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

import type { Outbox } from '@crucible/messaging';
import type { AuditEvent, TurnOutcome } from '../kernel';
import type { LlmCallStore } from '../store/llm-call-store';
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

/**
 * Commits an attempt's outcome in one transaction: for a committed turn the
 * new pieces, the turn row, the world's current turn, the audit events,
 * turn_committed and the attempt's status; for a failed one the audit events
 * so far, a turn_failed event row with the failure and every complaint,
 * turn_failed and the attempt's status, the world unchanged. Nothing is
 * written unless the attempt is still this worker's (a worker whose lease
 * ran out lost it to another, which commits instead).
 */
export async function commitOutcome(
  deps: CommitDeps,
  attempt: AttemptRow,
  owner: string,
  startTurn: number,
  outcome:
    TurnOutcome | { status: 'failed'; failure: TurnFailureRow; events: readonly AuditEvent[] },
  /** encodeState(outcome.state), when the caller has it already. */
  stored?: StoredState,
): Promise<CommitReport> {
  const target = startTurn + 1;
  const encoded =
    outcome.status === 'committed' ? (stored ?? encodeState(outcome.state)) : undefined;
  return deps.store.transaction(async (trx): Promise<CommitReport> => {
    // The attempt's lock, then the world's (undefined: the lease was lost).
    const world = await deps.turns.lockForCommit(attempt.id, owner, attempt.world_id, trx);
    if (!world) return { result: 'lease_lost' };
    const meta = {
      key: world.slug,
      causationId: `attempt:${attempt.id}`,
      correlationId: `attempt:${attempt.id}`,
    };
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
          events: outcome.events.map((event) => ({
            kind: event.type,
            agent_id: event.agent_id,
            data: { ...event, turn: target },
          })),
        },
        trx,
      );
      await deps.store.enqueue(
        [
          deps.events.event(
            'worlds.turn_committed',
            {
              world_id: world.id,
              world_slug: world.slug,
              turn: target,
              state_hash: encoded.state_hash,
              attempt_id: attempt.id,
              actor: attempt.requested_by ?? null,
            },
            meta,
          ),
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
      ],
      trx,
    );
    await deps.turns.finish(attempt.id, { status: 'failed', failure }, trx);
    return { result: 'failed' };
  });
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

import type { DirectiveStatus, ExecutionRunStatus } from '@crucible/contracts';
import type { Knex } from '@crucible/database';
import {
  DIRECTIVE_LIFECYCLE,
  EXECUTION_RUN_LIFECYCLE,
  checkTransition,
  runTimestamps,
} from '../domain/lifecycles';
import { recordNotFound, statusCasFailed } from '../domain/governance-errors';
import { expiredRunStatus, timeboxMs } from '../domain/timebox';
import type { GovernanceDeps } from '../handlers/deps';
import type { DirectiveHistoryRow, DirectiveRow, ExecutionRunRow } from '../store/rows';
import { directiveTransitioned, runTransitioned, type Cause } from './governance-events';

/** One status change of a directive, as asked. */
export interface DirectiveChange {
  readonly id: string;
  readonly from: DirectiveStatus;
  readonly to: DirectiveStatus;
  readonly actor: string;
  readonly reason: string | null;
  readonly decisionHash: string | null;
}

/**
 * The single mutator of a directive's status: checks the edge against the
 * lifecycle, swaps the status if it is `from` now (compare-and-swap), and
 * writes the history row and the `directive_transitioned` event, all in the
 * caller's transaction. A status that is not `from` is `conflict`/`cas_failed`.
 */
export async function changeDirectiveStatus(
  deps: GovernanceDeps,
  change: DirectiveChange,
  cause: Cause,
  trx: Knex.Transaction,
): Promise<{ directive: DirectiveRow; history: DirectiveHistoryRow }> {
  checkTransition(DIRECTIVE_LIFECYCLE, change.from, change.to, '/status');
  const at = await deps.directives.now(trx);
  const directive = await deps.directives.swapStatus(change.id, change.from, change.to, at, trx);
  if (directive === undefined) {
    const current = await deps.directives.get(change.id, trx);
    if (current === undefined) throw recordNotFound('directive', change.id, '/id');
    throw statusCasFailed('directive', change.id, change.from, current.status);
  }
  const history = await recordDirectiveHistory(
    deps,
    {
      directive_id: change.id,
      from_status: change.from,
      to_status: change.to,
      actor: change.actor,
      reason: change.reason,
      decision_hash: change.decisionHash,
      changed_at: at,
    },
    cause,
    trx,
  );
  return { directive, history };
}

/**
 * Writes a history row of a directive and its event (creation: from_status
 * null). A move to approved starts the directive's timebox, if it has one:
 * its deadline (docs/services/governance.md, "Timeboxes") is written in the
 * same transaction, replacing that of an earlier approval.
 */
export async function recordDirectiveHistory(
  deps: GovernanceDeps,
  row: Omit<DirectiveHistoryRow, 'id'>,
  cause: Cause,
  trx: Knex.Transaction,
): Promise<DirectiveHistoryRow> {
  const history = await deps.directives.insertHistory(row, trx);
  if (row.to_status === 'approved') {
    const directive = await deps.directives.get(row.directive_id, trx);
    if (directive?.timebox != null) {
      await deps.deadlines.put(
        {
          directive_id: row.directive_id,
          approved_at: row.changed_at,
          due_at: new Date(row.changed_at.getTime() + timeboxMs(directive.timebox)),
          expired_at: null,
        },
        trx,
      );
    }
  }
  await deps.directives.enqueue(
    [
      directiveTransitioned(deps.events, cause, {
        directive_id: row.directive_id,
        history_id: Number(history.id),
        from_status: row.from_status as DirectiveStatus | null,
        to_status: row.to_status as DirectiveStatus,
        actor: row.actor,
        reason: row.reason,
        decision_hash: row.decision_hash,
        changed_at: row.changed_at.toISOString(),
      }),
    ],
    trx,
  );
  return history;
}

/** One status change of an execution run, as asked. */
export interface RunChange {
  readonly id: string;
  readonly from: ExecutionRunStatus;
  readonly to: ExecutionRunStatus;
  readonly actor: string;
  readonly reason: string | null;
}

/**
 * The single mutator of an execution run's status: the lifecycle check, the
 * compare-and-swap (setting started_at on running, completed_at on a
 * terminal status), the history row and the event, in one transaction: the
 * caller's `trx` if given (the timebox moves a directive and its runs in
 * one), else its own.
 */
export async function changeRunStatus(
  deps: GovernanceDeps,
  change: RunChange,
  cause: Cause,
  trx?: Knex.Transaction,
): Promise<{ run: ExecutionRunRow; historyId: number }> {
  checkTransition(EXECUTION_RUN_LIFECYCLE, change.from, change.to, '/status');
  return trx === undefined
    ? deps.records.transaction((own) => swapRun(deps, change, cause, own))
    : swapRun(deps, change, cause, trx);
}

/**
 * Ends every run of a directive that is still open, when no more work may be
 * done under it (its timebox ran out, or it was aborted): a pending run is
 * canceled, a running one failed (expiredRunStatus), each through
 * changeRunStatus with its history row and event, in the caller's
 * transaction. The runs are locked after the directive, the order
 * create_execution_run takes them in. Returns how many were ended.
 */
export async function endOpenRuns(
  deps: GovernanceDeps,
  directiveId: string,
  actor: string,
  reason: string,
  cause: Cause,
  trx: Knex.Transaction,
): Promise<number> {
  let ended = 0;
  for (const run of await deps.records.lockOpenRuns(directiveId, trx)) {
    const to = expiredRunStatus(run.status);
    if (to === undefined) continue;
    await changeRunStatus(
      deps,
      { id: run.id, from: run.status as ExecutionRunStatus, to, actor, reason },
      cause,
      trx,
    );
    ended++;
  }
  return ended;
}

async function swapRun(
  deps: GovernanceDeps,
  change: RunChange,
  cause: Cause,
  trx: Knex.Transaction,
): Promise<{ run: ExecutionRunRow; historyId: number }> {
  const at = await deps.records.now(trx);
  const run = await deps.records.swapRunStatus(
    change.id,
    change.from,
    { status: change.to, ...runTimestamps(change.to, at) },
    trx,
  );
  if (run === undefined) {
    const current = await deps.records.run(change.id, trx);
    if (current === undefined) throw recordNotFound('execution_run', change.id, '/id');
    throw statusCasFailed('execution run', change.id, change.from, current.status);
  }
  const historyId = await deps.records.insertRunHistory(
    {
      run_id: run.id,
      from_status: change.from,
      to_status: change.to,
      actor: change.actor,
      reason: change.reason,
      changed_at: at,
    },
    trx,
  );
  await deps.records.enqueue(
    [
      runTransitioned(deps.events, cause, {
        run_id: run.id,
        directive_id: run.directive_id,
        history_id: historyId,
        from_status: change.from,
        to_status: change.to,
        actor: change.actor,
        reason: change.reason,
        changed_at: at.toISOString(),
      }),
    ],
    trx,
  );
  return { run, historyId };
}

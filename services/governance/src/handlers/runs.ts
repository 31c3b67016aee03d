import { randomUUID } from 'node:crypto';
import type {
  CreateExecutionRunReply,
  CreateExecutionRunRequest,
  TransitionExecutionRunReply,
  TransitionExecutionRunRequest,
} from '@crucible/contracts';
import type { RpcContext } from '@crucible/messaging';
import { directiveNotApproved, recordNotFound } from '../domain/governance-errors';
import { runTransitioned } from '../flows/governance-events';
import { runRecord } from '../flows/records';
import { changeRunStatus } from '../flows/status-changes';
import { actorOf, type GovernanceDeps } from './deps';

/**
 * create_execution_run: a pending run of an approved or executing directive
 * (the directive's row is locked, so it cannot leave those statuses meanwhile).
 */
export async function createExecutionRun(
  deps: GovernanceDeps,
  request: CreateExecutionRunRequest,
  ctx: RpcContext,
): Promise<CreateExecutionRunReply> {
  return deps.directives.transaction(async (trx) => {
    const directive = await deps.directives.lock(request.directive_id, trx);
    if (directive === undefined)
      throw recordNotFound('directive', request.directive_id, '/directive_id');
    if (directive.status !== 'approved' && directive.status !== 'executing') {
      throw directiveNotApproved(directive.id, directive.status);
    }
    const at = await deps.records.now(trx);
    const row = {
      id: randomUUID(),
      directive_id: directive.id,
      status: 'pending',
      started_at: null,
      completed_at: null,
      created_at: at,
    };
    await deps.records.insertRun(row, trx);
    const actor = actorOf(request, ctx);
    const historyId = await deps.records.insertRunHistory(
      {
        run_id: row.id,
        from_status: null,
        to_status: 'pending',
        actor,
        reason: null,
        changed_at: at,
      },
      trx,
    );
    await deps.records.enqueue(
      [
        runTransitioned(deps.events, ctx, {
          run_id: row.id,
          directive_id: row.directive_id,
          history_id: historyId,
          from_status: null,
          to_status: 'pending',
          actor,
          reason: null,
          changed_at: at.toISOString(),
        }),
      ],
      trx,
    );
    return { run: runRecord(row) };
  });
}

/** transition_execution_run: expected_status → status (compare-and-swap), timestamps set by the transition. */
export async function transitionExecutionRun(
  deps: GovernanceDeps,
  request: TransitionExecutionRunRequest,
  ctx: RpcContext,
): Promise<TransitionExecutionRunReply> {
  const { run, historyId } = await changeRunStatus(
    deps,
    {
      id: request.id,
      from: request.expected_status,
      to: request.status,
      actor: actorOf(request, ctx),
      reason: request.reason ?? null,
    },
    ctx,
  );
  return { run: runRecord(run), history_id: historyId };
}

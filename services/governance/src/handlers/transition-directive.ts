import type { TransitionDirectiveReply, TransitionDirectiveRequest } from '@crucible/contracts';
import type { RpcContext } from '@crucible/messaging';
import { DIRECTIVE_LIFECYCLE, checkTransition } from '../domain/lifecycles';
import { manualTransitionOperation } from '../domain/manual-transitions';
import { useOperation } from '../domain/governance-errors';
import { directiveRecord, transitionRecord } from '../flows/records';
import { changeDirectiveStatus, endOpenRuns } from '../flows/status-changes';
import { actorOf, type GovernanceDeps } from './deps';

/**
 * transition_directive: expected_status → status, if the directive is in
 * expected_status now. Edges into proposed and out of it belong to the
 * approval operations (the policy decides, or a human where it asks for one).
 * A move to aborted also ends the directive's open execution runs
 * (endOpenRuns), in the same transaction.
 */
export async function transitionDirective(
  deps: GovernanceDeps,
  request: TransitionDirectiveRequest,
  ctx: RpcContext,
): Promise<TransitionDirectiveReply> {
  const { expected_status: from, status: to } = request;
  checkTransition(DIRECTIVE_LIFECYCLE, from, to, '/status');
  const operation = manualTransitionOperation(from, to);
  if (operation !== 'transition_directive') throw useOperation(to, operation);
  return deps.directives.transaction(async (trx) => {
    const { directive, history } = await changeDirectiveStatus(
      deps,
      {
        id: request.id,
        from,
        to,
        actor: actorOf(request, ctx),
        reason: request.reason ?? null,
        decisionHash: null,
      },
      ctx,
      trx,
    );
    // Aborted is final: no work may be done under it any more, so its open
    // runs end with it, as when its timebox runs out (pending canceled,
    // running failed), by the same actor.
    if (to === 'aborted') {
      await endOpenRuns(
        deps,
        request.id,
        actorOf(request, ctx),
        `directive_aborted: directive ${request.id} was aborted${request.reason ? `: ${request.reason}` : ''}`,
        ctx,
        trx,
      );
    }
    return { directive: directiveRecord(directive), transition: transitionRecord(history) };
  });
}

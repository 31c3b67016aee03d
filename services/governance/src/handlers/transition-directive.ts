import type { TransitionDirectiveReply, TransitionDirectiveRequest } from '@crucible/contracts';
import type { RpcContext } from '@crucible/messaging';
import { DIRECTIVE_LIFECYCLE, checkTransition } from '../domain/lifecycles';
import { manualTransitionOperation } from '../domain/manual-transitions';
import { useOperation } from '../domain/governance-errors';
import { directiveRecord, transitionRecord } from '../flows/records';
import { changeDirectiveStatus } from '../flows/status-changes';
import { actorOf, type GovernanceDeps } from './deps';

/**
 * transition_directive: expected_status → status, if the directive is in
 * expected_status now. Edges into proposed and out of it belong to the
 * approval operations (the policy decides, or a human where it asks for one).
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
    return { directive: directiveRecord(directive), transition: transitionRecord(history) };
  });
}

import type {
  ApproveDirectiveReply,
  ApproveDirectiveRequest,
  ProposeDirectiveReply,
  ProposeDirectiveRequest,
  RejectDirectiveReply,
  RejectDirectiveRequest,
} from '@crucible/contracts';
import type { RpcContext } from '@crucible/messaging';
import { decideByHuman, proposeDirective } from '../flows/approval';
import { directiveRecord } from '../flows/records';
import { actorOf, type GovernanceDeps } from './deps';

/** propose_directive: draft or blocked → proposed, then settled by the active policy. */
export async function propose(
  deps: GovernanceDeps,
  request: ProposeDirectiveRequest,
  ctx: RpcContext,
): Promise<ProposeDirectiveReply> {
  const { directive, approval } = await proposeDirective(
    deps,
    { id: request.id, actor: actorOf(request, ctx), reason: request.reason ?? null },
    ctx,
  );
  return { directive: directiveRecord(directive), approval };
}

/** approve_directive: a human approves a proposal waiting for review (human_override). */
export async function approve(
  deps: GovernanceDeps,
  request: ApproveDirectiveRequest,
  ctx: RpcContext,
): Promise<ApproveDirectiveReply> {
  const { directive, approval } = await decideByHuman(
    deps,
    { id: request.id, actor: actorOf(request, ctx), reason: request.reason, approve: true },
    ctx,
  );
  return { directive: directiveRecord(directive), approval };
}

/** reject_directive: a human blocks a proposal waiting for review (human_override). */
export async function reject(
  deps: GovernanceDeps,
  request: RejectDirectiveRequest,
  ctx: RpcContext,
): Promise<RejectDirectiveReply> {
  const { directive, approval } = await decideByHuman(
    deps,
    { id: request.id, actor: actorOf(request, ctx), reason: request.reason, approve: false },
    ctx,
  );
  return { directive: directiveRecord(directive), approval };
}

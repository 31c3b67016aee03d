import type {
  AuthorizeWorkReply,
  AuthorizeWorkRequest,
  RecordSpendReply,
  RecordSpendRequest,
} from '@crucible/contracts';
import type { RpcContext } from '@crucible/messaging';
import { authorizeWork, recordSpend } from '../flows/budgets';
import { actorOf, type GovernanceDeps } from './deps';

/** authorize_work: may this work be done now (policy, directive status, budget, names)? */
export function authorizeWorkHandler(
  deps: GovernanceDeps,
  request: AuthorizeWorkRequest,
): Promise<AuthorizeWorkReply> {
  return authorizeWork(deps, request);
}

/** record_spend: charges added to the directive's execution run, once per key. */
export function recordSpendHandler(
  deps: GovernanceDeps,
  request: RecordSpendRequest,
  ctx: RpcContext,
): Promise<RecordSpendReply> {
  return recordSpend(deps, request, actorOf(request, ctx), ctx);
}

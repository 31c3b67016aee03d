import type {
  AuthorizeWorkReply,
  AuthorizeWorkRequest,
  RecordSpendReply,
  RecordSpendRequest,
} from '@crucible/contracts';
import { type RpcClient, type CallerContext, callerOptions } from '@crucible/messaging';

/**
 * A service's calls to the governance service for work under directives
 * (authorize_work, record_spend; the catalog declares which services may
 * make them: worlds for turns, evaluation for runs and judges). Errors come
 * back as governance sent them (budget_exhausted, directive_required, ...).
 */
export class GovernanceClient {
  constructor(private readonly rpc: RpcClient) {}

  /** authorize_work: may this work be done now, under this directive (if any)? */
  authorize(request: AuthorizeWorkRequest, caller: CallerContext): Promise<AuthorizeWorkReply> {
    return this.rpc.call('authorize_work', request, callerOptions(caller));
  }

  /** record_spend: adds priced calls to the directive's run, once per key. */
  recordSpend(request: RecordSpendRequest, caller: CallerContext): Promise<RecordSpendReply> {
    return this.rpc.call('record_spend', request, callerOptions(caller));
  }
}

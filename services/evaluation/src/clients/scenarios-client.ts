import type { ForkScenarioReply, ForkScenarioRequest, GetScenarioReply } from '@crucible/contracts';
import { type RpcClient, type CallerContext, callerOptions } from '@crucible/messaging';

/**
 * The evaluation service's calls to the scenarios service (declared in the
 * catalog: get_scenario, fork_scenario), to resolve a suite's scenarios to
 * hashes and fork them for the candidates that change them.
 */
export class ScenariosClient {
  constructor(private readonly rpc: RpcClient) {}

  get(ref: { name: string } | { hash: string }, caller: CallerContext): Promise<GetScenarioReply> {
    return this.rpc.call('get_scenario', ref, callerOptions(caller));
  }

  fork(request: ForkScenarioRequest, caller: CallerContext): Promise<ForkScenarioReply> {
    return this.rpc.call('fork_scenario', request, callerOptions(caller));
  }
}

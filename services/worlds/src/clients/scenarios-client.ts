import type {
  AssembleScenarioReply,
  AssembleScenarioRequest,
  GetScenarioReply,
} from '@crucible/contracts';
import { type RpcClient, type CallerContext, callerOptions } from '@crucible/messaging';

/**
 * The worlds service's calls to the scenarios service (declared in the
 * catalog: get_scenario, assemble_scenario). Errors come back as the
 * scenarios service sent them.
 */
export class ScenariosClient {
  constructor(private readonly rpc: RpcClient) {}

  /** get_scenario: a stored scenario in full, by name (resolved now) or hash. */
  get(ref: { name: string } | { hash: string }, caller: CallerContext): Promise<GetScenarioReply> {
    return this.rpc.call('get_scenario', ref, callerOptions(caller));
  }

  /** assemble_scenario: validates and stores a scenario given in full. */
  assemble(
    request: AssembleScenarioRequest,
    caller: CallerContext,
  ): Promise<AssembleScenarioReply> {
    return this.rpc.call('assemble_scenario', request, callerOptions(caller));
  }
}

import type {
  AssembleScenarioReply,
  AssembleScenarioRequest,
  GetScenarioReply,
} from '@crucible/contracts';
import type { RpcClient } from '@crucible/messaging';

/**
 * The worlds service's calls to the scenarios service (declared in the
 * catalog: get_scenario, assemble_scenario). Errors come back as the
 * scenarios service sent them.
 */
export class ScenariosClient {
  constructor(private readonly rpc: RpcClient) {}

  /** get_scenario: a stored scenario in full, by name (resolved now) or hash. */
  get(ref: { name: string } | { hash: string }, correlationId: string): Promise<GetScenarioReply> {
    return this.rpc.call('get_scenario', ref, { correlationId });
  }

  /** assemble_scenario: validates and stores a scenario given in full. */
  assemble(
    request: AssembleScenarioRequest,
    correlationId: string,
  ): Promise<AssembleScenarioReply> {
    return this.rpc.call('assemble_scenario', request, { correlationId });
  }
}

import type { GetScenarioReply } from '@crucible/contracts';
import type { RpcClient } from '@crucible/messaging';

/**
 * The evaluation service's calls to the scenarios service (declared in the
 * catalog: get_scenario), to resolve a suite's scenarios to hashes.
 */
export class ScenariosClient {
  constructor(private readonly rpc: RpcClient) {}

  get(ref: { name: string } | { hash: string }, correlationId: string): Promise<GetScenarioReply> {
    return this.rpc.call('get_scenario', ref, { correlationId });
  }
}

import type { ResolveNameReply, SetScenarioNameReply } from '@crucible/contracts';
import { type RpcClient, type RpcContext, callerOptions } from '@crucible/messaging';

/**
 * The scenarios service's calls to the names service (declared in the
 * catalog: resolve_name, set_scenario_name). Errors come back as the names
 * service sent them.
 */
export class NamesClient {
  constructor(private readonly rpc: RpcClient) {}

  /** resolve_name: where a name points now. */
  resolve(name: string, ctx: RpcContext): Promise<ResolveNameReply> {
    return this.rpc.call('resolve_name', { name }, callerOptions(ctx));
  }

  /** set_scenario_name: points a name at a stored scenario. */
  set(name: string, hash: string, ctx: RpcContext): Promise<SetScenarioNameReply> {
    // The caller's principal goes on: the names service records it as the move's actor.
    return this.rpc.call(
      'set_scenario_name',
      { name, hash },
      {
        ...callerOptions(ctx),
        ...(ctx.principal !== undefined && { principal: ctx.principal }),
      },
    );
  }
}

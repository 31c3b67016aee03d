import { CrucibleError, isCrucibleError, toCrucibleError } from '@crucible/contracts';
import { type RpcClient, type CallerContext, callerOptions } from '@crucible/messaging';

/**
 * The evaluation service's calls to the names service (declared in the
 * catalog: resolve_name, mark_name_gated), for name gates. A names service
 * that does not answer is `unavailable` naming it; nothing was changed.
 */
export class NamesClient {
  constructor(private readonly rpc: RpcClient) {}

  /** Where the name points now; null when it is not set. */
  async current(name: string, caller: CallerContext): Promise<string | null> {
    try {
      const reply = await this.rpc.call('resolve_name', { name }, callerOptions(caller));
      return reply.hash;
    } catch (error) {
      if (isCrucibleError(error) && error.code === 'not_found') return null;
      throw refusal(error);
    }
  }

  /** Whether the names service asks check_name_gate before moving the name. */
  async markGated(name: string, gated: boolean, caller: CallerContext): Promise<void> {
    try {
      await this.rpc.call('mark_name_gated', { name, gated }, callerOptions(caller));
    } catch (error) {
      throw refusal(error);
    }
  }
}

function refusal(error: unknown): unknown {
  const failure = toCrucibleError(error);
  if (failure.code !== 'unavailable') return error;
  return new CrucibleError(
    'unavailable',
    'the names service did not answer; nothing was changed',
    { reason: failure.details.reason ?? 'no_responders', service: 'names' },
    { cause: error },
  );
}

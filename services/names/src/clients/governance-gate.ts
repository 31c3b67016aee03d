import { CrucibleError, internal, toCrucibleError } from '@crucible/contracts';
import { type RpcClient, type CallerContext, callerOptions } from '@crucible/messaging';
import type { Logger } from '@crucible/telemetry';

/** Whether a name may be moved under a directive: the names service's question to governance. */
export interface GovernanceGate {
  /**
   * Resolves when `directiveId` is approved (or executing) and names `name`;
   * rejects with governance's refusal otherwise (directive_not_approved,
   * directive_does_not_name, not_found, ...).
   */
  authorizeMove(directiveId: string, name: string, caller: CallerContext): Promise<void>;
}

/**
 * Asks the governance service (authorize_work, work move_name) over the bus.
 * Its refusals pass through as it sent them; a service that does not answer
 * is `unavailable` (retryable); any other failure of it is our `internal`.
 */
export class RpcGovernanceGate implements GovernanceGate {
  constructor(
    private readonly rpc: RpcClient,
    private readonly logger: Logger,
  ) {}

  async authorizeMove(directiveId: string, name: string, caller: CallerContext): Promise<void> {
    try {
      await this.rpc.call(
        'authorize_work',
        { work: 'move_name', directive_id: directiveId, subject: name },
        callerOptions(caller),
      );
    } catch (error) {
      throw this.refusal(error);
    }
  }

  private refusal(error: unknown): CrucibleError {
    const failure = toCrucibleError(error);
    if (failure.code === 'unavailable') {
      return new CrucibleError(
        'unavailable',
        'the governance service did not answer; nothing was changed',
        { reason: failure.details.reason ?? 'no_responders', service: 'governance' },
        { cause: error },
      );
    }
    if (failure.code !== 'internal') return failure;
    this.logger.error('authorize_work failed', { error });
    return internal(undefined, {}, { cause: error });
  }
}

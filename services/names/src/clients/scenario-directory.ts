import { CrucibleError, internal, toCrucibleError } from '@crucible/contracts';
import { type RpcClient, type CallerContext, callerOptions } from '@crucible/messaging';
import type { Logger } from '@crucible/telemetry';

/** Which scenario hashes exist: the names service's one question to the scenarios service. */
export interface ScenarioDirectory {
  /** The hashes among `hashes` that are not stored scenarios. */
  missing(hashes: readonly string[], caller: CallerContext): Promise<Set<string>>;
}

/**
 * Asks the scenarios service (check_scenarios) over the bus. A service that
 * does not answer is `unavailable` (retryable); any other failure of it is
 * our `internal`, its cause logged.
 */
export class RpcScenarioDirectory implements ScenarioDirectory {
  constructor(
    private readonly rpc: RpcClient,
    private readonly logger: Logger,
  ) {}

  async missing(hashes: readonly string[], caller: CallerContext): Promise<Set<string>> {
    const [first, ...rest] = [...new Set(hashes)];
    if (first === undefined) return new Set();
    let found: string[];
    try {
      ({ found } = await this.rpc.call(
        'check_scenarios',
        { hashes: [first, ...rest] },
        callerOptions(caller),
      ));
    } catch (error) {
      throw this.dependencyFailure(error);
    }
    // Anything not reported found counts as missing, whatever `missing` says.
    const present = new Set(found);
    return new Set([first, ...rest].filter((hash) => !present.has(hash)));
  }

  private dependencyFailure(error: unknown): CrucibleError {
    const failure = toCrucibleError(error);
    if (failure.code === 'unavailable') {
      return new CrucibleError(
        'unavailable',
        'the scenarios service did not answer; nothing was changed',
        { reason: failure.details.reason ?? 'no_responders', service: 'scenarios' },
        { cause: error },
      );
    }
    this.logger.error('check_scenarios failed', { error });
    return internal(undefined, {}, { cause: error });
  }
}

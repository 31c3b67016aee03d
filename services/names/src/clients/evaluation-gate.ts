import {
  CrucibleError,
  internal,
  toCrucibleError,
  type CheckNameGateReply,
} from '@crucible/contracts';
import { type RpcClient, type CallerContext, callerOptions } from '@crucible/messaging';
import type { Logger } from '@crucible/telemetry';

/** One move of a gated name, as the evaluation service is asked about it. */
export interface GatedMove {
  readonly name: string;
  readonly from: string | null;
  readonly to: string;
  readonly gateRunId?: number;
}

/** Whether a gated name's move passed its gate: the names service's question to evaluation. */
export interface EvaluationGate {
  /** The evaluation service's answer: gated or not, and the gate run that speaks for the move. */
  check(move: GatedMove, caller: CallerContext): Promise<CheckNameGateReply>;
}

/**
 * Asks the evaluation service (check_name_gate) over the bus. Only gated
 * names are asked about, so names work without an evaluation service until
 * one is gated; then a service that does not answer is `unavailable`
 * (retryable) and the move does not happen (fails closed).
 */
export class RpcEvaluationGate implements EvaluationGate {
  constructor(
    private readonly rpc: RpcClient,
    private readonly logger: Logger,
  ) {}

  async check(move: GatedMove, caller: CallerContext): Promise<CheckNameGateReply> {
    try {
      return await this.rpc.call(
        'check_name_gate',
        {
          name: move.name,
          from_hash: move.from,
          to_hash: move.to,
          ...(move.gateRunId !== undefined && { gate_run_id: move.gateRunId }),
        },
        callerOptions(caller),
      );
    } catch (error) {
      const failure = toCrucibleError(error);
      if (failure.code === 'unavailable') {
        throw new CrucibleError(
          'unavailable',
          `${move.name} is gated and the evaluation service did not answer; nothing was changed`,
          {
            reason: failure.details.reason ?? 'no_responders',
            service: 'evaluation',
            name: move.name,
          },
          { cause: error },
        );
      }
      this.logger.error('check_name_gate failed', { error });
      throw internal(undefined, {}, { cause: error });
    }
  }
}

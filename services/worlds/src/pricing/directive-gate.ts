import { toCrucibleError } from '@crucible/contracts';
import type { Logger } from '@crucible/telemetry';
import type { AttemptDirectiveStore } from '../store/attempt-directive-store';
import type { TurnFailureRow } from '../store/rows';
import { chargeTurn, type ChargeDeps } from './turn-charges';

/** What the turn worker needs to run attempts under directives. */
export interface DirectiveGateDeps extends ChargeDeps {
  readonly attemptDirectives: AttemptDirectiveStore;
  readonly logger: Logger;
}

/** The turn an attempt is about to produce, of which world. */
export interface GatedTurn {
  readonly attempt_id: number;
  readonly world_id: number;
  readonly world_slug: string;
  readonly turn: number;
}

/**
 * The worker's two checks of a turn under a directive
 * (docs/services/worlds.md, "Budgets"). `before` first reports the calls
 * already recorded for the turn (a crashed attempt's, which nobody reported),
 * then asks governance whether work may go on: a spent budget, or a
 * directive no longer approved, fails the attempt before any LLM call, the
 * world unchanged. `after` reports the turn's calls before it is committed:
 * a turn is never committed with its spend unreported (if governance cannot
 * be reached the attempt fails, and the next attempt's `before` reports the
 * calls).
 */
export class DirectiveGate {
  constructor(private readonly deps: DirectiveGateDeps) {}

  /** undefined: go on; else the failure to record for the attempt. */
  async before(directiveId: string, turn: GatedTurn): Promise<TurnFailureRow | undefined> {
    const correlationId = `attempt:${turn.attempt_id}`;
    try {
      await chargeTurn(this.deps, { ...turn, directive_id: directiveId }, correlationId);
      await this.deps.governance.authorize(
        { work: 'run_turn', directive_id: directiveId, subject: turn.world_slug },
        { correlationId },
      );
      return undefined;
    } catch (error) {
      return this.failure(error, directiveId);
    }
  }

  /** undefined: the spend is recorded, commit; else the failure to record instead. */
  async after(directiveId: string, turn: GatedTurn): Promise<TurnFailureRow | undefined> {
    try {
      await chargeTurn(
        this.deps,
        { ...turn, directive_id: directiveId },
        `attempt:${turn.attempt_id}`,
      );
      return undefined;
    } catch (error) {
      const failure = this.failure(error, directiveId);
      return { ...failure, code: 'spend_not_recorded' };
    }
  }

  /** A refusal by governance as a turn failure: its reason is the code (budget_exhausted, ...). */
  private failure(error: unknown, directiveId: string): TurnFailureRow {
    const e = toCrucibleError(error);
    const reason = typeof e.details['reason'] === 'string' ? e.details['reason'] : e.code;
    if (e.code === 'internal' || e.code === 'unavailable') {
      this.deps.logger.warn('governance check of a turn failed', {
        directive_id: directiveId,
        error: e.message,
      });
    }
    return {
      code: e.code === 'unavailable' || e.code === 'internal' ? 'governance_unavailable' : reason,
      agent_id: null,
      phase: null,
      message: e.message,
      complaints: [],
    };
  }
}

import type { Outbox } from '@crucible/messaging';
import type { Logger } from '@crucible/telemetry';
import type { EvaluationClient } from '../clients/evaluation-client';
import type { GovernanceClient } from '@crucible/runtime';
import type { ScenariosClient } from '../clients/scenarios-client';
import type { MindFactory } from '@crucible/minds';
import type { AttemptDirectiveStore } from '../store/attempt-directive-store';
import type { LlmCallStore } from '../store/llm-call-store';
import type { FinishedAttempt } from '../store/rows';
import type { TurnStore } from '../store/turn-store';
import type { WorldStore } from '../store/world-store';

/** What every handler (and flow) of the worlds service is given. */
export interface WorldsDeps {
  /** Worlds and their states. */
  readonly store: WorldStore;
  /** Turn attempts and audit events. */
  readonly turns: TurnStore;
  /** Recorded LLM calls. */
  readonly calls: LlmCallStore;
  /** Calls to the scenarios service. */
  readonly scenarios: ScenariosClient;
  /** Calls to the governance service: may this work be done (policy, directive, budget)? */
  readonly governance: GovernanceClient;
  /** Calls to the evaluation service: where a deployment mind's deployment answers. */
  readonly evaluation: Pick<EvaluationClient, 'resolveDeployment'>;
  /** The directive each queued attempt runs under. */
  readonly attemptDirectives: AttemptDirectiveStore;
  /** Builds the rows of the service's events (the stores write them). */
  readonly events: Pick<Outbox, 'event'>;
  /** A world's mind from its config (checked at create_world). */
  readonly minds: MindFactory;
  /** The largest reply the bus carries: listing pages are cut to fit it. */
  readonly maxReplyBytes: number;
  /** Tells this replica's turn worker that attempts were queued. */
  readonly wakeWorker: () => void;
  /**
   * Resolves when an attempt finishes in this replica, or after `ms`
   * (get_turn_status' wait): with the attempt as committed and its turn's
   * usage when this replica's worker committed it.
   */
  readonly attemptFinished: (attemptId: number, ms: number) => Promise<FinishedAttempt | undefined>;
  /** Whether this replica's worker is running the attempt (its finish wakes attemptFinished). */
  readonly attemptRunningHere: (attemptId: number) => boolean;
  readonly logger: Logger;
}

import type { Outbox } from '@crucible/messaging';
import type { Logger } from '@crucible/telemetry';
import type { EvaluationSettings } from '../config';
import type { RecordStore } from '../store/record-store';
import type { RegistryStore } from '../store/registry-store';
import type { JudgeClient } from '../clients/judge-client';
import type { ScenariosClient } from '../clients/scenarios-client';
import type { WorldsClient } from '../clients/worlds-client';
import type { ResultStore } from '../store/result-store';
import type { RunStore } from '../store/run-store';
import type { LifecycleStore } from '../store/lifecycle-store';
import type { FeedbackStore } from '../store/feedback-store';

/** What every handler (and flow) of the evaluation service is given. */
export interface EvaluationDeps {
  /** The only way to the database. */
  readonly store: RecordStore;
  /** Experiments and the model registry (their writes run in the store's transactions). */
  readonly registry: RegistryStore;
  /** Reported training runs and deployments (writes in the store's transactions). */
  readonly lifecycle: LifecycleStore;
  /** Stored feedback and its running totals (writes in the store's transactions). */
  readonly feedback: FeedbackStore;
  /** Results keyed by content. */
  readonly results: ResultStore;
  /** Run jobs (their writes run in the store's transactions). */
  readonly runs: RunStore;
  /** Resolves a suite's scenarios to hashes. */
  readonly scenarios: ScenariosClient;
  /** Makes a run's worlds and runs their turns. */
  readonly worlds: WorldsClient;
  /** Asks LLM judges for verdicts (circuit breakers per provider). */
  readonly judges: JudgeClient;
  /** Tells the run worker that jobs are queued (start_run). */
  readonly wakeRunWorker: () => void;
  /** Builds the rows of the service's events (the store writes them). */
  readonly events: Pick<Outbox, 'event'>;
  readonly settings: EvaluationSettings;
  readonly logger: Logger;
}

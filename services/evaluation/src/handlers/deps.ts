import type { Outbox } from '@crucible/messaging';
import type { PriceTable } from '@crucible/runtime';
import type { Logger } from '@crucible/telemetry';
import type { LRUCache } from 'lru-cache';
import type { EvaluationSettings } from '../config';
import type { GateStore } from '../store/gate-store';
import type { RecordStore } from '../store/record-store';
import type { RegistryStore } from '../store/registry-store';
import type { GovernanceClient } from '@crucible/runtime';
import type { JudgeClient } from '../clients/judge-client';
import type { NamesClient } from '../clients/names-client';
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
  /** Name gates and gate runs (their writes run in the store's transactions). */
  readonly gates: GateStore;
  /** Where names point and which ones are gated (the names service). */
  readonly names: NamesClient;
  /** Run jobs (their writes run in the store's transactions). */
  readonly runs: RunStore;
  /** Resolves a suite's scenarios to hashes. */
  readonly scenarios: ScenariosClient;
  /** Scenario hash -> profile hash, as this replica learnt them (fixed by content: flows/suite-scenarios.ts). */
  readonly scenarioProfiles: LRUCache<string, string>;
  /** Makes a run's worlds and runs their turns. */
  readonly worlds: WorldsClient;
  /** Asks LLM judges for verdicts (circuit breakers per provider). */
  readonly judges: JudgeClient;
  /** Asks governance whether work may be done under a run's directive, and reports its judges' spend. */
  readonly governance: GovernanceClient;
  /** Prices the judges' LLM calls reported under a directive (settings.prices). */
  readonly prices: PriceTable;
  /** Tells the run worker that jobs are queued (start_run). */
  readonly wakeRunWorker: () => void;
  /** Builds the rows of the service's events (the store writes them). */
  readonly events: Pick<Outbox, 'event'>;
  readonly settings: EvaluationSettings;
  readonly logger: Logger;
}

import type { Outbox } from '@crucible/messaging';
import type { Logger } from '@crucible/telemetry';
import type { EvaluationGate } from '../clients/evaluation-gate';
import type { GovernanceGate } from '../clients/governance-gate';
import type { ScenarioDirectory } from '../clients/scenario-directory';
import type { NameStore } from '../store/name-store';

/** What every handler (and flow) of the names service is given. */
export interface NamesDeps {
  /** The only way to the database. */
  readonly store: NameStore;
  /** Whether target hashes are stored scenarios (the scenarios service). */
  readonly scenarios: ScenarioDirectory;
  /** Whether a directive allows moving a name (the governance service; protected names). */
  readonly governance: GovernanceGate;
  /** Whether a gated name's move passed its gate (the evaluation service; gated names only). */
  readonly evaluation: EvaluationGate;
  /** Builds the rows of the service's events (the store writes them). */
  readonly events: Pick<Outbox, 'event'>;
  readonly logger: Logger;
}

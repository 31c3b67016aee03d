import type { Outbox } from '@crucible/messaging';
import type { Logger } from '@crucible/telemetry';
import type { ComponentsClient } from '../clients/components-client';
import type { NamesClient } from '../clients/names-client';
import type { ScenarioStore } from '../store/scenario-store';
import type { WorldCounts } from '../store/world-counts';

/** What every handler (and flow) of the scenarios service is given. */
export interface ScenariosDeps {
  /** The only way to the database. */
  readonly store: ScenarioStore;
  /** Calls to the components service. */
  readonly components: ComponentsClient;
  /** Calls to the names service. */
  readonly names: NamesClient;
  /** Live worlds per scenario (projected from the worlds service's events). */
  readonly worldCounts: WorldCounts;
  /** Builds the rows of the service's events (the store writes them). */
  readonly events: Pick<Outbox, 'event'>;
  readonly logger: Logger;
}

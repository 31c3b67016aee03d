import type { Catalog } from '@crucible/contracts';
import type { Logger } from '@crucible/telemetry';
import type { ScenarioDirectory } from '../clients/scenario-directory';
import type { NameStore } from '../store/name-store';

/** What every handler of the names service is given. */
export interface NamesDeps {
  readonly store: NameStore;
  /** Whether target hashes are stored scenarios (the scenarios service). */
  readonly scenarios: ScenarioDirectory;
  readonly catalog: Catalog;
  /** Subject and topic prefix. */
  readonly prefix: string;
  readonly logger: Logger;
  /** Called after a commit that wrote outbox rows, so the relay runs now. */
  readonly onEventsWritten: () => void;
}

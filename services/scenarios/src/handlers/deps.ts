import type { Catalog } from '@crucible/contracts';
import type { ServiceDb } from '@crucible/database';
import type { RpcClient } from '@crucible/messaging';
import type { Logger } from '@crucible/telemetry';
import type { ScenarioStore } from '../store/scenario-store';

/** What every handler of the scenarios service is given. */
export interface ScenariosDeps {
  readonly store: ScenarioStore;
  readonly db: ServiceDb;
  /** Calls to the components and names services. */
  readonly rpc: RpcClient;
  readonly catalog: Catalog;
  readonly prefix: string;
  readonly logger: Logger;
  /** Called after a commit that wrote outbox rows, so the relay runs now. */
  readonly onEventsWritten: () => void;
}

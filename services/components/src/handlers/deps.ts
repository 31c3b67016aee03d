import type { Catalog } from '@crucible/contracts';
import type { Logger } from '@crucible/telemetry';
import type { ComponentStore } from '../store/component-store';
import type { ReadCache } from '../store/read-cache';

/** What every handler of the components service is given. */
export interface ComponentsDeps {
  readonly store: ComponentStore;
  readonly catalog: Catalog;
  /** Subject and topic prefix. */
  readonly prefix: string;
  /** Immutable reads by hash, keyed `<kind>:<hash>`. */
  readonly cache: ReadCache<unknown>;
  readonly logger: Logger;
  /** Called after a commit that wrote outbox rows, so the relay runs now. */
  readonly onEventsWritten: () => void;
}

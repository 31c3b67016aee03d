import type { Outbox } from '@crucible/messaging';
import type { Logger } from '@crucible/telemetry';
import type { ComponentStore } from '../store/component-store';
import type { ReadCache } from '../store/read-cache';

/** What every handler (and flow) of the components service is given. */
export interface ComponentsDeps {
  /** The only way to the database. */
  readonly store: ComponentStore;
  /** Builds the rows of the service's events (the store writes them). */
  readonly events: Pick<Outbox, 'event'>;
  /** Immutable reads by hash, keyed `<kind>:<hash>`. */
  readonly cache: ReadCache;
  readonly logger: Logger;
}

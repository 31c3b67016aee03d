import type { Outbox } from '@crucible/messaging';
import type { Logger } from '@crucible/telemetry';
import type { Embedder } from '../clients/embedder';
import type { VersionedSchema } from '../domain/memory-versions';
import type { DirectiveStore } from '../store/directive-store';
import type { MemoryStore } from '../store/memory-store';
import type { PolicyStore } from '../store/policy-store';
import type { RecordStore } from '../store/record-store';

/** What every handler (and flow) of the governance service is given. */
export interface GovernanceDeps {
  readonly directives: DirectiveStore;
  readonly policies: PolicyStore;
  readonly records: RecordStore;
  readonly memories: MemoryStore;
  /** The datum schemas of schemas/memories/, by name. */
  readonly memorySchemas: ReadonlyMap<string, VersionedSchema>;
  readonly embedder: Embedder;
  /** Builds the rows of the service's events (the stores write them). */
  readonly events: Pick<Outbox, 'event'>;
  readonly logger: Logger;
}

/**
 * Who acts. Until gateway authentication carries a principal in the request
 * headers, it is the request's optional `actor` (docs/services/governance.md, "Actors").
 */
export function actorOf(request: { actor?: string }): string {
  return request.actor ?? 'anonymous';
}

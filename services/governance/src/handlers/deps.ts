import type { RpcContext } from '@crucible/messaging';
import type { Outbox } from '@crucible/messaging';
import type { Logger } from '@crucible/telemetry';
import type { Embedder } from '../clients/embedder';
import type { VersionedSchema } from '../domain/memory-versions';
import type { DeadlineStore, DirectiveStore } from '../store/directive-store';
import type { MemoryStore } from '../store/memory-store';
import type { PolicyStore } from '../store/policy-store';
import type { RecordStore } from '../store/record-store';
import type { SpendStore } from '../store/spend-store';

/** What every handler (and flow) of the governance service is given. */
export interface GovernanceDeps {
  readonly directives: DirectiveStore;
  /** When approved directives' timeboxes run out (timeboxes). */
  readonly deadlines: DeadlineStore;
  readonly policies: PolicyStore;
  readonly records: RecordStore;
  /** Execution runs' spend (budgets). */
  readonly spend: SpendStore;
  readonly memories: MemoryStore;
  /** The datum schemas of schemas/memories/, by name. */
  readonly memorySchemas: ReadonlyMap<string, VersionedSchema>;
  readonly embedder: Embedder;
  /** Builds the rows of the service's events (the stores write them). */
  readonly events: Pick<Outbox, 'event'>;
  readonly logger: Logger;
}

/**
 * Who acts: the principal the gateway authenticated (docs/security.md, "Who
 * did it: the actor"); the request's own `actor` field only when nobody from
 * outside asked (a call inside the platform), else `anonymous`.
 */
export function actorOf(request: { actor?: string }, ctx: Pick<RpcContext, 'principal'>): string {
  return ctx.principal ?? request.actor ?? 'anonymous';
}

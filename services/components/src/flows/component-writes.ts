import type { Knex } from '@crucible/database';
import { noNewComponents, type ComponentKind, type NewComponents } from '@crucible/contracts';
import type { RpcContext } from '@crucible/messaging';
import { KINDS } from '../domain/component-kinds';
import { componentNotFound, firstMissing, type HashRef } from '../domain/hash-refs';
import { componentKey, inWriteOrder, type InlineWrite } from '../domain/inline-writes';
import { componentStoredEvent } from './component-events';
import type { ComponentsDeps } from '../handlers/deps';

/** What a batch of inline writes changed. */
export interface StoredInline {
  /** `<kind>:<hash>` of every row this call inserted. */
  readonly inserted: ReadonlySet<string>;
  /** Rows inserted per table. */
  readonly counts: NewComponents;
}

/**
 * Stores inline components store-or-reuse in one statement, each once,
 * each new one with its component_stored event, the events in WRITE_ORDER
 * (see inline-writes.ts): inside `trx` (opened by `store.transaction`, which
 * wakes the outbox relay after the commit), or, without one, as a statement
 * of its own (atomic by itself; the outbox wakes the relay).
 */
export async function storeInline(
  deps: ComponentsDeps,
  ctx: RpcContext,
  writes: Iterable<InlineWrite>,
  trx?: Knex.Transaction,
): Promise<StoredInline> {
  const ordered = inWriteOrder(writes);
  const counts = noNewComponents();
  if (ordered.length === 0) return { inserted: new Set(), counts };
  const inserted = await deps.store.insertMany(
    ordered.map((write) =>
      write.kind === 'cognition_profile'
        ? {
            profile: write.profile.row,
            event: componentStoredEvent(deps, ctx, write.kind, write.hash, write.profile.sizeBytes),
          }
        : {
            component: write.component,
            event: componentStoredEvent(
              deps,
              ctx,
              write.kind,
              write.hash,
              write.component.sizeBytes,
            ),
          },
    ),
    trx,
  );
  for (const write of ordered)
    if (inserted.has(componentKey(write.kind, write.hash))) counts[KINDS[write.kind].counter]++;
  return { inserted, counts };
}

/**
 * Remembers components as stored, once the transaction that stored or found
 * them committed: a later inline write of one then needs no statement
 * (`isKnownStored`). Components are never deleted, so this never goes stale;
 * the markers share the read cache's bound (`COMPONENTS_CACHE_MB`).
 */
export function rememberStored(
  deps: ComponentsDeps,
  components: Iterable<{ readonly kind: ComponentKind; readonly hash: string }>,
): void {
  for (const { kind, hash } of components) {
    const key = storedMarker(kind, hash);
    deps.cache.set(key, true, { size: key.length * 2 + 64 });
  }
}

/** Whether a component is known to be stored: remembered, or read (and cached) before. */
export function isKnownStored(deps: ComponentsDeps, kind: ComponentKind, hash: string): boolean {
  return (
    deps.cache.get(storedMarker(kind, hash)) !== undefined ||
    deps.cache.get(componentKey(kind, hash)) !== undefined
  );
}

function storedMarker(kind: ComponentKind, hash: string): string {
  return `stored:${componentKey(kind, hash)}`;
}

/**
 * Throws not_found for the first reference (in the order given) that is not
 * stored; one query per kind, inside `trx`.
 */
export async function checkRefsExist(
  deps: ComponentsDeps,
  refs: readonly HashRef[],
  trx: Knex.Transaction,
): Promise<void> {
  const byKind = new Map<ComponentKind, string[]>();
  for (const ref of refs) byKind.set(ref.kind, [...(byKind.get(ref.kind) ?? []), ref.hash]);
  const found = new Set<string>();
  for (const [kind, hashes] of byKind)
    for (const hash of await deps.store.existing(kind, hashes, trx))
      found.add(componentKey(kind, hash));
  const missing = firstMissing(refs, (kind, hash) => found.has(componentKey(kind, hash)));
  if (missing) throw componentNotFound(missing);
}

import {
  assertNever,
  type ComponentKind,
  type GetAdjudicationSchemaReply,
  type GetCognitionProfileReply,
  type GetEntityReply,
  type GetTextComponentReply,
} from '@crucible/contracts';
import type { Knex } from '@crucible/database';
import type { TextKind } from '../domain/component-kinds';
import type { HashRef } from '../domain/hash-refs';
import type { PartName } from '../domain/profile-input';
import type { ResolutionPlan } from '../domain/resolution-plan';
import { cachedMany, entityReply, profileReply, schemaReply, textReply } from './cached-reads';
import type { ComponentsDeps } from '../handlers/deps';

type PartTextKind = Exclude<TextKind, 'environment'>;

/** The stored components a resolve_components request refers to, by hash, in get_<kind> reply shape. */
export interface FoundComponents {
  readonly profiles: ReadonlyMap<string, GetCognitionProfileReply>;
  /** The profile parts: those named by {hash} in inline profiles, and those of the profiles found. */
  readonly texts: Readonly<Record<TextKind, ReadonlyMap<string, GetTextComponentReply>>>;
  readonly schemas: ReadonlyMap<string, GetAdjudicationSchemaReply>;
  readonly entities: ReadonlyMap<string, GetEntityReply>;
}

/**
 * Reads every component the plan names by {hash}, and the parts of the
 * profiles it names, with at most one query per table for the whole request
 * (cache hits need none): the profiles, environments and entities first, then
 * the four part tables. Queries run inside `trx` when given.
 *
 * What is read is cached at once: every row read existed before this request
 * wrote anything (the reads come first), so it stays stored even if `trx`
 * rolls back.
 */
export async function lookUpReferences(
  deps: ComponentsDeps,
  plan: ResolutionPlan,
  trx?: Knex.Transaction,
): Promise<FoundComponents> {
  const wanted = hashesByKind(plan.hashRefs);
  const texts = (kind: TextKind, hashes: Iterable<string>) =>
    cachedMany(deps, kind, hashes, async (misses) =>
      (await deps.store.getComponents(kind, misses, trx)).map(textReply),
    );

  const [profiles, environment, entities] = await readAll(trx, [
    () =>
      cachedMany(deps, 'cognition_profile', wanted('cognition_profile'), async (misses) =>
        (await deps.store.getProfiles(misses, trx)).map(profileReply),
      ),
    () => texts('environment', wanted('environment')),
    () =>
      cachedMany(deps, 'entity', wanted('entity'), async (misses) =>
        (await deps.store.getComponents('entity', misses, trx)).map(entityReply),
      ),
  ] as const);

  const partHashes = (kind: PartName) => [
    ...wanted(kind),
    ...[...profiles.values()].map((profile) => profile[`${kind}_hash`]),
  ];
  const part = (kind: PartTextKind) => texts(kind, partHashes(kind));
  const [perceive_system, intend_system, adjudicate_system, schemas] = await readAll(trx, [
    () => part('perceive_system'),
    () => part('intend_system'),
    () => part('adjudicate_system'),
    () =>
      cachedMany(deps, 'adjudication_schema', partHashes('adjudication_schema'), async (misses) =>
        (await deps.store.getComponents('adjudication_schema', misses, trx)).map(schemaReply),
      ),
  ] as const);
  return {
    profiles,
    texts: { perceive_system, intend_system, adjudicate_system, environment },
    schemas,
    entities,
  };
}

/** Whether a component of `kind` with `hash` was found. */
export function isFound(found: FoundComponents, kind: ComponentKind, hash: string): boolean {
  switch (kind) {
    case 'cognition_profile':
      return found.profiles.has(hash);
    case 'perceive_system':
    case 'intend_system':
    case 'adjudicate_system':
    case 'environment':
      return found.texts[kind].has(hash);
    case 'adjudication_schema':
      return found.schemas.has(hash);
    case 'entity':
      return found.entities.has(hash);
    default:
      return assertNever(kind);
  }
}

/**
 * Runs reads side by side on the pool, or one after another inside a
 * transaction: its queries share one connection, and pg deprecates
 * overlapping queries on one client.
 */
async function readAll<T extends readonly unknown[]>(
  trx: Knex.Transaction | undefined,
  reads: { readonly [K in keyof T]: () => Promise<T[K]> },
): Promise<T> {
  const run = reads as readonly (() => Promise<unknown>)[];
  if (!trx) return (await Promise.all(run.map((read) => read()))) as unknown as T;
  const results: unknown[] = [];
  for (const read of run) results.push(await read());
  return results as unknown as T;
}

function hashesByKind(refs: readonly HashRef[]): (kind: ComponentKind) => string[] {
  const byKind = new Map<ComponentKind, string[]>();
  for (const ref of refs) {
    const hashes = byKind.get(ref.kind);
    if (hashes) hashes.push(ref.hash);
    else byKind.set(ref.kind, [ref.hash]);
  }
  return (kind) => byKind.get(kind) ?? [];
}

import {
  notFound,
  type ComponentKey,
  type ComponentKind,
  type Entity,
  type GetAdjudicationSchemaReply,
  type GetCognitionProfileReply,
  type GetEntityReply,
  type GetTextComponentReply,
  type StoredComponent,
} from '@crucible/contracts';
import type { ContentKind } from '../domain/component-kinds';
import { componentKey } from '../domain/inline-writes';
import type { ComponentRow, ProfileRow } from '../store/component-store';
import type { ComponentsDeps } from '../handlers/deps';

// Components never change once stored, so a found one is cached under
// `<kind>:<hash>`, always in the shape of its get_<kind> reply (whoever read
// it: a get, or resolve_components). A miss is never cached: the component
// may be stored a moment later.

export function textReply(row: ComponentRow): GetTextComponentReply {
  return {
    hash: row.hash,
    content: row.content as string,
    created_at: row.created_at.toISOString(),
  };
}

export function schemaReply(row: ComponentRow): GetAdjudicationSchemaReply {
  return {
    hash: row.hash,
    content: row.content as Record<string, unknown>,
    created_at: row.created_at.toISOString(),
  };
}

export function entityReply(row: ComponentRow): GetEntityReply {
  return {
    hash: row.hash,
    content: row.content as unknown as Entity,
    created_at: row.created_at.toISOString(),
  };
}

export function profileReply(row: ProfileRow): GetCognitionProfileReply {
  return { ...row, created_at: row.created_at.toISOString() };
}

/** One component by hash, from the cache or `load`; not_found (at `/hash`) when absent. */
export async function cachedOne<R extends object>(
  deps: ComponentsDeps,
  kind: ComponentKind,
  hash: string,
  load: () => Promise<R | undefined>,
): Promise<R> {
  const key = componentKey(kind, hash);
  const hit = deps.cache.get(key) as R | undefined;
  if (hit) return hit;
  const found = await load();
  if (!found) {
    throw notFound(`no ${kind} with hash ${hash}`, {
      path: '/hash',
      reason: 'component_not_found',
      kind,
      hash,
    });
  }
  deps.cache.set(key, found, { size: estimateSize(found) });
  return found;
}

/**
 * Components of one kind by hash: cache hits, plus one `load` call for all
 * the misses (none when everything was cached). Absent hashes are simply not
 * in the map.
 */
export async function cachedMany<R extends { hash: string }>(
  deps: ComponentsDeps,
  kind: ComponentKind,
  hashes: Iterable<string>,
  load: (misses: string[]) => Promise<R[]>,
): Promise<Map<string, R>> {
  const found = new Map<string, R>();
  const misses: string[] = [];
  for (const hash of new Set(hashes)) {
    const hit = deps.cache.get(componentKey(kind, hash)) as R | undefined;
    if (hit) found.set(hash, hit);
    else misses.push(hash);
  }
  if (misses.length === 0) return found;
  for (const reply of await load(misses)) {
    found.set(reply.hash, reply);
    deps.cache.set(componentKey(kind, reply.hash), reply, { size: estimateSize(reply) });
  }
  return found;
}

type ContentReply = GetTextComponentReply | GetAdjudicationSchemaReply | GetEntityReply;

/**
 * Components by key (deduplicated), as get_components answers them, keyed
 * `<kind>:<hash>`: cache hits, plus one statement for the misses of every
 * content kind and one for the missing profiles, side by side (none when
 * everything was cached). Absent keys are simply not in the map.
 */
export async function cachedComponents(
  deps: ComponentsDeps,
  keys: readonly ComponentKey[],
): Promise<Map<string, StoredComponent>> {
  const found = new Map<string, StoredComponent>();
  const misses: Record<ContentKind, string[]> = {
    perceive_system: [],
    intend_system: [],
    adjudicate_system: [],
    adjudication_schema: [],
    environment: [],
    entity: [],
  };
  const profileHashes: string[] = [];
  let missed = false;
  for (const { kind, hash } of keys) {
    if (kind === 'cognition_profile') {
      profileHashes.push(hash);
      continue;
    }
    const key = componentKey(kind, hash);
    const hit = deps.cache.get(key) as ContentReply | undefined;
    if (hit) found.set(key, storedComponent(kind, hit));
    else {
      misses[kind].push(hash);
      missed = true;
    }
  }
  const [rows, profiles] = await Promise.all([
    missed ? deps.store.getContents(misses) : [],
    cachedMany(deps, 'cognition_profile', profileHashes, async (absent) =>
      (await deps.store.getProfiles(absent)).map(profileReply),
    ),
  ]);
  for (const row of rows) {
    // The get_<kind> reply shape (textReply, schemaReply, entityReply are this one).
    const reply: ContentReply = {
      hash: row.hash,
      content: row.content,
      created_at: row.created_at.toISOString(),
    } as ContentReply;
    const key = componentKey(row.kind, row.hash);
    deps.cache.set(key, reply, { size: estimateSize(reply) });
    found.set(key, storedComponent(row.kind, reply));
  }
  for (const { hash, created_at, ...content } of profiles.values()) {
    found.set(componentKey('cognition_profile', hash), {
      kind: 'cognition_profile',
      hash,
      content,
      created_at,
    });
  }
  return found;
}

function storedComponent(kind: ContentKind, reply: ContentReply): StoredComponent {
  // An entity is a JSON object as stored (ComponentRow's content).
  const content = reply.content as StoredComponent['content'];
  return { kind, hash: reply.hash, content, created_at: reply.created_at };
}

function estimateSize(value: object): number {
  return JSON.stringify(value).length * 2 + 64;
}

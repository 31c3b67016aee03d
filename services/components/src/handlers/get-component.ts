import {
  notFound,
  type ComponentKind,
  type Entity,
  type GetAdjudicationSchemaReply,
  type GetCognitionProfileReply,
  type GetEntityReply,
  type GetTextComponentReply,
} from '@crucible/contracts';
import type { TextKind } from '../domain/component-kinds';
import type { ComponentRow, ProfileRow } from '../store/component-store';
import type { ComponentsDeps } from './deps';

/** get_perceive_system, get_intend_system, get_adjudicate_system, get_environment. */
export function getText(
  deps: ComponentsDeps,
  kind: TextKind,
  hash: string,
): Promise<GetTextComponentReply> {
  return cached(deps, kind, hash, async () => {
    const row = await deps.store.getComponent(kind, hash);
    return (
      row && {
        hash: row.hash,
        content: row.content as string,
        created_at: row.created_at.toISOString(),
      }
    );
  });
}

/** get_adjudication_schema. */
export function getAdjudicationSchema(
  deps: ComponentsDeps,
  hash: string,
): Promise<GetAdjudicationSchemaReply> {
  return cached(deps, 'adjudication_schema', hash, async () => {
    const row = await deps.store.getComponent('adjudication_schema', hash);
    return row && toJsonReply(row);
  });
}

/** get_entity. */
export function getEntity(deps: ComponentsDeps, hash: string): Promise<GetEntityReply> {
  return cached(deps, 'entity', hash, async () => {
    const row = await deps.store.getComponent('entity', hash);
    return row && { ...toJsonReply(row), content: row.content as unknown as Entity };
  });
}

/** get_cognition_profile. */
export function getCognitionProfile(
  deps: ComponentsDeps,
  hash: string,
): Promise<GetCognitionProfileReply> {
  return cached(deps, 'cognition_profile', hash, async () => {
    const row = await deps.store.getProfile(hash);
    return row && toProfileReply(row);
  });
}

export function toJsonReply(row: ComponentRow): {
  hash: string;
  content: Record<string, unknown>;
  created_at: string;
} {
  return {
    hash: row.hash,
    content: row.content as Record<string, unknown>,
    created_at: row.created_at.toISOString(),
  };
}

export function toProfileReply(row: ProfileRow): GetCognitionProfileReply {
  return { ...row, created_at: row.created_at.toISOString() };
}

/**
 * Components never change once stored, so a found one is cached: a repeated
 * get costs one NATS round trip and no query. A miss is not cached (the
 * component may be stored a moment later).
 */
async function cached<R extends object>(
  deps: ComponentsDeps,
  kind: ComponentKind,
  hash: string,
  load: () => Promise<R | undefined>,
): Promise<R> {
  const key = `${kind}:${hash}`;
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
  deps.cache.set(key, found, estimateSize(found));
  return found;
}

function estimateSize(value: object): number {
  return JSON.stringify(value).length * 2 + 64;
}

import type {
  GetAdjudicationSchemaReply,
  GetCognitionProfileReply,
  GetEntityReply,
  GetTextComponentReply,
} from '@crucible/contracts';
import type { TextKind } from '../domain/component-kinds';
import {
  cachedOne,
  entityReply,
  profileReply,
  schemaReply,
  textReply,
} from '../flows/cached-reads';
import type { ComponentsDeps } from './deps';

// A repeated get costs one NATS round trip and no query: see cached-reads.ts.

/** get_perceive_system, get_intend_system, get_adjudicate_system, get_environment. */
export function getText(
  deps: ComponentsDeps,
  kind: TextKind,
  hash: string,
): Promise<GetTextComponentReply> {
  return cachedOne(deps, kind, hash, async () => {
    const row = await deps.store.getComponent(kind, hash);
    return row && textReply(row);
  });
}

/** get_adjudication_schema. */
export function getAdjudicationSchema(
  deps: ComponentsDeps,
  hash: string,
): Promise<GetAdjudicationSchemaReply> {
  return cachedOne(deps, 'adjudication_schema', hash, async () => {
    const row = await deps.store.getComponent('adjudication_schema', hash);
    return row && schemaReply(row);
  });
}

/** get_entity. */
export function getEntity(deps: ComponentsDeps, hash: string): Promise<GetEntityReply> {
  return cachedOne(deps, 'entity', hash, async () => {
    const row = await deps.store.getComponent('entity', hash);
    return row && entityReply(row);
  });
}

/** get_cognition_profile. */
export function getCognitionProfile(
  deps: ComponentsDeps,
  hash: string,
): Promise<GetCognitionProfileReply> {
  return cachedOne(deps, 'cognition_profile', hash, async () => {
    const row = await deps.store.getProfile(hash);
    return row && profileReply(row);
  });
}

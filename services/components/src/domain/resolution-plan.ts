import type { ComponentKind, Entity, ResolveComponentsRequest } from '@crucible/contracts';
import type { HashRef } from './hash-refs';
import { componentWrite, profileWrites, type InlineWrite } from './inline-writes';
import { prepareJson, prepareText, type PreparedComponent } from './prepared-component';
import { prepareProfile, type PreparedProfile } from './profile-input';

/** One item of a request list: a reference to a stored component, or inline content checked and hashed. */
export type PlannedItem<I> =
  { readonly by: 'hash'; readonly ref: HashRef } | { readonly by: 'inline'; readonly inline: I };

/** A resolve_components request checked and hashed, before any I/O. */
export interface ResolutionPlan {
  readonly profiles: readonly PlannedItem<PreparedProfile>[];
  readonly environments: readonly PlannedItem<PreparedComponent>[];
  readonly entities: readonly PlannedItem<PreparedComponent>[];
  /**
   * Every {hash} reference in request order: the profiles (a profile's own
   * hash, or the {hash} parts of an inline one, in part order), then the
   * environments, then the entities.
   */
  readonly hashRefs: readonly HashRef[];
  /** Every inline component and profile, in request order, repeats included. */
  readonly writes: readonly InlineWrite[];
}

/**
 * Checks and hashes every inline item of a resolve_components request with
 * the rules of the put operations, reporting paths inside this request
 * (`/environments/2/inline`, `/entities/1/inline/name`,
 * `/cognition_profiles/0/inline/adjudication_schema/inline`). Throws
 * invalid_argument for the first bad item in request order.
 */
export function planResolution(request: ResolveComponentsRequest): ResolutionPlan {
  const hashRefs: HashRef[] = [];
  const writes: InlineWrite[] = [];
  const byHash = (kind: ComponentKind, hash: string, path: string) => {
    const ref: HashRef = { kind, hash, path: `${path}/hash` };
    hashRefs.push(ref);
    return { by: 'hash', ref } as const;
  };

  const profiles = (request.cognition_profiles ?? []).map((item, i) => {
    const path = `/cognition_profiles/${i}`;
    // The schema guarantees exactly one of hash and inline.
    if (item.inline === undefined) return byHash('cognition_profile', item.hash ?? '', path);
    const profile = prepareProfile(item.inline, `${path}/inline`);
    for (const part of profile.parts)
      if (!part.inline) hashRefs.push({ kind: part.kind, hash: part.hash, path: part.path });
    writes.push(...profileWrites(profile));
    return { by: 'inline', inline: profile } as const;
  });
  const environments = (request.environments ?? []).map((item, i) => {
    const path = `/environments/${i}`;
    if (item.inline === undefined) return byHash('environment', item.hash ?? '', path);
    const component = prepareText('environment', item.inline, `${path}/inline`);
    writes.push(componentWrite(component));
    return { by: 'inline', inline: component } as const;
  });
  const entities = (request.entities ?? []).map((item, i) => {
    const path = `/entities/${i}`;
    if (item.inline === undefined) return byHash('entity', item.hash ?? '', path);
    const component = prepareJson('entity', entityObject(item.inline), `${path}/inline`);
    writes.push(componentWrite(component));
    return { by: 'inline', inline: component } as const;
  });
  return { profiles, environments, entities, hashRefs, writes };
}

function entityObject(entity: Entity): Record<string, unknown> {
  return entity as unknown as Record<string, unknown>;
}

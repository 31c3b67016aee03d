import type {
  Entity,
  ProfilePartJsonBytes,
  ResolveComponentsReply,
  ResolvedEntity,
  ResolvedEnvironment,
  ResolvedProfile,
} from '@crucible/contracts';
import type { ContentKind } from '../domain/component-kinds';
import { NewRowClaims, componentKey } from '../domain/inline-writes';
import { jsonBytes } from '../domain/json-bytes';
import type { PreparedComponent } from '../domain/prepared-component';
import type { PreparedProfile } from '../domain/profile-input';
import type { PlannedItem, ResolutionPlan } from '../domain/resolution-plan';
import type { StoredInline } from './component-writes';
import type { FoundComponents } from './resolve-lookups';

/**
 * The resolve_components reply: one entry per request item, in request
 * order, each {hash} one from the lookups, each {inline} one from the plan;
 * `was_new` for the rows this request inserted (each claimed once).
 */
export function resolvedReply(
  plan: ResolutionPlan,
  found: FoundComponents,
  stored: StoredInline,
): ResolveComponentsReply {
  const claims = new NewRowClaims(stored.inserted);
  const sizes = new JsonSizes(found);
  return {
    cognition_profiles: plan.profiles.map((item) => resolvedProfile(item, found, claims, sizes)),
    environments: plan.environments.map((item): ResolvedEnvironment => {
      if (item.by === 'hash') {
        const { hash } = item.ref;
        return { hash, was_new: false, json_bytes: sizes.stored('environment', hash) };
      }
      const { hash } = item.inline;
      return {
        hash,
        was_new: claims.claim('environment', hash),
        json_bytes: sizes.inline(item.inline),
      };
    }),
    entities: plan.entities.map((item): ResolvedEntity => {
      if (item.by === 'hash') {
        const { hash } = item.ref;
        const entity = found.entities.get(hash);
        if (!entity) throw new Error(`entity ${hash} was found but is not in the lookups`);
        return { hash, was_new: false, content: entity.content };
      }
      const { hash } = item.inline;
      return {
        hash,
        was_new: claims.claim('entity', hash),
        content: item.inline.content as unknown as Entity,
      };
    }),
    new_components: stored.counts,
  };
}

function resolvedProfile(
  item: PlannedItem<PreparedProfile>,
  found: FoundComponents,
  claims: NewRowClaims,
  sizes: JsonSizes,
): ResolvedProfile {
  if (item.by === 'hash') {
    const row = found.profiles.get(item.ref.hash);
    if (!row) throw new Error(`profile ${item.ref.hash} was found but is not in the lookups`);
    return {
      hash: row.hash,
      was_new: false,
      perceive_system_hash: row.perceive_system_hash,
      intend_system_hash: row.intend_system_hash,
      adjudicate_system_hash: row.adjudicate_system_hash,
      adjudication_schema_hash: row.adjudication_schema_hash,
      adjudication_retry_budget: row.adjudication_retry_budget,
      json_bytes: {
        perceive_system: sizes.stored('perceive_system', row.perceive_system_hash),
        intend_system: sizes.stored('intend_system', row.intend_system_hash),
        adjudicate_system: sizes.stored('adjudicate_system', row.adjudicate_system_hash),
        adjudication_schema: sizes.stored('adjudication_schema', row.adjudication_schema_hash),
      },
    };
  }
  const profile = item.inline;
  const json_bytes = {} as ProfilePartJsonBytes;
  for (const part of profile.parts)
    json_bytes[part.kind] = part.inline
      ? sizes.inline(part.inline)
      : sizes.stored(part.kind, part.hash);
  return {
    ...profile.row,
    was_new: claims.claim('cognition_profile', profile.hash),
    json_bytes,
  };
}

/** json_bytes of each component, computed once per component however often it appears. */
class JsonSizes {
  private readonly known = new Map<string, number>();

  constructor(private readonly found: FoundComponents) {}

  inline(component: PreparedComponent): number {
    return this.memo(component.kind, component.hash, () => jsonBytes(component.content));
  }

  stored(kind: ContentKind, hash: string): number {
    return this.memo(kind, hash, () => {
      const content =
        kind === 'adjudication_schema'
          ? this.found.schemas.get(hash)?.content
          : kind === 'entity'
            ? this.found.entities.get(hash)?.content
            : this.found.texts[kind].get(hash)?.content;
      if (content === undefined)
        throw new Error(`${kind} ${hash} was found but is not in the lookups`);
      return jsonBytes(content as string | Record<string, unknown>);
    });
  }

  private memo(kind: ContentKind, hash: string, compute: () => number): number {
    const key = componentKey(kind, hash);
    let bytes = this.known.get(key);
    if (bytes === undefined) {
      bytes = compute();
      this.known.set(key, bytes);
    }
    return bytes;
  }
}

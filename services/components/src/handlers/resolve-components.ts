import {
  noNewComponents,
  type Entity,
  type ProfilePartJsonBytes,
  type ResolveComponentsReply,
  type ResolveComponentsRequest,
  type ResolvedEntity,
  type ResolvedEnvironment,
  type ResolvedProfile,
} from '@crucible/contracts';
import type { RpcContext } from '@crucible/messaging';
import type { ContentKind } from '../domain/component-kinds';
import { componentNotFound, firstMissing } from '../domain/hash-refs';
import { NewRowClaims, componentKey } from '../domain/inline-writes';
import { jsonBytes } from '../domain/json-bytes';
import type { PreparedComponent } from '../domain/prepared-component';
import type { PreparedProfile } from '../domain/profile-input';
import { planResolution, type PlannedItem, type ResolutionPlan } from '../domain/resolution-plan';
import { announceEvents, storeInline, type StoredInline } from './component-writes';
import type { ComponentsDeps } from './deps';
import { isFound, lookUpReferences, type FoundComponents } from './resolve-lookups';

const NOTHING_STORED: StoredInline = { inserted: new Set(), counts: noNewComponents() };

/**
 * resolve_components (for other services, not at the gateway): checks and
 * hashes every inline item, checks every {hash} reference exists, and with
 * `store` stores the inline items; answers one entry per request item, in
 * request order. With `store` and something inline, everything from the
 * lookups to the last insert is one transaction, so a missing reference
 * writes nothing; without, nothing is written at all.
 */
export async function resolveComponents(
  deps: ComponentsDeps,
  request: ResolveComponentsRequest,
  ctx: RpcContext,
): Promise<ResolveComponentsReply> {
  const plan = planResolution(request);
  if (!request.store || plan.writes.length === 0) {
    const found = await lookUpReferences(deps, plan);
    assertAllFound(plan, found);
    return resolvedReply(plan, found, NOTHING_STORED);
  }
  // Queries only inside: the embedded default has one connection for all.
  const { found, stored } = await deps.store.transaction(async (trx) => {
    const found = await lookUpReferences(deps, plan, trx);
    assertAllFound(plan, found);
    return { found, stored: await storeInline(deps, ctx, plan.writes, trx) };
  });
  announceEvents(deps, stored);
  return resolvedReply(plan, found, stored);
}

function assertAllFound(plan: ResolutionPlan, found: FoundComponents): void {
  const missing = firstMissing(plan.hashRefs, (kind, hash) => isFound(found, kind, hash));
  if (missing) throw componentNotFound(missing);
}

function resolvedReply(
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

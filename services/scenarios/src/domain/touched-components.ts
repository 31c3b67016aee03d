import type { ResolvedProfile, TouchedComponent } from '@crucible/contracts';
import type { ProfileComposition, StoredBindings } from './parent-scenario';

/** The child of a fork, resolved: what it binds, by hash. */
export interface ChildBindings {
  readonly scenario_slug: string;
  readonly description: string;
  readonly chronon_seconds: number;
  readonly cognition_profiles: ReadonlyMap<string, ResolvedProfile>;
  readonly environments: ReadonlyMap<string, { hash: string }>;
  readonly entity_hashes: readonly string[];
}

const PARTS = [
  'perceive_system',
  'intend_system',
  'adjudicate_system',
  'adjudication_schema',
] as const;

/**
 * What a fork changed relative to its primary parent, for the derivation's
 * metadata: scalars with their values; profiles, environments and entities
 * with their hashes (null when added or removed); and, for a profile that
 * changed, each part (and the retry budget) that differs. Ordered: scalars,
 * profiles by label, environments by label, entities by index.
 */
export function touchedComponents(
  parent: StoredBindings,
  parentProfiles: ReadonlyMap<string, ProfileComposition>,
  child: ChildBindings,
): TouchedComponent[] {
  const touched: TouchedComponent[] = [];
  for (const field of ['scenario_slug', 'description', 'chronon_seconds'] as const) {
    if (parent[field] !== child[field])
      touched.push({ kind: field, from: parent[field], to: child[field] });
  }
  for (const label of sortedUnion(
    parent.cognition_profiles.keys(),
    child.cognition_profiles.keys(),
  )) {
    const from = parent.cognition_profiles.get(label) ?? null;
    const to = child.cognition_profiles.get(label) ?? null;
    if (from === (to?.hash ?? null)) continue;
    touched.push({ kind: 'cognition_profile', label, from, to: to?.hash ?? null });
    const before = from === null ? undefined : parentProfiles.get(from);
    if (!before || !to) continue;
    for (const part of PARTS) {
      const key = `${part}_hash` as const;
      if (before[key] !== to[key])
        touched.push({ kind: part, label, from: before[key], to: to[key] });
    }
    if (before.adjudication_retry_budget !== to.adjudication_retry_budget) {
      touched.push({
        kind: 'adjudication_retry_budget',
        label,
        from: before.adjudication_retry_budget,
        to: to.adjudication_retry_budget,
      });
    }
  }
  for (const label of sortedUnion(parent.environments.keys(), child.environments.keys())) {
    const from = parent.environments.get(label) ?? null;
    const to = child.environments.get(label)?.hash ?? null;
    if (from !== to) touched.push({ kind: 'environment', label, from, to });
  }
  const length = Math.max(parent.entity_hashes.length, child.entity_hashes.length);
  for (let index = 0; index < length; index++) {
    const from = parent.entity_hashes[index] ?? null;
    const to = child.entity_hashes[index] ?? null;
    if (from !== to) touched.push({ kind: 'entity', index, from, to });
  }
  return touched;
}

function sortedUnion(a: Iterable<string>, b: Iterable<string>): string[] {
  return [...new Set([...a, ...b])].sort();
}

/** Most touched components a fork records and answers (schemas: fork_scenario's maxItems). */
export const TOUCHED_COMPONENTS_LIMIT = 1000;

/** The touched components as recorded and answered: the first `limit`, and how many there were when cut. */
export interface BoundedTouched {
  readonly touched_components: TouchedComponent[];
  /** Present (true) only when differences were left out. */
  readonly touched_components_truncated?: true;
  /** Every difference, counted; present with `touched_components_truncated`. */
  readonly touched_components_count?: number;
}

/**
 * The first `limit` differences (in touchedComponents' order), so neither the
 * fork's reply nor its derivation's metadata grows with the scenarios: a fork
 * of thousands of labels could otherwise pass the bus. The whole difference
 * is always there to compute from the two scenarios (get_scenario of each).
 */
export function boundTouched(
  touched: readonly TouchedComponent[],
  limit = TOUCHED_COMPONENTS_LIMIT,
): BoundedTouched {
  if (touched.length <= limit) return { touched_components: [...touched] };
  return {
    touched_components: touched.slice(0, limit),
    touched_components_truncated: true,
    touched_components_count: touched.length,
  };
}

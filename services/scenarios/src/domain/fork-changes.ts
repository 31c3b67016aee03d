import { invalidArgument, type ScenarioChanges } from '@crucible/contracts';
import type { Bound, ScenarioDraft } from './draft';
import type { StoredBindings } from './parent-scenario';

type LabelKind = 'cognition_profile' | 'environment';

/**
 * The child of a fork as a draft: the parent's bindings (as {hash}
 * references, inherited) with the changes applied. A label both upserted and
 * removed is `conflicting_label_ops`; removing a label the parent does not
 * bind is `label_not_found`.
 */
export function applyChanges(parent: StoredBindings, changes: ScenarioChanges): ScenarioDraft {
  const profiles = rebind(
    'cognition_profile',
    parent.cognition_profiles,
    changes.cognition_profile_upserts ?? {},
    changes.cognition_profile_removals ?? [],
    '/changes/cognition_profile_upserts',
    '/changes/cognition_profile_removals',
  );
  const environments = rebind(
    'environment',
    parent.environments,
    changes.environment_upserts ?? {},
    changes.environment_removals ?? [],
    '/changes/environment_upserts',
    '/changes/environment_removals',
  );
  const entities =
    changes.entities?.map((ref, index) => ({ ref, path: `/changes/entities/${index}` })) ??
    parent.entity_hashes.map((hash) => ({ ref: { hash }, path: null }));
  return {
    scenario_slug: changes.scenario_slug ?? parent.scenario_slug,
    description: changes.description ?? parent.description,
    chronon_seconds: changes.chronon_seconds ?? parent.chronon_seconds,
    cognition_profiles: profiles.bindings,
    environments: environments.bindings,
    entities,
    paths: {
      description: changes.description === undefined ? '/changes' : '/changes/description',
      entities: changes.entities === undefined ? '/changes' : '/changes/entities',
      removedEnvironments: environments.removed,
      removedProfiles: profiles.removed,
    },
  };
}

function rebind<R extends { hash?: string }>(
  kind: LabelKind,
  inherited: ReadonlyMap<string, string>,
  upserts: Record<string, R>,
  removals: readonly string[],
  upsertsPath: string,
  removalsPath: string,
): { bindings: Map<string, Bound<R>>; removed: Map<string, string> } {
  const bindings = new Map<string, Bound<R>>();
  for (const [label, hash] of inherited) bindings.set(label, { ref: { hash } as R, path: null });
  const removed = new Map<string, string>();
  removals.forEach((label, index) => {
    const path = `${removalsPath}/${index}`;
    if (Object.hasOwn(upserts, label)) {
      throw invalidArgument(
        path,
        'conflicting_label_ops',
        `${path}: ${kind} "${label}" is both upserted and removed`,
        {
          kind,
          label,
        },
      );
    }
    if (!inherited.has(label)) {
      throw invalidArgument(
        path,
        'label_not_found',
        `${path}: the parent binds no ${kind} "${label}"`,
        { kind, label },
      );
    }
    bindings.delete(label);
    removed.set(label, path);
  });
  for (const [label, ref] of Object.entries(upserts)) {
    bindings.set(label, { ref, path: `${upsertsPath}/${label}` });
  }
  return { bindings, removed };
}

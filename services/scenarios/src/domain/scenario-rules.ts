import { invalidArgument } from '@crucible/contracts';
import { scenarioCanonicalBytes } from './scenario-size';
import type { Bound, ResolvedDraft } from './draft';

/** Largest canonical serialization of a scenario (docs/services/scenarios.md, "Validation"). */
export const MAX_SCENARIO_BYTES = 256 * 1024;

/**
 * The scenario-wide rules of docs/services/scenarios.md, "Validation", that need resolved content
 * (the schema already checked slug, chronon, non-empty maps and lists, label
 * grammar, legacy fields): a non-blank description, at least one agent, every
 * entity's environment and every agent's profile bound, unique entity ids,
 * and the size limit. Uninhabited environments and unbound profiles are
 * legal. Throws invalid_argument with the rule's reason and a JSON Pointer.
 */
export function checkScenarioRules(resolved: ResolvedDraft): void {
  const { draft, entities } = resolved;
  if (draft.description.trim() === '') {
    throw invalidArgument(
      draft.paths.description,
      'empty_description',
      `${draft.paths.description}: must not be blank`,
    );
  }
  if (!entities.some((e) => e.content.kind !== undefined && e.content.kind !== 'prop')) {
    throw invalidArgument(
      draft.paths.entities,
      'no_agent',
      `${draft.paths.entities}: at least one entity must be an agent`,
    );
  }
  const firstIndexOfId = new Map<string, number>();
  entities.forEach((entity, index) => {
    const bound = draft.entities[index];
    if (!bound) throw new Error(`entity ${index} has no binding`);
    const { content } = entity;
    if (!draft.environments.has(content.environment)) {
      const path =
        pathInside(bound, 'environment') ??
        draft.paths.removedEnvironments.get(content.environment) ??
        `${draft.paths.entities}/${index}`;
      throw invalidArgument(
        path,
        'unknown_environment',
        `${path}: entity "${content.id}" is in environment "${content.environment}", which the scenario does not bind`,
        { entity_id: content.id, environment: content.environment },
      );
    }
    if (content.kind !== undefined && content.kind !== 'prop') {
      const label = content.kind.agent.cognition_profile;
      if (!draft.cognition_profiles.has(label)) {
        const path =
          pathInside(bound, 'kind/agent/cognition_profile') ??
          draft.paths.removedProfiles.get(label) ??
          `${draft.paths.entities}/${index}`;
        throw invalidArgument(
          path,
          'unknown_cognition_profile',
          `${path}: agent "${content.id}" uses cognition profile "${label}", which the scenario does not bind`,
          { entity_id: content.id, cognition_profile: label },
        );
      }
    }
    const first = firstIndexOfId.get(content.id);
    if (first !== undefined) {
      const path = bound.path ?? `${draft.paths.entities}/${index}`;
      throw invalidArgument(
        path,
        'duplicate_entity_id',
        `${path}: entity id "${content.id}" is also used by entity ${first}`,
        {
          entity_id: content.id,
          first_index: first,
        },
      );
    }
    firstIndexOfId.set(content.id, index);
  });
  const size = scenarioCanonicalBytes(resolved);
  if (size > MAX_SCENARIO_BYTES) {
    throw invalidArgument(
      '',
      'scenario_too_large',
      `the scenario is ${size} bytes of canonical JSON; the limit is ${MAX_SCENARIO_BYTES}`,
      {
        limit_bytes: MAX_SCENARIO_BYTES,
        actual_bytes: size,
      },
    );
  }
}

/** For an inline entity given in this request, the pointer to one of its fields. */
function pathInside(bound: Bound<unknown>, field: string): string | null {
  const ref = bound.ref as { inline?: unknown };
  if (bound.path === null || ref.inline === undefined) return bound.path;
  return `${bound.path}/inline/${field}`;
}

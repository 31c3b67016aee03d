// Requests the scenarios bench sends: the integration tests' observatory
// scenario (one cognition profile, two environments, six entities, all
// inline), made new for each call by a marker in every text.
import type { AssembleScenarioRequest, ForkScenarioRequest } from '@crucible/contracts';
import {
  ADJUDICATE_SYSTEM,
  ADJUDICATION_SCHEMA,
  CHRONON_SECONDS,
  DESCRIPTION,
  ENTITIES,
  ENVIRONMENTS,
  INTEND_SYSTEM,
  PERCEIVE_SYSTEM,
  RETRY_BUDGET,
  SLUG,
} from '../../scenarios/fixtures';

/**
 * An inline assembly whose 13 components (four profile parts, the profile,
 * two environments, six entities) and manifest are all new for each `marker`
 * not used before, and identical for the same marker.
 */
export function inlineAssembly(marker: string): AssembleScenarioRequest {
  const mark = (text: string): string => `${text} [${marker}]`;
  const [first, ...rest] = ENTITIES.map((entity) => ({
    inline: { ...entity, state: mark(entity.state) },
  }));
  if (first === undefined) throw new Error('the fixture has no entities');
  return {
    scenario_slug: SLUG,
    description: mark(DESCRIPTION),
    chronon_seconds: CHRONON_SECONDS,
    cognition_profiles: {
      keeper: {
        inline: {
          perceive_system: { inline: mark(PERCEIVE_SYSTEM) },
          intend_system: { inline: mark(INTEND_SYSTEM) },
          adjudicate_system: { inline: mark(ADJUDICATE_SYSTEM) },
          adjudication_schema: { inline: { ...ADJUDICATION_SCHEMA, description: mark('bench') } },
          adjudication_retry_budget: RETRY_BUDGET,
        },
      },
    },
    environments: {
      dome: { inline: mark(ENVIRONMENTS.dome) },
      stairwell: { inline: mark(ENVIRONMENTS.stairwell) },
    },
    entities: [first, ...rest],
    operator: 'bench',
  };
}

/**
 * A fork of `parentHash` (assembled from `inlineAssembly(parentMarker)`)
 * that changes one component: the keeper's adjudicate text, new for each
 * `marker`. The other parts are given inline with the parent's texts, so they
 * are reused, as when an operator edits one field of a profile.
 */
export function oneComponentFork(
  parentHash: string,
  parentMarker: string,
  marker: string,
): ForkScenarioRequest {
  const parent = inlineAssembly(parentMarker);
  const keeper = parent.cognition_profiles['keeper']?.inline;
  if (keeper === undefined) throw new Error('the parent assembly has no inline keeper profile');
  return {
    primary_parent: { hash: parentHash },
    changes: {
      cognition_profile_upserts: {
        keeper: {
          inline: {
            ...keeper,
            adjudicate_system: { inline: `${ADJUDICATE_SYSTEM} [${marker}]` },
          },
        },
      },
    },
    operator: 'bench',
    note: 'one adjudicate text changed',
  };
}

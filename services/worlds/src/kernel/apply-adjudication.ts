import type { Adjudication } from './adjudication';
import type { EntityTransition, EnvironmentTransition } from './turn-outcome';
import { agentOf, deepFreeze, type WorldEntity, type WorldState } from './world-state';

export interface AppliedAdjudication {
  readonly state: WorldState;
  readonly entity_transitions: readonly EntityTransition[];
  readonly environment_transitions: readonly EnvironmentTransition[];
}

/**
 * A checked adjudication applied to the world, as a new state (the input is
 * not touched; unchanged entities are shared). In order: the acting agent's
 * state becomes `agent_state_after` and `agent_memory_append` is added to
 * its memory (on a new line; an empty append adds nothing), then each
 * entity mutation replaces an entity's state and each environment mutation
 * an environment's text, in list order (a later mutation of the same target
 * wins; a mutation naming the acting agent overrides `agent_state_after`).
 * One transition per changed target: the state before this adjudication
 * and after all of it. The mutations' targets exist (checkAdjudication).
 */
export function applyAdjudication(
  state: WorldState,
  agentId: string,
  adjudication: Adjudication,
): AppliedAdjudication {
  const entities = new Map<string, WorldEntity>();
  const current = (id: string): WorldEntity => entities.get(id) ?? state.entities[id]!;

  const agent = current(agentId);
  const spec = agentOf(agent);
  const append = adjudication.agent_memory_append;
  entities.set(agentId, {
    ...agent,
    state: adjudication.agent_state_after,
    ...(spec === undefined
      ? {}
      : {
          kind: {
            agent: {
              ...spec,
              memory:
                append === ''
                  ? spec.memory
                  : spec.memory === ''
                    ? append
                    : `${spec.memory}\n${append}`,
            },
          },
        }),
  });
  for (const mutation of adjudication.entity_mutations) {
    entities.set(mutation.entity_id, { ...current(mutation.entity_id), state: mutation.state });
  }
  const environments = new Map<string, string>();
  for (const mutation of adjudication.environment_mutations) {
    environments.set(mutation.environment_label, mutation.content);
  }

  const nextEntities: Record<string, WorldEntity> = { ...state.entities };
  for (const [id, entity] of entities) nextEntities[id] = entity;
  const nextEnvironments: Record<string, string> = { ...state.environments };
  for (const [label, text] of environments) nextEnvironments[label] = text;

  return {
    state: deepFreeze({ ...state, entities: nextEntities, environments: nextEnvironments }),
    entity_transitions: [...entities].map(([id, after]) => ({
      entity_id: id,
      before: state.entities[id]!,
      after,
    })),
    environment_transitions: [...environments].map(([label, after]) => ({
      environment_label: label,
      before: state.environments[label]!,
      after,
    })),
  };
}

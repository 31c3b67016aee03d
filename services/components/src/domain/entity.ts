import { invalidArgument, type Entity } from '@crucible/contracts';

/**
 * The stored form of an entity: defaults made explicit (state "", kind
 * "prop", agent memory ""), so two inputs meaning the same entity hash the
 * same. The schema has already checked ids and labels against the label
 * grammar, which admits only normalized (lowercase) ids.
 */
export function normalizeEntity(entity: Entity, path: string): Record<string, unknown> {
  if (entity.name.trim() === '') {
    throw invalidArgument(
      `${path}/name`,
      'empty_text',
      `${path}/name: entity name must not be blank`,
    );
  }
  const kind = entity.kind ?? 'prop';
  return {
    id: entity.id,
    name: entity.name,
    state: entity.state ?? '',
    environment: entity.environment,
    kind:
      kind === 'prop'
        ? 'prop'
        : {
            agent: {
              goal: kind.agent.goal,
              memory: kind.agent.memory ?? '',
              cognition_profile: kind.agent.cognition_profile,
            },
          },
  };
}

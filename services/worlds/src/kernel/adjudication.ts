import type { SchemaChecker } from './adjudication-validators';
import { sortedKeys, type WorldEntity, type WorldState } from './world-state';

export interface EntityMutation {
  readonly entity_id: string;
  readonly state: string;
}

export interface EnvironmentMutation {
  readonly environment_label: string;
  readonly content: string;
}

/**
 * What the kernel reads from an accepted adjudication. A profile's schema
 * may leave fields out (or add its own): an absent field means no change
 * (`agent_state_after` then is the agent's state as it was, the rest empty).
 */
export interface Adjudication {
  readonly narration: string;
  readonly agent_state_after: string;
  readonly agent_memory_append: string;
  readonly entity_mutations: readonly EntityMutation[];
  readonly environment_mutations: readonly EnvironmentMutation[];
}

export type AdjudicationCheck =
  | {
      readonly ok: true;
      readonly adjudication: Adjudication;
      /** The parsed reply as the mind gave it (fields of the profile's own included). */
      readonly reply: unknown;
    }
  | { readonly ok: false; readonly complaint: string };

/**
 * Reads one adjudication reply, in the order a model can fix them: JSON,
 * the profile's schema, the fields the kernel reads, then the world (each
 * mutation names an existing entity or environment). A rejection's
 * complaint names every problem of the failing stage, with JSON Pointers.
 */
export function checkAdjudication(
  content: string,
  schema: SchemaChecker,
  state: WorldState,
  agent: WorldEntity,
): AdjudicationCheck {
  let reply: unknown;
  try {
    reply = JSON.parse(content);
  } catch (error: unknown) {
    const reason = error instanceof Error ? error.message : String(error);
    return reject([`The response is not valid JSON (${reason}).`]);
  }
  const schemaProblems = schema(reply);
  if (schemaProblems.length > 0) {
    return reject([
      `The response does not match the adjudication schema: ${schemaProblems.join('; ')}.`,
    ]);
  }
  const read = readFields(reply, agent);
  if (typeof read === 'string') return reject([read]);
  const worldProblems = [
    ...unknownEntities(read.entity_mutations, state),
    ...unknownEnvironments(read.environment_mutations, state),
  ];
  if (worldProblems.length > 0) return reject(worldProblems);
  return { ok: true, adjudication: read, reply };
}

function reject(problems: readonly string[]): AdjudicationCheck {
  return { ok: false, complaint: problems.join(' ') };
}

/** The kernel's fields, or a complaint naming those of the wrong type. */
function readFields(reply: unknown, agent: WorldEntity): Adjudication | string {
  if (typeof reply !== 'object' || reply === null || Array.isArray(reply)) {
    return 'The response must be a JSON object.';
  }
  const fields = reply as Record<string, unknown>;
  const problems: string[] = [];
  const text = (name: string, fallback: string): string => {
    if (!Object.hasOwn(fields, name)) return fallback;
    const value = fields[name];
    if (typeof value === 'string') return value;
    problems.push(`/${name} must be a string`);
    return fallback;
  };
  const list = <T>(name: string, keys: readonly [string, string]): T[] => {
    if (!Object.hasOwn(fields, name)) return [];
    const value = fields[name];
    if (!Array.isArray(value)) {
      problems.push(`/${name} must be an array`);
      return [];
    }
    const items: T[] = [];
    value.forEach((item: unknown, index) => {
      const ok =
        typeof item === 'object' &&
        item !== null &&
        !Array.isArray(item) &&
        keys.every((key) => typeof (item as Record<string, unknown>)[key] === 'string');
      if (ok) {
        const record = item as Record<string, string>;
        items.push({ [keys[0]]: record[keys[0]], [keys[1]]: record[keys[1]] } as T);
      } else {
        problems.push(
          `/${name}/${index} must be an object with string "${keys[0]}" and "${keys[1]}"`,
        );
      }
    });
    return items;
  };
  const adjudication: Adjudication = {
    narration: text('narration', ''),
    agent_state_after: text('agent_state_after', agent.state),
    agent_memory_append: text('agent_memory_append', ''),
    entity_mutations: list<EntityMutation>('entity_mutations', ['entity_id', 'state']),
    environment_mutations: list<EnvironmentMutation>('environment_mutations', [
      'environment_label',
      'content',
    ]),
  };
  return problems.length === 0
    ? adjudication
    : `The response is not a usable adjudication: ${problems.join('; ')}.`;
}

function unknownEntities(mutations: readonly EntityMutation[], state: WorldState): string[] {
  const problems: string[] = [];
  mutations.forEach((mutation, index) => {
    if (!Object.hasOwn(state.entities, mutation.entity_id)) {
      problems.push(
        `/entity_mutations/${index}/entity_id ${JSON.stringify(mutation.entity_id)} is not an entity of this world; entities cannot be created. Existing entity ids: ${sortedKeys(state.entities).join(', ')}.`,
      );
    }
  });
  return problems;
}

function unknownEnvironments(
  mutations: readonly EnvironmentMutation[],
  state: WorldState,
): string[] {
  const problems: string[] = [];
  mutations.forEach((mutation, index) => {
    if (!Object.hasOwn(state.environments, mutation.environment_label)) {
      problems.push(
        `/environment_mutations/${index}/environment_label ${JSON.stringify(mutation.environment_label)} is not an environment of this world; environments cannot be created. Existing environment labels: ${sortedKeys(state.environments).join(', ')}.`,
      );
    }
  });
  return problems;
}

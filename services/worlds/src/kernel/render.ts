// How the kernel writes the world into its prompts. Every function here is a
// pure function of the state, so the same state gives byte-identical
// requests (exact replay and request hashes depend on it). The formats are
// documented in docs/services/worlds-kernel.md ("Rendering").

import { agentOf, sortedKeys, type WorldEntity, type WorldState } from './world-state';

/** What the kernel writes for an empty text. */
export const EMPTY_TEXT = '(empty)';
/** What the kernel writes for an empty list of entities. */
export const NO_ENTITIES = '(none)';
const NO_STATE = '(no state)';

// Rendered lines by entity object. A turn shares the unchanged entities with
// the previous state, so each is rendered once; only frozen entities (every
// state the kernel makes is frozen) are kept, so an entity changed in place
// by a caller is never answered from the cache.
const focusCache = new WeakMap<WorldEntity, string>();
const nearbyCache = new WeakMap<WorldEntity, string>();
const snapshotCache = new WeakMap<WorldEntity, string>();

/**
 * An agent (or any entity) in full, as the focus of a perception or
 * intention and as the acting agent of an adjudication:
 *
 *     <name>: <state>
 *     id: <id>
 *     kind: agent
 *     goal: <goal>
 *     memory:
 *       <memory, each line indented by two spaces>
 *
 * Props stop after `kind: prop`. An empty state is `(no state)`, an empty
 * memory `(none)`. Continuation lines of multi-line values are indented by
 * two spaces so a value never reads as a new field.
 */
export function renderEntity(entity: WorldEntity): string {
  const cached = focusCache.get(entity);
  if (cached !== undefined) return cached;
  const agent = agentOf(entity);
  const lines = [`${entity.name}: ${stateText(entity.state)}`, `id: ${entity.id}`];
  if (agent === undefined) {
    lines.push('kind: prop');
  } else {
    lines.push(
      'kind: agent',
      `goal: ${indentContinuation(agent.goal)}`,
      'memory:',
      indent(agent.memory.trim() === '' ? NO_ENTITIES : agent.memory),
    );
  }
  const text = lines.join('\n');
  if (Object.isFrozen(entity)) focusCache.set(entity, text);
  return text;
}

/**
 * An entity as another agent sees it nearby: `<name>: <state>`, one line
 * (continuation lines indented). No id, goal or memory: those are not
 * perceivable.
 */
export function renderNearbyEntity(entity: WorldEntity): string {
  const cached = nearbyCache.get(entity);
  if (cached !== undefined) return cached;
  const text = `${entity.name}: ${stateText(entity.state)}`;
  if (Object.isFrozen(entity)) nearbyCache.set(entity, text);
  return text;
}

/**
 * An entity in the director's snapshot: `- <name> (id: <id>, agent|prop):
 * <state>`, and for an agent a second line `  goal: <goal>`. Ids are shown
 * because mutations name entities by id; memories are not (they grow every
 * turn, and the acting agent's own is in its full rendering).
 */
export function renderSnapshotEntity(entity: WorldEntity): string {
  const cached = snapshotCache.get(entity);
  if (cached !== undefined) return cached;
  const agent = agentOf(entity);
  let text = `- ${entity.name} (id: ${entity.id}, ${agent === undefined ? 'prop' : 'agent'}): ${stateText(entity.state)}`;
  if (agent !== undefined) text += `\n  goal: ${indentContinuation(agent.goal, '    ')}`;
  if (Object.isFrozen(entity)) snapshotCache.set(entity, text);
  return text;
}

/** An environment's text as shown, `(empty)` when blank. */
export function environmentText(text: string): string {
  return text.trim() === '' ? EMPTY_TEXT : text;
}

/**
 * Entity ids grouped by environment label, each group in id order. Entities
 * never move between environments (a mutation changes state only), so one
 * index serves a whole turn.
 */
export type EnvironmentIndex = ReadonlyMap<string, readonly string[]>;

export function indexByEnvironment(state: WorldState): EnvironmentIndex {
  const index = new Map<string, string[]>();
  for (const id of sortedKeys(state.entities)) {
    const label = state.entities[id]!.environment;
    const group = index.get(label);
    if (group === undefined) index.set(label, [id]);
    else group.push(id);
  }
  return index;
}

/**
 * The whole world for the director: one section per environment label (the
 * world's labels and any label an entity names that the world lacks, in
 * sorted order), each with its text and its entities in id order:
 *
 *     Environment (<label>):
 *     <text, or (empty)>
 *     Entities in <label>:
 *     <renderSnapshotEntity of each, or (none)>
 *
 * Sections are separated by a blank line.
 */
export function renderWorld(state: WorldState, index: EnvironmentIndex): string {
  return new WorldRenderer(index).render(state);
}

/**
 * renderWorld for the states of one turn. An adjudication changes a few
 * entities and environments, so each environment's section is kept and
 * rebuilt only when its text or one of its entities (compared by identity)
 * changed: the director's snapshot costs one pass over the entity
 * references, not a re-rendering of the world per agent.
 */
export class WorldRenderer {
  private readonly sections = new Map<
    string,
    { text: string | undefined; entities: WorldEntity[]; rendered: string }
  >();

  constructor(private readonly index: EnvironmentIndex) {}

  render(state: WorldState): string {
    const labels = new Set(Object.keys(state.environments));
    for (const label of this.index.keys()) labels.add(label);
    const parts: string[] = [];
    for (const label of [...labels].sort()) {
      const text = Object.hasOwn(state.environments, label) ? state.environments[label] : undefined;
      const entities = (this.index.get(label) ?? []).map((id) => state.entities[id]!);
      const cached = this.sections.get(label);
      if (
        cached !== undefined &&
        cached.text === text &&
        cached.entities.length === entities.length &&
        cached.entities.every((entity, i) => entity === entities[i] && Object.isFrozen(entity))
      ) {
        parts.push(cached.rendered);
        continue;
      }
      const rendered = renderSection(label, text, entities);
      this.sections.set(label, { text, entities, rendered });
      parts.push(rendered);
    }
    return parts.join('\n\n');
  }
}

function renderSection(
  label: string,
  text: string | undefined,
  entities: readonly WorldEntity[],
): string {
  const shown = text === undefined ? '(not an environment of this world)' : environmentText(text);
  const listed =
    entities.length === 0
      ? NO_ENTITIES
      : entities.map((entity) => renderSnapshotEntity(entity)).join('\n');
  return `Environment (${label}):\n${shown}\nEntities in ${label}:\n${listed}`;
}

function stateText(state: string): string {
  return state.trim() === '' ? NO_STATE : indentContinuation(state);
}

function indent(text: string): string {
  return text
    .split('\n')
    .map((line) => `  ${line}`)
    .join('\n');
}

function indentContinuation(text: string, prefix = '  '): string {
  return text.includes('\n') ? text.split('\n').join(`\n${prefix}`) : text;
}

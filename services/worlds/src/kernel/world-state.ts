import type { Scenario } from '@crucible/contracts';
import { canonicalJson } from '@crucible/hashing';
import { formatSimulationTime, parseSimulationTime } from './simulation-time';

/**
 * An agent's part of an entity: what it wants, what it remembers (appended
 * to every turn it acts) and the label of the cognition profile it thinks with.
 */
export interface AgentSpec {
  readonly goal: string;
  readonly memory: string;
  readonly cognition_profile: string;
}

/**
 * An entity in its normalized form (the components service's: `state` and an
 * agent's `memory` are always present, `kind` is `"prop"` or `{agent}`), so
 * its canonical JSON, and its piece hash, equal the stored entity component's.
 */
export interface WorldEntity {
  readonly id: string;
  readonly name: string;
  readonly state: string;
  readonly environment: string;
  readonly kind: 'prop' | { readonly agent: AgentSpec };
}

/** A cognition profile with its components by content, as the scenario binds it. */
export interface CognitionProfile {
  readonly perceive_system: string;
  readonly intend_system: string;
  readonly adjudicate_system: string;
  readonly adjudication_schema: { readonly [key: string]: unknown };
  /** Corrective retries after the first adjudication attempt (0..10). */
  readonly adjudication_retry_budget: number;
}

/**
 * One turn's complete state: plain JSON, never mutated (a turn builds a new
 * one and shares the unchanged entities with the old). Maps are iterated in
 * sorted key order (UTF-16 code units, as canonical JSON sorts), never in
 * insertion order: the scenario hash ignores the order bindings were given
 * in, so the kernel must too.
 */
export interface WorldState {
  readonly slug: string;
  /** 0 for a freshly seeded world; turn N's run commits turn N + 1. */
  readonly turn: number;
  /** RFC 3339 UTC, `YYYY-MM-DDTHH:MM:SSZ` (fractional seconds only when present). */
  readonly simulation_time: string;
  readonly chronon_seconds: number;
  /** Environment label -> its text. */
  readonly environments: { readonly [label: string]: string };
  /** Entity id -> entity. */
  readonly entities: { readonly [id: string]: WorldEntity };
  /** Profile label -> profile; never changed by a turn. */
  readonly cognition_profiles: { readonly [label: string]: CognitionProfile };
}

/** Where a seeded world's simulation clock starts when the caller names no time. */
export const DEFAULT_SIMULATION_START = '2000-01-01T00:00:00Z';

export interface SeedWorldInput {
  readonly slug: string;
  /** The scenario in full, as get_scenario returns it (schemas/scenarios/scenario.v1.json). */
  readonly scenario: Scenario;
  /** RFC 3339; default DEFAULT_SIMULATION_START. Normalized to UTC. */
  readonly simulation_time?: string;
}

const SEED_ERROR = Symbol.for('@crucible/worlds.WorldSeedError');

/** A scenario that cannot seed a world; `path` is the JSON Pointer of the bad value in the input. */
export class WorldSeedError extends Error {
  override readonly name = 'WorldSeedError';
  readonly code = 'world_seed_invalid';
  constructor(
    message: string,
    readonly reason: 'invalid_simulation_time' | 'invalid_chronon' | 'duplicate_entity_id',
    readonly path: string,
  ) {
    super(message);
    Object.defineProperty(this, SEED_ERROR, { value: true });
  }
}

export function isWorldSeedError(value: unknown): value is WorldSeedError {
  return (
    typeof value === 'object' &&
    value !== null &&
    (value as { [SEED_ERROR]?: unknown })[SEED_ERROR] === true
  );
}

/**
 * Turn 0 of a world: the scenario's environments, entities (normalized) and
 * profiles, the clock at `simulation_time`. The scenarios service has
 * already checked that every entity's environment and every agent's profile
 * is bound; the kernel checks again per turn (a missing one fails the turn).
 */
export function seedWorld(input: SeedWorldInput): WorldState {
  const { scenario } = input;
  const start = input.simulation_time ?? DEFAULT_SIMULATION_START;
  const startMs = parseSimulationTime(start);
  if (startMs === undefined) {
    throw new WorldSeedError(
      `simulation_time ${JSON.stringify(start)} is not an RFC 3339 time`,
      'invalid_simulation_time',
      '/simulation_time',
    );
  }
  if (!Number.isSafeInteger(scenario.chronon_seconds) || scenario.chronon_seconds < 1) {
    throw new WorldSeedError(
      `chronon_seconds must be a positive integer, not ${scenario.chronon_seconds}`,
      'invalid_chronon',
      '/scenario/chronon_seconds',
    );
  }
  const entities: Record<string, WorldEntity> = {};
  scenario.entities.forEach((entity, index) => {
    if (Object.hasOwn(entities, entity.id)) {
      throw new WorldSeedError(
        `entity id "${entity.id}" appears twice`,
        'duplicate_entity_id',
        `/scenario/entities/${index}/id`,
      );
    }
    entities[entity.id] = normalizeEntity(entity);
  });
  const profiles: Record<string, CognitionProfile> = {};
  for (const label of sortedKeys(scenario.cognition_profiles)) {
    const profile = scenario.cognition_profiles[label]!;
    // A copy in canonical key order: the state shares (and freezes) none of
    // the caller's objects, and a state read back from its pieces (canonical
    // JSON) is the same down to key order, so requests are byte-identical.
    profiles[label] = JSON.parse(
      canonicalJson({
        perceive_system: profile.perceive_system,
        intend_system: profile.intend_system,
        adjudicate_system: profile.adjudicate_system,
        adjudication_schema: profile.adjudication_schema,
        adjudication_retry_budget: profile.adjudication_retry_budget,
      }),
    ) as CognitionProfile;
  }
  const environments: Record<string, string> = {};
  for (const label of sortedKeys(scenario.environments)) {
    environments[label] = scenario.environments[label]!;
  }
  return deepFreeze({
    slug: input.slug,
    turn: 0,
    simulation_time: formatSimulationTime(startMs),
    chronon_seconds: scenario.chronon_seconds,
    environments,
    entities: sortedRecord(entities),
    cognition_profiles: profiles,
  });
}

/**
 * The components service's normal form: defaults written out, nothing else.
 * Keys in canonical order, like a state read back from its pieces.
 */
export function normalizeEntity(entity: Scenario['entities'][number]): WorldEntity {
  const kind = entity.kind ?? 'prop';
  return {
    environment: entity.environment,
    id: entity.id,
    kind:
      kind === 'prop'
        ? 'prop'
        : {
            agent: {
              cognition_profile: kind.agent.cognition_profile,
              goal: kind.agent.goal,
              memory: kind.agent.memory ?? '',
            },
          },
    name: entity.name,
    state: entity.state ?? '',
  };
}

/** The agent part of an entity, or undefined for a prop. */
export function agentOf(entity: WorldEntity): AgentSpec | undefined {
  return entity.kind === 'prop' ? undefined : entity.kind.agent;
}

/**
 * Keys in UTF-16 code unit order (canonical JSON's order). Object key order
 * cannot be trusted for this: integer-like keys ("7") always come first.
 */
export function sortedKeys(record: object): string[] {
  return Object.keys(record).sort();
}

function sortedRecord<T>(record: Record<string, T>): Record<string, T> {
  const sorted: Record<string, T> = {};
  for (const key of sortedKeys(record)) sorted[key] = record[key]!;
  return sorted;
}

/**
 * Freezes `value` and everything in it. The kernel freezes every state it
 * makes: its caches (rendered lines, piece hashes) are keyed by object and
 * trust only frozen ones, so a state changed in place cannot go stale there.
 */
export function deepFreeze<T>(value: T): T {
  if (typeof value !== 'object' || value === null || Object.isFrozen(value)) return value;
  Object.freeze(value);
  for (const member of Object.values(value)) deepFreeze(member);
  return value;
}

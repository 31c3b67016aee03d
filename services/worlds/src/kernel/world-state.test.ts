import { antAndCrumbScenario } from './test-fixtures';
import {
  DEFAULT_SIMULATION_START,
  WorldSeedError,
  isWorldSeedError,
  seedWorld,
  sortedKeys,
} from './world-state';

describe('seedWorld', () => {
  it('seeds turn 0 with normalized entities, sorted maps and the default start', () => {
    const state = seedWorld({ slug: 'w', scenario: antAndCrumbScenario() });
    expect(state.turn).toBe(0);
    expect(state.simulation_time).toBe(DEFAULT_SIMULATION_START);
    expect(state.chronon_seconds).toBe(60);
    expect(Object.keys(state.environments)).toEqual(['kitchen_plate', 'pantry']);
    expect(Object.keys(state.entities)).toEqual(['ant', 'beetle', 'crumb', 'jar']);
    expect(state.entities.crumb).toEqual({
      environment: 'kitchen_plate',
      id: 'crumb',
      kind: 'prop',
      name: 'Crumb',
      state: 'A bread crumb.',
    });
    expect(state.entities.beetle!.kind).toEqual({
      agent: { cognition_profile: 'ant', goal: 'Stay hidden.', memory: '' },
    });
    expect(Object.isFrozen(state.cognition_profiles.ant!.adjudication_schema)).toBe(true);
  });

  it('normalizes the start time to UTC and shares nothing with the scenario', () => {
    const scenario = antAndCrumbScenario();
    const state = seedWorld({
      slug: 'w',
      scenario,
      simulation_time: '2026-03-01T01:00:00.250+01:00',
    });
    expect(state.simulation_time).toBe('2026-03-01T00:00:00.250Z');
    expect(state.cognition_profiles.ant!.adjudication_schema).not.toBe(
      scenario.cognition_profiles.ant!.adjudication_schema,
    );
    expect(Object.isFrozen(scenario.cognition_profiles.ant!.adjudication_schema)).toBe(false);
  });

  it.each([
    [{ simulation_time: 'yesterday' }, 'invalid_simulation_time', '/simulation_time'],
    [{ simulation_time: '2026-02-30T00:00:00Z' }, 'invalid_simulation_time', '/simulation_time'],
    [{ chronon: 0 }, 'invalid_chronon', '/scenario/chronon_seconds'],
    [{ duplicate: true }, 'duplicate_entity_id', '/scenario/entities/4/id'],
  ])('refuses %j (%s)', (change, reason, path) => {
    const scenario = antAndCrumbScenario();
    if ('chronon' in change) scenario.chronon_seconds = change.chronon;
    if ('duplicate' in change) scenario.entities.push({ ...scenario.entities[1]! });
    let thrown: unknown;
    try {
      seedWorld({
        slug: 'w',
        scenario,
        ...('simulation_time' in change ? { simulation_time: change.simulation_time } : {}),
      });
    } catch (error: unknown) {
      thrown = error;
    }
    expect(isWorldSeedError(thrown)).toBe(true);
    expect(thrown).toBeInstanceOf(WorldSeedError);
    expect(thrown).toMatchObject({ code: 'world_seed_invalid', reason, path });
  });
});

describe('sortedKeys', () => {
  it('sorts by UTF-16 code units, integer-like keys included', () => {
    expect(sortedKeys({ b: 1, '10': 1, a: 1, '9': 1, 'a-b': 1, a_b: 1 })).toEqual([
      '10',
      '9',
      'a',
      'a-b',
      'a_b',
      'b',
    ]);
  });
});

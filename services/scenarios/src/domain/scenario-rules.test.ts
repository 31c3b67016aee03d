import { CrucibleError } from '@crucible/contracts';
import { thrownBy } from '@crucible/contracts/testing';
import { MAX_SCENARIO_BYTES, checkScenarioRules } from './scenario-rules';
import { agent, prop, resolvedDraft } from './test-fixtures';

describe('scenario rules', () => {
  it('accepts a scenario with one agent, a prop, an uninhabited environment and an unbound profile', () => {
    const resolved = resolvedDraft([agent('subject'), prop('machine')]);
    expect(() => checkScenarioRules(resolved)).not.toThrow();
  });

  it('needs at least one agent', () => {
    expect(
      thrownBy(() => checkScenarioRules(resolvedDraft([prop('machine')])), CrucibleError).details,
    ).toMatchObject({
      path: '/entities',
      reason: 'no_agent',
    });
  });

  it('refuses a blank description', () => {
    const resolved = resolvedDraft([agent('a')]);
    const blank = { ...resolved, draft: { ...resolved.draft, description: '  \n' } };
    expect(thrownBy(() => checkScenarioRules(blank), CrucibleError).details).toMatchObject({
      path: '/description',
      reason: 'empty_description',
    });
  });

  it('needs every entity in a bound environment', () => {
    expect(
      thrownBy(
        () => checkScenarioRules(resolvedDraft([agent('a'), prop('b', 'hall')])),
        CrucibleError,
      ).details,
    ).toMatchObject({
      path: '/entities/1/inline/environment',
      reason: 'unknown_environment',
      environment: 'hall',
    });
  });

  it('needs every agent to use a bound profile', () => {
    expect(
      thrownBy(
        () => checkScenarioRules(resolvedDraft([agent('a', 'room', 'ghost')])),
        CrucibleError,
      ).details,
    ).toMatchObject({
      path: '/entities/0/inline/kind/agent/cognition_profile',
      reason: 'unknown_cognition_profile',
      cognition_profile: 'ghost',
    });
  });

  it('points at the removal when an inherited entity loses its environment in a fork', () => {
    const resolved = resolvedDraft([agent('a'), prop('b', 'hall')]);
    const inherited = {
      ...resolved,
      draft: {
        ...resolved.draft,
        entities: resolved.draft.entities.map((e) => ({ ...e, path: null })),
        paths: {
          ...resolved.draft.paths,
          removedEnvironments: new Map([['hall', '/changes/environment_removals/0']]),
        },
      },
    };
    expect(thrownBy(() => checkScenarioRules(inherited), CrucibleError).details).toMatchObject({
      path: '/changes/environment_removals/0',
      reason: 'unknown_environment',
    });
  });

  it('refuses duplicate entity ids, naming the first', () => {
    expect(
      thrownBy(
        () => checkScenarioRules(resolvedDraft([agent('a'), prop('b'), prop('a')])),
        CrucibleError,
      ).details,
    ).toMatchObject({
      path: '/entities/2',
      reason: 'duplicate_entity_id',
      entity_id: 'a',
      first_index: 0,
    });
  });

  it('refuses a scenario over 256 KB of canonical JSON', () => {
    const resolved = resolvedDraft([agent('a')]);
    const huge = {
      ...resolved,
      environments: new Map([
        ['room', { hash: 'b'.repeat(64), was_new: false, json_bytes: MAX_SCENARIO_BYTES }],
      ]),
    };
    expect(thrownBy(() => checkScenarioRules(huge), CrucibleError).details).toMatchObject({
      path: '',
      reason: 'scenario_too_large',
    });
  });
});

// What the scenarios domain's other unit tests left unchecked: the paths a
// fork's errors point at, the messages of the scenario rules, the size
// limit's exact edge, and a changed retry budget (written against mutants
// that survived `npm run mutate`; docs/testing.md).
import { CrucibleError, type Entity } from '@crucible/contracts';
import { thrownBy } from '@crucible/contracts/testing';
import { applyChanges } from './fork-changes';
import type { StoredBindings } from './parent-scenario';
import { MAX_SCENARIO_BYTES, checkScenarioRules } from './scenario-rules';
import { scenarioCanonicalBytes } from './scenario-size';
import { agent, h, profile, prop, resolvedDraft } from './test-fixtures';
import { touchedComponents } from './touched-components';

/** The wire form of the CrucibleError `fn` throws. */
function refusal(fn: () => unknown) {
  return thrownBy(fn, CrucibleError).toWire();
}

const parent: StoredBindings = {
  hash: h('p'),
  scenario_slug: 'room',
  description: 'A room.',
  chronon_seconds: 60,
  cognition_profiles: new Map([['subject', h('a')]]),
  environments: new Map([['room', h('b')]]),
  entity_hashes: [h('d')],
};

describe('a fork draft', () => {
  it('points scalar and entity errors at the change that made them, or at /changes', () => {
    expect(applyChanges(parent, {}).paths).toMatchObject({
      description: '/changes',
      entities: '/changes',
    });
    expect(
      applyChanges(parent, { description: 'New.', entities: [{ hash: h('e') }] }).paths,
    ).toMatchObject({ description: '/changes/description', entities: '/changes/entities' });
  });

  it('names the label and kind of a conflicting or unknown label', () => {
    expect(
      refusal(() =>
        applyChanges(parent, {
          environment_upserts: { room: { hash: h('c') } },
          environment_removals: ['room'],
        }),
      ),
    ).toMatchObject({
      message: '/changes/environment_removals/0: environment "room" is both upserted and removed',
      details: { reason: 'conflicting_label_ops', path: '/changes/environment_removals/0' },
    });
    expect(
      refusal(() => applyChanges(parent, { cognition_profile_removals: ['ghost'] })),
    ).toMatchObject({
      message:
        '/changes/cognition_profile_removals/0: the parent binds no cognition_profile "ghost"',
      details: {
        reason: 'label_not_found',
        path: '/changes/cognition_profile_removals/0',
        kind: 'cognition_profile',
        label: 'ghost',
      },
    });
  });
});

describe('scenario rule messages', () => {
  it('say what is wrong, about which entity', () => {
    const blank = resolvedDraft([agent('a')]);
    expect(
      refusal(() => checkScenarioRules({ ...blank, draft: { ...blank.draft, description: ' ' } }))
        .message,
    ).toBe('/description: must not be blank');
    expect(refusal(() => checkScenarioRules(resolvedDraft([prop('p')]))).message).toBe(
      '/entities: at least one entity must be an agent',
    );
    expect(
      refusal(() => checkScenarioRules(resolvedDraft([agent('a'), prop('b', 'hall')]))).message,
    ).toBe(
      '/entities/1/inline/environment: entity "b" is in environment "hall", which the scenario does not bind',
    );
    expect(
      refusal(() => checkScenarioRules(resolvedDraft([agent('a', 'room', 'ghost')]))).message,
    ).toBe(
      '/entities/0/inline/kind/agent/cognition_profile: agent "a" uses cognition profile "ghost", which the scenario does not bind',
    );
    expect(refusal(() => checkScenarioRules(resolvedDraft([agent('a'), prop('a')]))).message).toBe(
      '/entities/1: entity id "a" is also used by entity 0',
    );
  });

  it('counts an entity without a kind as a prop', () => {
    const { kind: _kind, ...bare } = prop('p');
    expect(
      refusal(() => checkScenarioRules(resolvedDraft([bare as Entity]))).details,
    ).toMatchObject({ reason: 'no_agent' });
  });

  it('points at a {hash} entity itself, not inside it', () => {
    const resolved = resolvedDraft([agent('a'), prop('b', 'hall')]);
    const byHash = {
      ...resolved,
      draft: {
        ...resolved.draft,
        entities: resolved.draft.entities.map((_e, i) => ({
          ref: { hash: h(String(i)) },
          path: `/entities/${i}`,
        })),
      },
    };
    expect(refusal(() => checkScenarioRules(byHash)).details).toMatchObject({
      reason: 'unknown_environment',
      path: '/entities/1',
    });
  });

  it('accepts exactly the size limit and refuses one byte more, saying both sizes', () => {
    const resolved = resolvedDraft([agent('a')]);
    const withRoom = (bytes: number) => ({
      ...resolved,
      environments: new Map([['room', { hash: h('b'), was_new: false, json_bytes: bytes }]]),
    });
    const base = scenarioCanonicalBytes(withRoom(0));
    const atLimit = withRoom(MAX_SCENARIO_BYTES - base);
    expect(scenarioCanonicalBytes(atLimit)).toBe(MAX_SCENARIO_BYTES);
    expect(() => checkScenarioRules(atLimit)).not.toThrow();
    expect(refusal(() => checkScenarioRules(withRoom(MAX_SCENARIO_BYTES - base + 1)))).toEqual({
      code: 'invalid_argument',
      retryable: false,
      message: `the scenario is ${MAX_SCENARIO_BYTES + 1} bytes of canonical JSON; the limit is ${MAX_SCENARIO_BYTES}`,
      details: {
        reason: 'scenario_too_large',
        path: '',
        limit_bytes: MAX_SCENARIO_BYTES,
        actual_bytes: MAX_SCENARIO_BYTES + 1,
      },
    });
  });
});

describe('touched components', () => {
  it('records a changed retry budget after the profile it belongs to', () => {
    const before = profile(h('a'), 2);
    const after = { ...profile(h('f'), 3) };
    expect(
      touchedComponents(parent, new Map([[h('a'), before]]), {
        ...parent,
        cognition_profiles: new Map([['subject', after]]),
        environments: new Map([['room', { hash: h('b') }]]),
      }),
    ).toEqual([
      { kind: 'cognition_profile', label: 'subject', from: h('a'), to: h('f') },
      { kind: 'adjudication_retry_budget', label: 'subject', from: 2, to: 3 },
    ]);
  });
});

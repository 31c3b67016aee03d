import { canonicalJson } from '@crucible/hashing';
import type { Entity, ResolveComponentsReply, ScenarioStoreTerms } from '@crucible/contracts';
import { meetsScenarioTerms } from './scenario-terms';

const h = (c: string): string => c.repeat(64);
const bytes = (value: unknown): number => Buffer.byteLength(canonicalJson(value), 'utf8');

const texts = {
  perceive_system: 'Perceive "carefully".\n caf\u00e9 \u{1F41C}',
  intend_system: 'Intend\\',
  adjudicate_system: 'Adjudicate \u2028 now',
  adjudication_schema: { type: 'object', properties: { narration: { type: 'string' } } },
};
const environment = 'A windowless room. \u00fc';
const agent = (id: string, env = 'room', profile = 'subject'): Entity => ({
  id,
  name: id.toUpperCase(),
  state: 'Waiting \u00e9.',
  environment: env,
  kind: { agent: { goal: 'leave', memory: '', cognition_profile: profile } },
});
const prop = (id: string, env = 'room'): Entity => ({
  id,
  name: id,
  state: '',
  environment: env,
  kind: 'prop',
});

/** What resolve_components answers for a scenario binding `subject` (budget 10), `room` and `entities`. */
function resolved(entities: Entity[]): Omit<ResolveComponentsReply, 'new_components' | 'stored'> {
  return {
    cognition_profiles: [
      {
        hash: h('a'),
        was_new: false,
        perceive_system_hash: h('1'),
        intend_system_hash: h('2'),
        adjudicate_system_hash: h('3'),
        adjudication_schema_hash: h('4'),
        adjudication_retry_budget: 10,
        json_bytes: {
          perceive_system: bytes(texts.perceive_system),
          intend_system: bytes(texts.intend_system),
          adjudicate_system: bytes(texts.adjudicate_system),
          adjudication_schema: bytes(texts.adjudication_schema),
        },
      },
    ],
    environments: [{ hash: h('b'), was_new: false, json_bytes: bytes(environment) }],
    entities: entities.map((content, i) => ({ hash: h(String(i)), was_new: false, content })),
  };
}

/** The scenario's exact canonical size, and its skeleton's as the scenarios service sends it. */
function sizes(entities: Entity[]): { full: number; base: number } {
  const scalars = { scenario_slug: 'room', description: 'A room.', chronon_seconds: 60 };
  const full = bytes({
    ...scalars,
    cognition_profiles: { subject: { ...texts, adjudication_retry_budget: 10 } },
    environments: { room: environment },
    entities,
  });
  const base = bytes({
    ...scalars,
    cognition_profiles: {
      subject: {
        perceive_system: '',
        intend_system: '',
        adjudicate_system: '',
        adjudication_schema: '',
        adjudication_retry_budget: 0,
      },
    },
    environments: { room: '' },
    entities: entities.map(() => ''),
  });
  return { full, base };
}

function terms(
  entities: Entity[],
  overrides: Partial<ScenarioStoreTerms> = {},
): ScenarioStoreTerms {
  const { full, base } = sizes(entities);
  return {
    environment_labels: ['room'],
    cognition_profile_labels: ['subject'],
    base_bytes: base,
    max_bytes: full,
    ...overrides,
  };
}

describe('scenario terms', () => {
  const valid = [agent('keeper'), prop('lamp')];

  it('accepts a valid scenario of exactly the largest size, and refuses it one byte smaller', () => {
    expect(meetsScenarioTerms(terms(valid), resolved(valid))).toBe(true);
    const { full } = sizes(valid);
    expect(meetsScenarioTerms(terms(valid, { max_bytes: full - 1 }), resolved(valid))).toBe(false);
  });

  it('refuses what the scenario rules refuse', () => {
    const refused: Array<[string, Entity[], Partial<ScenarioStoreTerms>]> = [
      ['no agent', [prop('lamp')], {}],
      ['an entity in an unbound environment', [agent('keeper'), prop('lamp', 'attic')], {}],
      ['an agent with an unbound profile', [agent('keeper', 'room', 'other')], {}],
      ['two entities with one id', [agent('keeper'), prop('keeper')], {}],
      ['the profile not bound', valid, { cognition_profile_labels: [] }],
    ];
    for (const [why, entities, overrides] of refused) {
      expect({
        why,
        ok: meetsScenarioTerms(terms(entities, overrides), resolved(entities)),
      }).toEqual({ why, ok: false });
    }
  });

  it('counts an entity given twice twice', () => {
    const twice = [agent('keeper'), agent('keeper')];
    expect(meetsScenarioTerms(terms(twice), resolved(twice))).toBe(false);
  });
});

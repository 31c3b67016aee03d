import type { Entity, ResolvedEntity, ResolvedProfile } from '@crucible/contracts';
import type { Bound, ResolvedDraft, ScenarioDraft } from './draft';

// Small builders for the domain's unit tests.

export const h = (c: string): string => c.repeat(64);

export function profile(hash: string, budget = 2): ResolvedProfile {
  return {
    hash,
    was_new: false,
    perceive_system_hash: h('1'),
    intend_system_hash: h('2'),
    adjudicate_system_hash: h('3'),
    adjudication_schema_hash: h('4'),
    adjudication_retry_budget: budget,
    json_bytes: {
      perceive_system: 10,
      intend_system: 10,
      adjudicate_system: 10,
      adjudication_schema: 10,
    },
  };
}

export function entity(hash: string, content: Entity): ResolvedEntity {
  return { hash, was_new: false, content };
}

export const agent = (id: string, environment = 'room', cognition_profile = 'subject'): Entity => ({
  id,
  name: id.toUpperCase(),
  state: '',
  environment,
  kind: { agent: { goal: 'leave', memory: '', cognition_profile } },
});

export const prop = (id: string, environment = 'room'): Entity => ({
  id,
  name: id,
  state: '',
  environment,
  kind: 'prop',
});

export function resolvedDraft(
  entities: Entity[],
  overrides: Partial<ScenarioDraft> = {},
): ResolvedDraft {
  const bound = <R>(ref: R, path: string | null): Bound<R> => ({ ref, path });
  const draft: ScenarioDraft = {
    scenario_slug: 'room',
    description: 'A room.',
    chronon_seconds: 60,
    cognition_profiles: new Map([
      ['subject', bound({ hash: h('a') }, '/cognition_profiles/subject')],
    ]),
    environments: new Map([['room', bound({ hash: h('b') }, '/environments/room')]]),
    entities: entities.map((content, i) => bound({ inline: content }, `/entities/${i}`)),
    paths: {
      description: '/description',
      entities: '/entities',
      removedEnvironments: new Map(),
      removedProfiles: new Map(),
    },
    ...overrides,
  };
  return {
    draft,
    profiles: new Map(
      [...draft.cognition_profiles.keys()].map((label) => [label, profile(h('a'))]),
    ),
    environments: new Map(
      [...draft.environments.keys()].map((label) => [
        label,
        { hash: h('b'), was_new: false, json_bytes: 9 },
      ]),
    ),
    entities: entities.map((content, i) => entity(h(String.fromCharCode(99 + (i % 3))), content)),
  };
}

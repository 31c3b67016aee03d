import { CrucibleError, type ResolveComponentsRequest } from '@crucible/contracts';
import { thrownBy } from '@crucible/contracts/testing';
import { textComponentHash } from '@crucible/hashing';
import { componentNotFound, firstMissing } from './hash-refs';
import { MAX_COMPONENT_BYTES } from './prepared-component';
import { planResolution } from './resolution-plan';

const H1 = '1'.repeat(64);
const H2 = '2'.repeat(64);
const H3 = '3'.repeat(64);
const H4 = '4'.repeat(64);

const inlineProfile = {
  perceive_system: { inline: 'See.' },
  intend_system: { hash: H2 },
  adjudicate_system: { inline: 'Judge.' },
  adjudication_schema: { hash: H3 },
  adjudication_retry_budget: 1,
};

describe('planResolution', () => {
  const request: ResolveComponentsRequest = {
    store: true,
    entities: [
      { hash: H4 },
      { inline: { id: 'crumb', name: 'Crumb', environment: 'plate' } },
      { hash: H1 },
    ],
    environments: [{ inline: 'Room' }, { hash: H1 }],
    cognition_profiles: [{ hash: H1 }, { inline: inlineProfile }],
  };

  it('lists {hash} references in request order: profiles, environments, entities', () => {
    expect(planResolution(request).hashRefs).toEqual([
      { kind: 'cognition_profile', hash: H1, path: '/cognition_profiles/0/hash' },
      { kind: 'intend_system', hash: H2, path: '/cognition_profiles/1/inline/intend_system/hash' },
      {
        kind: 'adjudication_schema',
        hash: H3,
        path: '/cognition_profiles/1/inline/adjudication_schema/hash',
      },
      { kind: 'environment', hash: H1, path: '/environments/1/hash' },
      { kind: 'entity', hash: H4, path: '/entities/0/hash' },
      { kind: 'entity', hash: H1, path: '/entities/2/hash' },
    ]);
  });

  it('keeps one planned item per request item, in order', () => {
    const plan = planResolution(request);
    expect(plan.profiles.map((p) => p.by)).toEqual(['hash', 'inline']);
    expect(plan.environments.map((p) => p.by)).toEqual(['inline', 'hash']);
    expect(plan.entities.map((p) => p.by)).toEqual(['hash', 'inline', 'hash']);
    const entity = plan.entities[1];
    expect(entity?.by === 'inline' && entity.inline.content).toEqual({
      id: 'crumb',
      name: 'Crumb',
      state: '',
      environment: 'plate',
      kind: 'prop',
    });
  });

  it('lists every inline write, repeats included', () => {
    const plan = planResolution({
      store: true,
      environments: [{ inline: 'Room' }, { inline: 'Room' }],
      cognition_profiles: [{ inline: inlineProfile }],
    });
    expect(plan.writes.map((w) => w.kind)).toEqual([
      'perceive_system',
      'adjudicate_system',
      'cognition_profile',
      'environment',
      'environment',
    ]);
    expect(plan.writes[3]?.hash).toBe(textComponentHash('Room'));
  });

  it('accepts empty and absent lists', () => {
    const plan = planResolution({ store: false });
    expect([plan.profiles, plan.environments, plan.entities, plan.hashRefs]).toEqual([
      [],
      [],
      [],
      [],
    ]);
  });

  it.each<[string, ResolveComponentsRequest, string, string]>([
    [
      'a blank environment',
      { store: false, environments: [{ hash: H1 }, { hash: H1 }, { inline: ' \n' }] },
      '/environments/2/inline',
      'empty_text',
    ],
    [
      'an environment over the size limit',
      { store: false, environments: [{ inline: 'x'.repeat(MAX_COMPONENT_BYTES + 1) }] },
      '/environments/0/inline',
      'too_large',
    ],
    [
      'a blank entity name',
      {
        store: false,
        entities: [{ hash: H1 }, { inline: { id: 'a', name: '\t', environment: 'r' } }],
      },
      '/entities/1/inline/name',
      'empty_text',
    ],
    [
      'a bad schema in an inline profile',
      {
        store: false,
        cognition_profiles: [
          {
            inline: {
              ...inlineProfile,
              adjudication_schema: { inline: { type: 'object', colour: 'red' } },
            },
          },
        ],
      },
      '/cognition_profiles/0/inline/adjudication_schema/inline',
      'invalid_json_schema',
    ],
  ])('refuses %s at its path in the request', (_name, bad, path, reason) => {
    const error = thrownBy(() => planResolution(bad), CrucibleError);
    expect(error.code).toBe('invalid_argument');
    expect(error.details).toMatchObject({ path, reason });
  });

  it('reports the first bad item in request order (profiles before environments)', () => {
    const error = thrownBy(
      () =>
        planResolution({
          store: false,
          environments: [{ inline: ' ' }],
          cognition_profiles: [{ inline: { ...inlineProfile, perceive_system: { inline: ' ' } } }],
        }),
      CrucibleError,
    );
    expect(error.details.path).toBe('/cognition_profiles/0/inline/perceive_system/inline');
  });
});

describe('firstMissing', () => {
  const refs = planResolution({
    store: false,
    cognition_profiles: [{ inline: inlineProfile }],
    environments: [{ hash: H1 }],
    entities: [{ hash: H4 }],
  }).hashRefs;

  it('is the first reference in the order given that does not exist', () => {
    expect(firstMissing(refs, () => true)).toBeUndefined();
    expect(firstMissing(refs, (kind) => kind !== 'entity')?.path).toBe('/entities/0/hash');
    expect(firstMissing(refs, (kind) => kind === 'intend_system')?.path).toBe(
      '/cognition_profiles/0/inline/adjudication_schema/hash',
    );
    expect(firstMissing(refs, () => false)?.path).toBe(
      '/cognition_profiles/0/inline/intend_system/hash',
    );
  });

  it('becomes not_found with kind, hash and path', () => {
    const error = componentNotFound({ kind: 'entity', hash: H4, path: '/entities/0/hash' });
    expect(error.code).toBe('not_found');
    expect(error.details).toEqual({
      path: '/entities/0/hash',
      reason: 'component_not_found',
      kind: 'entity',
      hash: H4,
    });
  });
});

import type { StoredBindings } from './parent-scenario';
import { boundTouched, TOUCHED_COMPONENTS_LIMIT, touchedComponents } from './touched-components';
import { h, profile } from './test-fixtures';

const parent: StoredBindings = {
  hash: h('p'),
  scenario_slug: 'room',
  description: 'A room.',
  chronon_seconds: 60,
  cognition_profiles: new Map([['subject', h('a')]]),
  environments: new Map([['room', h('b')]]),
  entity_hashes: [h('d'), h('e')],
};
const parentProfiles = new Map([[h('a'), profile(h('a'))]]);

describe('touched components', () => {
  it('is empty when nothing changed', () => {
    expect(
      touchedComponents(parent, parentProfiles, {
        ...parent,
        cognition_profiles: new Map([['subject', profile(h('a'))]]),
        environments: new Map([['room', { hash: h('b') }]]),
      }),
    ).toEqual([]);
  });

  it('records a profile change with the part that changed, and nothing else', () => {
    const leakFix = { ...profile(h('f')), adjudicate_system_hash: h('9') };
    expect(
      touchedComponents(parent, parentProfiles, {
        ...parent,
        cognition_profiles: new Map([['subject', leakFix]]),
        environments: new Map([['room', { hash: h('b') }]]),
      }),
    ).toEqual([
      { kind: 'cognition_profile', label: 'subject', from: h('a'), to: h('f') },
      { kind: 'adjudicate_system', label: 'subject', from: h('3'), to: h('9') },
    ]);
  });

  it('records scalars, added and removed labels, and entities by index', () => {
    expect(
      touchedComponents(parent, parentProfiles, {
        ...parent,
        chronon_seconds: 30,
        cognition_profiles: new Map([
          ['subject', profile(h('a'))],
          ['staff', { ...profile(h('c'), 5) }],
        ]),
        environments: new Map([['hall', { hash: h('g') }]]),
        entity_hashes: [h('d')],
      }),
    ).toEqual([
      { kind: 'chronon_seconds', from: 60, to: 30 },
      { kind: 'cognition_profile', label: 'staff', from: null, to: h('c') },
      { kind: 'environment', label: 'hall', from: null, to: h('g') },
      { kind: 'environment', label: 'room', from: h('b'), to: null },
      { kind: 'entity', index: 1, from: h('e'), to: null },
    ]);
  });

  describe('bounded for the reply and the derivation', () => {
    const envs = (n: number) =>
      Array.from({ length: n }, (_, i) => ({
        kind: 'environment' as const,
        label: `env-${String(i).padStart(5, '0')}`,
        from: null,
        to: h('b'),
      }));

    it('keeps every difference up to the limit, and says nothing more', () => {
      const all = envs(TOUCHED_COMPONENTS_LIMIT);
      expect(boundTouched(all)).toEqual({ touched_components: all });
    });

    it('keeps the first differences past the limit, flagged, with the whole count', () => {
      const all = envs(TOUCHED_COMPONENTS_LIMIT + 1);
      expect(boundTouched(all)).toEqual({
        touched_components: all.slice(0, TOUCHED_COMPONENTS_LIMIT),
        touched_components_truncated: true,
        touched_components_count: TOUCHED_COMPONENTS_LIMIT + 1,
      });
    });
  });
});

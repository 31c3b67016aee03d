import { CrucibleError } from '@crucible/contracts';
import { thrownBy } from '@crucible/contracts/testing';
import { applyChanges } from './fork-changes';
import type { StoredBindings } from './parent-scenario';
import { h } from './test-fixtures';

const parent: StoredBindings = {
  hash: h('p'),
  scenario_slug: 'room',
  description: 'A room.',
  chronon_seconds: 60,
  cognition_profiles: new Map([
    ['subject', h('a')],
    ['staff', h('c')],
  ]),
  environments: new Map([['room', h('b')]]),
  entity_hashes: [h('d'), h('e')],
};

describe('fork changes', () => {
  it('inherits everything not mentioned, as {hash} references', () => {
    const draft = applyChanges(parent, {});
    expect(draft.scenario_slug).toBe('room');
    expect([...draft.cognition_profiles]).toEqual([
      ['subject', { ref: { hash: h('a') }, path: null }],
      ['staff', { ref: { hash: h('c') }, path: null }],
    ]);
    expect(draft.entities).toEqual([
      { ref: { hash: h('d') }, path: null },
      { ref: { hash: h('e') }, path: null },
    ]);
  });

  it('applies scalar changes, upserts, removals and an entity list replacement', () => {
    const draft = applyChanges(parent, {
      description: 'A brighter room.',
      chronon_seconds: 30,
      cognition_profile_upserts: { subject: { hash: h('f') } },
      cognition_profile_removals: ['staff'],
      environment_upserts: { hall: { inline: 'A hall.' } },
      entities: [{ hash: h('d') }],
    });
    expect(draft.description).toBe('A brighter room.');
    expect(draft.chronon_seconds).toBe(30);
    expect([...draft.cognition_profiles.keys()]).toEqual(['subject']);
    expect(draft.cognition_profiles.get('subject')).toEqual({
      ref: { hash: h('f') },
      path: '/changes/cognition_profile_upserts/subject',
    });
    expect(draft.environments.get('hall')?.path).toBe('/changes/environment_upserts/hall');
    expect(draft.entities).toEqual([{ ref: { hash: h('d') }, path: '/changes/entities/0' }]);
    expect(draft.paths.removedProfiles.get('staff')).toBe('/changes/cognition_profile_removals/0');
  });

  it('refuses the same label in an upsert and a removal', () => {
    const error = thrownBy(
      () =>
        applyChanges(parent, {
          environment_upserts: { room: { inline: 'x' } },
          environment_removals: ['room'],
        }),
      CrucibleError,
    );
    expect(error.details).toMatchObject({
      path: '/changes/environment_removals/0',
      reason: 'conflicting_label_ops',
      kind: 'environment',
      label: 'room',
    });
  });

  it('refuses to remove a label the parent does not bind', () => {
    expect(
      thrownBy(() => applyChanges(parent, { cognition_profile_removals: ['ghost'] }), CrucibleError)
        .details,
    ).toMatchObject({
      path: '/changes/cognition_profile_removals/0',
      reason: 'label_not_found',
    });
  });
});

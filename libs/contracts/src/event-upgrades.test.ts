import { defaultCatalog } from './catalog';
import { EVENT_UPGRADES } from './event-upgrades';

describe('EVENT_UPGRADES', () => {
  const catalog = defaultCatalog();

  it('has a step from every version of every event to the next', () => {
    const missing = [...catalog.events.values()].flatMap((spec) =>
      [...spec.versions.keys()]
        .filter((v) => v < spec.latestVersion && EVENT_UPGRADES[spec.type]?.[v] === undefined)
        .map((v) => `${spec.type} v${v}`),
    );
    expect(missing).toEqual([]);
  });

  it('turns a name_moved v1 into a valid v2 naming no actor', () => {
    const v1 = {
      name: 'first-room',
      old_hash: null,
      new_hash: 'a'.repeat(64),
      history_id: 1,
      changed_at: '2026-03-14T09:30:00.000Z',
      note: null,
    };
    expect(catalog.registry.check('events/names/name_moved.v1.json', v1)).toBeNull();
    const v2 = EVENT_UPGRADES['names.name_moved']![1]!(v1);
    expect(v2).toEqual({ ...v1, actor: null });
    expect(catalog.registry.check('events/names/name_moved.v2.json', v2)).toBeNull();
  });

  it('adds actor: null and keeps every other member, in every step from v1', () => {
    const data = { id: 7, nested: { kept: true } };
    for (const [type, steps] of Object.entries(EVENT_UPGRADES)) {
      const upgraded = steps[1]!(data);
      expect([type, upgraded]).toEqual([type, { ...data, actor: null }]);
    }
    // model_registry_changed v2 -> v3 takes the data as it is.
    const v2 = { actor: 'admin', change: 'registered' };
    expect(EVENT_UPGRADES['evaluation.model_registry_changed']![2]!(v2)).toBe(v2);
  });
});

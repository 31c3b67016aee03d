import { defaultCatalog } from './catalog';
import { noNewComponents } from './new-components';

describe('noNewComponents', () => {
  it('counts nothing new in every component table, as the schema of NewComponents says', () => {
    const none = noNewComponents();
    expect(none).toEqual({
      perceive_systems: 0,
      intend_systems: 0,
      adjudicate_systems: 0,
      adjudication_schemas: 0,
      cognition_profiles: 0,
      environments: 0,
      entities: 0,
    });
    expect(defaultCatalog().registry.check('components/new_components.v1.json', none)).toBeNull();
  });

  it('gives a new object each call, so a caller may count into it', () => {
    const first = noNewComponents();
    first.entities += 1;
    expect(noNewComponents().entities).toBe(0);
  });
});

import { defaultCatalog } from '@crucible/contracts';
import { OPERATION_EXAMPLES } from './index';

describe('OPERATION_EXAMPLES', () => {
  const catalog = defaultCatalog();

  it('has exactly one example per exposed operation, none for internal ones', () => {
    const named = OPERATION_EXAMPLES.map((e) => e.operation);
    expect([...named].sort()).toEqual(
      catalog
        .exposedOperations()
        .map((op) => op.name)
        .sort(),
    );
  });

  it.each(OPERATION_EXAMPLES.map((e) => [e.operation, e] as const))(
    '%s: request and reply match their schemas',
    (_name, example) => {
      const spec = catalog.operation(example.operation);
      expect(catalog.registry.check(spec.request, example.request)).toBeNull();
      expect(catalog.registry.check(spec.reply, example.reply)).toBeNull();
    },
  );
});

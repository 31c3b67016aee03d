import { defaultCatalog } from '@crucible/contracts';
import { OPERATION_EXAMPLES } from './index';

describe('OPERATION_EXAMPLES', () => {
  const catalog = defaultCatalog();

  it('has one example per exposed operation, in the catalog order docs/api.md shows them in', () => {
    // docs/api.md says the examples run in the order shown: they must.
    expect(OPERATION_EXAMPLES.map((e) => e.operation)).toEqual(
      catalog.exposedOperations().map((op) => op.name),
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

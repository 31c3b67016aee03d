// The peer bench's catalog (the real schemas plus its one operation) must
// load as the bench's server and client load it: it broke unnoticed once,
// when the catalog began to require a scope on every operation.
import { createHash } from 'node:crypto';
import { Catalog, SchemaRegistry, type OperationName } from '@crucible/contracts';
import { PEER_OPERATION, PEER_SERVICE, writeBenchCatalog } from '../bench/peer/bench-catalog';

describe('the peer bench catalog', () => {
  it('loads, and checks the bench operation at both ends', () => {
    const folder = writeBenchCatalog();
    try {
      const catalog = new Catalog(new SchemaRegistry(folder.dir));
      const operation = PEER_OPERATION as OperationName;
      expect(catalog.operation(operation).service).toBe(PEER_SERVICE);
      const hash = createHash('sha256').update('text').digest('hex');
      const spec = catalog.operation(operation);
      const check = (file: string, value: unknown) => catalog.registry.check(file, value);
      expect(check(spec.request, { content: 'text' })).toBeNull();
      expect(check(spec.request, { content: '' })).toMatchObject({ instancePath: '/content' });
      expect(check(spec.reply, { hash })).toBeNull();
      expect(check(spec.reply, { hash: 'nope' })).toMatchObject({ instancePath: '/hash' });
    } finally {
      folder.remove();
    }
  });
});

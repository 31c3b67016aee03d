import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Catalog, OPERATION_SCOPES, defaultCatalog, scopeGrants } from './catalog';
import { DEFAULT_SCHEMAS_DIR, SchemaRegistry } from './schema-registry';

type CatalogOperations = Record<
  string,
  { callers?: string[]; exposed?: boolean; request: string; reply: string }
>;
type CatalogStreams = Record<
  string,
  { events: Record<string, { versions: Record<string, string> }> }
>;

/** What building a catalog from an edited copy of ours throws (undefined: nothing). */
function failureWith(edit: (ops: CatalogOperations, streams: CatalogStreams) => void): unknown {
  const file = JSON.parse(readFileSync(join(DEFAULT_SCHEMAS_DIR, 'catalog.json'), 'utf8')) as {
    operations: CatalogOperations;
    streams: CatalogStreams;
  };
  const dir = mkdtempSync(join(tmpdir(), 'catalog-'));
  try {
    cpSync(DEFAULT_SCHEMAS_DIR, dir, { recursive: true });
    edit(file.operations, file.streams);
    writeFileSync(join(dir, 'catalog.json'), JSON.stringify(file));
    new Catalog(new SchemaRegistry(dir));
    return undefined;
  } catch (error) {
    return error;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe('message catalog', () => {
  const catalog = defaultCatalog();

  it('loads every operation with its request and reply schemas', () => {
    expect(catalog.operations.size).toBeGreaterThanOrEqual(15);
    const put = catalog.operation('put_environment');
    expect(put).toMatchObject({
      service: 'components',
      request: 'components/put_environment.request.v1.json',
      reply: 'components/put_component.reply.v1.json',
      http: { method: 'POST', path: '/v1/components/environments' },
    });
  });

  it('has unique HTTP routes', () => {
    const routes = [...catalog.operations.values()].map(
      (op) => `${op.http.method} ${op.http.path}`,
    );
    expect(new Set(routes).size).toBe(routes.length);
  });

  it('declares which service calls which operation', () => {
    expect(catalog.mayCall('scenarios', 'resolve_components')).toBe(true);
    expect(catalog.mayCall('names', 'check_scenarios')).toBe(true);
    expect(catalog.mayCall('names', 'resolve_components')).toBe(false);
    expect(catalog.mayCall('components', 'check_scenarios')).toBe(false);
    // An operation only for other services names who calls it.
    for (const op of catalog.operations.values())
      if (!op.exposed)
        expect({ op: op.name, callers: op.callers.length > 0 }).toEqual({
          op: op.name,
          callers: true,
        });
  });

  it('refuses a catalog whose callers name no service of it', () => {
    expect(failureWith((ops) => (ops.check_scenarios!.callers = ['nmaes']))).toEqual(
      new Error('schemas/catalog.json: check_scenarios lists nmaes, which is no service'),
    );
    expect(failureWith((ops) => (ops.check_scenarios!.callers = ['scenarios']))).toEqual(
      new Error('schemas/catalog.json: check_scenarios lists its own service as a caller'),
    );
    expect(String(failureWith((ops) => delete ops.check_scenarios!.callers))).toContain(
      'schemas/catalog.json is invalid',
    );
  });

  it('names schemas that all compile, though it compiles only its own', () => {
    // A fresh registry: whatever another test compiled in the shared one does not count.
    const registry = new SchemaRegistry(DEFAULT_SCHEMAS_DIR);
    const compiled = jest.spyOn(registry, 'validator');
    const built = new Catalog(registry);
    // catalog.json is checked against its schema; the files it names only found.
    expect(compiled.mock.calls).toEqual([['catalog.schema.json']]);
    const named = [
      ...[...built.operations.values()].flatMap((op) => [op.request, op.reply]),
      ...[...built.events.values()].flatMap((event) => [...event.versions.values()]),
    ];
    expect(named.length).toBeGreaterThan(2 * built.operations.size);
    // Every schema file, named by the catalog or not (memory data, common definitions).
    for (const file of new Set([...named, ...registry.list()]))
      expect(typeof registry.validator(file)).toBe('function');
  });

  it('refuses a catalog naming a schema file that does not exist, when it loads', () => {
    expect(failureWith((ops) => (ops.get_entity!.request = 'components/nope.v1.json'))).toEqual(
      new Error('unknown schema components/nope.v1.json'),
    );
    expect(failureWith((ops) => (ops.get_entity!.reply = 'components/gone.v1.json'))).toEqual(
      new Error('unknown schema components/gone.v1.json'),
    );
    expect(
      failureWith((_ops, streams) => {
        streams.names!.events.name_moved!.versions['1'] = 'events/names/nope.v1.json';
      }),
    ).toEqual(new Error('unknown schema events/names/nope.v1.json'));
  });

  it('defaults an operation to exposed, not paged, called by no other service', () => {
    // Built here, not shared: what the constructor fills in is what is under test.
    const built = new Catalog(new SchemaRegistry(DEFAULT_SCHEMAS_DIR));
    const put = built.operation('put_environment');
    expect([put.exposed, put.paged, put.callers]).toEqual([true, false, []]);
    const listed = built.operation('get_components');
    expect([listed.exposed, listed.paged, listed.callers]).toEqual([true, true, ['scenarios']]);
    const internalOnly = built.operation('resolve_components');
    expect([internalOnly.exposed, internalOnly.paged]).toEqual([false, false]);
    expect(built.mayCall('scenarios', 'put_environment')).toBe(false);
    // Streams: each owned by the service it names unless it says otherwise.
    expect(built.streamService('names')).toBe('names');
    expect(built.streamService('evaluation_feedback')).toBe('evaluation');
    expect(built.streams).toContain('evaluation_feedback');
    const moved = built.event('names.name_moved');
    expect([moved.type, moved.stream, moved.name, moved.latestVersion]).toEqual([
      'names.name_moved',
      'names',
      'name_moved',
      2,
    ]);
    expect(moved.summary.length).toBeGreaterThan(0);
  });

  it('tells operation names and event types from other strings', () => {
    expect(catalog.isOperation('put_environment')).toBe(true);
    expect(catalog.isOperation('launch')).toBe(false);
    expect(catalog.isEventType('names.name_moved')).toBe(true);
  });

  it('knows event versions', () => {
    const stored = catalog.event('components.component_stored');
    expect(stored.stream).toBe('components');
    expect(stored.latestVersion).toBe(2);
    expect([...stored.versions.keys()]).toEqual([1, 2]);
    expect(catalog.isEventType('components.nope')).toBe(false);
  });

  it('gives each stream an owning service: its own name, or the one it says', () => {
    expect(catalog.streamService('names')).toBe('names');
    expect(catalog.streamService('evaluation_feedback')).toBe('evaluation');
    expect(catalog.streamsOf('evaluation')).toEqual(['evaluation', 'evaluation_feedback']);
    expect(catalog.streamsOf('names')).toEqual(['names']);
    expect(() => catalog.streamService('nope')).toThrow('unknown stream nope');
  });

  it('has generated types in sync with the schemas', () => {
    const script = join(__dirname, '../scripts/codegen.mjs');
    const run = spawnSync(process.execPath, [script, '--check'], { encoding: 'utf8' });
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
  });
});

describe('bundled schemas', () => {
  it('inlines every reference and drops our annotations', () => {
    const { bundleSchema } =
      jest.requireActual<typeof import('./schema-bundle')>('./schema-bundle');
    const catalog = defaultCatalog();
    for (const op of catalog.operations.values()) {
      for (const file of [op.request, op.reply]) {
        const text = JSON.stringify(bundleSchema(catalog.registry, file));
        expect(text).not.toContain('$ref');
        expect(text).not.toContain('x-crucible-reason');
        expect(text).not.toContain('tsType');
      }
    }
    const entity = bundleSchema(catalog.registry, 'components/put_entity.request.v1.json') as {
      properties: { content: { properties: { id: { pattern: string } } } };
    };
    expect(entity.properties.content.properties.id.pattern).toBe(
      '^[a-z0-9]([a-z0-9_-]{0,62}[a-z0-9])?$',
    );
  });
});

describe('scopeGrants', () => {
  it('lets each scope do what it and the weaker ones allow, and nothing without a scope', () => {
    const table = OPERATION_SCOPES.flatMap((granted) =>
      OPERATION_SCOPES.map((needed) => [granted, needed, scopeGrants([granted], needed)]),
    );
    expect(table).toEqual([
      ['read', 'read', true],
      ['read', 'write', false],
      ['read', 'admin', false],
      ['write', 'read', true],
      ['write', 'write', true],
      ['write', 'admin', false],
      ['admin', 'read', true],
      ['admin', 'write', true],
      ['admin', 'admin', true],
    ]);
    expect(scopeGrants([], 'read')).toBe(false);
    expect(scopeGrants(['read', 'admin'], 'write')).toBe(true);
    expect(scopeGrants(new Set(['read', 'write'] as const), 'admin')).toBe(false);
  });
});

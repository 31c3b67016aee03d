import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { defaultCatalog } from './catalog';

describe('message catalog', () => {
  const catalog = defaultCatalog();

  it('loads every operation with compilable request and reply schemas', () => {
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

  it('knows event versions', () => {
    const stored = catalog.event('components.component_stored');
    expect(stored.stream).toBe('components');
    expect(stored.latestVersion).toBe(1);
    expect(catalog.isEventType('components.nope')).toBe(false);
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

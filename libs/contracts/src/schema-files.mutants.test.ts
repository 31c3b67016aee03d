// The schema registry and bundler on schema files made for the test, so
// each rule is seen on its own: $id checks, which error is reported, and how
// a bundle inlines references (written against mutants that survived
// `npm run mutate`; docs/testing.md).
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { bundleSchema } from './schema-bundle';
import { SCHEMA_BASE_URI, SchemaRegistry } from './schema-registry';

const dirs: string[] = [];
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

/** A schemas folder holding `files` (path -> schema; $id added unless given). */
function schemas(files: Record<string, Record<string, unknown>>): string {
  const dir = mkdtempSync(join(tmpdir(), 'crucible-schemas-'));
  dirs.push(dir);
  for (const [path, schema] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), JSON.stringify({ $id: SCHEMA_BASE_URI + path, ...schema }));
  }
  return dir;
}

describe('SchemaRegistry', () => {
  it('refuses a schema whose $id is not its path, and skips catalog.json', () => {
    const dir = schemas({ 'a/x.v1.json': { $id: `${SCHEMA_BASE_URI}a/y.v1.json` } });
    expect(() => new SchemaRegistry(dir)).toThrow(
      `schema a/x.v1.json must have $id ${SCHEMA_BASE_URI}a/x.v1.json`,
    );
    const ok = schemas({ 'b.v1.json': {}, 'a.v1.json': {} });
    writeFileSync(join(ok, 'catalog.json'), '{"not":"a schema"}');
    expect(new SchemaRegistry(ok).list()).toEqual(['a.v1.json', 'b.v1.json']);
  });

  it('names an unknown schema', () => {
    const registry = new SchemaRegistry(schemas({ 'a.v1.json': {} }));
    expect(() => registry.validator('nope.v1.json')).toThrow('unknown schema nope.v1.json');
    expect(() => registry.schema('nope.v1.json')).toThrow('unknown schema nope.v1.json');
    expect(registry.has('a.v1.json')).toBe(true);
    expect(registry.has('nope.v1.json')).toBe(false);
  });

  it('reports the deepest error, the first of equals', () => {
    const registry = new SchemaRegistry(
      schemas({
        'one.v1.json': {
          oneOf: [
            { type: 'object', properties: { a: { type: 'string' } }, required: ['a'] },
            { type: 'string' },
          ],
        },
        'any.v1.json': {
          type: 'object',
          anyOf: [
            { properties: { a: {} }, required: ['a'] },
            { properties: { b: {} }, required: ['b'] },
          ],
        },
      }),
    );
    expect(registry.check('one.v1.json', { a: 1 })).toMatchObject({
      instancePath: '/a',
      keyword: 'type',
    });
    expect(registry.check('any.v1.json', {})).toMatchObject({
      keyword: 'required',
      params: { missingProperty: 'a' },
    });
    expect(registry.check('any.v1.json', { b: 1 })).toBeNull();
  });
});

describe('bundleSchema', () => {
  const registry = new SchemaRegistry(
    schemas({
      'defs.v1.json': {
        definitions: {
          label: { type: 'string', pattern: '^[a-z]+$', 'x-crucible-reason': 'invalid_label' },
          'a/b': { type: 'integer' },
          'c~d': { type: 'boolean' },
          anything: true,
        },
      },
      'main.v1.json': {
        $schema: 'http://json-schema.org/draft-07/schema#',
        title: 'Main',
        type: 'object',
        properties: {
          definitions: { type: 'number' },
          $id: { type: 'string' },
          label: {
            $ref: 'defs.v1.json#/definitions/label',
            description: 'on the referencing side',
          },
          slash: { $ref: 'defs.v1.json#/definitions/a~1b' },
          tilde: { $ref: 'defs.v1.json#/definitions/c~0d' },
          free: { $ref: 'defs.v1.json#/definitions/anything', description: 'dropped with true' },
          list: { type: 'array', items: { $ref: '#/definitions/local' } },
        },
        patternProperties: { '^x-': { $ref: '#/definitions/local' } },
        definitions: { local: { type: 'integer', minimum: 0 } },
      },
      'loop.v1.json': {
        definitions: {
          node: { type: 'object', properties: { next: { $ref: '#/definitions/node' } } },
        },
        $ref: '#/definitions/node',
      },
    }),
  );

  it('inlines every reference, keeps the referencing side, drops annotations and definitions', () => {
    expect(bundleSchema(registry, 'main.v1.json')).toEqual({
      title: 'Main',
      type: 'object',
      properties: {
        // Members of `properties` are names, not keywords: never dropped.
        definitions: { type: 'number' },
        $id: { type: 'string' },
        label: { type: 'string', pattern: '^[a-z]+$', description: 'on the referencing side' },
        slash: { type: 'integer' },
        tilde: { type: 'boolean' },
        free: true,
        list: { type: 'array', items: { type: 'integer', minimum: 0 } },
      },
      patternProperties: { '^x-': { type: 'integer', minimum: 0 } },
    });
  });

  it('throws on a cycle', () => {
    expect(() => bundleSchema(registry, 'loop.v1.json')).toThrow(
      `recursive schema reference ${SCHEMA_BASE_URI}loop.v1.json#/definitions/node`,
    );
  });
});

// The schema registry and bundler on schema files made for the test, so
// each rule is seen on its own: $id checks, which error is reported, and how
// a bundle inlines references (written against mutants that survived
// `npm run mutate`; docs/testing.md).
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
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

  it('prefers a deeper error, and a missing or unknown field over a wrong type at its level', () => {
    const registry = new SchemaRegistry(
      schemas({
        'deeper.v1.json': {
          oneOf: [{ type: 'string' }, { type: 'object', properties: { a: { type: 'string' } } }],
        },
        'missing.v1.json': {
          oneOf: [{ type: 'string' }, { type: 'object', properties: { a: {} }, required: ['a'] }],
        },
        'unknown.v1.json': {
          oneOf: [{ type: 'string' }, { type: 'object', additionalProperties: false }],
        },
        // By levels, not by length: /a/b is deeper than /abc.
        'levels.v1.json': {
          oneOf: [
            { type: 'object', properties: { abc: { type: 'string' } } },
            {
              type: 'object',
              properties: { a: { type: 'object', properties: { b: { type: 'string' } } } },
            },
          ],
        },
        'tie.v1.json': {
          oneOf: [
            { type: 'object', properties: { z: {} }, required: ['z'] },
            { type: 'object', properties: { a: { type: 'string' } } },
          ],
        },
      }),
    );
    // Each branch fails; the top-level type error comes first in ajv's list.
    expect(registry.check('deeper.v1.json', { a: 1 })).toMatchObject({
      instancePath: '/a',
      keyword: 'type',
    });
    expect(registry.check('missing.v1.json', {})).toMatchObject({
      instancePath: '',
      keyword: 'required',
    });
    expect(registry.check('unknown.v1.json', { b: 1 })).toMatchObject({
      instancePath: '',
      keyword: 'additionalProperties',
      params: { additionalProperty: 'b' },
    });
    expect(registry.check('levels.v1.json', { abc: 1, a: { b: 1 } })).toMatchObject({
      instancePath: '/a/b',
      keyword: 'type',
    });
    // A missing field counts one level down: as deep as a wrong type at /a, and first.
    expect(registry.check('tie.v1.json', { a: 1 })).toMatchObject({
      instancePath: '',
      keyword: 'required',
      params: { missingProperty: 'z' },
    });
  });

  it('stops at the first error: a later, deeper one is never looked for', () => {
    const registry = new SchemaRegistry(
      schemas({
        'two.v1.json': {
          type: 'object',
          properties: {
            a: { type: 'string' },
            b: { type: 'object', properties: { c: { type: 'string' } } },
          },
        },
      }),
    );
    expect(registry.check('two.v1.json', { a: 1, b: { c: 1 } })).toMatchObject({
      instancePath: '/a',
      keyword: 'type',
    });
  });

  it('compiles strictly: union types and our annotations pass, an unknown keyword does not', () => {
    const registry = new SchemaRegistry(
      schemas({
        'union.v1.json': { type: ['string', 'null'] },
        'annotated.v1.json': {
          type: 'object',
          tsType: 'Annotated',
          'x-crucible-upgrade': { from: 1 },
          properties: {
            label: { type: 'string', 'x-crucible-reason': 'invalid_label' },
            old: { not: {}, 'x-crucible-replaced-by': 'label' },
          },
        },
        'typo.v1.json': { type: 'object', maxLenght: 3 },
      }),
    );
    expect(registry.check('union.v1.json', null)).toBeNull();
    expect(registry.check('union.v1.json', 'x')).toBeNull();
    expect(registry.check('union.v1.json', 1)).toMatchObject({ keyword: 'type' });
    expect(registry.check('annotated.v1.json', { label: 'x' })).toBeNull();
    // verbose: the error carries the schema that failed, annotations and all.
    expect(registry.check('annotated.v1.json', { old: 1 })).toMatchObject({
      keyword: 'not',
      instancePath: '/old',
      parentSchema: { 'x-crucible-replaced-by': 'label' },
    });
    expect(() => registry.validator('typo.v1.json')).toThrow('unknown keyword: "maxLenght"');
  });

  it('loads .json files of every subfolder, nothing else, and lists them sorted', () => {
    const dir = schemas({ 'a/z.v1.json': {}, 'a.v1.json': {}, 'b/c/d.v1.json': {} });
    writeFileSync(join(dir, 'notes.txt'), 'not json');
    writeFileSync(join(dir, 'a', 'README.md'), '# not json either');
    // Depth first, the folder `a` comes before `a.v1.json`; sorted, after ('.' < '/').
    expect(new SchemaRegistry(dir).list()).toEqual(['a.v1.json', 'a/z.v1.json', 'b/c/d.v1.json']);
  });
});

/**
 * bundleSchema, its module loaded by the first test that calls it rather than
 * by an import: the set of keys it drops is built when the module loads, and
 * Stryker credits a test only with code that ran during it (docs/testing.md,
 * "Mutation testing"; catalog.test.ts does the same).
 */
function bundleSchema(registry: SchemaRegistry, file: string): Record<string, unknown> {
  return jest
    .requireActual<typeof import('./schema-bundle')>('./schema-bundle')
    .bundleSchema(registry, file);
}

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
        $defs: { unused: { type: 'string' } },
      },
      'lists.v1.json': {
        type: 'object',
        properties: {
          mode: { enum: ['on', null] },
          either: { anyOf: [{ $ref: 'defs.v1.json#/definitions/a~1b' }, { type: 'null' }] },
        },
        required: ['mode'],
        // Pattern names are names too, even one spelled like an annotation.
        patternProperties: { tsType: { type: 'string' } },
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

  it('keeps lists as lists, with their references inlined, and null as it is', () => {
    expect(bundleSchema(registry, 'lists.v1.json')).toEqual({
      type: 'object',
      properties: {
        mode: { enum: ['on', null] },
        either: { anyOf: [{ type: 'integer' }, { type: 'null' }] },
      },
      required: ['mode'],
      patternProperties: { tsType: { type: 'string' } },
    });
  });

  it('throws on a cycle', () => {
    expect(() => bundleSchema(registry, 'loop.v1.json')).toThrow(
      `recursive schema reference ${SCHEMA_BASE_URI}loop.v1.json#/definitions/node`,
    );
  });
});

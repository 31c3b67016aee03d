// Rules of the components domain that only the integration suites exercised,
// so their unit tests failed on no change: written against mutants that
// survived `npm run mutate` (docs/testing.md).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CrucibleError, noNewComponents, type Entity } from '@crucible/contracts';
import { thrownBy } from '@crucible/contracts/testing';
import { JSON_COMPONENT_KINDS, TEXT_COMPONENT_KINDS } from '@crucible/hashing';
import { checkAdjudicationSchema } from './adjudication-schema';
import { KINDS } from './component-kinds';
import { normalizeEntity } from './entity';
import { componentNotFound, firstMissing, type HashRef } from './hash-refs';

const A = 'a'.repeat(64);
const B = 'b'.repeat(64);

/** The wire form of the CrucibleError `fn` throws. */
function refusal(fn: () => unknown) {
  return thrownBy(fn, CrucibleError).toWire();
}

describe('checkAdjudicationSchema', () => {
  it('accepts draft-07 (by default or declared, with or without #) and 2020-12', () => {
    const object = { type: 'object', properties: { narration: { type: 'string' } } };
    expect(() => checkAdjudicationSchema(object, '/s')).not.toThrow();
    for (const draft of [
      'http://json-schema.org/draft-07/schema#',
      'http://json-schema.org/draft-07/schema',
    ])
      expect(() => checkAdjudicationSchema({ ...object, $schema: draft }, '/s')).not.toThrow();
    // prefixItems is a 2020-12 keyword: valid there, unknown (so refused) in draft-07.
    const tuple = { type: 'array', prefixItems: [{ type: 'string' }] };
    expect(() =>
      checkAdjudicationSchema(
        { ...tuple, $schema: 'https://json-schema.org/draft/2020-12/schema' },
        '/s',
      ),
    ).not.toThrow();
    expect(refusal(() => checkAdjudicationSchema(tuple, '/s')).details).toMatchObject({
      reason: 'invalid_json_schema',
      path: '/s',
    });
  });

  it('refuses another $schema at the $schema member', () => {
    expect(
      refusal(() =>
        checkAdjudicationSchema({ $schema: 'http://json-schema.org/draft-04/schema#' }, '/p'),
      ),
    ).toEqual({
      code: 'invalid_argument',
      retryable: false,
      message: '/p/$schema: only draft-07 and 2020-12 JSON Schemas are supported',
      details: { reason: 'invalid_json_schema', path: '/p/$schema' },
    });
    expect(refusal(() => checkAdjudicationSchema({ $schema: 7 }, '/p')).details).toMatchObject({
      path: '/p/$schema',
    });
  });

  it('refuses what does not compile, with ajv saying why', () => {
    const error = refusal(() => checkAdjudicationSchema({ type: 'nope' }, '/p'));
    expect(error).toMatchObject({
      code: 'invalid_argument',
      details: { reason: 'invalid_json_schema', path: '/p' },
    });
    expect(error.message).toMatch(/^\/p: not a usable JSON Schema: .+/);
  });

  it('forgets each schema it compiled, so the same $id can come again', () => {
    const withId = { $id: 'https://example.test/outcome.json', type: 'object' };
    expect(() => checkAdjudicationSchema(withId, '/a')).not.toThrow();
    expect(() => checkAdjudicationSchema({ ...withId, title: 'another' }, '/b')).not.toThrow();
  });
});

describe('normalizeEntity', () => {
  it('makes every default explicit', () => {
    expect(normalizeEntity({ id: 'lamp', name: 'Lamp', environment: 'room' }, '')).toEqual({
      id: 'lamp',
      name: 'Lamp',
      state: '',
      environment: 'room',
      kind: 'prop',
    });
    const agent: Entity = {
      id: 'keeper',
      name: 'Keeper',
      state: 'Awake.',
      environment: 'room',
      kind: { agent: { goal: 'Leave.', cognition_profile: 'mind' } },
    };
    expect(normalizeEntity(agent, '')).toEqual({
      id: 'keeper',
      name: 'Keeper',
      state: 'Awake.',
      environment: 'room',
      kind: { agent: { goal: 'Leave.', memory: '', cognition_profile: 'mind' } },
    });
    expect(
      normalizeEntity(
        {
          ...agent,
          kind: { agent: { goal: 'Leave.', memory: 'Once.', cognition_profile: 'mind' } },
        },
        '',
      ).kind,
    ).toEqual({ agent: { goal: 'Leave.', memory: 'Once.', cognition_profile: 'mind' } });
    expect(normalizeEntity({ ...agent, kind: 'prop' }, '').kind).toBe('prop');
  });

  it('refuses a blank name at its path', () => {
    expect(
      refusal(() => normalizeEntity({ id: 'x', name: ' \t', environment: 'room' }, '/entities/2')),
    ).toEqual({
      code: 'invalid_argument',
      retryable: false,
      message: '/entities/2/name: entity name must not be blank',
      details: { reason: 'empty_text', path: '/entities/2/name' },
    });
  });
});

describe('hash references', () => {
  const refs: HashRef[] = [
    { kind: 'environment', hash: A, path: '/environments/a/hash' },
    { kind: 'entity', hash: B, path: '/entities/0/hash' },
    { kind: 'environment', hash: B, path: '/environments/b/hash' },
  ];

  it('finds the first missing reference in request order, or none', () => {
    expect(firstMissing(refs, (_kind, hash) => hash === A)).toBe(refs[1]);
    expect(firstMissing(refs, (kind) => kind === 'entity')).toBe(refs[0]);
    expect(firstMissing(refs, () => true)).toBeUndefined();
  });

  it('reports it as component_not_found with kind, hash and path', () => {
    expect(componentNotFound(refs[1]!).toWire()).toEqual({
      code: 'not_found',
      retryable: false,
      message: `/entities/0/hash: no entity with hash ${B}`,
      details: { reason: 'component_not_found', path: '/entities/0/hash', kind: 'entity', hash: B },
    });
  });
});

describe('component kinds', () => {
  it('name the tables of the components migration, the counters of NewComponents and the hashing rule of each kind', () => {
    const sql = readFileSync(
      join(__dirname, '../../../../migrations/components/0001_components.sql'),
      'utf8',
    );
    const tables = [...sql.matchAll(/CREATE TABLE (\w+)/g)].map((m) => m[1]);
    const specs = Object.entries(KINDS);
    for (const [kind, spec] of specs) expect(spec.kind).toBe(kind);
    expect(specs.map(([, spec]) => spec.table).sort()).toEqual(
      tables.filter((table) => table !== 'outbox').sort(),
    );
    expect(specs.map(([, spec]) => spec.counter).sort()).toEqual(
      Object.keys(noNewComponents()).sort(),
    );
    for (const [, spec] of specs) expect(spec.counter).toBe(spec.table);
    const content = (kind: string) =>
      (TEXT_COMPONENT_KINDS as readonly string[]).includes(kind)
        ? 'text'
        : (JSON_COMPONENT_KINDS as readonly string[]).includes(kind)
          ? 'json'
          : 'profile';
    for (const [kind, spec] of specs) expect(spec.content).toBe(content(kind));
  });
});

import { CrucibleError } from '@crucible/contracts';
import { thrownBy } from '@crucible/contracts/testing';
import { MAX_COMPONENT_BYTES, prepareJson, prepareText } from './prepared-component';

describe('text components', () => {
  it('hashes the exact bytes', () => {
    const a = prepareText('environment', 'A room.', '/content');
    const b = prepareText('environment', 'A room. ', '/content');
    expect(a.hash).toMatch(/^[0-9a-f]{64}$/);
    expect(a.hash).not.toBe(b.hash);
    expect(a.sizeBytes).toBe(7);
  });

  it('refuses blank text and names the field', () => {
    expect(
      thrownBy(() => prepareText('perceive_system', ' \n\t', '/content'), CrucibleError).details,
    ).toMatchObject({
      path: '/content',
      reason: 'empty_text',
    });
  });

  it('refuses text over the size limit, counting UTF-8 bytes', () => {
    const text = 'é'.repeat(MAX_COMPONENT_BYTES / 2 + 1); // 2 bytes each
    expect(
      thrownBy(() => prepareText('environment', text, '/content'), CrucibleError).details,
    ).toMatchObject({
      path: '/content',
      reason: 'too_large',
      limit_bytes: MAX_COMPONENT_BYTES,
    });
    expect(() =>
      prepareText('environment', 'é'.repeat(MAX_COMPONENT_BYTES / 2), '/content'),
    ).not.toThrow();
  });
});

describe('entities', () => {
  it('normalizes defaults so equal meaning hashes equal', () => {
    const short = prepareJson(
      'entity',
      { id: 'crumb', name: 'Crumb', environment: 'plate' },
      '/content',
    );
    const full = prepareJson(
      'entity',
      { kind: 'prop', environment: 'plate', state: '', name: 'Crumb', id: 'crumb' },
      '/content',
    );
    expect(short.hash).toBe(full.hash);
    expect(short.content).toEqual({
      id: 'crumb',
      name: 'Crumb',
      state: '',
      environment: 'plate',
      kind: 'prop',
    });
    const agent = prepareJson(
      'entity',
      {
        id: 'ant',
        name: 'Ant',
        environment: 'plate',
        kind: { agent: { goal: 'eat', cognition_profile: 'ant' } },
      },
      '/content',
    );
    expect(agent.content).toMatchObject({
      kind: { agent: { goal: 'eat', memory: '', cognition_profile: 'ant' } },
    });
  });

  it('refuses a blank name', () => {
    expect(
      thrownBy(
        () => prepareJson('entity', { id: 'a', name: '  ', environment: 'p' }, '/content'),
        CrucibleError,
      ).details,
    ).toMatchObject({ path: '/content/name', reason: 'empty_text' });
  });
});

describe('adjudication schemas', () => {
  it('accepts draft-07 and 2020-12 schemas', () => {
    expect(() =>
      prepareJson(
        'adjudication_schema',
        { type: 'object', properties: { narration: { type: 'string' } } },
        '/content',
      ),
    ).not.toThrow();
    expect(() =>
      prepareJson(
        'adjudication_schema',
        {
          $schema: 'https://json-schema.org/draft/2020-12/schema',
          type: 'array',
          prefixItems: [{ type: 'string' }],
        },
        '/content',
      ),
    ).not.toThrow();
  });

  it.each([
    ['unknown type', { type: 'banana' }],
    ['unknown keyword', { type: 'object', colour: 'red' }],
    ['bad nested schema', { type: 'object', properties: { a: { minimum: 'x' } } }],
    ['remote reference', { $ref: 'https://example.com/schema.json' }],
    ['unsupported draft', { $schema: 'http://json-schema.org/draft-04/schema#', type: 'object' }],
  ])('refuses %s', (_name, schema) => {
    const error = thrownBy(
      () => prepareJson('adjudication_schema', schema, '/content'),
      CrucibleError,
    );
    expect(error.code).toBe('invalid_argument');
    expect(error.details.reason).toBe('invalid_json_schema');
    expect(error.details.path).toMatch(/^\/content/);
  });

  it('can store the same $id twice (compilation leaves nothing behind)', () => {
    const schema = { $id: 'urn:crucible:test', type: 'object' };
    expect(() => prepareJson('adjudication_schema', schema, '/content')).not.toThrow();
    expect(() =>
      prepareJson('adjudication_schema', { ...schema, required: [] }, '/content'),
    ).not.toThrow();
  });

  it('refuses numbers JSON cannot carry', () => {
    expect(
      thrownBy(
        () => prepareJson('adjudication_schema', { type: 'number', maximum: Infinity }, '/content'),
        CrucibleError,
      ).details,
    ).toMatchObject({ path: '/content/maximum', reason: 'not_json' });
  });
});

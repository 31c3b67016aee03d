// Behaviour of the contracts lib that its other unit tests left unchecked:
// written against mutants that survived `npm run mutate` (docs/testing.md).
// Each case pins a reason, a path or a message a client or an operator reads.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ErrorObject } from 'ajv';
import {
  CrucibleError,
  ERROR_CODES,
  assertNever,
  httpStatusFor,
  internal,
  isRetryableCode,
  payloadTooLarge,
  toCrucibleError,
} from './errors';
import { defaultCatalog, type OperationName } from './catalog';
import { consumerGroup, operationSubject, serviceQueue, streamTopic } from './subjects';
import { assertValid, findUnrepresentable, fromAjvError } from './validation';
import { SCHEMA_BASE_URI, SchemaRegistry } from './schema-registry';

describe('errors', () => {
  it('has the closed set of codes, each with its status and retry rule', () => {
    expect(ERROR_CODES).toEqual([
      'invalid_argument',
      'not_found',
      'conflict',
      'payload_too_large',
      'unauthenticated',
      'permission_denied',
      'resource_exhausted',
      'unavailable',
      'internal',
    ]);
    expect(ERROR_CODES.map((code) => [code, httpStatusFor(code), isRetryableCode(code)])).toEqual([
      ['invalid_argument', 400, false],
      ['not_found', 404, false],
      ['conflict', 409, false],
      ['payload_too_large', 413, false],
      ['unauthenticated', 401, false],
      ['permission_denied', 403, false],
      ['resource_exhausted', 429, true],
      ['unavailable', 503, true],
      ['internal', 500, false],
    ]);
  });

  it('builds payload_too_large and internal errors with their details', () => {
    expect(payloadTooLarge(10, 25, '/body').toWire()).toEqual({
      code: 'payload_too_large',
      message: 'payload of 25 bytes exceeds the limit of 10 bytes',
      retryable: false,
      details: { path: '/body', reason: 'payload_too_large', limit_bytes: 10, actual_bytes: 25 },
    });
    expect(payloadTooLarge(1, 2).details.path).toBe('');
    expect(internal().toWire()).toEqual({
      code: 'internal',
      message: 'internal error',
      retryable: false,
      details: {},
    });
    expect(new CrucibleError('conflict', 'x').name).toBe('CrucibleError');
  });

  it('turns a wire error back into the same error, and anything else into a bare internal', () => {
    const wire = { code: 'not_found', message: 'gone', retryable: false, details: { reason: 'r' } };
    expect(toCrucibleError(wire).toWire()).toEqual(wire);
    const own = new CrucibleError('conflict', 'mine');
    expect(toCrucibleError(own)).toBe(own);
    for (const notWire of [
      null,
      undefined,
      'not_found',
      new Error('boom'),
      { ...wire, code: 'teapot' },
      { ...wire, code: 7 },
      { ...wire, message: 1 },
      { ...wire, retryable: 'no' },
      { ...wire, details: null },
      { ...wire, details: 'r' },
    ]) {
      expect(toCrucibleError(notWire).toWire()).toEqual(internal().toWire());
    }
  });

  it('assertNever names the value that got through', () => {
    expect(() => assertNever('surprise' as never)).toThrow('unexpected value: "surprise"');
  });
});

describe('catalog look-ups', () => {
  const catalog = defaultCatalog();

  it('lists the operations of a service and those exposed over HTTP', () => {
    const names = catalog.operationsOf('names').map((op) => op.name);
    expect(names.length).toBeGreaterThan(0);
    expect(catalog.operationsOf('names').every((op) => op.service === 'names')).toBe(true);
    expect([...catalog.operations.values()].filter((op) => op.service === 'names').length).toBe(
      names.length,
    );
    const exposed = catalog.exposedOperations();
    expect(exposed.every((op) => op.exposed)).toBe(true);
    expect(exposed.length).toBe([...catalog.operations.values()].filter((op) => op.exposed).length);
    expect(exposed.length).toBeLessThan(catalog.operations.size);
  });

  it('names what it does not know', () => {
    expect(() => catalog.operation('launch' as OperationName)).toThrow('unknown operation launch');
    expect(() => catalog.event('names.gone' as never)).toThrow('unknown event type names.gone');
  });
});

describe('subject tokens', () => {
  it('names the part that is not a token', () => {
    expect(() => operationSubject('p', { service: 's', name: 'Op' as OperationName })).toThrow(
      'invalid operation "Op"',
    );
    expect(() => operationSubject('p', { service: 'S', name: 'put_environment' })).toThrow(
      'invalid service "S"',
    );
    expect(() => operationSubject('P', { service: 's', name: 'put_environment' })).toThrow(
      'invalid prefix "P"',
    );
    expect(() => serviceQueue('a.b')).toThrow('invalid service "a.b"');
    expect(() => streamTopic('P', 's')).toThrow('invalid prefix "P"');
    expect(() => streamTopic('p', 'S')).toThrow('invalid stream "S"');
    expect(() => consumerGroup('P', 's', 'c')).toThrow('invalid prefix "P"');
    expect(() => consumerGroup('p', 'S', 'c')).toThrow('invalid service "S"');
    expect(() => consumerGroup('p', 's', 'C')).toThrow('invalid consumer "C"');
  });
});

describe('findUnrepresentable', () => {
  const found = (value: unknown, path?: string) => findUnrepresentable(value, path)?.toWire();

  it('passes storable values, paired surrogates included', () => {
    for (const value of [
      'plain',
      '\u{1F600}',
      ['a', '\u{1F600}', 1.5],
      { '\u{1F600}': ['x'] },
      null,
    ])
      expect(found(value)).toBeUndefined();
  });

  it('points at a NUL character, a lone surrogate or a number out of range, in values and keys', () => {
    expect(found('a\u0000')).toEqual({
      code: 'invalid_argument',
      retryable: false,
      message: 'message: contains U+0000, which cannot be stored',
      details: { reason: 'nul_character', path: '' },
    });
    expect(found(['ok', 'a\ud800'])).toMatchObject({
      message: '/1: contains a lone UTF-16 surrogate',
      details: { reason: 'invalid_unicode', path: '/1' },
    });
    expect(found({ a: [1, Infinity] })).toMatchObject({
      message: '/a/1: number is outside the range JSON numbers can carry here',
      details: { reason: 'number_out_of_range', path: '/a/1' },
    });
    expect(found({ 'a/b': { 'c~d\u0000': 1 } })).toMatchObject({
      details: { reason: 'nul_character', path: '/a~1b/c~0d\u0000' },
    });
    expect(found({ ok: 1, [`x\udc00`]: 'fine' }, '/body')).toMatchObject({
      details: { reason: 'invalid_unicode', path: '/body/x\udc00' },
    });
    // A string with a surrogate pair and a NUL is still refused.
    expect(found(['\u{1F600}\u0000'])).toMatchObject({ details: { reason: 'nul_character' } });
    expect(found({ k: ['\u{1F600}', '\udfff\ud800'] })).toMatchObject({
      details: { reason: 'invalid_unicode', path: '/k/1' },
    });
  });
});

function ajvError(fields: Partial<ErrorObject> & { keyword: string }): ErrorObject {
  return { instancePath: '', schemaPath: '#', params: {}, ...fields } as ErrorObject;
}

describe('fromAjvError', () => {
  it('points a missing field and an unknown field at the field itself', () => {
    expect(
      fromAjvError(
        ajvError({ keyword: 'required', instancePath: '/a', params: { missingProperty: 'n' } }),
      ).toWire(),
    ).toEqual({
      code: 'invalid_argument',
      retryable: false,
      message: '/a/n: missing required field',
      details: { reason: 'missing_field', path: '/a/n', keyword: 'required' },
    });
    expect(
      fromAjvError(
        ajvError({ keyword: 'additionalProperties', params: { additionalProperty: 'x/y' } }),
        '/body',
      ).toWire(),
    ).toMatchObject({
      message: '/body/x~1y: unknown field',
      details: { reason: 'unknown_field', path: '/body/x~1y', keyword: 'additionalProperties' },
    });
    expect(
      fromAjvError(
        ajvError({ keyword: 'pattern', instancePath: '/labels', propertyName: 'Bad' }),
      ).toWire().details,
    ).toMatchObject({ path: '/labels/Bad', reason: 'pattern_mismatch' });
  });

  it('gives every keyword its reason, and ajv message as the detail', () => {
    const reasons: Record<string, string> = {
      type: 'wrong_type',
      minLength: 'too_short',
      maxLength: 'too_long',
      pattern: 'pattern_mismatch',
      format: 'invalid_format',
      enum: 'invalid_enum',
      const: 'invalid_value',
      oneOf: 'invalid_value',
      anyOf: 'invalid_value',
      minimum: 'out_of_range',
      maximum: 'out_of_range',
      exclusiveMinimum: 'out_of_range',
      exclusiveMaximum: 'out_of_range',
      minItems: 'too_few_items',
      maxItems: 'too_many_items',
      minProperties: 'too_few_fields',
      maxProperties: 'too_many_fields',
      uniqueItems: 'invalid_value',
    };
    for (const [keyword, reason] of Object.entries(reasons)) {
      const wire = fromAjvError(
        ajvError({ keyword, instancePath: '/x', message: `broke ${keyword}` }),
      ).toWire();
      expect([keyword, wire.message, wire.details]).toEqual([
        keyword,
        `/x: broke ${keyword}`,
        { reason, path: '/x', keyword },
      ]);
    }
    expect(fromAjvError(ajvError({ keyword: 'not' })).message).toBe('message: invalid value');
  });

  it('lets a schema name its own reason, except for structural errors', () => {
    const annotated = { 'x-crucible-reason': 'invalid_label' };
    expect(
      fromAjvError(ajvError({ keyword: 'pattern', parentSchema: annotated })).details.reason,
    ).toBe('invalid_label');
    for (const [keyword, reason] of [
      ['type', 'wrong_type'],
      ['required', 'missing_field'],
      ['additionalProperties', 'unknown_field'],
    ] as const)
      expect(fromAjvError(ajvError({ keyword, parentSchema: annotated })).details.reason).toBe(
        reason,
      );
  });
});

describe('fromAjvError on what the registry reports', () => {
  const dir = mkdtempSync(join(tmpdir(), 'crucible-ajv-errors-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const file = 'rules.v1.json';
  writeFileSync(
    join(dir, file),
    JSON.stringify({
      $id: SCHEMA_BASE_URI + file,
      type: 'object',
      properties: {
        a: {},
        b: {},
        old: { type: 'string', not: {}, 'x-crucible-replaced-by': 'a' },
      },
      dependencies: { a: ['b'] },
    }),
  );
  const own = new SchemaRegistry(dir);
  const refusal = (value: unknown) => fromAjvError(own.check(file, value)!).toWire();

  it('points a broken dependency at the object, not at the field it names', () => {
    // ajv's `dependencies` error carries a missingProperty too; only `required` moves the path.
    expect(refusal({ a: 1 })).toMatchObject({
      message: 'message: must have property b when property a is present',
      details: { path: '', reason: 'invalid_value', keyword: 'dependencies' },
    });
  });

  it('names the replacement only when the refused field itself was sent', () => {
    expect(refusal({ old: 'x' })).toMatchObject({
      message: '/old: no longer accepted; replaced by a',
      details: { path: '/old', keyword: 'not', replaced_by: 'a' },
    });
    // Another rule of the same schema is reported as itself.
    expect(refusal({ old: 1 })).toEqual({
      code: 'invalid_argument',
      retryable: false,
      message: '/old: must be string',
      details: { path: '/old', reason: 'wrong_type', keyword: 'type' },
    });
  });
});

describe('assertValid', () => {
  it('refuses unstorable text before checking the schema', () => {
    const { registry } = defaultCatalog();
    let thrown: unknown;
    try {
      assertValid(registry, 'events/envelope.v1.json', { key: 'a\u0000' });
    } catch (error) {
      thrown = error;
    }
    expect((thrown as CrucibleError).details).toMatchObject({
      reason: 'nul_character',
      path: '/key',
    });
  });
});

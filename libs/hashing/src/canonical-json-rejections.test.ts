import { runInNewContext } from 'node:vm';
import { thrownBy } from '@crucible/contracts/testing';
import { canonicalJson, canonicalJsonBytes, MAX_JSON_DEPTH } from './canonical-json';
import { jsonComponentHash } from './component-hashes';
import { NotJsonError, type NotJsonReason } from './errors';

function rejection(value: unknown): NotJsonError {
  return thrownBy(() => canonicalJson(value), NotJsonError);
}

// Every entry point refuses the same values with the same reason and path.
function expectRejected(value: unknown, reason: NotJsonReason, path: string): void {
  const error = rejection(value);
  expect({ reason: error.reason, path: error.path }).toEqual({ reason, path });
  for (const entry of [canonicalJsonBytes, jsonComponentHash]) {
    expect(() => entry(value)).toThrow(NotJsonError);
  }
}

class Point {
  constructor(
    readonly x: number,
    readonly y: number,
  ) {}
}

function nestedArrays(depth: number): unknown {
  let value: unknown = 0;
  for (let i = 0; i < depth; i++) value = [value];
  return value;
}

describe('canonicalJson rejections', () => {
  it('describes the failure on a named error with a code, a reason and a JSON Pointer', () => {
    const error = rejection({ entities: [{ name: Number.NaN }] });
    expect(error).toBeInstanceOf(Error);
    expect(error.name).toBe('NotJsonError');
    expect(error.code).toBe('NOT_JSON');
    expect(error.reason).toBe('nan');
    expect(error.path).toBe('/entities/0/name');
    expect(error.message).toBe('not JSON: the value at "/entities/0/name" is NaN');
  });

  it.each<[string, unknown, NotJsonReason, string]>([
    ['NaN', { a: [1, Number.NaN] }, 'nan', '/a/1'],
    ['Infinity', { a: { b: Infinity } }, 'infinity', '/a/b'],
    ['-Infinity', [-Infinity], 'infinity', '/0'],
    ['undefined at the root', undefined, 'undefined', ''],
    ['an undefined property', { keep: 1, drop: undefined }, 'undefined', '/drop'],
    ['an undefined array item', [1, undefined, 3], 'undefined', '/1'],
    // eslint-disable-next-line no-sparse-arrays -- the hole is the point
    ['an array hole', [1, , 3], 'undefined', '/1'],
    ['a function', { f: () => 1 }, 'function', '/f'],
    ['a toJSON method (never called)', { toJSON: () => 'x' }, 'function', '/toJSON'],
    ['a symbol', { s: Symbol('s') }, 'symbol', '/s'],
    ['a BigInt', { n: 10n }, 'bigint', '/n'],
    ['a lone high surrogate', { name: 'a\ud800b' }, 'lone_surrogate', '/name'],
    ['a lone low surrogate', ['\udc00'], 'lone_surrogate', '/0'],
    ['a high surrogate at the end', 'ok\ud83d', 'lone_surrogate', ''],
    ['a reversed pair', 'x\ude00\ud83d', 'lone_surrogate', ''],
    ['a pair then a lone low', '\ud83d\ude00\ude00', 'lone_surrogate', ''],
    ['a lone surrogate in a key', { ok: { 'k\ud800': 1 } }, 'lone_surrogate_in_key', '/ok/k\ud800'],
    [
      'a lone surrogate in a short ASCII-looking key',
      { '\udfff': 1 },
      'lone_surrogate_in_key',
      '/\udfff',
    ],
    ['a Date', { at: new Date(0) }, 'non_plain_object', '/at'],
    ['a Map', [new Map()], 'non_plain_object', '/0'],
    ['a Set', { s: new Set([1]) }, 'non_plain_object', '/s'],
    ['a class instance', { p: new Point(1, 2) }, 'non_plain_object', '/p'],
    ['a Buffer', { b: Buffer.from('x') }, 'non_plain_object', '/b'],
    ['a typed array', { t: new Uint8Array(2) }, 'non_plain_object', '/t'],
    ['a boxed number', { n: new Number(1) }, 'non_plain_object', '/n'],
    ['a RegExp', { r: /x/ }, 'non_plain_object', '/r'],
    [
      'an object with a custom prototype',
      { o: Object.create({ inherited: 1 }) as object },
      'non_plain_object',
      '/o',
    ],
  ])('rejects %s', (_label, value, reason, path) => {
    expectRejected(value, reason, path);
  });

  it('rejects a cycle at the reference that closes it', () => {
    const root: Record<string, unknown> = { a: { b: [] } };
    ((root.a as Record<string, unknown>).b as unknown[]).push(root);
    expectRejected(root, 'cycle', '/a/b/0');

    const list: unknown[] = [1];
    list.push(list);
    expectRejected(list, 'cycle', '/1');
  });

  it('escapes "~" and "/" in pointer segments (RFC 6901)', () => {
    expectRejected({ 'a/b': { 'm~n': undefined } }, 'undefined', '/a~1b/m~0n');
  });

  it('names the kind of non-plain object in the message', () => {
    expect(rejection({ at: new Date(0) }).message).toBe(
      'not JSON: the value at "/at" is a Date, not a plain object or an array',
    );
    expect(rejection(new Map()).message).toBe(
      'not JSON: the root value is a Map, not a plain object or an array',
    );
    expect(rejection([Object.create({ inherited: 1 })]).message).toBe(
      'not JSON: the value at "/0" is an object whose prototype is neither Object.prototype nor null',
    );
  });

  it('says what is wrong in each message', () => {
    const cyclic: unknown[] = [];
    cyclic.push(cyclic);
    for (const [value, path, detail] of [
      ['\ud800', '/a', 'is a string with a lone surrogate (no UTF-8 form)'],
      [Infinity, '/a', 'is Infinity'],
      [-Infinity, '/a', 'is -Infinity'],
      [undefined, '/a', 'is undefined (use null, or leave the property out)'],
      [() => 1, '/a', 'is a function'],
      [Symbol('s'), '/a', 'is a symbol'],
      [1n, '/a', 'is a BigInt (convert it to a number or a string first)'],
      [cyclic, '/a/0', 'is an object that contains itself (a cycle)'],
      [{ '\ud800': 1 }, '/a/\ud800', 'has a key with a lone surrogate (no UTF-8 form)'],
    ] as const)
      expect(rejection({ a: value }).message).toBe(
        `not JSON: the value at ${JSON.stringify(path)} ${detail}`,
      );
    expect(rejection(nestedArrays(MAX_JSON_DEPTH + 1)).message).toMatch(
      new RegExp(`is nested deeper than ${MAX_JSON_DEPTH} levels$`),
    );
    // A plain object of another realm: its prototype is not this realm's Object.prototype.
    expect(rejection({ o: runInNewContext('({})') as unknown }).message).toBe(
      'not JSON: the value at "/o" is an object whose prototype is neither Object.prototype nor null',
    );
    // A prototype whose class is further up its chain is not named by it.
    expect(rejection(Object.create(Object.create(Map.prototype) as object)).message).toBe(
      'not JSON: the root value is an object whose prototype is neither Object.prototype nor null',
    );
  });

  it('accepts nesting up to MAX_JSON_DEPTH and rejects one level more', () => {
    expect(canonicalJson(nestedArrays(MAX_JSON_DEPTH))).toBe(
      `${'['.repeat(MAX_JSON_DEPTH)}0${']'.repeat(MAX_JSON_DEPTH)}`,
    );
    const error = rejection(nestedArrays(MAX_JSON_DEPTH + 1));
    expect(error.reason).toBe('too_deep');
    expect(error.path).toBe('/0'.repeat(MAX_JSON_DEPTH));
  });

  it('leaves errors thrown by getters untouched', () => {
    const value = {
      get broken(): never {
        throw new RangeError('getter failed');
      },
    };
    expect(() => canonicalJson(value)).toThrow(RangeError);
  });
});

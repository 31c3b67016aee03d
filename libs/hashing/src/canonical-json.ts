import { withScratchSink } from './byte-sink';
import { NotJsonError, type NotJsonReason } from './errors';
import { jsonPointer, type PathSegment } from './json-pointer';
import type { JsonSink } from './json-sink';
import { StringSink } from './string-sink';

/**
 * Deepest nesting of arrays and objects accepted. Serialization recurses, so
 * without a bound a hostile document would end in a RangeError instead of a
 * NotJsonError; real documents are nowhere near it (serde_json, on the Rust
 * side of the store, stops parsing at 128).
 */
export const MAX_JSON_DEPTH = 1000;

// Key arrays up to this length are sorted by insertion: several times faster
// than Array.prototype.sort for the handful of keys real objects have.
const INSERTION_SORT_MAX = 16;

/**
 * A rejection on its way up the stack. Each container adds its segment as the
 * rejection passes through its catch, so the happy path never builds a path;
 * canonicalJson turns it into the public NotJsonError at the top.
 */
class Rejection extends Error {
  // Deepest segment first; reversed once at the top.
  readonly segments: PathSegment[] = [];

  constructor(
    readonly reason: NotJsonReason,
    readonly detail: string,
  ) {
    super(detail);
  }

  toError(): NotJsonError {
    const path = jsonPointer(this.segments.reverse());
    // JSON-quoting keeps odd keys (lone surrogates, controls) readable.
    const where = path === '' ? 'the root value' : `the value at ${JSON.stringify(path)}`;
    return new NotJsonError(this.reason, path, `not JSON: ${where} ${this.detail}`);
  }
}

function withSegment(thrown: unknown, segment: PathSegment): unknown {
  if (thrown instanceof Rejection) thrown.segments.push(segment);
  return thrown;
}

/** Why a non-plain object was refused, naming its class when it has one. */
function nonPlainDetail(value: object): string {
  const proto: unknown = Object.getPrototypeOf(value);
  const ctor =
    typeof proto === 'object' && proto !== null && Object.hasOwn(proto, 'constructor')
      ? (proto as { constructor: unknown }).constructor
      : undefined;
  const name = typeof ctor === 'function' ? ctor.name : '';
  if (name !== '' && name !== 'Object') return `is a ${name}, not a plain object or an array`;
  // Object.create(somePrototype), or a plain object from another realm.
  return 'is an object whose prototype is neither Object.prototype nor null';
}

/** UTF-16 code unit order, which is what `<` on strings compares. */
function sortKeys(keys: string[]): string[] {
  if (keys.length > INSERTION_SORT_MAX) return keys.sort();
  for (let i = 1; i < keys.length; i++) {
    const key = keys[i] as string;
    let j = i - 1;
    while (j >= 0 && (keys[j] as string) > key) {
      keys[j + 1] = keys[j] as string;
      j--;
    }
    keys[j + 1] = key;
  }
  return keys;
}

function writeValue(value: unknown, sink: JsonSink, ancestors: object[]): void {
  switch (typeof value) {
    case 'string':
      if (!sink.jsonString(value)) {
        throw new Rejection('lone_surrogate', 'is a string with a lone surrogate (no UTF-8 form)');
      }
      return;
    case 'number':
      if (value - value !== 0) {
        throw Number.isNaN(value)
          ? new Rejection('nan', 'is NaN')
          : new Rejection('infinity', `is ${value}`);
      }
      // ECMAScript Number-to-String is exactly RFC 8785's number form;
      // '' + -0 is '0'.
      sink.ascii('' + value);
      return;
    case 'boolean':
      sink.ascii(value ? 'true' : 'false');
      return;
    case 'object':
      if (value === null) sink.ascii('null');
      else if (Array.isArray(value)) writeArray(value as readonly unknown[], sink, ancestors);
      else writeObject(value, sink, ancestors);
      return;
    case 'undefined':
      throw new Rejection('undefined', 'is undefined (use null, or leave the property out)');
    case 'function':
      throw new Rejection('function', 'is a function');
    case 'symbol':
      throw new Rejection('symbol', 'is a symbol');
    case 'bigint':
      throw new Rejection('bigint', 'is a BigInt (convert it to a number or a string first)');
  }
}

function enter(container: object, ancestors: object[]): void {
  // Only an ancestor makes a cycle; the same object twice side by side is
  // fine. A linear scan beats a Set at the depths documents have.
  if (ancestors.includes(container)) {
    throw new Rejection('cycle', 'is an object that contains itself (a cycle)');
  }
  if (ancestors.length >= MAX_JSON_DEPTH) {
    throw new Rejection('too_deep', `is nested deeper than ${MAX_JSON_DEPTH} levels`);
  }
  ancestors.push(container);
}

function writeArray(array: readonly unknown[], sink: JsonSink, ancestors: object[]): void {
  enter(array, ancestors);
  sink.punctuation(0x5b); // [
  let i = 0;
  try {
    for (; i < array.length; i++) {
      if (i > 0) sink.punctuation(0x2c); // ,
      writeValue(array[i], sink, ancestors);
    }
  } catch (thrown) {
    throw withSegment(thrown, i);
  }
  sink.punctuation(0x5d); // ]
  ancestors.pop();
}

function writeObject(object: object, sink: JsonSink, ancestors: object[]): void {
  const proto: unknown = Object.getPrototypeOf(object);
  if (proto !== Object.prototype && proto !== null) {
    throw new Rejection('non_plain_object', nonPlainDetail(object));
  }
  enter(object, ancestors);
  const keys = sortKeys(Object.keys(object));
  const record = object as Record<string, unknown>;
  sink.punctuation(0x7b); // {
  let key = '';
  try {
    for (let i = 0; i < keys.length; i++) {
      key = keys[i] as string;
      if (!sink.memberKey(key, i === 0)) {
        throw new Rejection(
          'lone_surrogate_in_key',
          'has a key with a lone surrogate (no UTF-8 form)',
        );
      }
      writeValue(record[key], sink, ancestors);
    }
  } catch (thrown) {
    throw withSegment(thrown, key);
  }
  sink.punctuation(0x7d); // }
  ancestors.pop();
}

/** Writes `value` as canonical JSON into `sink`; throws NotJsonError. */
function writeCanonical(value: unknown, sink: JsonSink): void {
  try {
    writeValue(value, sink, []);
  } catch (thrown) {
    if (thrown instanceof Rejection) throw thrown.toError();
    throw thrown;
  }
}

/**
 * Serializes a JSON value as RFC 8785 (JCS) canonical JSON: no whitespace,
 * object keys sorted by UTF-16 code units, numbers in ECMAScript
 * Number-to-String form (-0 as 0), strings escaped as JSON.stringify does
 * (\b \t \n \f \r \" \\ and \u00XX for other controls; all else literal).
 * Equal JSON values give identical output whatever their key order.
 *
 * Accepts only plain objects (prototype Object.prototype or null), arrays,
 * strings, finite numbers, booleans and null. Anything else throws
 * `NotJsonError` carrying the JSON Pointer of the offending value: NaN,
 * ±Infinity, undefined (also as a property or an array item: nothing is
 * dropped silently), functions, symbols, BigInt, cycles, lone surrogates in
 * strings or keys, non-plain objects (Date, Map, Set, Buffer, typed arrays,
 * class instances, boxed primitives) and nesting deeper than MAX_JSON_DEPTH.
 * `toJSON` is never called; symbol-keyed and non-enumerable properties are
 * not JSON members and are not read, as in JSON.stringify.
 */
export function canonicalJson(value: unknown): string {
  const sink = new StringSink();
  writeCanonical(value, sink);
  return sink.text();
}

/** The UTF-8 bytes of `canonicalJson(value)`, built without the string. */
export function canonicalJsonBytes(value: unknown): Buffer {
  return withScratchSink((sink) => {
    writeCanonical(value, sink);
    return Buffer.from(sink.view());
  });
}

/**
 * Runs `use` on a transient view of the canonical bytes of `value` (valid
 * only during the call): lets hashing skip the copy canonicalJsonBytes makes.
 */
export function withCanonicalJsonBytes<T>(value: unknown, use: (bytes: Buffer) => T): T {
  return withScratchSink((sink) => {
    writeCanonical(value, sink);
    return use(sink.view());
  });
}

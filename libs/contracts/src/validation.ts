import type { ErrorObject } from 'ajv';
import { type CrucibleError, invalidArgument } from './errors';
import type { SchemaRegistry } from './schema-registry';

/** Escapes one JSON Pointer reference token (RFC 6901). */
export function pointerToken(token: string | number): string {
  return String(token).replace(/~/g, '~0').replace(/\//g, '~1');
}

/** Appends tokens to a JSON Pointer. */
export function joinPointer(base: string, ...tokens: Array<string | number>): string {
  return base + tokens.map((t) => '/' + pointerToken(t)).join('');
}

// Lone surrogates cannot be encoded as UTF-8 (they would all hash as U+FFFD)
// and Postgres cannot store U+0000 in text or jsonb: both are refused up front.
// eslint-disable-next-line no-control-regex -- U+0000 is exactly what is looked for
const SUSPECT_CHARS = /[\u0000\ud800-\udfff]/;
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/**
 * Finds the first value JSON cannot carry faithfully: a string (value or
 * object key) with a lone surrogate or a NUL character, or a number outside
 * the double range (JSON.parse reads 1e400 as Infinity, which re-serializes
 * as null). Returns null when everything is fine.
 */
export function findUnrepresentable(value: unknown, path = ''): CrucibleError | null {
  // Every message is checked: walk it without building paths, and only look
  // for where the problem is when there is one.
  return representable(value) ? null : locateUnrepresentable(value, path);
}

function representable(value: unknown): boolean {
  if (typeof value === 'string') return !SUSPECT_CHARS.test(value) || cleanSuspect(value);
  if (typeof value === 'number') return Number.isFinite(value);
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) if (!representable(value[i])) return false;
    return true;
  }
  if (typeof value === 'object' && value !== null) {
    for (const key in value) {
      if (!Object.prototype.hasOwnProperty.call(value, key)) continue;
      if (SUSPECT_CHARS.test(key) && !cleanSuspect(key)) return false;
      if (!representable((value as Record<string, unknown>)[key])) return false;
    }
  }
  return true;
}

/** A string with a surrogate: fine when it has no NUL and every surrogate is paired. */
function cleanSuspect(s: string): boolean {
  return !s.includes('\u0000') && !LONE_SURROGATE.test(s);
}

function locateUnrepresentable(value: unknown, path: string): CrucibleError | null {
  if (typeof value === 'string') return checkString(value, path);
  if (typeof value === 'number') {
    return Number.isFinite(value)
      ? null
      : invalidArgument(
          path,
          'number_out_of_range',
          `${describe(path)}: number is outside the range JSON numbers can carry here`,
        );
  }
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const found = locateUnrepresentable(value[i], joinPointer(path, i));
      if (found) return found;
    }
    return null;
  }
  if (typeof value === 'object' && value !== null) {
    for (const [key, item] of Object.entries(value)) {
      const keyPath = joinPointer(path, key);
      const badKey = checkString(key, keyPath);
      if (badKey) return badKey;
      const found = locateUnrepresentable(item, keyPath);
      if (found) return found;
    }
  }
  return null;
}

function checkString(s: string, path: string): CrucibleError | null {
  if (!SUSPECT_CHARS.test(s)) return null;
  if (s.includes('\u0000')) {
    return invalidArgument(
      path,
      'nul_character',
      `${describe(path)}: contains U+0000, which cannot be stored`,
    );
  }
  if (LONE_SURROGATE.test(s)) {
    return invalidArgument(
      path,
      'invalid_unicode',
      `${describe(path)}: contains a lone UTF-16 surrogate`,
    );
  }
  return null;
}

function describe(path: string): string {
  return path === '' ? 'message' : path;
}

const KEYWORD_REASONS: Record<string, string> = {
  required: 'missing_field',
  additionalProperties: 'unknown_field',
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
};

/** Converts an ajv error into an invalid_argument error naming the JSON Pointer and the rule. */
export function fromAjvError(error: ErrorObject, basePath = ''): CrucibleError {
  let path = basePath + error.instancePath;
  const params = error.params as Record<string, unknown>;
  if (error.keyword === 'required' && typeof params.missingProperty === 'string') {
    path = joinPointer(path, params.missingProperty);
  } else if (typeof error.propertyName === 'string') {
    // A property name broke propertyNames (e.g. a label key): point at that key.
    path = joinPointer(path, error.propertyName);
  } else if (
    error.keyword === 'additionalProperties' &&
    typeof params.additionalProperty === 'string'
  ) {
    path = joinPointer(path, params.additionalProperty);
  }
  const parent: Record<string, unknown> | undefined = error.parentSchema;
  const annotated = parent?.['x-crucible-reason'];
  // Structural errors keep their own reason even inside an annotated schema.
  const structural =
    error.keyword === 'required' ||
    error.keyword === 'additionalProperties' ||
    error.keyword === 'type';
  const reason =
    typeof annotated === 'string' && !structural
      ? annotated
      : (KEYWORD_REASONS[error.keyword] ?? 'invalid_value');
  const replacedBy = parent?.['x-crucible-replaced-by'];
  if (error.keyword === 'not' && typeof replacedBy === 'string') {
    // A refused legacy field: say what to send instead.
    return invalidArgument(
      path,
      reason,
      `${describe(path)}: no longer accepted; replaced by ${replacedBy}`,
      {
        keyword: error.keyword,
        replaced_by: replacedBy,
      },
    );
  }
  const detail =
    error.keyword === 'additionalProperties'
      ? 'unknown field'
      : error.keyword === 'required'
        ? 'missing required field'
        : (error.message ?? 'invalid value');
  return invalidArgument(path, reason, `${describe(path)}: ${detail}`, { keyword: error.keyword });
}

/**
 * Checks a decoded message against a schema file: storable Unicode first,
 * then the schema. Throws invalid_argument with the JSON Pointer of the first
 * offending value.
 */
export function assertValid(registry: SchemaRegistry, file: string, value: unknown): void {
  const unstorable = findUnrepresentable(value);
  if (unstorable) throw unstorable;
  const error = registry.check(file, value);
  if (error) throw fromAjvError(error);
}

// Whether a draft-07 schema that passes its meta-schema is one ajv compiles
// (with adjudication-schema.ts's options) whatever else it holds, so the
// check need not compile it: docs/services/components.md, "Adjudication
// schemas that need no compile".

/**
 * Draft-07 keywords that ajv, with strictSchema on and strictTypes,
 * strictTuples, strictRequired, useDefaults and validateFormats off, refuses
 * only through the meta-schema, but `enum` (an empty list passes draft-07's
 * meta-schema and fails to compile) and `pattern` (compiled as a `u` regular
 * expression, which the meta-schema does not check): both tested below.
 * Not here, so compiled: `$ref`, `$id` and `definitions` (resolution), `if`,
 * `then`, `else`, `additionalItems`, `contains`, `patternProperties` (strict
 * mode warnings that refuse), `format`, `dependencies`, `propertyNames`,
 * `$schema` below the root, and any keyword ajv does not know.
 */
const PLAIN_KEYWORDS = new Set([
  'type',
  'enum',
  'const',
  'multipleOf',
  'maximum',
  'exclusiveMaximum',
  'minimum',
  'exclusiveMinimum',
  'maxLength',
  'minLength',
  'pattern',
  'maxItems',
  'minItems',
  'uniqueItems',
  'maxProperties',
  'minProperties',
  'required',
  'properties',
  'additionalProperties',
  'items',
  'allOf',
  'anyOf',
  'oneOf',
  'not',
  'title',
  'description',
  '$comment',
  'default',
  'examples',
  'readOnly',
  'writeOnly',
]);

/** Keywords whose value is one subschema. */
const ONE_SUBSCHEMA = new Set(['additionalProperties', 'not']);
/** Keywords whose value is a list of subschemas. */
const SUBSCHEMA_LISTS = new Set(['allOf', 'anyOf', 'oneOf']);

/** Deeper than this, the check compiles (and the walk never nears the stack's limit). */
const MAX_DEPTH = 64;

/**
 * True when `schema` uses only plain keywords (above) in every subschema,
 * each `enum` is non-empty and each `pattern` compiles as ajv compiles it:
 * then, if it is valid against draft-07's meta-schema, ajv compiles it. Safe
 * on any JSON value (it reads nothing it has not checked the type of). False
 * means "compile it to know", not "invalid".
 */
export function isPlainDraft07(schema: unknown): boolean {
  return plain(schema, 0, true);
}

function plain(schema: unknown, depth: number, root: boolean): boolean {
  if (typeof schema === 'boolean') return true;
  if (depth > MAX_DEPTH || typeof schema !== 'object' || schema === null || Array.isArray(schema))
    return false;
  const members = schema as Record<string, unknown>;
  for (const keyword of Object.keys(members)) {
    const value = members[keyword];
    if (keyword === '$schema' && root) continue;
    if (!PLAIN_KEYWORDS.has(keyword)) return false;
    if (keyword === 'enum' && !(Array.isArray(value) && value.length > 0)) return false;
    if (keyword === 'pattern' && !compilesAsPattern(value)) return false;
    let subschemas: unknown[] = [];
    if (keyword === 'properties') {
      if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
      subschemas = Object.values(value);
    } else if (keyword === 'items') {
      subschemas = Array.isArray(value) ? value : [value];
    } else if (SUBSCHEMA_LISTS.has(keyword)) {
      if (!Array.isArray(value)) return false;
      subschemas = value;
    } else if (ONE_SUBSCHEMA.has(keyword)) {
      subschemas = [value];
    }
    for (const sub of subschemas) if (!plain(sub, depth + 1, false)) return false;
  }
  return true;
}

/** ajv's default: `new RegExp(pattern, "u")` (its unicodeRegExp option). */
function compilesAsPattern(pattern: unknown): boolean {
  if (typeof pattern !== 'string') return false;
  try {
    new RegExp(pattern, 'u');
    return true;
  } catch {
    return false;
  }
}

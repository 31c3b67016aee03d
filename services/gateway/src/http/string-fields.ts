/**
 * Reads a path or query value (a string, or several for a repeated query
 * key) as the request field's schema types it. A value that is not spelled
 * as that type stays as it came, and the schema check then names the field.
 */
export type FieldReader = (value: string | string[]) => unknown;

const asIs: FieldReader = (value) => value;

/** One reader per top-level field of a (bundled) request schema. */
export function fieldReaders(schema: Record<string, unknown>): Map<string, FieldReader> {
  const readers = new Map<string, FieldReader>();
  const properties = (schema.properties ?? {}) as Record<string, Record<string, unknown>>;
  for (const [name, property] of Object.entries(properties)) {
    readers.set(name, readerFor(property));
  }
  return readers;
}

function readerFor(schema: Record<string, unknown>): FieldReader {
  const types = new Set(Array.isArray(schema.type) ? schema.type : [schema.type]);
  if (types.has('array')) {
    // A repeated key (`?x=1&x=2`) or one value: the items read as theirs.
    const item = readerFor((schema.items ?? {}) as Record<string, unknown>);
    return (value) => (Array.isArray(value) ? value : [value]).map((one) => item(one));
  }
  if (types.has('object')) {
    // An object travels as JSON text (the OpenAPI document says so).
    return (value) => (typeof value === 'string' ? parseObject(value) : value);
  }
  if (types.has('integer') || types.has('number')) {
    return (value) => (typeof value === 'string' && NUMBER.test(value) ? Number(value) : value);
  }
  if (types.has('boolean')) {
    return (value) => (value === 'true' ? true : value === 'false' ? false : value);
  }
  return asIs;
}

const NUMBER = /^-?\d+(\.\d+)?$/;

function parseObject(text: string): unknown {
  if (!text.startsWith('{')) return text;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

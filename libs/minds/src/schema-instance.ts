import { patternString } from './pattern-string';

/**
 * `rich`: plausible text, values spread by the random source. `minimal`: the
 * smallest values the keywords allow (empty strings, minimum numbers, null
 * where a type list allows it), the fallback when a rich instance fails.
 */
export type InstanceStyle = 'rich' | 'minimal';

export interface InstanceOptions {
  readonly style: InstanceStyle;
  readonly random: () => number;
  /**
   * Plausible text for a string under the property `name` (undefined at the
   * root). Return undefined to leave it to the generator.
   */
  readonly text?: (name: string | undefined) => string | undefined;
}

/** The schema uses something the generator cannot satisfy (false schema, deep recursion...). */
export class UnsupportedSchema extends Error {
  override readonly name = 'UnsupportedSchema';
}

/**
 * A deterministic instance of a JSON Schema, from the keywords adjudication
 * schemas use: type (one or a list), properties, required,
 * additionalProperties, minProperties, items / prefixItems / additionalItems,
 * minItems, uniqueItems, enum, const, minLength / maxLength, pattern (simple
 * ones), format (the common ones), minimum / maximum and their exclusive
 * forms, multipleOf, allOf (merged), oneOf / anyOf (first branch), and
 * $ref within the schema. Arrays get minItems items and objects only their
 * required properties, so an adjudication never mutates what it need not.
 * Not validated here: the offline mind checks the result with ajv.
 */
export function schemaInstance(schema: unknown, options: InstanceOptions): unknown {
  return new InstanceGenerator(schema, options).value(schema, undefined, 0, 0);
}

type SchemaNode = Readonly<Record<string, unknown>>;

const MAX_DEPTH = 48;

class InstanceGenerator {
  constructor(
    private readonly root: unknown,
    private readonly options: InstanceOptions,
  ) {}

  private get rich(): boolean {
    return this.options.style === 'rich';
  }

  /** `variant` > 0 makes sibling items of a uniqueItems array differ. */
  value(schema: unknown, name: string | undefined, depth: number, variant: number): unknown {
    if (depth > MAX_DEPTH)
      throw new UnsupportedSchema('the schema nests too deep (a recursive $ref?)');
    if (schema === true || schema === undefined) return null;
    if (schema === false) throw new UnsupportedSchema('a false schema has no instance');
    if (!isNode(schema)) throw new UnsupportedSchema(`not a schema: ${JSON.stringify(schema)}`);

    const { $ref, allOf, oneOf, anyOf, ...rest } = schema;
    if (typeof $ref === 'string') {
      return this.value(
        merge(this.resolve($ref), rest, { allOf, oneOf, anyOf }),
        name,
        depth + 1,
        variant,
      );
    }
    if (Array.isArray(allOf) && allOf.length > 0) {
      const merged = allOf.reduce<SchemaNode>((acc, part) => merge(acc, this.node(part)), rest);
      return this.value({ ...merged, ...defined({ oneOf, anyOf }) }, name, depth + 1, variant);
    }
    for (const branches of [oneOf, anyOf]) {
      if (Array.isArray(branches) && branches.length > 0) {
        const others = branches === oneOf ? { anyOf } : {};
        return this.value(
          merge({ ...rest, ...defined(others) }, this.node(branches[0])),
          name,
          depth + 1,
          variant,
        );
      }
    }

    if ('const' in schema) return schema['const'];
    const choices = schema['enum'];
    if (Array.isArray(choices) && choices.length > 0) {
      const index = this.rich ? Math.floor(this.options.random() * choices.length) : 0;
      return choices[(index + variant) % choices.length];
    }
    const type = this.typeOf(schema);
    switch (type) {
      case 'object':
        return this.object(schema, depth);
      case 'array':
        return this.array(schema, name, depth);
      case 'string':
        return this.string(schema, name, variant);
      case 'integer':
        return this.number(schema, true, variant);
      case 'number':
        return this.number(schema, false, variant);
      case 'boolean':
        return this.rich ? this.options.random() < 0.5 !== (variant % 2 === 1) : variant % 2 === 1;
      case 'null':
        return null;
      default:
        throw new UnsupportedSchema(`unknown type ${JSON.stringify(type)}`);
    }
  }

  private typeOf(schema: SchemaNode): string {
    const type = schema['type'];
    if (typeof type === 'string') return type;
    if (Array.isArray(type) && type.length > 0) {
      const names = type.filter((t): t is string => typeof t === 'string');
      if (!this.rich && names.includes('null')) return 'null';
      return names.find((t) => t !== 'null') ?? 'null';
    }
    const has = (...keys: string[]): boolean => keys.some((key) => key in schema);
    if (has('properties', 'required', 'additionalProperties', 'minProperties')) return 'object';
    if (has('items', 'prefixItems', 'minItems', 'maxItems', 'additionalItems')) return 'array';
    if (has('minLength', 'maxLength', 'pattern', 'format')) return 'string';
    if (has('minimum', 'maximum', 'exclusiveMinimum', 'exclusiveMaximum', 'multipleOf'))
      return 'number';
    return 'null';
  }

  private object(schema: SchemaNode, depth: number): Record<string, unknown> {
    const properties = isNode(schema['properties']) ? schema['properties'] : {};
    const additional = schema['additionalProperties'];
    // A Map, then fromEntries: keys like "__proto__" or "constructor" stay plain own properties.
    const result = new Map<string, unknown>();
    const add = (key: string): void => {
      if (result.has(key)) return;
      let sub: unknown = properties[key];
      if (!Object.hasOwn(properties, key)) {
        if (additional === false) {
          throw new UnsupportedSchema(`"${key}" is required but additionalProperties is false`);
        }
        sub = additional ?? true;
      }
      result.set(key, this.value(sub, key, depth + 1, 0));
    };
    for (const key of stringList(schema['required'])) add(key);
    const minProperties = count(schema['minProperties']) ?? 0;
    for (const key of Object.keys(properties)) {
      if (result.size >= minProperties) break;
      add(key);
    }
    for (let extra = 0; result.size < minProperties; extra += 1) add(`extra_${extra}`);
    return Object.fromEntries(result);
  }

  private array(schema: SchemaNode, name: string | undefined, depth: number): unknown[] {
    const items = schema['items'];
    const prefix = Array.isArray(schema['prefixItems'])
      ? (schema['prefixItems'] as unknown[])
      : Array.isArray(items)
        ? (items as unknown[])
        : [];
    // Draft-07 tuples put the rest in additionalItems; 2020-12 in items.
    const restSchema = Array.isArray(items) ? schema['additionalItems'] : items;
    const length = count(schema['minItems']) ?? 0;
    const unique = schema['uniqueItems'] === true;
    const result: unknown[] = [];
    for (let i = 0; i < length; i += 1) {
      const sub = i < prefix.length ? prefix[i] : (restSchema ?? true);
      if (sub === false)
        throw new UnsupportedSchema('minItems needs more items than the tuple allows');
      result.push(this.value(sub, name, depth + 1, unique ? i : 0));
    }
    return result;
  }

  private string(schema: SchemaNode, name: string | undefined, variant: number): string {
    const minLength = count(schema['minLength']) ?? 0;
    const maxLength = count(schema['maxLength']) ?? Number.POSITIVE_INFINITY;
    const pattern = schema['pattern'];
    if (typeof pattern === 'string') {
      const random = this.rich || variant > 0 ? this.options.random : () => 0;
      const text = patternString(pattern, { random, minLength, maxLength });
      if (text !== undefined) return text;
    }
    const format = schema['format'];
    const formatted = typeof format === 'string' ? formattedString(format, variant) : undefined;
    if (formatted !== undefined) return fitLength(formatted, minLength, maxLength);
    let text = this.rich ? (this.options.text?.(name) ?? (name ?? 'text').replace(/_/g, ' ')) : '';
    if (variant > 0) text = `${text} ${variant + 1}`;
    return fitLength(text, minLength, maxLength, variant);
  }

  private number(schema: SchemaNode, integer: boolean, variant: number): number {
    let low = Number.NEGATIVE_INFINITY;
    let high = Number.POSITIVE_INFINITY;
    let lowExclusive = false;
    let highExclusive = false;
    const { minimum, maximum, exclusiveMinimum, exclusiveMaximum, multipleOf } = schema;
    if (typeof minimum === 'number') low = minimum;
    if (typeof exclusiveMinimum === 'number' && exclusiveMinimum >= low) {
      low = exclusiveMinimum;
      lowExclusive = true;
    }
    if (typeof maximum === 'number') high = maximum;
    if (typeof exclusiveMaximum === 'number' && exclusiveMaximum <= high) {
      high = exclusiveMaximum;
      highExclusive = true;
    }
    const preferred = (this.rich ? Math.floor(this.options.random() * 10) : 0) + variant;
    let step = typeof multipleOf === 'number' && multipleOf > 0 ? multipleOf : undefined;
    if (integer) {
      if (step === undefined || Number.isInteger(1 / step)) step = Math.max(1, step ?? 1);
      else if (!Number.isInteger(step))
        throw new UnsupportedSchema(`no integer is a multiple of ${step}`);
    }
    if (step !== undefined)
      return this.multiple(step, preferred, low, high, lowExclusive, highExclusive);
    const inRange = (value: number): boolean =>
      (lowExclusive ? value > low : value >= low) && (highExclusive ? value < high : value <= high);
    if (inRange(preferred)) return preferred;
    const candidates = [
      Number.isFinite(low)
        ? lowExclusive
          ? low + (Number.isFinite(high) ? (high - low) / 2 : 1)
          : low
        : undefined,
      Number.isFinite(high) ? (highExclusive ? high - 1 : high) : undefined,
    ];
    const found = candidates.find((value) => value !== undefined && inRange(value));
    if (found === undefined) throw new UnsupportedSchema(`no number in (${low}, ${high})`);
    return found;
  }

  private multiple(
    step: number,
    preferred: number,
    low: number,
    high: number,
    lowExclusive: boolean,
    highExclusive: boolean,
  ): number {
    let first = Math.ceil(low / step);
    if (lowExclusive && first * step <= low) first += 1;
    let last = Math.floor(high / step);
    if (highExclusive && last * step >= high) last -= 1;
    if (first > last) throw new UnsupportedSchema(`no multiple of ${step} in range`);
    const start = Math.min(Math.max(Math.round(preferred / step), first), last);
    // Float steps: ajv checks (value / step) % 1, which k * step does not always pass.
    for (let k = start; k <= Math.min(last, start + 16); k += 1) {
      const value = k * step;
      if ((value / step) % 1 === 0) return value;
    }
    return start * step;
  }

  private resolve(ref: string): SchemaNode | boolean {
    if (!ref.startsWith('#'))
      throw new UnsupportedSchema(`only local $refs are supported, got ${ref}`);
    let target: unknown = this.root;
    const pointer = decodeURIComponent(ref.slice(1));
    if (pointer !== '') {
      for (const raw of pointer.replace(/^\//, '').split('/')) {
        const key = raw.replace(/~1/g, '/').replace(/~0/g, '~');
        target =
          (isNode(target) || Array.isArray(target)) && Object.hasOwn(target, key)
            ? (target as Record<string, unknown>)[key]
            : undefined;
      }
    }
    if (typeof target === 'boolean') return target;
    if (!isNode(target)) throw new UnsupportedSchema(`$ref ${ref} points at nothing`);
    return target;
  }

  private node(schema: unknown): SchemaNode {
    if (schema === true || schema === undefined) return {};
    if (schema === false) return { not: {} };
    if (!isNode(schema)) throw new UnsupportedSchema(`not a schema: ${JSON.stringify(schema)}`);
    return schema;
  }
}

/**
 * Two schemas as one (allOf, a branch and its siblings, a $ref and its
 * siblings): properties merged (a property in both gets both, as allOf),
 * required united, bounds tightened, types intersected; other keywords from
 * `b` win.
 */
function merge(
  a: SchemaNode | boolean,
  b: SchemaNode,
  extra: Record<string, unknown> = {},
): SchemaNode {
  const left: SchemaNode = a === true ? {} : a === false ? { not: {} } : a;
  const result: Record<string, unknown> = { ...left, ...b, ...defined(extra) };
  const leftProperties = isNode(left['properties']) ? left['properties'] : undefined;
  const rightProperties = isNode(b['properties']) ? b['properties'] : undefined;
  if (leftProperties !== undefined && rightProperties !== undefined) {
    const properties = new Map<string, unknown>(Object.entries(leftProperties));
    for (const [key, schema] of Object.entries(rightProperties)) {
      properties.set(key, properties.has(key) ? { allOf: [properties.get(key), schema] } : schema);
    }
    result['properties'] = Object.fromEntries(properties);
  }
  const required = [...new Set([...stringList(left['required']), ...stringList(b['required'])])];
  if (required.length > 0) result['required'] = required;
  for (const key of ['minimum', 'exclusiveMinimum', 'minLength', 'minItems', 'minProperties']) {
    const values = [left[key], b[key]].filter((v): v is number => typeof v === 'number');
    if (values.length > 0) result[key] = Math.max(...values);
  }
  for (const key of ['maximum', 'exclusiveMaximum', 'maxLength', 'maxItems']) {
    const values = [left[key], b[key]].filter((v): v is number => typeof v === 'number');
    if (values.length > 0) result[key] = Math.min(...values);
  }
  if (left['type'] !== undefined && b['type'] !== undefined) {
    result['type'] = intersectTypes(left['type'], b['type']);
  }
  return result;
}

function intersectTypes(a: unknown, b: unknown): unknown {
  const list = (t: unknown): string[] =>
    (Array.isArray(t) ? t : [t]).filter((x): x is string => typeof x === 'string');
  const right = list(b);
  const both = list(a).flatMap((t) => {
    if (right.includes(t)) return [t];
    // An integer is a number.
    if (
      (t === 'integer' && right.includes('number')) ||
      (t === 'number' && right.includes('integer'))
    ) {
      return ['integer'];
    }
    return [];
  });
  if (both.length === 0) throw new UnsupportedSchema('allOf asks for types that do not meet');
  return both.length === 1 ? both[0] : both;
}

const FORMATS: Readonly<Record<string, (variant: number) => string>> = {
  'date-time': (v) => `2026-01-01T00:00:${String(v % 60).padStart(2, '0')}Z`,
  date: (v) => `2026-01-${String((v % 28) + 1).padStart(2, '0')}`,
  time: (v) => `00:00:${String(v % 60).padStart(2, '0')}Z`,
  email: (v) => `agent${v === 0 ? '' : v + 1}@example.com`,
  uri: (v) => `https://example.com/${v === 0 ? '' : v + 1}`,
  'uri-reference': (v) => `/offline/${v + 1}`,
  uuid: (v) => `00000000-0000-4000-8000-${String(v).padStart(12, '0')}`,
  hostname: (v) => `host${v + 1}.example.com`,
  ipv4: (v) => `192.0.2.${(v % 254) + 1}`,
  ipv6: (v) => `2001:db8::${(v % 65535) + 1}`,
};

function formattedString(format: string, variant: number): string | undefined {
  return FORMATS[format]?.(variant);
}

/** Cut to maxLength, pad to minLength (in code points, as JSON Schema counts). */
function fitLength(text: string, minLength: number, maxLength: number, variant = 0): string {
  let points = [...text];
  if (points.length > maxLength) {
    points = points.slice(0, maxLength);
    // Keep siblings of a uniqueItems array apart when cutting would make them equal.
    if (variant > 0 && points.length > 0) points[points.length - 1] = String(variant % 10);
  }
  while (points.length < minLength) points.push('x');
  return points.join('');
}

function isNode(value: unknown): value is SchemaNode {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function stringList(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
}

function count(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isInteger(value) && value >= 0 ? value : undefined;
}

function defined(values: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(values).filter(([, v]) => v !== undefined));
}

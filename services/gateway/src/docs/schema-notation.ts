import { SCHEMA_BASE_URI, type SchemaRegistry } from '@crucible/contracts';

type Schema = Record<string, unknown>;

/** A schema where it was found: `$ref`s inside it resolve against `base`. */
interface Located {
  readonly schema: Schema;
  readonly base: string;
}

/** A schema with its `$ref`s followed, and the description written beside the first one. */
interface Resolved extends Located {
  readonly fieldDescription: string | undefined;
}

/** A type as text: its first line (after `name: `), the lines after it, and notes for its first line. */
interface Rendered {
  readonly lines: string[];
  readonly notes: string[];
}

/** A top-level field the schema refuses (`not: {}`), kept for old callers' sake. */
export interface RefusedField {
  readonly name: string;
  readonly replacedBy: string | undefined;
  readonly description: string | undefined;
}

/** A named value type: used by name in shapes, defined once. */
export interface ValueType {
  readonly name: string;
  /** Its type, e.g. `string` or `string | null`. */
  readonly type: string;
  /** What it means and its constraints, in sentences. */
  readonly description: string;
}

const INDENT = '  ';
const TRAILING_NOTE_MAX = 48;
const COMMENT_WIDTH = 88;

/**
 * Renders JSON Schemas (ours, draft-07, with `$ref`s between files) as
 * TypeScript-like shapes for docs/api.md: nested objects written out, `?` on
 * optional fields, constraints and descriptions as comments. A titled
 * schema that is a plain value (a string grammar, an enum, an opaque JSON
 * object) is written by its title and defined once in `valueTypes()`.
 * Works from the schemas alone, so a field added to a schema shows up
 * without a change here.
 */
export class SchemaNotation {
  private readonly named = new Map<string, { key: string; type: string; description: string }>();

  constructor(private readonly registry: SchemaRegistry) {}

  /** The shape of a schema file's top-level object, less `omit` and the refused fields. */
  shape(file: string, omit: readonly string[] = []): { lines: string[]; refused: RefusedField[] } {
    const root: Located = { schema: this.registry.schema(file), base: SCHEMA_BASE_URI + file };
    const refused = this.refusedFields(root);
    const skip = new Set([...omit, ...refused.map((f) => f.name)]);
    const rendered = this.render(root, skip);
    return { lines: withNotes(rendered.lines, rendered.notes), refused };
  }

  /** What a schema file's top-level object says of itself: its description and constraints. */
  summary(file: string): string {
    const { schema } = this.resolve({
      schema: this.registry.schema(file),
      base: SCHEMA_BASE_URI + file,
    });
    const description = stringOf(schema.description);
    return sentences([...(description ? [description] : []), ...constraints(schema)]);
  }

  /** One top-level field of a schema file: its type on one line, and its notes as sentences. */
  field(file: string, field: string): { type: string; note: string } {
    const root = this.resolve({
      schema: this.registry.schema(file),
      base: SCHEMA_BASE_URI + file,
    });
    const property = ((root.schema.properties ?? {}) as Record<string, Schema>)[field];
    if (property === undefined) return { type: 'unknown', note: '' };
    const rendered = this.render({ schema: property, base: root.base });
    // One line: without the comments of nested fields, which a table cell cannot hold.
    const type = rendered.lines
      .filter((line) => !line.trimStart().startsWith('//'))
      .map((line) => line.replace(/\s+\/\/ .*$/, ''))
      .join(' ')
      .replace(/\s+/g, ' ')
      .replace(/,(\s*[}>])/g, '$1');
    return { type, note: sentences(rendered.notes) };
  }

  /** Every value type written by name so far, by name. */
  valueTypes(): ValueType[] {
    return [...this.named]
      .map(([name, { type, description }]) => ({ name, type, description }))
      .sort((a, b) => a.name.localeCompare(b.name));
  }

  private refusedFields(root: Located): RefusedField[] {
    const located = this.resolve(root);
    const properties = (located.schema.properties ?? {}) as Record<string, Schema>;
    return Object.entries(properties)
      .filter(([, schema]) => isRefusal(schema))
      .map(([name, schema]) => ({
        name,
        replacedBy: stringOf(schema['x-crucible-replaced-by']),
        description: stringOf(schema.description),
      }));
  }

  private render(at: Located, omit: ReadonlySet<string> = new Set()): Rendered {
    const located = this.resolve(at);
    const { schema, fieldDescription } = located;
    const name = this.nameOf(schema);
    if (name !== undefined)
      return { lines: [name], notes: fieldDescription ? [fieldDescription] : [] };
    const description = fieldDescription ?? stringOf(schema.description);
    const notes = [...(description ? [description] : []), ...constraints(schema)];
    const union = (schema.oneOf ?? schema.anyOf) as Schema[] | undefined;
    if (union !== undefined) {
      return withMoreNotes(
        this.union(union.map((s) => ({ schema: s, base: located.base }))),
        notes,
      );
    }
    if (isRefusal(schema)) return { lines: ['never'], notes };
    if ('const' in schema) return { lines: [JSON.stringify(schema.const)], notes };
    if (Array.isArray(schema.enum)) {
      return { lines: [schema.enum.map((v) => JSON.stringify(v)).join(' | ')], notes };
    }
    const types = typesOf(schema);
    if (types.length === 0) return { lines: ['unknown'], notes };
    if (types.length > 1 || (types[0] !== 'object' && types[0] !== 'array')) {
      return { lines: [types.join(' | ')], notes };
    }
    if (types[0] === 'array') {
      const items = this.render({ schema: (schema.items ?? {}) as Schema, base: located.base });
      return { lines: wrap('Array<', items.lines, '>'), notes: [...notes, ...items.notes] };
    }
    return withMoreNotes(this.object(located, omit), notes);
  }

  private object(located: Located, omit: ReadonlySet<string>): Rendered {
    const { schema, base } = located;
    const properties = (schema.properties ?? {}) as Record<string, Schema>;
    const required = new Set((schema.required as string[] | undefined) ?? []);
    const body: string[] = [];
    for (const [field, property] of Object.entries(properties)) {
      if (omit.has(field)) continue;
      const rendered = this.render({ schema: property, base });
      const label = `${field}${required.has(field) ? '' : '?'}: `;
      body.push(...fieldLines(label, rendered));
    }
    const extra = schema.additionalProperties;
    if (typeof extra === 'object' && extra !== null) {
      const key = schema.propertyNames
        ? this.render({ schema: schema.propertyNames as Schema, base }).lines.join(' ')
        : 'string';
      body.push(...fieldLines(`[key: ${key}]: `, this.render({ schema: extra as Schema, base })));
    } else if (body.length === 0) {
      return { lines: ['{ [key: string]: unknown }'], notes: [] };
    }
    return { lines: ['{', ...body.map((line) => INDENT + line), '}'], notes: [] };
  }

  private union(options: Located[]): Rendered {
    const rendered = options.map((option) => this.render(option));
    if (rendered.every((r) => r.lines.length === 1 && r.notes.length === 0)) {
      return { lines: [rendered.map((r) => r.lines[0]).join(' | ')], notes: [] };
    }
    const lines = [''];
    for (const r of rendered) {
      const [first = '', ...rest] = r.lines;
      if (r.notes.length > 0) lines.push(...comment(sentences(r.notes)).map((c) => INDENT + c));
      lines.push(`${INDENT}| ${first}`, ...rest.map((line) => INDENT + INDENT + line));
    }
    return { lines, notes: [] };
  }

  /** The schema a `$ref` stands for (following chains), and the description beside it. */
  private resolve(at: Located): Resolved {
    let { schema, base } = at;
    const fieldDescription =
      typeof schema.$ref === 'string' ? stringOf(schema.description) : undefined;
    while (typeof schema.$ref === 'string') {
      const target = new URL(schema.$ref, base).toString();
      const [documentUri = '', pointer = ''] = target.split('#');
      let found: unknown = this.registry.schema(documentUri.slice(SCHEMA_BASE_URI.length));
      for (const raw of pointer.split('/').slice(1)) {
        const token = raw.replace(/~1/g, '/').replace(/~0/g, '~');
        found = (found as Record<string, unknown>)[token];
      }
      if (typeof found !== 'object' || found === null) throw new Error(`unresolvable ${target}`);
      schema = found as Schema;
      base = documentUri;
    }
    return { schema, base, fieldDescription };
  }

  /** The title to write a value type by (and define it once), or undefined to write it out. */
  private nameOf(schema: Schema): string | undefined {
    const title = stringOf(schema.title);
    if (title === undefined || !isValueType(schema)) return undefined;
    const key = JSON.stringify(schema);
    const known = this.named.get(title);
    if (known === undefined) {
      const { title: _title, ...rest } = schema;
      const rendered = this.render({ schema: rest, base: SCHEMA_BASE_URI });
      this.named.set(title, {
        key,
        type: rendered.lines.join(' '),
        description:
          rendered.notes.length === 0 && typesOf(rest).includes('object')
            ? 'Any JSON object.'
            : sentences(rendered.notes),
      });
      return title;
    }
    // Two different schemas with one title: write this one out instead.
    return known.key === key ? title : undefined;
  }
}

/** Constraints a reader needs, in words. */
function constraints(schema: Schema): string[] {
  const notes: string[] = [];
  const range = (min: unknown, max: unknown, unit: string): void => {
    const lo = typeof min === 'number' ? min : undefined;
    const hi = typeof max === 'number' ? max : undefined;
    const units = (n: number) => (unit === '' ? '' : ` ${unit}${n === 1 ? '' : 's'}`);
    if (lo !== undefined && hi !== undefined)
      notes.push(lo === hi ? `exactly ${lo}${units(lo)}` : `${lo} to ${hi}${units(hi)}`);
    else if (lo !== undefined) notes.push(`at least ${lo}${units(lo)}`);
    else if (hi !== undefined) notes.push(`at most ${hi}${units(hi)}`);
  };
  range(schema.minimum, schema.maximum, '');
  range(schema.minLength, schema.maxLength, 'character');
  range(schema.minItems, schema.maxItems, 'item');
  if (schema.minProperties === 1 && schema.maxProperties === 1) {
    const keys = Object.keys((schema.properties as object | undefined) ?? {});
    notes.push(keys.length > 0 ? `exactly one of ${keys.join(', ')}` : 'exactly one field');
  } else range(schema.minProperties, schema.maxProperties, 'field');
  if (typeof schema.pattern === 'string') notes.push(`matches \`${schema.pattern}\``);
  if (typeof schema.format === 'string') notes.push(`format ${schema.format}`);
  return notes;
}

/** A scalar, an enum or an opaque JSON object: something one name can stand for. */
function isValueType(schema: Schema): boolean {
  if (schema.oneOf !== undefined || schema.anyOf !== undefined || 'const' in schema) return false;
  if (Array.isArray(schema.enum)) return schema.enum.length > 1;
  const types = typesOf(schema);
  if (types.length === 0 || types.includes('array')) return false;
  if (!types.includes('object')) return true;
  return (
    schema.properties === undefined &&
    schema.propertyNames === undefined &&
    (schema.additionalProperties === undefined || schema.additionalProperties === true)
  );
}

/** `{ not: {} }`: no value is valid (a refused field). */
function isRefusal(schema: Schema): boolean {
  const not = schema.not;
  return typeof not === 'object' && not !== null && Object.keys(not).length === 0;
}

function typesOf(schema: Schema): string[] {
  const type = schema.type;
  if (Array.isArray(type)) return type.filter((t): t is string => typeof t === 'string');
  return typeof type === 'string' ? [type] : [];
}

function stringOf(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

function withMoreNotes(rendered: Rendered, notes: string[]): Rendered {
  return { lines: rendered.lines, notes: [...notes, ...rendered.notes] };
}

function wrap(open: string, lines: string[], close: string): string[] {
  if (lines.length === 1) return [`${open}${lines[0]}${close}`];
  return [`${open}${lines[0]}`, ...lines.slice(1, -1), `${lines[lines.length - 1]}${close}`];
}

/** `label` and a rendered type as the lines of one field, its notes as comments. */
function fieldLines(label: string, rendered: Rendered): string[] {
  const [first = '', ...rest] = rendered.lines;
  const note = sentences(rendered.notes);
  const lines = [`${label}${first}`.trimEnd(), ...rest];
  lines[lines.length - 1] += ',';
  if (note === '') return lines;
  if (note.length <= TRAILING_NOTE_MAX && rendered.lines.length === 1) {
    return [`${lines[0]}  // ${note}`];
  }
  return [...comment(note), ...lines];
}

function withNotes(lines: string[], notes: string[]): string[] {
  return notes.length === 0 ? lines : [...comment(sentences(notes)), ...lines];
}

/** Notes as sentences: `["Some text", "1 to 10"]` is `Some text. 1 to 10.` */
export function sentences(notes: readonly string[]): string {
  return (
    notes
      .map((note) => note.trim())
      .filter((note) => note !== '')
      // A sentence starts with a capital, unless it starts with a name (`next_cursor`).
      .map((note) =>
        /^[a-z]+\b(?!_)/.test(note) ? note.charAt(0).toUpperCase() + note.slice(1) : note,
      )
      .map((note) => (/[.!?]$/.test(note) ? note : `${note}.`))
      .join(' ')
  );
}

/** A note as `//` lines of at most COMMENT_WIDTH characters. */
function comment(note: string): string[] {
  const lines: string[] = [];
  let line = '//';
  for (const word of note.split(/\s+/)) {
    if (line.length + word.length + 1 > COMMENT_WIDTH && line !== '//') {
      lines.push(line);
      line = '//';
    }
    line += ` ${word}`;
  }
  lines.push(line);
  return lines;
}

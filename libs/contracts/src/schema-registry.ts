import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import Ajv, { type ErrorObject, type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import { useFastDateTime } from './date-time-format';
import { useStringLengthKeywords } from './string-length-keywords';

/** Base of every schema `$id`; a schema's id is this plus its path under schemas/. */
export const SCHEMA_BASE_URI = 'https://schemas.crucible.dev/';

/** Where the JSON Schemas live: the repository's schemas/ folder (same depth from src/ and dist/). */
export const DEFAULT_SCHEMAS_DIR = resolve(__dirname, '../../../schemas');

/**
 * Loads every JSON Schema under a folder into one ajv instance and compiles
 * each validator on first use (with the schemas it references). Schemas
 * reference each other by relative `$ref`, resolved against their `$id`.
 */
export class SchemaRegistry {
  private readonly ajv: Ajv;
  private readonly validators = new Map<string, ValidateFunction>();
  /** Each schema file's JSON as loaded, by its path under the folder. */
  private readonly schemas: ReadonlyMap<string, Record<string, unknown>>;

  constructor(readonly dir: string = DEFAULT_SCHEMAS_DIR) {
    // verbose: errors carry their parentSchema, which names the rule that
    // failed (x-crucible-reason). allErrors stays off: first error only, so
    // a hostile payload cannot make validation expensive.
    this.ajv = new Ajv({ strict: true, allowUnionTypes: true, allErrors: false, verbose: true });
    addFormats(this.ajv);
    // ajv-formats' date-time verdicts, without its regexes for our own timestamps.
    useFastDateTime(this.ajv);
    // Same checks and errors as ajv's, without counting code points when the
    // UTF-16 length decides (string-length-keywords.ts).
    useStringLengthKeywords(this.ajv);
    // Annotations our schemas carry for error reasons and type generation.
    this.ajv.addKeyword({ keyword: 'x-crucible-reason', schemaType: 'string' });
    // What a refused legacy field was replaced by (named in its error message).
    this.ajv.addKeyword({ keyword: 'x-crucible-replaced-by', schemaType: 'string' });
    this.ajv.addKeyword({ keyword: 'tsType', schemaType: 'string' });
    // How a versioned datum schema upgrades data of the version before it
    // (schemas/memories/; docs/services/governance.md, "Memories").
    this.ajv.addKeyword({ keyword: 'x-crucible-upgrade', schemaType: 'object' });
    const schemas = new Map<string, Record<string, unknown>>();
    for (const file of listJsonFiles(dir)) {
      const rel = relative(dir, file).split('\\').join('/');
      const schema = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
      if (schema.$id !== SCHEMA_BASE_URI + rel) {
        throw new Error(`schema ${rel} must have $id ${SCHEMA_BASE_URI + rel}`);
      }
      this.ajv.addSchema(schema);
      schemas.set(rel, schema);
    }
    this.schemas = schemas;
  }

  has(file: string): boolean {
    return this.schemas.has(file);
  }

  /** The compiled validator of a schema file (path relative to schemas/, e.g. `common/error.v1.json`). */
  validator(file: string): ValidateFunction {
    let validate = this.validators.get(file);
    if (!validate) {
      if (!this.schemas.has(file)) throw new Error(`unknown schema ${file}`);
      const compiled = this.ajv.getSchema(SCHEMA_BASE_URI + file);
      if (!compiled) throw new Error(`schema ${file} did not compile`);
      validate = compiled;
      this.validators.set(file, validate);
    }
    return validate;
  }

  /** Validates `value`; returns the first error or null. */
  check(file: string, value: unknown): ErrorObject | null {
    const validate = this.validator(file);
    if (validate(value)) return null;
    return pickMostSpecific(validate.errors ?? []);
  }

  /**
   * The raw schema object of a file (for OpenAPI and MCP tool definitions),
   * as loaded: reading it compiles nothing.
   */
  schema(file: string): Record<string, unknown> {
    const found = this.schemas.get(file);
    if (!found) throw new Error(`unknown schema ${file}`);
    return found;
  }

  /** Every loaded schema file, relative to the schemas folder. */
  list(): string[] {
    return [...this.schemas.keys()].sort();
  }
}

/**
 * With oneOf/anyOf, ajv reports each branch's failure and then the
 * combinator's; the deepest error is the one a user can act on.
 */
function pickMostSpecific(errors: ErrorObject[]): ErrorObject | null {
  let best: ErrorObject | null = null;
  for (const error of errors) {
    if (!best || depth(error) > depth(best)) best = error;
  }
  return best;
}

function depth(error: ErrorObject): number {
  const extra = error.keyword === 'required' || error.keyword === 'additionalProperties' ? 1 : 0;
  return (error.instancePath === '' ? 0 : error.instancePath.split('/').length - 1) + extra;
}

function listJsonFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = join(dir, name);
    if (statSync(full).isDirectory()) return listJsonFiles(full);
    // catalog.json is data described by catalog.schema.json, not a schema.
    return name.endsWith('.json') && name !== 'catalog.json' ? [full] : [];
  });
}

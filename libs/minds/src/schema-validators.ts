import Ajv, { type AnySchemaObject, type ErrorObject, type ValidateFunction } from 'ajv';
import Ajv2020 from 'ajv/dist/2020';
import { canonicalJson, sha256Hex } from '@crucible/hashing';

const DRAFT_2020 = 'https://json-schema.org/draft/2020-12/schema';

// The options components compiles adjudication schemas with, so a schema it
// stored compiles here too (formats are not checked there either), plus
// ownProperties: without it ajv reads an absent optional property named
// like an Object.prototype member ("constructor") from the prototype.
const OPTIONS = {
  ownProperties: true,
  strict: false,
  strictSchema: true,
  strictNumbers: true,
  allErrors: false,
  validateFormats: false,
} as const;

const MAX_CACHED = 256;

/** The schema does not compile (ajv's message says why). */
export class SchemaCompileError extends Error {
  override readonly name = 'SchemaCompileError';
}

/** A value checked against a schema: valid, or the first problem ajv found. */
export type SchemaCheck =
  { readonly valid: true } | { readonly valid: false; readonly problem: string };

/**
 * Compiled validators by schema content (draft-07, or 2020-12 when its
 * $schema says so). A world asks with the same few schemas turn after turn,
 * so each is compiled once; a fresh ajv per schema keeps one schema's $id
 * from colliding with another's.
 */
export class SchemaValidators {
  private readonly cache = new Map<string, ValidateFunction>();

  /** Checks `value`; throws SchemaCompileError when the schema does not compile. */
  check(schema: object, value: unknown): SchemaCheck {
    return this.checker(schema)(value);
  }

  /** A checker for `schema`, compiled once; throws SchemaCompileError when it does not compile. */
  checker(schema: object): (value: unknown) => SchemaCheck {
    const validate = this.validator(schema);
    return (value) =>
      validate(value) ? { valid: true } : { valid: false, problem: describe(validate.errors) };
  }

  private validator(schema: object): ValidateFunction {
    const key = sha256Hex(canonicalJson(schema));
    const cached = this.cache.get(key);
    if (cached !== undefined) return cached;
    const declared = (schema as { $schema?: unknown }).$schema;
    const ajv = declared === DRAFT_2020 ? new Ajv2020(OPTIONS) : new Ajv(OPTIONS);
    let validate: ValidateFunction;
    try {
      validate = ajv.compile(schema as AnySchemaObject);
    } catch (error: unknown) {
      throw new SchemaCompileError(
        `not a usable JSON Schema: ${error instanceof Error ? error.message : String(error)}`,
        { cause: error },
      );
    }
    if (this.cache.size >= MAX_CACHED) {
      const oldest = this.cache.keys().next().value;
      if (oldest !== undefined) this.cache.delete(oldest);
    }
    this.cache.set(key, validate);
    return validate;
  }
}

function describe(errors: readonly ErrorObject[] | null | undefined): string {
  const first = errors?.[0];
  if (first === undefined) return 'not valid against the schema';
  return `${first.instancePath === '' ? '(root)' : first.instancePath} ${first.message ?? 'is not valid'}`;
}

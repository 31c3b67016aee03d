import Ajv, { type AnySchemaObject, type ErrorObject, type ValidateFunction } from 'ajv';
import Ajv2020 from 'ajv/dist/2020';
import { canonicalJson, sha256Hex } from '@crucible/hashing';

const DRAFT_2020 = 'https://json-schema.org/draft/2020-12/schema';

// The options the components service compiles adjudication schemas with (a
// schema it stored compiles here too), plus allErrors, so one corrective
// message names every problem of a reply, and ownProperties, so an absent
// property named like an Object.prototype member is not read from the prototype.
const OPTIONS = {
  ownProperties: true,
  strict: false,
  strictSchema: true,
  strictNumbers: true,
  allErrors: true,
  validateFormats: false,
} as const;

const MAX_CACHED = 256;
/** Schema problems named in one complaint; a reply wrong everywhere gets the first ones. */
const MAX_PROBLEMS = 10;

/** Checks a reply against one schema: an empty list when valid, else the problems found. */
export type SchemaChecker = (value: unknown) => string[];

/**
 * Compiled adjudication schemas by content hash. A world asks with the same
 * few schemas turn after turn, so each is compiled once; a fresh ajv per
 * schema keeps one schema's `$id` from colliding with another's.
 */
export class AdjudicationValidators {
  private readonly cache = new Map<string, SchemaChecker>();

  /** The checker of `schema`; throws when it does not compile (ajv's message says why). */
  checker(schema: object): SchemaChecker {
    const key = sha256Hex(canonicalJson(schema));
    const cached = this.cache.get(key);
    if (cached !== undefined) return cached;
    const declared = (schema as { $schema?: unknown }).$schema;
    const ajv = declared === DRAFT_2020 ? new Ajv2020(OPTIONS) : new Ajv(OPTIONS);
    const validate: ValidateFunction = ajv.compile(schema as AnySchemaObject);
    const checker: SchemaChecker = (value) => (validate(value) ? [] : describe(validate.errors));
    if (this.cache.size >= MAX_CACHED) {
      const oldest = this.cache.keys().next().value;
      if (oldest !== undefined) this.cache.delete(oldest);
    }
    this.cache.set(key, checker);
    return checker;
  }
}

function describe(errors: readonly ErrorObject[] | null | undefined): string[] {
  if (errors === null || errors === undefined || errors.length === 0) {
    return ['(root) is not valid against the schema'];
  }
  const problems = errors.map((error) => {
    const where = error.instancePath === '' ? '(root)' : error.instancePath;
    const params = error.params as { additionalProperty?: unknown; allowedValues?: unknown };
    let detail = '';
    if (typeof params.additionalProperty === 'string') {
      detail = ` (${JSON.stringify(params.additionalProperty)})`;
    } else if (Array.isArray(params.allowedValues)) {
      detail = `: ${params.allowedValues.map((value) => JSON.stringify(value)).join(', ')}`;
    }
    return `${where} ${error.message ?? 'is not valid'}${detail}`;
  });
  // allErrors can name one problem several times (through oneOf branches).
  return [...new Set(problems)].slice(0, MAX_PROBLEMS);
}

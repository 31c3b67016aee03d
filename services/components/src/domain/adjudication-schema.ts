import Ajv, { type AnySchemaObject } from 'ajv';
import Ajv2020 from 'ajv/dist/2020';
import { LRUCache } from 'lru-cache';
import { invalidArgument } from '@crucible/contracts';
import { isPlainDraft07 } from './plain-schema';

const DRAFT_07 = new Set([
  'http://json-schema.org/draft-07/schema#',
  'http://json-schema.org/draft-07/schema',
]);
const DRAFT_2020 = 'https://json-schema.org/draft/2020-12/schema';

// strictSchema: unknown keywords and malformed keyword values are errors, so a
// value that is not really JSON Schema is refused rather than half-obeyed.
// The stylistic strict checks (tuples, union types, required) stay off: they
// reject valid schemas. No loadSchema: remote $refs fail to compile.
// code.optimize off: the compiled function is thrown away (only whether the
// schema compiles matters), and ajv's passes over the generated code were
// more than half of each compile (bench schema, interleaved: 5.3 to 2.2 ms).
const OPTIONS = {
  strict: false,
  strictSchema: true,
  strictNumbers: true,
  allErrors: false,
  validateFormats: false,
  code: { optimize: false },
} as const;

/**
 * Compiles one instance makes before it is replaced. ajv keeps what every
 * compile made (the schema and its validating function, about 6.5 KB) in the
 * instance's scope for good, `removeSchema` or not, so an instance that
 * checked every new schema for the life of the process grew without bound;
 * a grown scope also made each compile slower (measured: 0.43-0.52 ms a
 * compile after a few thousand, 0.30-0.36 ms with instances replaced every
 * 200). A fresh instance compiles its meta-schema on first use, 10-20 ms,
 * once per this many compiles.
 */
const COMPILES_PER_INSTANCE = 1000;

/** The ajv instances adjudication schemas are compiled by, replaced after `limit` compiles. */
export class SchemaCompilers {
  private draft07: Ajv | undefined;
  private draft2020: Ajv | undefined;
  private compiles = 0;

  constructor(private readonly limit = COMPILES_PER_INSTANCE) {}

  /**
   * The instance for a schema's `$schema` (draft-07 when absent), or
   * undefined for a dialect not supported; counts a compile.
   */
  forDialect(declared: unknown): Ajv | undefined {
    const draft07 = isDraft07(declared);
    if (!draft07 && declared !== DRAFT_2020) return undefined;
    if (++this.compiles > this.limit) {
      this.compiles = 1;
      this.draft07 = undefined;
      this.draft2020 = undefined;
    }
    if (draft07) return this.draft07Instance();
    return (this.draft2020 ??= new Ajv2020(OPTIONS));
  }

  /**
   * Whether a draft-07 schema is valid against its meta-schema (what ajv's
   * compile checks first), without counting a compile: the check makes none.
   */
  draft07MetaValid(schema: Record<string, unknown>): boolean {
    return this.draft07Instance().validateSchema(schema) === true;
  }

  private draft07Instance(): Ajv {
    return (this.draft07 ??= new Ajv(OPTIONS));
  }
}

function isDraft07(declared: unknown): boolean {
  return declared === undefined || (typeof declared === 'string' && DRAFT_07.has(declared));
}

const compilers = new SchemaCompilers();

/**
 * Checks that an adjudication schema compiles as JSON Schema (draft-07 by
 * default, or 2020-12 when its $schema says so); throws invalid_argument with
 * reason `invalid_json_schema` and ajv's message otherwise. A draft-07 schema
 * valid against its meta-schema and made of plain keywords only
 * (plain-schema.ts) is one ajv compiles, so it is not compiled: a compile
 * cost 1-2 ms in a running service (ajv's code generation, rarely hot enough
 * to be optimized), the meta-schema check and the walk a few microseconds.
 */
export function checkAdjudicationSchema(
  schema: Record<string, unknown>,
  path: string,
  using: SchemaCompilers = compilers,
): void {
  // The walk first: a schema it leaves to the compile is not checked
  // against the meta-schema twice (the compile checks it too).
  if (isDraft07(schema.$schema) && isPlainDraft07(schema) && using.draft07MetaValid(schema)) return;
  const ajv = using.forDialect(schema.$schema);
  if (ajv === undefined) {
    throw invalidArgument(
      `${path}/$schema`,
      'invalid_json_schema',
      `${path}/$schema: only draft-07 and 2020-12 JSON Schemas are supported`,
    );
  }
  try {
    ajv.compile(schema as AnySchemaObject);
  } catch (error) {
    throw invalidArgument(
      path,
      'invalid_json_schema',
      `${path}: not a usable JSON Schema: ${(error as Error).message}`,
    );
  } finally {
    // Compiled schemas are cached by the instance; drop this one (a schema
    // with an $id would otherwise also block a later schema with that $id).
    ajv.removeSchema(schema);
  }
}

/**
 * Content hashes of adjudication schemas that compiled, at most `limit`, the
 * least recently checked dropped first: the same content compiles the same
 * way, so a schema sent again (every inline assembly of a scenario resends
 * its profile's) is not compiled again. Compiling was three quarters of
 * resolve_components' CPU in the scenarios bench. Failures are not
 * remembered: they are rare, and each refusal is worked out afresh.
 */
export class CompiledSchemas {
  private readonly hashes: LRUCache<string, true>;

  constructor(limit = 4096) {
    this.hashes = new LRUCache<string, true>({ max: limit });
  }

  /** Checks the schema unless its hash compiled before (checkAdjudicationSchema's errors). */
  check(schema: Record<string, unknown>, hash: string, path: string): void {
    if (this.hashes.get(hash) === true) return;
    checkAdjudicationSchema(schema, path);
    this.hashes.set(hash, true);
  }

  has(hash: string): boolean {
    return this.hashes.has(hash);
  }
}

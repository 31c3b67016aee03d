import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import Ajv, { type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import { DEFAULT_SCHEMAS_DIR, SCHEMA_BASE_URI, fromAjvError } from '@crucible/contracts';
import { irSchemaFile, type IrKind } from './ir-kinds';

/** One broken rule of an IR value: where (a JSON Pointer into the value), which rule, and a sentence. */
export interface IrProblem {
  readonly path: string;
  readonly reason: string;
  readonly message: string;
}

/**
 * The IR schemas (schemas/evaluation/ir) compiled once, reporting every
 * problem rather than the first (a caller fixing an experiment wants the
 * whole list) and filling the schemas' defaults. The schemas are the one
 * statement of the rules: the services check requests with the same files.
 */
export class IrValidator {
  private readonly ajv: Ajv;
  private readonly validators = new Map<IrKind, ValidateFunction>();

  constructor(schemasDir: string = DEFAULT_SCHEMAS_DIR) {
    this.ajv = new Ajv({
      strict: true,
      allowUnionTypes: true,
      allErrors: true,
      verbose: true,
      useDefaults: true,
    });
    addFormats(this.ajv);
    this.ajv.addKeyword({ keyword: 'x-crucible-reason', schemaType: 'string' });
    this.ajv.addKeyword({ keyword: 'tsType', schemaType: 'string' });
    const dir = join(schemasDir, 'evaluation', 'ir');
    for (const name of readdirSync(dir)
      .filter((n) => n.endsWith('.json'))
      .sort()) {
      this.ajv.addSchema(JSON.parse(readFileSync(join(dir, name), 'utf8')) as object);
    }
  }

  /**
   * Checks `value` as a `kind`, filling defaults into `value` itself (pass a
   * copy). Returns every problem, in document order, or none.
   */
  checkInPlace(kind: IrKind, value: unknown): IrProblem[] {
    const validate = this.validator(kind);
    if (validate(value)) return [];
    const seen = new Set<string>();
    const problems: IrProblem[] = [];
    for (const error of validate.errors ?? []) {
      const wire = fromAjvError(error);
      const path = typeof wire.details.path === 'string' ? wire.details.path : '';
      const reason =
        typeof wire.details.reason === 'string' ? wire.details.reason : 'invalid_value';
      const key = `${path} ${reason}`;
      if (seen.has(key)) continue;
      seen.add(key);
      problems.push({ path, reason, message: wire.message });
    }
    return problems;
  }

  private validator(kind: IrKind): ValidateFunction {
    let validate = this.validators.get(kind);
    if (validate === undefined) {
      const compiled = this.ajv.getSchema(SCHEMA_BASE_URI + irSchemaFile(kind));
      if (compiled === undefined) throw new Error(`schema of IR kind ${kind} did not compile`);
      validate = compiled;
      this.validators.set(kind, validate);
    }
    return validate;
  }
}

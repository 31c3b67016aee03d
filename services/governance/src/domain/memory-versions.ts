/** How data of version N-1 becomes version N (a schema's `x-crucible-upgrade`). */
export interface UpgradeStep {
  readonly from: number;
  /** Fields renamed: old name → new name. */
  readonly rename?: Readonly<Record<string, string>>;
  /** Fields added with these values when absent. */
  readonly defaults?: Readonly<Record<string, unknown>>;
}

/** The versions of one datum schema: each version's file, and the step into it. */
export interface VersionedSchema {
  readonly name: string;
  readonly latest: number;
  /** Schema file of each version (relative to schemas/). */
  readonly files: ReadonlyMap<number, string>;
  /** The step that produces each version from the one before. */
  readonly steps: ReadonlyMap<number, UpgradeStep>;
}

/** What a stored datum reads as. */
export type DatumReading =
  | { readonly kind: 'untyped'; readonly data: Record<string, unknown> }
  | { readonly kind: 'unknown'; readonly data: Record<string, unknown> }
  | {
      readonly kind: 'typed';
      readonly data: Record<string, unknown>;
      readonly version: number;
      readonly upgraded: boolean;
    };

/**
 * Reads a stored datum: untyped data as it is; data of a known schema
 * upgraded step by step from its version to the latest; a schema (or a
 * version, or a missing step) this service does not know as the raw datum,
 * never an error. Pure.
 */
export function readDatum(
  schemas: ReadonlyMap<string, VersionedSchema>,
  stored: {
    schema_name: string | null;
    schema_version: number | null;
    data: Record<string, unknown>;
  },
): DatumReading {
  const { schema_name: name, schema_version: version, data } = stored;
  if (name === null || version === null) return { kind: 'untyped', data };
  const schema = schemas.get(name);
  if (schema === undefined || version > schema.latest || !schema.files.has(version)) {
    return { kind: 'unknown', data };
  }
  let current = data;
  for (let v = version + 1; v <= schema.latest; v++) {
    const step = schema.steps.get(v);
    if (step === undefined || step.from !== v - 1) return { kind: 'unknown', data };
    current = applyStep(step, current);
  }
  return {
    kind: 'typed',
    data: current,
    version: schema.latest,
    upgraded: version < schema.latest,
  };
}

/** One upgrade step: renames first, then defaults for fields still absent. */
export function applyStep(
  step: UpgradeStep,
  data: Record<string, unknown>,
): Record<string, unknown> {
  const out: Record<string, unknown> = { ...data };
  for (const [from, to] of Object.entries(step.rename ?? {})) {
    if (Object.prototype.hasOwnProperty.call(out, from)) {
      out[to] = out[from];
      delete out[from];
    }
  }
  for (const [field, value] of Object.entries(step.defaults ?? {})) {
    if (!Object.prototype.hasOwnProperty.call(out, field)) out[field] = structuredClone(value);
  }
  return out;
}

const SCHEMA_FILE = /^memories\/([a-z][a-z0-9_.]*)\.v([1-9][0-9]*)\.json$/;

/**
 * The datum schemas among the schema files (`memories/<name>.v<N>.json`),
 * with the upgrade step each version after the first declares.
 */
export function versionedSchemas(
  files: readonly string[],
  schemaOf: (file: string) => Record<string, unknown>,
): Map<string, VersionedSchema> {
  const found = new Map<string, { files: Map<number, string>; steps: Map<number, UpgradeStep> }>();
  for (const file of files) {
    const match = SCHEMA_FILE.exec(file);
    if (match === null) continue;
    const [, name = '', v = '1'] = match;
    const version = Number(v);
    const entry = found.get(name) ?? { files: new Map(), steps: new Map() };
    entry.files.set(version, file);
    const step = schemaOf(file)['x-crucible-upgrade'] as UpgradeStep | undefined;
    if (step !== undefined) entry.steps.set(version, step);
    found.set(name, entry);
  }
  return new Map(
    [...found].map(([name, e]) => [name, { name, latest: Math.max(...e.files.keys()), ...e }]),
  );
}

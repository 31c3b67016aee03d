import { canonicalJson } from '@crucible/hashing';
import type { IrKind, IrTypes } from './ir-kinds';
import { IrValidator, type IrProblem } from './ir-validator';

let shared: IrValidator | undefined;

/** The validator over the repository's schemas, compiled on first use. */
function validator(): IrValidator {
  shared ??= new IrValidator();
  return shared;
}

/** The outcome of checking an IR value: the value with its defaults filled in, or every problem. */
export type IrResult<K extends IrKind> =
  | { readonly ok: true; readonly value: IrTypes[K] }
  | { readonly ok: false; readonly problems: readonly IrProblem[] };

/**
 * Checks `value` as an IR `kind` against schemas/evaluation/ir. Never
 * changes `value`: the defaults are filled into a copy, returned when valid.
 * Each problem names the JSON Pointer of the field that broke a rule.
 */
export function checkIr<K extends IrKind>(kind: K, value: unknown): IrResult<K> {
  // A JSON copy: the IR is JSON, and the copy's objects are plain ones
  // (structuredClone's may come from another realm, which canonical JSON refuses).
  const copy: unknown = value === undefined ? undefined : JSON.parse(JSON.stringify(value));
  const problems = validator().checkInPlace(kind, copy);
  return problems.length === 0 ? { ok: true, value: copy as IrTypes[K] } : { ok: false, problems };
}

/** Every problem of `value` as a `kind` (none: it is valid). */
export function validateIr(kind: IrKind, value: unknown): readonly IrProblem[] {
  const result = checkIr(kind, value);
  return result.ok ? [] : result.problems;
}

/** Every problem of an experiment (none: it is valid). */
export function validateExperiment(value: unknown): readonly IrProblem[] {
  return validateIr('experiment', value);
}

/** Thrown by `withDefaults` and `parseIr` for a value that breaks the IR's rules. */
export class IrInvalid extends Error {
  override readonly name = 'IrInvalid';
  /** Recognised by code, not by class (docs/architecture.md, "Errors"). */
  readonly code = 'invalid_argument';

  constructor(
    readonly kind: IrKind,
    readonly problems: readonly IrProblem[],
  ) {
    super(`invalid ${kind}: ${problems.map((p) => `${p.path || '/'} ${p.reason}`).join('; ')}`);
  }
}

/** `value` with every default of its schema filled in; throws IrInvalid when it breaks a rule. */
export function withDefaults<K extends IrKind>(kind: K, value: unknown): IrTypes[K] {
  const result = checkIr(kind, value);
  if (!result.ok) throw new IrInvalid(kind, result.problems);
  return result.value;
}

/**
 * The JSON text of an IR value: canonical JSON (sorted keys, no spaces), so
 * one value always serializes to the same bytes and can be hashed.
 * Defaults are written out, so the text means the same to a reader that
 * does not know them.
 */
export function serializeIr<K extends IrKind>(kind: K, value: IrTypes[K]): string {
  return canonicalJson(withDefaults(kind, value));
}

/** Reads IR JSON text back: parsed, checked, defaults filled in; throws IrInvalid (path '' for text that is not JSON). */
export function parseIr<K extends IrKind>(kind: K, text: string): IrTypes[K] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new IrInvalid(kind, [
      {
        path: '',
        reason: 'malformed_json',
        message: error instanceof Error ? error.message : String(error),
      },
    ]);
  }
  return withDefaults(kind, parsed);
}

import { invalidArgument, joinPointer, type CrucibleError } from '@crucible/contracts';

/** One typed score of a score config (schemas/evaluation/defs.v1.json, ScoreSpec). */
export interface ScoreSpec {
  readonly type: 'numeric' | 'categorical' | 'boolean';
  readonly min?: number;
  readonly max?: number;
  readonly values?: readonly string[];
}

export interface ScoreConfig {
  readonly scores: Readonly<Record<string, ScoreSpec>>;
}

export type ScoreValue = number | string | boolean;

/**
 * The first thing wrong with a score config, or null: a range only on a
 * numeric score and min <= max; values exactly on a categorical one
 * (docs/services/evaluation.md, "Scores").
 */
export function scoreConfigProblem(config: ScoreConfig, base: string): CrucibleError | null {
  for (const [name, spec] of Object.entries(config.scores)) {
    const at = joinPointer(base, 'scores', name);
    const hasRange = spec.min !== undefined || spec.max !== undefined;
    if (spec.type !== 'numeric' && hasRange) {
      const field = spec.min !== undefined ? 'min' : 'max';
      return invalidArgument(
        joinPointer(at, field),
        'invalid_score_spec',
        `${at}: only a numeric score has a range`,
      );
    }
    if (spec.type === 'numeric' && spec.min !== undefined && spec.max !== undefined) {
      if (spec.min > spec.max) {
        return invalidArgument(
          joinPointer(at, 'max'),
          'invalid_score_spec',
          `${at}: max ${spec.max} is below min ${spec.min}`,
        );
      }
    }
    if (spec.type === 'categorical' && spec.values === undefined) {
      return invalidArgument(
        joinPointer(at, 'values'),
        'missing_field',
        `${at}: a categorical score lists its values`,
      );
    }
    if (spec.type !== 'categorical' && spec.values !== undefined) {
      return invalidArgument(
        joinPointer(at, 'values'),
        'invalid_score_spec',
        `${at}: only a categorical score has values`,
      );
    }
  }
  return null;
}

/**
 * The first score that does not fit its config, or null: every configured
 * score given, no other, each of its type, numbers in range, categories
 * among the values.
 */
export function scoresProblem(
  config: ScoreConfig,
  scores: Readonly<Record<string, ScoreValue>>,
  base: string,
): CrucibleError | null {
  for (const name of Object.keys(scores)) {
    if (!Object.prototype.hasOwnProperty.call(config.scores, name)) {
      const at = joinPointer(base, name);
      return invalidArgument(at, 'unknown_score', `${at}: the score config has no score ${name}`);
    }
  }
  for (const [name, spec] of Object.entries(config.scores)) {
    const at = joinPointer(base, name);
    if (!Object.prototype.hasOwnProperty.call(scores, name)) {
      return invalidArgument(at, 'missing_field', `${at}: score ${name} is not given`);
    }
    const problem = valueProblem(spec, scores[name] as ScoreValue, at);
    if (problem !== null) return problem;
  }
  return null;
}

function valueProblem(spec: ScoreSpec, value: ScoreValue, at: string): CrucibleError | null {
  switch (spec.type) {
    case 'numeric':
      if (typeof value !== 'number') return wrongType(at, 'a number');
      if (
        (spec.min !== undefined && value < spec.min) ||
        (spec.max !== undefined && value > spec.max)
      ) {
        return invalidArgument(
          at,
          'score_out_of_range',
          `${at}: ${value} is outside [${spec.min ?? '-inf'}, ${spec.max ?? 'inf'}]`,
        );
      }
      return null;
    case 'categorical':
      if (typeof value !== 'string') return wrongType(at, 'one of its categories');
      if (!(spec.values ?? []).includes(value)) {
        return invalidArgument(at, 'unknown_category', `${at}: ${value} is not one of its values`, {
          values: spec.values,
        });
      }
      return null;
    case 'boolean':
      return typeof value === 'boolean' ? null : wrongType(at, 'true or false');
  }
}

function wrongType(at: string, what: string): CrucibleError {
  return invalidArgument(at, 'wrong_score_type', `${at}: the score config wants ${what}`);
}

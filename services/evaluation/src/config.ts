import type { EnvReader } from '@crucible/runtime';

/**
 * The evaluation service's own settings, read once at start by its process
 * and by the all-in-one platform alike (the connection variables are
 * ServiceEnv's, in @crucible/runtime).
 */
export interface EvaluationSettings {
  /** EVALUATION_PAGE_LIMIT: records in a list page when the request gives no limit (default 50, at most 100). */
  readonly defaultPageLimit: number;
}

export const DEFAULT_EVALUATION_SETTINGS: EvaluationSettings = { defaultPageLimit: 50 };

/** Reads the EvaluationSettings variables (problems are collected by the reader). */
export function readEvaluationSettings(reader: EnvReader): EvaluationSettings {
  return {
    defaultPageLimit: reader.int(
      'EVALUATION_PAGE_LIMIT',
      DEFAULT_EVALUATION_SETTINGS.defaultPageLimit,
      { min: 1, max: 100 },
    ),
  };
}

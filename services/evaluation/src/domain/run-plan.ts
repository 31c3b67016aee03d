import { canonicalJson, sha256Hex } from '@crucible/hashing';
import { readScorers, type Scorer } from './scorer-config';

/**
 * What a run does, read from its experiment: the pipeline stage named
 * `evaluate` carries it in its options (docs/services/evaluation.md,
 * "Running an evaluation"). The experiment IR keeps stage options an open
 * map, so the plan's rules are checked here, when a run starts.
 */
export interface RunPlan {
  /** The scenario suite (a record of the experiment's project). */
  readonly suiteId: number;
  readonly candidates: readonly RunCandidate[];
  /** Turns each world runs (1 to 100: one run_turn request). */
  readonly turns: number;
  /** One world per candidate, scenario and seed. */
  readonly seeds: readonly number[];
  /** What scores each world (domain/scorer-config.ts); their hash is part of every result key. */
  readonly scorers: readonly Scorer[];
}

/** A candidate: a mind (worlds' mind config; absent: the offline mind) and an engine. */
export interface RunCandidate {
  readonly name: string;
  readonly mind: Readonly<Record<string, unknown>>;
  readonly engine: 'sequential' | 'simultaneous';
}

/** One problem of a plan: its JSON path inside the experiment and what is wrong. */
export interface PlanProblem {
  readonly path: string;
  readonly message: string;
}

export type PlanResult =
  | { readonly ok: true; readonly plan: RunPlan }
  | { readonly ok: false; readonly problems: readonly PlanProblem[] };

export const PLAN_STAGE = 'evaluate';
export const MAX_CANDIDATES = 20;
export const MAX_SEEDS = 100;
export const MAX_TURNS = 100;
const LABEL = /^[a-z0-9]([a-z0-9_-]{0,62}[a-z0-9])?$/;
const ENGINES = new Set(['sequential', 'simultaneous']);

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isSafeInteger(value: unknown): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value);
}

/** Reads the run plan of an (already valid) experiment; every problem with its path. */
export function readRunPlan(experiment: { pipeline: readonly unknown[] }): PlanResult {
  const index = experiment.pipeline.findIndex(
    (stage) => isObject(stage) && stage.name === PLAN_STAGE && stage.enabled !== false,
  );
  if (index < 0) {
    return {
      ok: false,
      problems: [{ path: '/pipeline', message: `no enabled stage named "${PLAN_STAGE}"` }],
    };
  }
  const base = `/pipeline/${index}/options`;
  const stage = experiment.pipeline[index] as Record<string, unknown>;
  const options = isObject(stage.options) ? stage.options : {};
  const problems: PlanProblem[] = [];
  const problem = (path: string, message: string): void => {
    problems.push({ path: `${base}${path}`, message });
  };

  const known = new Set(['suite_id', 'candidates', 'turns', 'seeds', 'scorers']);
  for (const field of Object.keys(options)) {
    if (!known.has(field)) problem(`/${field}`, 'unknown field');
  }
  const suiteId = options.suite_id;
  if (!isSafeInteger(suiteId) || suiteId < 1)
    problem('/suite_id', 'a scenario suite id is required');
  const turns = options.turns;
  if (!isSafeInteger(turns) || turns < 1 || turns > MAX_TURNS) {
    problem('/turns', `an integer from 1 to ${MAX_TURNS} is required`);
  }
  const seeds = options.seeds ?? [0];
  if (!Array.isArray(seeds) || seeds.length < 1 || seeds.length > MAX_SEEDS) {
    problem('/seeds', `1 to ${MAX_SEEDS} seeds`);
  } else {
    seeds.forEach((seed, i) => {
      if (!isSafeInteger(seed)) problem(`/seeds/${i}`, 'a safe integer is required');
    });
    if (new Set(seeds).size !== seeds.length) problem('/seeds', 'seeds repeat');
  }
  const scorerRead = readScorers(options.scorers ?? [], `${base}/scorers`);
  if (!scorerRead.ok) problems.push(...scorerRead.problems);
  const candidates: RunCandidate[] = [];
  const rawCandidates = options.candidates;
  if (
    !Array.isArray(rawCandidates) ||
    rawCandidates.length < 1 ||
    rawCandidates.length > MAX_CANDIDATES
  ) {
    problem('/candidates', `1 to ${MAX_CANDIDATES} candidates`);
  } else {
    const names = new Set<string>();
    rawCandidates.forEach((raw, i) => {
      const at = `/candidates/${i}`;
      if (!isObject(raw)) return problem(at, 'a candidate object is required');
      for (const field of Object.keys(raw)) {
        if (!['name', 'mind', 'engine'].includes(field)) problem(`${at}/${field}`, 'unknown field');
      }
      const { name, mind, engine } = raw;
      if (typeof name !== 'string' || !LABEL.test(name)) {
        problem(`${at}/name`, 'a label (a-z, 0-9, _ and -) is required');
      } else if (names.has(name)) {
        problem(`${at}/name`, `candidate "${name}" is named twice`);
      } else names.add(name);
      if (mind !== undefined && !isObject(mind)) problem(`${at}/mind`, 'a mind object is required');
      if (engine !== undefined && (typeof engine !== 'string' || !ENGINES.has(engine))) {
        problem(`${at}/engine`, 'sequential or simultaneous');
      }
      candidates.push({
        name: String(name),
        mind: isObject(mind) ? mind : { provider: 'offline' },
        engine: engine === 'simultaneous' ? 'simultaneous' : 'sequential',
      });
    });
  }
  if (problems.length > 0) return { ok: false, problems };
  return {
    ok: true,
    plan: {
      suiteId: suiteId as number,
      candidates,
      turns: turns as number,
      seeds: seeds as number[],
      scorers: scorerRead.ok ? scorerRead.scorers : [],
    },
  };
}

/** The mind a job's world is created with: the candidate's, with the job's seed in its params. */
export function seededMind(
  mind: Readonly<Record<string, unknown>>,
  seed: number,
): Record<string, unknown> {
  const params = isObject(mind.params) ? mind.params : {};
  return { ...mind, params: { ...params, seed } };
}

/**
 * The parts of a result key a candidate gives: `mind_version` names the
 * mind's provider and a hash of its whole config but the seed (the seed is
 * a key part of its own); `model_version` the model it asks for.
 */
export function mindVersions(mind: Readonly<Record<string, unknown>>): {
  mind_version: string;
  model_version: string;
} {
  const provider = typeof mind.provider === 'string' ? mind.provider : 'offline';
  const params = isObject(mind.params) ? { ...mind.params } : {};
  delete params.seed;
  const config = sha256Hex(canonicalJson({ ...mind, params })).slice(0, 16);
  return {
    mind_version: `${provider}:${config}`,
    model_version: typeof mind.model === 'string' ? mind.model : `${provider}-default`,
  };
}

/** sha256 of the scorers' canonical JSON: a result key part. */
export function scorerConfigHash(scorers: readonly object[]): string {
  return sha256Hex(canonicalJson([...scorers]));
}

/** sha256 of a scenario's cognition profile hashes (label to hash): a result key part. */
export function profileHash(cognitionProfileHashes: Readonly<Record<string, string>>): string {
  return sha256Hex(canonicalJson({ ...cognitionProfileHashes }));
}

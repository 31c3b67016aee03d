import { canonicalJson, sha256Hex } from '@crucible/hashing';
import type { BreakerSettings } from './circuit-breaker';
import { readJudgeReliability } from './judge-reliability';
import { readScorers, type Scorer } from './scorer-config';

/**
 * What a run does, read from its experiment: the pipeline stage named
 * `evaluate` carries it in its options (docs/services/evaluation.md,
 * "Running an evaluation"). The experiment IR keeps stage options an open
 * map, so the plan's rules are checked here, when a run starts.
 */
export interface RunPlan {
  /** The JSON path of the evaluate stage's options inside the experiment (refusals point below it). */
  readonly optionsPath: string;
  /** The scenario suite (a record of the experiment's project). */
  readonly suiteId: number;
  readonly candidates: readonly RunCandidate[];
  /** Turns each world runs (1 to 100: one run_turn request). */
  readonly turns: number;
  /** One world per candidate, scenario and seed. */
  readonly seeds: readonly number[];
  /**
   * What scores each world (domain/scorer-config.ts), the experiment's
   * reliability defaults applied to its judges; their hash is part of every result key.
   */
  readonly scorers: readonly Scorer[];
  /** The experiment's `reliability.circuit_breaker` for its judge providers (absent: the service's). */
  readonly judgeBreaker?: BreakerSettings;
}

/**
 * A candidate: a mind (worlds' mind config; absent: the offline mind) and an
 * engine, and optionally what it changes in each suite scenario: cognition
 * profiles by label (`profiles`) and/or fork_scenario's ScenarioChanges
 * (`changes`). A candidate with scenario changes runs on a fork of each suite
 * scenario (made through fork_scenario when the run starts).
 */
export interface RunCandidate {
  readonly name: string;
  readonly mind: Readonly<Record<string, unknown>>;
  readonly engine: 'sequential' | 'simultaneous';
  /** mind: the suite's scenarios as they are; profile: only `profiles`; fork: `changes` (with or without profiles). */
  readonly kind: CandidateKind;
  /** Profile label to fork_scenario's profileRef (`{hash}` or `{inline}`); empty for none. */
  readonly profiles: Readonly<Record<string, Readonly<Record<string, unknown>>>>;
  /** fork_scenario's ScenarioChanges (checked by the scenarios service); undefined for none. */
  readonly changes?: Readonly<Record<string, unknown>>;
}

export type CandidateKind = 'mind' | 'profile' | 'fork';

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
const CANDIDATE_FIELDS = ['name', 'mind', 'engine', 'profiles', 'changes'];
/** Most profiles one candidate binds (a scenario binds at most 1000). */
export const MAX_CANDIDATE_PROFILES = 1000;

/**
 * A candidate's `profiles`: label to a profileRef with exactly one of `hash`
 * or `inline` (the rest of a ref is checked by the scenarios service, whose
 * refusals point back into the candidate).
 */
function readProfiles(
  raw: unknown,
  at: string,
  problem: (path: string, message: string) => void,
): Record<string, Record<string, unknown>> {
  if (raw === undefined) return {};
  if (!isObject(raw)) {
    problem(at, 'an object of profile label to {hash} or {inline} is required');
    return {};
  }
  const labels = Object.keys(raw);
  if (labels.length < 1 || labels.length > MAX_CANDIDATE_PROFILES) {
    problem(at, `1 to ${MAX_CANDIDATE_PROFILES} profiles`);
  }
  const refs: Record<string, Record<string, unknown>> = {};
  for (const label of labels) {
    const ref = raw[label];
    const path = `${at}/${escapePointer(label)}`;
    if (!LABEL.test(label)) problem(path, 'a profile label (a-z, 0-9, _ and -) is required');
    if (
      !isObject(ref) ||
      Object.keys(ref).length !== 1 ||
      !(typeof ref.hash === 'string' || isObject(ref.inline))
    ) {
      problem(path, 'a profile ref, {"hash": …} or {"inline": {…}}, is required');
    } else refs[label] = ref;
  }
  return refs;
}

/** A key as one JSON pointer segment (RFC 6901). */
function escapePointer(key: string): string {
  return key.replace(/~/g, '~0').replace(/\//g, '~1');
}

/**
 * fork_scenario's changes for a candidate: its `changes` with its `profiles`
 * as cognition profile upserts; undefined for a candidate that runs the
 * suite's scenarios as they are.
 */
export function candidateChanges(candidate: RunCandidate): Record<string, unknown> | undefined {
  if (candidate.kind === 'mind') return undefined;
  const changes: Record<string, unknown> = { ...candidate.changes };
  if (Object.keys(candidate.profiles).length > 0) {
    changes.cognition_profile_upserts = { ...candidate.profiles };
  }
  return changes;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isSafeInteger(value: unknown): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value);
}

/** The index of a pipeline's enabled stage named `evaluate` (the first), or -1 for none. */
export function planStageIndex(pipeline: readonly unknown[]): number {
  return pipeline.findIndex(
    (stage) => isObject(stage) && stage.name === PLAN_STAGE && stage.enabled !== false,
  );
}

/**
 * Reads the run plan of an (already valid) experiment; every problem with
 * its path. Its `reliability` config gives the judge scorers' defaults and
 * their breaker (domain/judge-reliability.ts).
 */
export function readRunPlan(experiment: {
  readonly pipeline: readonly unknown[];
  readonly reliability?: unknown;
}): PlanResult {
  const index = planStageIndex(experiment.pipeline);
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
  const reliability = readJudgeReliability(experiment.reliability);
  const scorerRead = readScorers(
    options.scorers ?? [],
    `${base}/scorers`,
    reliability.value.defaults,
  );
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
        if (!CANDIDATE_FIELDS.includes(field)) problem(`${at}/${field}`, 'unknown field');
      }
      const { name, mind, engine, profiles, changes } = raw;
      if (typeof name !== 'string' || !LABEL.test(name)) {
        problem(`${at}/name`, 'a label (a-z, 0-9, _ and -) is required');
      } else if (names.has(name)) {
        problem(`${at}/name`, `candidate "${name}" is named twice`);
      } else names.add(name);
      if (mind !== undefined && !isObject(mind)) problem(`${at}/mind`, 'a mind object is required');
      if (engine !== undefined && (typeof engine !== 'string' || !ENGINES.has(engine))) {
        problem(`${at}/engine`, 'sequential or simultaneous');
      }
      const profileRefs = readProfiles(profiles, `${at}/profiles`, problem);
      if (changes !== undefined && !isObject(changes)) {
        problem(`${at}/changes`, "a ScenarioChanges object (fork_scenario's changes) is required");
      } else if (isObject(changes) && Object.keys(changes).length === 0) {
        problem(`${at}/changes`, 'changes are empty');
      } else if (
        isObject(changes) &&
        changes.cognition_profile_upserts !== undefined &&
        profiles !== undefined
      ) {
        problem(
          `${at}/changes/cognition_profile_upserts`,
          'profiles are given twice: use either profiles or changes.cognition_profile_upserts',
        );
      }
      const kind: CandidateKind = isObject(changes)
        ? 'fork'
        : profiles !== undefined
          ? 'profile'
          : 'mind';
      candidates.push({
        name: String(name),
        mind: isObject(mind) ? mind : { provider: 'offline' },
        engine: engine === 'simultaneous' ? 'simultaneous' : 'sequential',
        kind,
        profiles: profileRefs,
        ...(isObject(changes) && { changes }),
      });
    });
  }
  // After the stage's: /pipeline comes before /reliability in an experiment.
  problems.push(...reliability.problems);
  if (problems.length > 0) return { ok: false, problems };
  return {
    ok: true,
    plan: {
      optionsPath: base,
      suiteId: suiteId as number,
      candidates,
      turns: turns as number,
      seeds: seeds as number[],
      scorers: scorerRead.ok ? scorerRead.scorers : [],
      ...(reliability.value.breaker !== undefined && {
        judgeBreaker: reliability.value.breaker,
      }),
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

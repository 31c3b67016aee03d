import type { BreakerSettings } from './circuit-breaker';
import { MAX_JUDGES, type JudgeDefaults, type JudgeRef, type ScorerProblem } from './scorer-config';

/**
 * What an experiment's reliability config does to its judge calls
 * (docs/services/evaluation.md, "Scorers"): `ensemble` and `hedging` are the
 * defaults of its judge scorers, `circuit_breaker` sets the breaker of the
 * run's judge providers. The IR keeps `circuit_breaker` (and each part's
 * `options`) an open map, so what a run can honour is checked here, when a
 * run starts: a setting that asks for what judge calls cannot do is a
 * problem, never silently ignored.
 */
export interface JudgeReliability {
  readonly defaults: JudgeDefaults;
  /** The experiment's breaker settings; absent: the service's (EVALUATION_JUDGE_BREAKER_*). */
  readonly breaker?: BreakerSettings;
}

/** The most duplicates of one judge request the experiment's hedging may ask for. */
export const MAX_HEDGE_EXTRA_REQUESTS = 8;
/** The longest hedging delay (a scorer's `hedge_delay_ms` has the same bound). */
export const MAX_HEDGE_DELAY_MS = 600_000;
/** Bounds of the circuit_breaker fields (the EVALUATION_JUDGE_BREAKER_* variables' bounds). */
export const BREAKER_BOUNDS = {
  failure_threshold: { min: 1, max: 1000 },
  reset_timeout_ms: { min: 10, max: 3_600_000 },
} as const;

const JUDGE_ID = /^[a-z][a-z0-9_]{0,62}$/;
const BASE = '/reliability';

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Reads the judge-call parts of an experiment's `reliability` (as stored:
 * checked by the IR and its defaults filled in), every problem at its path
 * inside the experiment. The defaults read are returned with the problems
 * too, so a plan's other problems can be found alongside.
 */
export function readJudgeReliability(reliability: unknown): {
  readonly value: JudgeReliability;
  readonly problems: readonly ScorerProblem[];
} {
  const problems: ScorerProblem[] = [];
  const problem = (path: string, message: string): void => {
    problems.push({ path: `${BASE}${path}`, message });
  };
  if (!isObject(reliability)) return { value: { defaults: {} }, problems };
  const defaults: { -readonly [K in keyof JudgeDefaults]: JudgeDefaults[K] } = {};
  if (isObject(reliability.ensemble)) readEnsemble(reliability.ensemble, defaults, problem);
  if (isObject(reliability.hedging)) {
    const hedging = readHedging(reliability.hedging, problem);
    if (hedging !== undefined) defaults.hedging = hedging;
  }
  const breaker = isObject(reliability.circuit_breaker)
    ? readBreaker(reliability.circuit_breaker, problem)
    : undefined;
  return { value: { defaults, ...(breaker !== undefined && { breaker }) }, problems };
}

/**
 * `ensemble`: `strategy` is the default combining rule; `models` the
 * default judges; `execution_mode` must be `parallel` (the IR's default),
 * as every judge of a scorer is asked at once.
 */
function readEnsemble(
  ensemble: Record<string, unknown>,
  defaults: { strategy?: JudgeDefaults['strategy']; judges?: JudgeDefaults['judges'] },
  problem: (path: string, message: string) => void,
): void {
  // Strings as stored (the IR checked them); the IR's default when left out.
  const mode = typeof ensemble.execution_mode === 'string' ? ensemble.execution_mode : 'parallel';
  if (mode !== 'parallel') {
    problem(
      '/ensemble/execution_mode',
      `judges are asked in parallel: execution_mode ${mode} is not supported for judge calls` +
        (mode === 'hedged' ? ' (reliability.hedging hedges each judge request)' : ''),
    );
  }
  const strategy = ensemble.strategy;
  if (
    strategy === 'majority' ||
    strategy === 'weighted' ||
    strategy === 'best_confidence' ||
    strategy === 'unanimous'
  ) {
    defaults.strategy = strategy;
  }
  const models = ensemble.models;
  if (!Array.isArray(models) || models.length === 0) return;
  if (models.length > MAX_JUDGES) {
    problem('/ensemble/models', `at most ${MAX_JUDGES} models judge (as a scorer's judges)`);
    return;
  }
  const judges: JudgeRef[] = [];
  const ids = new Set<string>();
  models.forEach((model, i) => {
    const judge = judgeOfModel(model, `/ensemble/models/${i}`, ids, problem);
    if (judge !== undefined) judges.push(judge);
  });
  if (judges.length === models.length) defaults.judges = judges;
}

/**
 * A BackendRef of `ensemble.models` as a judge: `id` the judge's id,
 * `options` its mind (a worlds mind config, as a scorer judge's `mind`)
 * and `weight`, `endpoint_url` the mind's `base_url` (its provider then
 * `openai-compatible` unless `options.provider` says otherwise). A judge
 * has no fallback and does not follow a deployment yet: those are refused.
 */
function judgeOfModel(
  model: unknown,
  at: string,
  ids: Set<string>,
  problem: (path: string, message: string) => void,
): JudgeRef | undefined {
  if (!isObject(model)) {
    problem(at, 'a backend ref is required');
    return undefined;
  }
  let bad = false;
  const fail = (path: string, message: string): void => {
    bad = true;
    problem(`${at}${path}`, message);
  };
  const id = model.id;
  if (typeof id !== 'string' || !JUDGE_ID.test(id)) {
    fail('/id', 'as a judge id: a-z, 0-9 and _, starting with a letter, at most 63 characters');
  } else if (ids.has(id)) fail('/id', `judge "${id}" is named twice`);
  else ids.add(id);
  if (model.fallback !== undefined) fail('/fallback', 'a judge has no fallback backend');
  if (model.deployment_id !== undefined) {
    fail('/deployment_id', 'a judge cannot name a deployment: give endpoint_url and options');
  }
  const options = isObject(model.options) ? model.options : {};
  const { weight, ...mind } = options;
  if (weight !== undefined && (typeof weight !== 'number' || !(weight > 0))) {
    fail('/options/weight', 'a positive number');
  }
  const endpoint = model.endpoint_url;
  if (typeof endpoint === 'string' && mind.base_url !== undefined) {
    fail('/options/base_url', 'the base URL is given twice: use endpoint_url or options.base_url');
  }
  if (bad) return undefined;
  return {
    id: id as string,
    mind:
      typeof endpoint === 'string'
        ? { provider: 'openai-compatible', ...mind, base_url: endpoint }
        : { provider: 'offline', ...mind },
    weight: typeof weight === 'number' ? weight : 1,
  };
}

/**
 * `hedging`: `off` (the IR's default) hedges nothing; `fixed` sends a
 * duplicate after `delay_ms` (required), up to `max_extra_requests` (IR
 * default 1). The adaptive strategies are not supported for judge calls.
 */
function readHedging(
  hedging: Record<string, unknown>,
  problem: (path: string, message: string) => void,
): JudgeDefaults['hedging'] {
  const strategy = typeof hedging.strategy === 'string' ? hedging.strategy : 'off';
  if (strategy === 'off') return undefined;
  if (strategy !== 'fixed') {
    problem(
      '/hedging/strategy',
      `judge calls hedge with strategy off or fixed: ${strategy} is not supported`,
    );
    return undefined;
  }
  const delay = hedging.delay_ms;
  const extra = hedging.max_extra_requests ?? 1;
  let ok = true;
  if (delay === undefined) {
    ok = false;
    problem('/hedging/delay_ms', 'fixed hedging needs delay_ms');
  } else if (!Number.isSafeInteger(delay) || (delay as number) > MAX_HEDGE_DELAY_MS) {
    ok = false;
    problem('/hedging/delay_ms', `an integer from 0 to ${MAX_HEDGE_DELAY_MS}`);
  }
  if (!Number.isSafeInteger(extra) || (extra as number) > MAX_HEDGE_EXTRA_REQUESTS) {
    ok = false;
    problem('/hedging/max_extra_requests', `an integer from 0 to ${MAX_HEDGE_EXTRA_REQUESTS}`);
  }
  return ok ? { delayMs: delay as number, maxExtraRequests: extra as number } : undefined;
}

/** A key as one JSON pointer segment (RFC 6901). */
function escapePointer(key: string): string {
  return key.replace(/~/g, '~0').replace(/\//g, '~1');
}

/**
 * `circuit_breaker` (an open map in the IR): `failure_threshold` and
 * `reset_timeout_ms`, integers within the bounds of the service's own
 * variables; a field left out is the service's. Any other field is refused.
 */
function readBreaker(
  map: Record<string, unknown>,
  problem: (path: string, message: string) => void,
): BreakerSettings | undefined {
  const settings: { -readonly [K in keyof BreakerSettings]: BreakerSettings[K] } = {};
  for (const [field, value] of Object.entries(map)) {
    if (field !== 'failure_threshold' && field !== 'reset_timeout_ms') {
      problem(
        `/circuit_breaker/${escapePointer(field)}`,
        'unknown field (a judge breaker reads failure_threshold and reset_timeout_ms)',
      );
      continue;
    }
    const { min, max } = BREAKER_BOUNDS[field];
    if (!Number.isSafeInteger(value) || (value as number) < min || (value as number) > max) {
      problem(`/circuit_breaker/${field}`, `an integer from ${min} to ${max}`);
      continue;
    }
    settings[field] = value as number;
  }
  return Object.keys(settings).length > 0 ? settings : undefined;
}

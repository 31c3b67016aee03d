import type { HedgeOptions } from './hedged-call';
import type { EnsembleStrategy } from './judge-ensemble';
import type { RuleScorer } from './rule-scorers';
import { ruleScoreSpec } from './rule-scorers';
import { scoreConfigProblem, type ScoreConfig, type ScoreSpec } from './score-rules';

/** One judge of an LLM judge scorer: a mind (worlds' mind config) and its weight. */
export interface JudgeRef {
  readonly id: string;
  readonly mind: Readonly<Record<string, unknown>>;
  readonly weight: number;
}

/**
 * An LLM judge (docs/services/evaluation.md, "Scorers") as it is run: each
 * judge reads the rubric and the world's evidence and answers a verdict
 * checked against the score's schema; the ensemble `strategy` combines the
 * judges' verdicts. `hedge_delay_ms` sends a duplicate request when a judge
 * has not answered after that long (the first answer wins), up to
 * `hedge_max_extra_requests` of them. The experiment's reliability config
 * fills in what the scorer does not say (judgeDefaultsApplied).
 */
export interface JudgeScorer {
  readonly name: string;
  readonly kind: 'llm_judge';
  readonly rubric: string;
  readonly type: ScoreSpec['type'];
  readonly values?: readonly string[];
  readonly min?: number;
  readonly max?: number;
  readonly judges: readonly JudgeRef[];
  readonly strategy: EnsembleStrategy;
  readonly hedge_delay_ms?: number;
  /**
   * Duplicates sent at most (the experiment's `reliability.hedging.max_extra_requests`);
   * absent: 1 when `hedge_delay_ms` is set. Only set when the experiment's hedging
   * is on, so the scorers (and their hash) of other experiments stay as they were.
   */
  readonly hedge_max_extra_requests?: number;
}

/**
 * What an experiment's reliability config says about its judge scorers
 * (domain/judge-reliability.ts reads it): each is a default, used only where
 * a scorer does not say it itself.
 */
export interface JudgeDefaults {
  /** `reliability.ensemble.strategy`: the combining rule of a scorer without `strategy`. */
  readonly strategy?: EnsembleStrategy;
  /** `reliability.ensemble.models` as judges: the judges of a scorer without `judges`. */
  readonly judges?: readonly JudgeRef[];
  /** `reliability.hedging` with strategy `fixed`: its `delay_ms` and `max_extra_requests`. */
  readonly hedging?: { readonly delayMs: number; readonly maxExtraRequests: number };
}

/** The judge settings a scorer gives explicitly (before any default). */
export interface ExplicitJudgeSettings {
  readonly judges?: readonly JudgeRef[];
  readonly strategy?: EnsembleStrategy;
  readonly hedge_delay_ms?: number;
}

/**
 * A judge scorer's settings with the experiment's defaults applied: the
 * scorer's own `judges`, `strategy` and `hedge_delay_ms` win; what it leaves
 * out is the experiment's (ensemble models, ensemble strategy, hedging), and
 * else `majority` and no hedging. With the experiment's hedging on, a
 * scorer's own delay keeps the experiment's number of duplicates.
 */
export function judgeDefaultsApplied(
  own: ExplicitJudgeSettings,
  defaults: JudgeDefaults,
): Pick<JudgeScorer, 'strategy' | 'hedge_delay_ms' | 'hedge_max_extra_requests'> & {
  judges: readonly JudgeRef[] | undefined;
} {
  const hedging = defaults.hedging;
  const delay = own.hedge_delay_ms ?? hedging?.delayMs;
  return {
    judges: own.judges ?? defaults.judges,
    strategy: own.strategy ?? defaults.strategy ?? 'majority',
    ...(delay !== undefined && { hedge_delay_ms: delay }),
    ...(hedging !== undefined && { hedge_max_extra_requests: hedging.maxExtraRequests }),
  };
}

export type Scorer = RuleScorer | JudgeScorer;

export interface ScorerProblem {
  readonly path: string;
  readonly message: string;
}

const NAME = /^[a-z][a-z0-9_]{0,62}$/;
const TYPES = new Set(['numeric', 'categorical', 'boolean']);
const STRATEGIES = new Set(['majority', 'weighted', 'best_confidence', 'unanimous']);
const EVENT_KINDS = new Set([
  'perception_emitted',
  'intent_formed',
  'intent_adjudicated',
  'turn_failed',
]);
export const MAX_SCORERS = 32;
export const MAX_JUDGES = 9;

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

const isText = (v: unknown, max: number): v is string =>
  typeof v === 'string' && v.length > 0 && v.length <= max;

/** The score each scorer gives, typed: the config its scores are checked against. */
export function scoreSpecOf(scorer: Scorer): ScoreSpec {
  if (scorer.kind !== 'llm_judge') return ruleScoreSpec(scorer);
  const spec: { -readonly [K in keyof ScoreSpec]: ScoreSpec[K] } = { type: scorer.type };
  if (scorer.values !== undefined) spec.values = scorer.values;
  if (scorer.min !== undefined) spec.min = scorer.min;
  if (scorer.max !== undefined) spec.max = scorer.max;
  return spec;
}

export function scoreConfigOf(scorers: readonly Scorer[]): ScoreConfig {
  return { scores: Object.fromEntries(scorers.map((s) => [s.name, scoreSpecOf(s)])) };
}

/** A judge scorer's hedging: none without a delay; one duplicate unless the experiment says how many. */
export function hedgeOf(scorer: JudgeScorer): HedgeOptions {
  if (scorer.hedge_delay_ms === undefined) return { delayMs: 0, maxExtraRequests: 0 };
  return {
    delayMs: scorer.hedge_delay_ms,
    maxExtraRequests: scorer.hedge_max_extra_requests ?? 1,
  };
}

/**
 * Reads a list of scorer configs (a run plan's `scorers`), every problem
 * with its path under `base`: names unique, each kind's fields, and the
 * score config they make (types, ranges, categories) consistent. A judge
 * scorer gets what it leaves out from `defaults` (the experiment's
 * reliability config).
 */
export function readScorers(
  raw: unknown,
  base: string,
  defaults: JudgeDefaults = {},
): { ok: true; scorers: Scorer[] } | { ok: false; problems: ScorerProblem[] } {
  const problems: ScorerProblem[] = [];
  const problem = (path: string, message: string): void => {
    problems.push({ path: `${base}${path}`, message });
  };
  if (!Array.isArray(raw) || raw.length > MAX_SCORERS) {
    return {
      ok: false,
      problems: [{ path: base, message: `an array of at most ${MAX_SCORERS} scorers` }],
    };
  }
  const scorers: Scorer[] = [];
  const names = new Set<string>();
  raw.forEach((item, i) => {
    const at = `/${i}`;
    if (!isObject(item)) return problem(at, 'a scorer object is required');
    const name = item.name;
    if (typeof name !== 'string' || !NAME.test(name)) {
      problem(`${at}/name`, 'a score name (a-z, 0-9 and _, starting with a letter) is required');
    } else if (names.has(name)) problem(`${at}/name`, `score "${name}" is named twice`);
    else names.add(name);
    const scorer = readOne(item, at, problem, defaults);
    if (scorer !== undefined) scorers.push(scorer);
  });
  if (problems.length === 0) {
    const conflict = scoreConfigProblem(scoreConfigOf(scorers), '');
    if (conflict !== null) {
      const path = String(conflict.details?.path ?? '');
      const name = path.split('/')[2] ?? '';
      const index = scorers.findIndex((s) => s.name === name);
      problem(`/${index}/${path.split('/').slice(3).join('/')}`, conflict.message);
    }
  }
  return problems.length > 0 ? { ok: false, problems } : { ok: true, scorers };
}

function readOne(
  item: Record<string, unknown>,
  at: string,
  problem: (path: string, message: string) => void,
  defaults: JudgeDefaults,
): Scorer | undefined {
  const before = { count: 0 };
  const fail = (path: string, message: string): void => {
    before.count += 1;
    problem(path, message);
  };
  const allow = (fields: string[]): void => {
    for (const field of Object.keys(item)) {
      if (!['name', 'kind', ...fields].includes(field)) fail(`${at}/${field}`, 'unknown field');
    }
  };
  const filter = (): void => {
    if (
      item.event_kind !== undefined &&
      (typeof item.event_kind !== 'string' || !EVENT_KINDS.has(item.event_kind))
    ) {
      fail(`${at}/event_kind`, `one of ${[...EVENT_KINDS].join(', ')}`);
    }
    if (item.agent_id !== undefined && !isText(item.agent_id, 200)) {
      fail(`${at}/agent_id`, 'an agent id is required');
    }
  };
  const texts = (required: boolean): void => {
    const contains = item.contains;
    if (contains === undefined && !required) return;
    if (
      !Array.isArray(contains) ||
      contains.length < 1 ||
      contains.length > 100 ||
      !contains.every((t) => isText(t, 1000))
    ) {
      fail(`${at}/contains`, '1 to 100 texts of 1 to 1000 characters');
    }
  };
  const typed = (): void => {
    if (typeof item.type !== 'string' || !TYPES.has(item.type))
      fail(`${at}/type`, 'numeric, categorical or boolean');
    if (
      item.values !== undefined &&
      (!Array.isArray(item.values) || !item.values.every((v) => isText(v, 200)))
    ) {
      fail(`${at}/values`, 'a list of category names');
    }
    for (const bound of ['min', 'max']) {
      if (
        item[bound] !== undefined &&
        (typeof item[bound] !== 'number' || !Number.isFinite(item[bound]))
      ) {
        fail(`${at}/${bound}`, 'a number');
      }
    }
  };
  switch (item.kind) {
    case 'count':
      allow(['event_kind', 'agent_id', 'contains']);
      filter();
      texts(false);
      break;
    case 'absent':
    case 'present':
      allow(['event_kind', 'agent_id', 'contains']);
      filter();
      texts(true);
      break;
    case 'state':
      allow(['pointer', 'type', 'values', 'min', 'max']);
      if (typeof item.pointer !== 'string' || !/^(\/[^/]*)*$/.test(item.pointer)) {
        fail(`${at}/pointer`, 'a JSON Pointer into the final state');
      }
      typed();
      break;
    case 'llm_judge': {
      allow(['rubric', 'type', 'values', 'min', 'max', 'judges', 'strategy', 'hedge_delay_ms']);
      if (!isText(item.rubric, 20_000)) fail(`${at}/rubric`, 'a rubric of 1 to 20000 characters');
      typed();
      const judges = item.judges;
      if (judges === undefined && defaults.judges !== undefined) {
        // The experiment's reliability.ensemble.models judge (checked where they are read).
      } else if (!Array.isArray(judges) || judges.length < 1 || judges.length > MAX_JUDGES) {
        fail(
          `${at}/judges`,
          `1 to ${MAX_JUDGES} judges (or the experiment's reliability.ensemble.models)`,
        );
      } else {
        const ids = new Set<string>();
        judges.forEach((judge, j) => {
          const jat = `${at}/judges/${j}`;
          if (!isObject(judge)) return fail(jat, 'a judge object is required');
          for (const field of Object.keys(judge)) {
            if (!['id', 'mind', 'weight'].includes(field)) fail(`${jat}/${field}`, 'unknown field');
          }
          if (typeof judge.id !== 'string' || !NAME.test(judge.id))
            fail(`${jat}/id`, 'a judge id is required');
          else if (ids.has(judge.id)) fail(`${jat}/id`, `judge "${judge.id}" is named twice`);
          else ids.add(judge.id);
          if (judge.mind !== undefined && !isObject(judge.mind))
            fail(`${jat}/mind`, 'a mind object');
          if (
            judge.weight !== undefined &&
            (typeof judge.weight !== 'number' || !(judge.weight > 0))
          ) {
            fail(`${jat}/weight`, 'a positive number');
          }
        });
      }
      if (
        item.strategy !== undefined &&
        (typeof item.strategy !== 'string' || !STRATEGIES.has(item.strategy))
      ) {
        fail(`${at}/strategy`, [...STRATEGIES].join(', '));
      }
      const delay = item.hedge_delay_ms;
      if (
        delay !== undefined &&
        (!Number.isSafeInteger(delay) || (delay as number) < 0 || (delay as number) > 600_000)
      ) {
        fail(`${at}/hedge_delay_ms`, 'an integer from 0 to 600000');
      }
      break;
    }
    default:
      fail(`${at}/kind`, 'count, absent, present, state or llm_judge');
  }
  if (before.count > 0) return undefined;
  if (item.kind === 'llm_judge') {
    const own = item.judges as Array<Record<string, unknown>> | undefined;
    const settings = judgeDefaultsApplied(
      {
        ...(own !== undefined && {
          judges: own.map((judge) => ({
            id: judge.id as string,
            mind: isObject(judge.mind) ? judge.mind : { provider: 'offline' },
            weight: typeof judge.weight === 'number' ? judge.weight : 1,
          })),
        }),
        ...(item.strategy !== undefined && { strategy: item.strategy as EnsembleStrategy }),
        ...(item.hedge_delay_ms !== undefined && { hedge_delay_ms: item.hedge_delay_ms as number }),
      },
      defaults,
    );
    // Checked above: a scorer without judges has the experiment's.
    const judges = settings.judges ?? [];
    return { ...(item as unknown as JudgeScorer), ...settings, judges };
  }
  return item as unknown as RuleScorer;
}

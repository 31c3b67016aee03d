import type { CompareRunsReply, CompareRunsRequest } from '@crucible/contracts';
import { recordNotFound } from '../domain/record-errors';
import { RECORD_SPECS } from '../domain/record-kinds';
import { rankRun, type ScoredWorld } from '../domain/ranking';
import { scoreConfigOf, type Scorer } from '../domain/scorer-config';
import type { ScoreValue } from '../domain/score-rules';
import { compileStatsOptions } from '../domain/stats';
import type { RecordRow } from '../store/record-store';
import type { EvaluationDeps } from './deps';

interface RunConfig {
  experiment_id?: number;
  scorers?: Scorer[];
}

/**
 * compare_runs: the run's candidates ranked on each numeric or boolean
 * score of its scorers over its scored worlds (done or reused), with the
 * intervals and tests its experiment's stats config asks for
 * (domain/ranking.ts); with `baseline_run_id`, each candidate against
 * itself in that run.
 */
export async function compareRuns(
  deps: EvaluationDeps,
  request: CompareRunsRequest,
): Promise<CompareRunsReply> {
  const run = await deps.store.get(RECORD_SPECS.run, request.run_id);
  if (run === undefined) throw recordNotFound('run', request.run_id, '/run_id');
  let baseline: RecordRow | undefined;
  if (request.baseline_run_id !== undefined) {
    baseline = await deps.store.get(RECORD_SPECS.run, request.baseline_run_id);
    if (baseline === undefined) {
      throw recordNotFound('run', request.baseline_run_id, '/baseline_run_id');
    }
  }
  const config = (run.config ?? {}) as RunConfig;
  const experiment =
    config.experiment_id === undefined
      ? undefined
      : await deps.registry.experimentById(config.experiment_id);
  const stats = (experiment?.experiment as { reliability?: { stats?: object } } | undefined)
    ?.reliability?.stats;
  const options = compileStatsOptions(stats);
  const { worlds, candidates } = await scoredWorlds(deps, request.run_id);
  const before =
    baseline === undefined
      ? undefined
      : (await scoredWorlds(deps, request.baseline_run_id!)).worlds;
  const scores = rankRun(worlds, scoreConfigOf(config.scorers ?? []).scores, options, before);
  return {
    run_id: request.run_id,
    ...(request.baseline_run_id !== undefined && { baseline_run_id: request.baseline_run_id }),
    worlds: worlds.length,
    candidates,
    ...(before !== undefined && { baseline_worlds: before.length }),
    stats: {
      interval: options.interval,
      confidence_level: options.confidenceLevel,
      alpha: options.alpha,
      ...(options.interval === 'bootstrap' && {
        bootstrap_iterations: options.bootstrapIterations,
      }),
      correction: options.correction,
    },
    scores,
  };
}

type RunCandidates = NonNullable<CompareRunsReply['candidates']>;

/**
 * The scores of a run's done and reused jobs, read a page of jobs at a time,
 * and each candidate's kind and the scenarios its jobs ran on (its forks of
 * the suite's scenarios), in job order.
 */
async function scoredWorlds(
  deps: EvaluationDeps,
  runId: number,
): Promise<{ worlds: ScoredWorld[]; candidates: RunCandidates }> {
  const worlds: ScoredWorld[] = [];
  const candidates = new Map<string, RunCandidates[number]>();
  let afterId: number | undefined;
  for (;;) {
    const jobs = await deps.runs.listJobs(runId, { afterId, limit: 500 });
    if (jobs.length === 0) return { worlds, candidates: [...candidates.values()] };
    afterId = Number(jobs[jobs.length - 1]!.id);
    for (const job of jobs) {
      let entry = candidates.get(job.candidate);
      if (entry === undefined) {
        entry = { candidate: job.candidate, kind: job.candidate_kind, scenarios: [] };
        candidates.set(job.candidate, entry);
      }
      if (!entry.scenarios.some((s) => s.scenario_hash === job.scenario_hash)) {
        entry.scenarios.push({
          suite_scenario_hash: job.suite_scenario_hash,
          scenario_hash: job.scenario_hash,
        });
      }
    }
    const finished = jobs.filter((job) => job.status === 'done' || job.status === 'reused');
    const results = new Map(
      (await deps.results.byHashes(finished.map((job) => job.key_hash))).map((row) => [
        row.key_hash,
        row.result,
      ]),
    );
    for (const job of finished) {
      const scores = results.get(job.key_hash)?.scores as Record<string, ScoreValue> | undefined;
      if (scores !== undefined) worlds.push({ candidate: job.candidate, scores });
    }
  }
}

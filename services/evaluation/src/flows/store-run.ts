import { invalidArgument, type ResultKey } from '@crucible/contracts';
import type { Knex } from '@crucible/database';
import { type OutboxRow, type RpcContext, type CallerContext } from '@crucible/messaging';
import { mindVersions, scorerConfigHash, seededMind, type RunPlan } from '../domain/run-plan';
import { countsOfNewJobs, progressOf } from '../domain/run-progress';
import type { EvaluationDeps } from '../handlers/deps';
import { resultKeyHash } from '../handlers/results';
import type { RecordRow } from '../store/record-store';
import type { NewRunJob } from '../store/run-store';
import { candidateScenarios, type CandidateScenario } from './candidate-forks';
import { recordEvent } from './record-events';
import { progressEvent, type RunStatus } from './run-progress';
import type { ResolvedScenario } from './suite-scenarios';

/** Most combinations (candidates x scenarios x seeds) one run may have. */
export const MAX_RUN_JOBS = 10_000;

/** What storeRun stores: a run of an experiment's plan over resolved scenarios. */
export interface RunInput {
  readonly experiment: { readonly id: number; readonly hash: string };
  readonly projectId: number;
  readonly plan: RunPlan;
  readonly scenarios: readonly ResolvedScenario[];
  readonly directiveId?: string;
  /** The run's jobs and id as planRunJobs made them already (else storeRun makes them). */
  readonly planned?: PlannedRun;
  /** Written in the run's transaction after its jobs (a gate run's row); the events it adds. */
  readonly alongside?: (
    run: { id: number; status: RunStatus },
    trx: Knex.Transaction,
  ) => Promise<OutboxRow[]>;
}

/** A run's jobs, each queued or reused, and the id the run is to be stored under. */
export interface PlannedRun {
  readonly jobs: readonly NewRunJob[];
  readonly runId: number;
}

export interface StoredRun {
  readonly run: RecordRow;
  readonly jobs: number;
  readonly reused: number;
  readonly toRun: number;
}

/**
 * Whether planRunJobs only reads for this plan: no candidate changes the
 * suite's scenarios (a profile or fork candidate's forks are stored by
 * fork_scenario, so they wait until the run may be made).
 */
export function plansWithoutForks(plan: RunPlan): boolean {
  return plan.candidates.every((candidate) => candidate.kind === 'mind');
}

/**
 * The jobs of a run, one per candidate x scenario x seed, each `reused`
 * when its result key has a stored result and `queued` otherwise, and the
 * run's id: the lookup of every key and the id are one statement (a
 * refused run may therefore leave a gap in run ids, as a rolled-back insert
 * would). A profile or fork candidate's jobs run on its forks of the
 * suite's scenarios (made here, through fork_scenario; a refused fork
 * refuses the run). Refuses a plan of more than MAX_RUN_JOBS combinations
 * at /experiment_id.
 */
export async function planRunJobs(
  deps: Pick<EvaluationDeps, 'scenarios' | 'runs'>,
  input: Pick<RunInput, 'plan' | 'scenarios'>,
  caller: CallerContext,
): Promise<PlannedRun> {
  const { plan, scenarios } = input;
  const jobCount = plan.candidates.length * scenarios.length * plan.seeds.length;
  if (jobCount > MAX_RUN_JOBS) {
    throw invalidArgument(
      '/experiment_id',
      'too_many_jobs',
      `the plan makes ${jobCount} combinations, more than ${MAX_RUN_JOBS}`,
      { jobs: jobCount, max: MAX_RUN_JOBS },
    );
  }
  const forks = await candidateScenarios(deps, plan, scenarios, caller);
  const planned = planJobs(plan, forks);
  const { id, stored } = await deps.runs.nextRunIdAndStoredKeys(planned.map((job) => job.key_hash));
  return {
    runId: id,
    jobs: planned.map((job) => ({
      ...job,
      status: stored.has(job.key_hash) ? 'reused' : 'queued',
    })),
  };
}

/**
 * Stores a run and its jobs (start_run and start_gate_run) with its events
 * (record_created, run_progressed and what `alongside` adds): in one
 * statement (a run alone), or one transaction (with `alongside`); and wakes
 * the run worker when a job is queued. A run
 * whose every result is reused is stored `completed`: nothing is left to
 * do, so no worker, timer or event moves it on.
 */
export async function storeRun(
  deps: EvaluationDeps,
  input: RunInput,
  ctx: RpcContext,
): Promise<StoredRun> {
  const { plan, scenarios, projectId } = input;
  const { jobs, runId } = input.planned ?? (await planRunJobs(deps, input, ctx));
  const toRun = jobs.filter((job) => job.status === 'queued').length;
  const status: RunStatus = toRun > 0 ? 'running' : 'completed';
  // The progress of a run just stored is known without reading it back.
  const figures = progressOf(countsOfNewJobs(jobs));
  const cause = { causationId: ctx.requestId, correlationId: ctx.correlationId };
  // The id was taken first (planRunJobs): the run's events carry it, and are written with the run.
  const newRun = {
    id: runId,
    project_id: projectId,
    scenario_suite_id: plan.suiteId,
    config: {
      experiment_id: input.experiment.id,
      experiment_hash: input.experiment.hash,
      ...(input.directiveId !== undefined && { directive_id: input.directiveId }),
      scenario_hashes: scenarios.map((s) => s.hash),
      // What scores each world (read again by the worker that stores a job's result).
      scorers: plan.scorers,
      // The breaker of its judge providers, when the experiment sets one (read with the scorers).
      ...(plan.judgeBreaker !== undefined && { judge_breaker: plan.judgeBreaker }),
    },
    status,
  };
  const data = { entity: 'run' as const, id: runId, project_id: projectId, version: 1 };
  const events = [
    recordEvent(deps, ctx, 'created', data),
    progressEvent(deps, { run_id: runId, status, ...figures }, cause),
  ];
  const alongside = input.alongside;
  // A run alone is one statement with its events; a gate run's row is written in its transaction.
  const run =
    alongside === undefined
      ? await deps.runs.insertRunWithEvents(newRun, jobs, events)
      : await deps.store.transaction(async (trx) => {
          const row = await deps.runs.insertRun(newRun, jobs, trx);
          const extra = await alongside({ id: runId, status }, trx);
          await deps.store.enqueue([...events, ...extra], trx);
          return row;
        });
  if (toRun > 0) deps.wakeRunWorker();
  return { run, jobs: jobs.length, reused: jobs.length - toRun, toRun };
}

type PlannedJob = Omit<NewRunJob, 'status'>;

function planJobs(
  plan: RunPlan,
  scenariosOf: ReadonlyMap<string, readonly CandidateScenario[]>,
): PlannedJob[] {
  const scorers = scorerConfigHash(plan.scorers);
  const jobs: PlannedJob[] = [];
  for (const candidate of plan.candidates) {
    const versions = mindVersions(candidate.mind);
    for (const scenario of scenariosOf.get(candidate.name) ?? []) {
      for (const seed of plan.seeds) {
        const key: ResultKey = {
          scenario_hash: scenario.hash,
          profile_hash: scenario.profileHash,
          ...versions,
          scorer_config_hash: scorers,
          turns: plan.turns,
          engine: candidate.engine,
          seed,
        };
        jobs.push({
          candidate: candidate.name,
          candidate_kind: candidate.kind,
          scenario_hash: scenario.hash,
          suite_scenario_hash: scenario.suiteHash,
          seed,
          turns: plan.turns,
          key_hash: resultKeyHash(key),
          key: { ...key },
          world_request: {
            scenario_ref: { hash: scenario.hash },
            mind: seededMind(candidate.mind, seed),
            engine: candidate.engine,
          },
        });
      }
    }
  }
  return jobs;
}

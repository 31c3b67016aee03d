import {
  conflict,
  invalidArgument,
  isCrucibleError,
  notFound,
  type GetRunProgressRequest,
  type ListRunResultsReply,
  type ListRunResultsRequest,
  type ResultKey,
  type RunProgress,
  type RunResult,
  type Spend,
  type StartRunReply,
  type StartRunRequest,
} from '@crucible/contracts';
import type { Knex } from '@crucible/database';
import { longPollUntil, pageBudget, type OutboxRow, type RpcContext } from '@crucible/messaging';
import { pageOf } from '../domain/page-cursor';
import { differentProject, recordNotFound } from '../domain/record-errors';
import { RECORD_SPECS } from '../domain/record-kinds';
import {
  mindVersions,
  profileHash,
  readRunPlan,
  scorerConfigHash,
  seededMind,
  type RunPlan,
} from '../domain/run-plan';
import { stopReasonOf } from '../domain/directive-stop';
import { candidateScenarios, type CandidateScenario } from '../flows/candidate-forks';
import { decideGateRun } from '../flows/gate-decisions';
import { recordEvent } from '../flows/record-events';
import {
  progressEvent,
  readProgress,
  runUpdatedEvent,
  type RunStatus,
} from '../flows/run-progress';
import { toWireRecord, type WireRecord } from '../flows/record-shape';
import type { RecordRow } from '../store/record-store';
import type { JobRow, NewJob } from '../store/run-store';
import type { EvaluationDeps } from './deps';
import { resultKeyHash } from './results';

/** Most combinations (candidates x scenarios x seeds) one run may have. */
export const MAX_RUN_JOBS = 10_000;

/** A scenario of a run: its hash and the hash of its cognition profiles (a result key part). */
export interface ResolvedScenario {
  readonly hash: string;
  readonly profileHash: string;
}

/**
 * start_run: reads the experiment's plan, resolves its suite's scenarios to
 * hashes, and stores the run with one job per candidate x scenario x seed.
 * A job whose result key has a stored result is `reused` at once (no world,
 * no LLM call); the others are queued for the run worker. Governance is
 * asked first (authorize_work, work `start_run`): a directive the policy
 * requires, or one that may not be worked under (not approved, budget
 * spent), refuses the request. Nothing is written when anything is refused.
 */
export async function startRun(
  deps: EvaluationDeps,
  request: StartRunRequest,
  ctx: RpcContext,
): Promise<StartRunReply> {
  const experiment = await deps.registry.experimentById(request.experiment_id);
  if (experiment === undefined) {
    throw recordNotFound('experiment', request.experiment_id, '/experiment_id');
  }
  await deps.governance.authorize(
    {
      work: 'start_run',
      ...(request.directive_id !== undefined && { directive_id: request.directive_id }),
      subject: `experiment/${request.experiment_id}`,
    },
    ctx.correlationId,
  );
  const projectId = Number(experiment.project_id);
  const read = readRunPlan(experiment.experiment as { pipeline: unknown[] });
  if (!read.ok) {
    throw invalidArgument(
      '/experiment_id',
      'invalid_run_plan',
      `experiment ${request.experiment_id} has no valid run plan: ${read.problems
        .map((p) => `${p.path}: ${p.message}`)
        .join('; ')}`,
      { problems: read.problems },
    );
  }
  const plan = read.plan;
  const suite = await deps.store.get(RECORD_SPECS.scenario_suite, plan.suiteId);
  if (suite === undefined) {
    throw notFound(`no scenario suite ${plan.suiteId}`, {
      reason: 'scenario_suite_not_found',
      path: '/experiment_id',
      id: plan.suiteId,
    });
  }
  if (Number(suite.project_id) !== projectId) {
    throw differentProject(
      '/experiment_id',
      'scenario_suite',
      plan.suiteId,
      projectId,
      Number(suite.project_id),
    );
  }
  const scenarios = await resolveSuite(
    deps,
    suite.scenarios as Array<{ name: string } | { hash: string }>,
    ctx,
  );
  const stored = await storeRun(
    deps,
    {
      experiment: { id: request.experiment_id, hash: experiment.hash },
      projectId,
      plan,
      scenarios,
      ...(request.directive_id !== undefined && { directiveId: request.directive_id }),
    },
    ctx,
  );
  return {
    run: toWireRecord(RECORD_SPECS.run, stored.run) as unknown as StartRunReply['run'],
    jobs: stored.jobs,
    reused: stored.reused,
    to_run: stored.toRun,
  };
}

/** What storeRun stores: a run of an experiment's plan over resolved scenarios. */
export interface RunInput {
  readonly experiment: { readonly id: number; readonly hash: string };
  readonly projectId: number;
  readonly plan: RunPlan;
  readonly scenarios: readonly ResolvedScenario[];
  readonly directiveId?: string;
  /** Written in the run's transaction after its jobs (a gate run's row); the events it adds. */
  readonly alongside?: (
    run: { id: number; status: RunStatus },
    trx: Knex.Transaction,
  ) => Promise<OutboxRow[]>;
}

export interface StoredRun {
  readonly run: RecordRow;
  readonly jobs: number;
  readonly reused: number;
  readonly toRun: number;
}

/**
 * Stores a run with one job per candidate x scenario x seed (start_run and
 * start_gate_run): a job whose result key has a stored result is `reused`
 * at once, the others are queued and the run worker is woken. A profile or
 * fork candidate's jobs run on its forks of the suite's scenarios (made
 * first, through fork_scenario; a refused fork refuses the run before
 * anything is written here). Refuses a plan of more than MAX_RUN_JOBS
 * combinations at /experiment_id.
 */
export async function storeRun(
  deps: EvaluationDeps,
  input: RunInput,
  ctx: RpcContext,
): Promise<StoredRun> {
  const { plan, scenarios, projectId } = input;
  const jobCount = plan.candidates.length * scenarios.length * plan.seeds.length;
  if (jobCount > MAX_RUN_JOBS) {
    throw invalidArgument(
      '/experiment_id',
      'too_many_jobs',
      `the plan makes ${jobCount} combinations, more than ${MAX_RUN_JOBS}`,
      { jobs: jobCount, max: MAX_RUN_JOBS },
    );
  }
  const forks = await candidateScenarios(deps, plan, scenarios, ctx.correlationId);
  const planned = planJobs(plan, forks);
  const stored = new Set<string>();
  for (let i = 0; i < planned.length; i += 500) {
    const rows = await deps.results.byHashes(planned.slice(i, i + 500).map((j) => j.key_hash));
    for (const row of rows) stored.add(row.key_hash);
  }
  const toRun = planned.filter((job) => !stored.has(job.key_hash)).length;
  const status: RunStatus = toRun > 0 ? 'running' : 'completed';
  const cause = { causationId: ctx.requestId, correlationId: ctx.correlationId };
  const run = await deps.store.transaction(async (trx) => {
    const row = await deps.store.insert(
      RECORD_SPECS.run,
      {
        project_id: projectId,
        scenario_suite_id: plan.suiteId,
        config: {
          experiment_id: input.experiment.id,
          experiment_hash: input.experiment.hash,
          ...(input.directiveId !== undefined && { directive_id: input.directiveId }),
          scenario_hashes: scenarios.map((s) => s.hash),
          // What scores each world (read again by the worker that stores a job's result).
          scorers: plan.scorers,
        },
        status,
      },
      trx,
    );
    const runId = Number(row.id);
    await deps.runs.insertJobs(
      planned.map((job) => ({
        ...job,
        run_id: runId,
        status: stored.has(job.key_hash) ? 'reused' : 'queued',
      })),
      trx,
    );
    const data = { entity: 'run' as const, id: runId, project_id: projectId, version: 1 };
    const extra =
      input.alongside === undefined ? [] : await input.alongside({ id: runId, status }, trx);
    await deps.store.enqueue(
      [
        recordEvent(deps, ctx, 'created', data),
        progressEvent(deps, await readProgress(deps, runId, status, trx), cause),
        ...extra,
      ],
      trx,
    );
    return row;
  });
  if (toRun > 0) deps.wakeRunWorker();
  return { run, jobs: planned.length, reused: planned.length - toRun, toRun };
}

/** The suite's scenarios as hashes (each once, in suite order), through the scenarios service. */
async function resolveSuite(
  deps: EvaluationDeps,
  refs: ReadonlyArray<{ name: string } | { hash: string }>,
  ctx: RpcContext,
): Promise<ResolvedScenario[]> {
  const resolved = new Map<string, ResolvedScenario>();
  for (const [i, ref] of refs.entries()) {
    try {
      const scenario = await deps.scenarios.get(ref, ctx.correlationId);
      resolved.set(scenario.hash, {
        hash: scenario.hash,
        profileHash: profileHash(scenario.cognition_profile_hashes),
      });
    } catch (error) {
      if (isCrucibleError(error) && error.code === 'not_found') {
        throw notFound(`scenario ${JSON.stringify(ref)} of the suite is not stored`, {
          reason: 'scenario_not_found',
          path: '/experiment_id',
          suite_path: `/scenarios/${i}`,
        });
      }
      throw error;
    }
  }
  return [...resolved.values()];
}

type PlannedJob = Omit<NewJob, 'run_id' | 'status'>;

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

/**
 * cancel_run: cancels the unfinished jobs of a run (their later turn events
 * are ignored) and marks it cancelled. A cancelled run again answers it as
 * it is; a completed or failed one is `conflict`/`run_finished`.
 */
export async function cancelRun(
  deps: EvaluationDeps,
  request: { id: number },
  ctx: RpcContext,
): Promise<WireRecord> {
  const cause = { causationId: ctx.requestId, correlationId: ctx.correlationId };
  const row = await deps.store.transaction(async (trx) => {
    const run = await deps.store.getForUpdate(RECORD_SPECS.run, request.id, trx);
    if (run === undefined) throw recordNotFound('run', request.id, '/id');
    if (run.status === 'cancelled') return run;
    if (run.status === 'completed' || run.status === 'failed') {
      throw conflict(`run ${request.id} is ${String(run.status)} already`, {
        reason: 'run_finished',
        path: '/id',
        status: run.status,
      });
    }
    await deps.runs.cancelJobs(request.id, trx);
    const updated = await deps.store.update(
      RECORD_SPECS.run,
      request.id,
      { status: 'cancelled' },
      undefined,
      trx,
    );
    if (updated === undefined) throw new Error(`run ${request.id} vanished while locked`);
    await deps.store.enqueue(
      [
        runUpdatedEvent(deps, updated, cause),
        progressEvent(deps, await readProgress(deps, request.id, 'cancelled', trx), cause),
        // A cancelled gate run fails its gate.
        ...(await decideGateRun(deps, request.id, 'cancelled', cause, trx)),
      ],
      trx,
    );
    return updated;
  });
  return toWireRecord(RECORD_SPECS.run, row);
}

/** How often a waiting get_run_progress looks again. */
const WAIT_POLL_MS = 50;

/**
 * get_run_progress: worlds and turns done, spend so far, an estimate of
 * what remains. With `wait_ms`, answers as soon as the run stops running,
 * or when the wait is over (cut short to answer before the caller's deadline).
 */
export async function getRunProgress(
  deps: EvaluationDeps,
  request: GetRunProgressRequest,
  ctx: Pick<RpcContext, 'correlationId'>,
): Promise<RunProgress> {
  const deadline = longPollUntil(request.wait_ms);
  for (;;) {
    const run = await deps.store.get(RECORD_SPECS.run, request.id);
    if (run === undefined) throw recordNotFound('run', request.id, '/id');
    if (run.status !== 'running' || Date.now() >= deadline) {
      const progress = await readProgress(deps, request.id, run.status as RunStatus);
      const directiveId = (run.config as { directive_id?: unknown }).directive_id;
      if (typeof directiveId !== 'string') return progress;
      const spent = await directiveSpend(deps, directiveId, ctx.correlationId);
      return spent === undefined ? progress : { ...progress, directive_spend: spent };
    }
    await new Promise((resolve) => setTimeout(resolve, WAIT_POLL_MS));
  }
}

/**
 * What a directive has spent, as governance answers authorize_work (its
 * refusal for a spent budget carries the total too); undefined when
 * governance answers neither (not approved any more, unreachable): progress
 * is read without it.
 */
async function directiveSpend(
  deps: EvaluationDeps,
  directiveId: string,
  correlationId: string,
): Promise<Spend | undefined> {
  try {
    const reply = await deps.governance.authorize(
      { work: 'start_run', directive_id: directiveId },
      correlationId,
    );
    return reply.spent ?? undefined;
  } catch (error) {
    if (stopReasonOf(error) === 'budget_exhausted' && isCrucibleError(error)) {
      return error.details['spent'] as Spend;
    }
    deps.logger.warn("the spend of a run's directive could not be read", {
      directive_id: directiveId,
      error: String(error),
    });
    return undefined;
  }
}

/** list_run_results: a run's combinations in order, each with its stored result once there is one. */
export async function listRunResults(
  deps: EvaluationDeps,
  request: ListRunResultsRequest,
  ctx: RpcContext,
): Promise<ListRunResultsReply> {
  const run = await deps.store.get(RECORD_SPECS.run, request.run_id);
  if (run === undefined) throw recordNotFound('run', request.run_id, '/run_id');
  const limit = request.limit ?? deps.settings.defaultPageLimit;
  const rows = await deps.runs.listJobs(request.run_id, {
    afterId: request.cursor === undefined ? undefined : Number(request.cursor),
    limit: limit + 1,
  });
  const withResult = rows.filter((row) => row.status === 'done' || row.status === 'reused');
  const results = new Map(
    (await deps.results.byHashes(withResult.map((row) => row.key_hash))).map((r) => [
      r.key_hash,
      r.result,
    ]),
  );
  return pageOf(rows, {
    limit,
    budgetBytes: pageBudget(ctx.replyBudgetBytes, { items: [] }),
    encode: (row) => toRunResult(row, results.get(row.key_hash)),
    position: (row) => Number(row.id),
  });
}

function toRunResult(row: JobRow, result: Record<string, unknown> | undefined): RunResult {
  const finished = row.status === 'done' || row.status === 'reused';
  return {
    job_id: Number(row.id),
    run_id: Number(row.run_id),
    candidate: row.candidate,
    candidate_kind: row.candidate_kind,
    scenario_hash: row.scenario_hash,
    suite_scenario_hash: row.suite_scenario_hash,
    seed: Number(row.seed),
    status: row.status,
    reused: row.status === 'reused',
    world_slug: row.world_slug,
    turns: row.turns,
    turns_done: row.turns_done,
    key_hash: row.key_hash,
    result: finished ? (result ?? null) : null,
    failure: row.failure,
  };
}

import {
  conflict,
  invalidArgument,
  isCrucibleError,
  notFound,
  type GetRunProgressRequest,
  type ListRunResultsReply,
  type ListRunResultsRequest,
  type RunProgress,
  type RunResult,
  type Spend,
  type StartRunReply,
  type StartRunRequest,
} from '@crucible/contracts';
import {
  longPollUntil,
  pageBudget,
  type RpcContext,
  type CallerContext,
} from '@crucible/messaging';
import { DIRECTIVE_STOP_REASONS, stopReasonOf } from '../domain/directive-stop';
import { pageOf } from '../domain/page-cursor';
import { differentProject, recordNotFound } from '../domain/record-errors';
import { RECORD_SPECS } from '../domain/record-kinds';
import { readRunPlan } from '../domain/run-plan';
import { progressOf } from '../domain/run-progress';
import { decideGateRun } from '../flows/gate-decisions';
import {
  progressEvent,
  readProgress,
  runUpdatedEvent,
  type RunStatus,
} from '../flows/run-progress';
import { toWireRecord, type WireRecord } from '../flows/record-shape';
import { planRunJobs, plansWithoutForks, storeRun, type RunInput } from '../flows/store-run';
import { resolveSuite } from '../flows/suite-scenarios';
import type { ExperimentRow } from '../store/registry-store';
import type { JobRow } from '../store/run-store';
import type { EvaluationDeps } from './deps';

/**
 * start_run: reads the experiment's plan, resolves its suite's scenarios to
 * hashes, and stores the run with one job per candidate x scenario x seed.
 * A job whose result key has a stored result is `reused` at once (no world,
 * no LLM call); the others are queued for the run worker. Governance is
 * asked (authorize_work, work `start_run`) before anything is written: a
 * directive the policy requires, or one that may not be worked under (not
 * approved, budget spent), refuses the request. Nothing is written when
 * anything is refused.
 */
export async function startRun(
  deps: EvaluationDeps,
  request: StartRunRequest,
  ctx: RpcContext,
): Promise<StartRunReply> {
  // Only reads happen before governance has answered: the experiment, its
  // suite, the suite's scenarios and (when no candidate forks them) which
  // results are stored are read while it is asked, the last beside the
  // run's id (a refused run leaves a gap in the ids). Refusals keep their
  // order: an unknown experiment, then governance's, then the others.
  const experimentRead = deps.registry.experimentById(request.experiment_id);
  const [experiment, authorization, inputs] = await Promise.allSettled([
    experimentRead,
    deps.governance.authorize(
      {
        work: 'start_run',
        ...(request.directive_id !== undefined && { directive_id: request.directive_id }),
        subject: `experiment/${request.experiment_id}`,
      },
      ctx,
    ),
    experimentRead.then((row) => row && readRunInputs(deps, row, request.experiment_id, ctx)),
  ]);
  if (settledValue(experiment) === undefined) {
    throw recordNotFound('experiment', request.experiment_id, '/experiment_id');
  }
  settledValue(authorization);
  const read = settledValue(inputs);
  if (read === undefined) throw new Error('the run inputs of a stored experiment were not read');
  const stored = await storeRun(
    deps,
    {
      ...read,
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

/**
 * What a run of a stored experiment is made of: its plan, its project, its
 * suite's scenarios resolved to hashes and, for a plan without forks, its
 * jobs and id (reads only, and the id: forks are made by storeRun, once the
 * run may be made).
 * Refuses a plan that breaks a rule, a suite not stored or of another
 * project, a suite scenario not stored and too many jobs, at /experiment_id.
 */
async function readRunInputs(
  deps: EvaluationDeps,
  experiment: ExperimentRow,
  experimentId: number,
  caller: CallerContext,
): Promise<Omit<RunInput, 'directiveId' | 'alongside'>> {
  const projectId = Number(experiment.project_id);
  const read = readRunPlan(experiment.experiment as { pipeline: unknown[] });
  if (!read.ok) {
    throw invalidArgument(
      '/experiment_id',
      'invalid_run_plan',
      `experiment ${experimentId} has no valid run plan: ${read.problems
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
    caller,
  );
  const input = {
    experiment: { id: experimentId, hash: experiment.hash },
    projectId,
    plan,
    scenarios,
  };
  if (!plansWithoutForks(plan)) return input;
  return { ...input, planned: await planRunJobs(deps, input, caller) };
}

/** A settled promise's value, or its reason thrown. */
function settledValue<T>(outcome: PromiseSettledResult<T>): T {
  if (outcome.status === 'rejected') throw outcome.reason;
  return outcome.value;
}

/**
 * cancel_run: cancels the unfinished jobs of a run (their later turn events
 * are ignored) and marks it cancelled, and the run worker then stops their
 * worlds' unfinished turns (flows/world-stop.ts: pending in the same
 * transaction, so the stop survives a crash right after the commit). A
 * cancelled run again answers it as it is; a completed or failed one is
 * `conflict`/`run_finished`.
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
  // The stops are committed: any replica's worker makes them, this one at once.
  deps.wakeRunWorker();
  return toWireRecord(RECORD_SPECS.run, row);
}

/** How often a waiting get_run_progress looks again. */
const WAIT_POLL_MS = 50;

/**
 * get_run_progress: worlds and turns done, spend so far, an estimate of
 * what remains. With `wait_ms`, answers as soon as the run stops running,
 * or when the wait is over (cut short to answer before the caller's
 * deadline). A run that is not running is answered from one statement
 * (its status with its counts); one that is, by one row per poll.
 */
export async function getRunProgress(
  deps: EvaluationDeps,
  request: GetRunProgressRequest,
  ctx: Pick<RpcContext, 'correlationId' | 'deadline'>,
): Promise<RunProgress> {
  const deadline = longPollUntil(request.wait_ms, ctx.deadline);
  for (;;) {
    const evenRunning = Date.now() >= deadline;
    const run = await deps.runs.runProgress(request.id, DIRECTIVE_STOP_REASONS, { evenRunning });
    if (run === undefined) throw recordNotFound('run', request.id, '/id');
    if (run.counts !== undefined) {
      const { totals, stopped } = run.counts;
      const progress: RunProgress = {
        run_id: request.id,
        status: run.status as RunStatus,
        ...progressOf(totals),
        ...(stopped && { stopped }),
      };
      if (run.directiveId === undefined) return progress;
      const spent = await directiveSpend(deps, run.directiveId, ctx);
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
  caller: CallerContext,
): Promise<Spend | undefined> {
  try {
    const reply = await deps.governance.authorize(
      { work: 'start_run', directive_id: directiveId },
      caller,
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

/** Sums over a run's jobs, as the store counts them. */
export interface JobCounts {
  readonly jobs: number;
  readonly queued: number;
  readonly running: number;
  readonly done: number;
  readonly reused: number;
  readonly failed: number;
  readonly cancelled: number;
  readonly turns_total: number;
  readonly turns_done: number;
  /** Turns still to run: of each unfinished job, its turns less those done. */
  readonly turns_left: number;
  readonly llm_calls: number;
  readonly input_tokens: number;
  readonly output_tokens: number;
}

export interface Spend {
  readonly llm_calls: number;
  readonly input_tokens: number;
  readonly output_tokens: number;
}

/** A run's progress (the get_run_progress reply and the run_progressed event without the run's id and status). */
export interface RunProgressFigures {
  readonly worlds_total: number;
  /** Worlds finished: done, failed or cancelled (reused results make no world). */
  readonly worlds_done: number;
  readonly worlds_reused: number;
  readonly worlds_failed: number;
  readonly worlds_cancelled: number;
  readonly turns_total: number;
  readonly turns_done: number;
  readonly spend: Spend;
  /** What the turns still to run will cost at the spend per turn so far (zero when none ran yet with a cost). */
  readonly estimate_remaining: Spend & { readonly turns: number };
}

/**
 * Progress from the counts: a job whose result was reused counts neither
 * as a world nor as turns (it made none); the estimate scales the spend per
 * turn done so far to the turns left of the unfinished jobs.
 */
export function progressOf(counts: JobCounts): RunProgressFigures {
  const worldsTotal = counts.jobs - counts.reused;
  const remainingTurns = Math.max(0, counts.turns_left);
  const perTurn = (total: number): number =>
    counts.turns_done === 0 ? 0 : Math.ceil((total / counts.turns_done) * remainingTurns);
  return {
    worlds_total: worldsTotal,
    worlds_done: counts.done + counts.failed + counts.cancelled,
    worlds_reused: counts.reused,
    worlds_failed: counts.failed,
    worlds_cancelled: counts.cancelled,
    turns_total: counts.turns_total,
    turns_done: counts.turns_done,
    spend: {
      llm_calls: counts.llm_calls,
      input_tokens: counts.input_tokens,
      output_tokens: counts.output_tokens,
    },
    estimate_remaining: {
      turns: remainingTurns,
      llm_calls: perTurn(counts.llm_calls),
      input_tokens: perTurn(counts.input_tokens),
      output_tokens: perTurn(counts.output_tokens),
    },
  };
}

/** A run is over once no job is left to work on. */
export function isRunFinished(counts: JobCounts): boolean {
  return counts.queued + counts.running === 0;
}

/**
 * The counts of a run just stored (start_run): each job queued or reused,
 * nothing run yet, so nothing done, failed or spent.
 */
export function countsOfNewJobs(
  jobs: ReadonlyArray<{ readonly status: 'queued' | 'reused'; readonly turns: number }>,
): JobCounts {
  const queued = jobs.filter((job) => job.status === 'queued');
  const turns = queued.reduce((sum, job) => sum + job.turns, 0);
  return {
    jobs: jobs.length,
    queued: queued.length,
    running: 0,
    done: 0,
    reused: jobs.length - queued.length,
    failed: 0,
    cancelled: 0,
    turns_total: turns,
    turns_done: 0,
    turns_left: turns,
    llm_calls: 0,
    input_tokens: 0,
    output_tokens: 0,
  };
}

import { countsOfNewJobs, isRunFinished, progressOf, type JobCounts } from './run-progress';

const none: JobCounts = {
  jobs: 0,
  queued: 0,
  running: 0,
  done: 0,
  reused: 0,
  failed: 0,
  cancelled: 0,
  turns_total: 0,
  turns_done: 0,
  turns_left: 0,
  llm_calls: 0,
  input_tokens: 0,
  output_tokens: 0,
};

describe('progressOf', () => {
  it('reused results are neither worlds nor turns; the estimate scales the spend per turn', () => {
    const progress = progressOf({
      ...none,
      jobs: 6,
      reused: 2,
      done: 1,
      running: 1,
      queued: 2,
      turns_total: 12,
      turns_done: 4,
      turns_left: 8,
      llm_calls: 8,
      input_tokens: 400,
      output_tokens: 41,
    });
    expect(progress).toEqual({
      worlds_total: 4,
      worlds_done: 1,
      worlds_reused: 2,
      worlds_failed: 0,
      worlds_cancelled: 0,
      turns_total: 12,
      turns_done: 4,
      spend: { llm_calls: 8, input_tokens: 400, output_tokens: 41 },
      estimate_remaining: { turns: 8, llm_calls: 16, input_tokens: 800, output_tokens: 82 },
    });
  });

  it('estimates nothing before a turn is done', () => {
    const progress = progressOf({ ...none, jobs: 2, queued: 2, turns_total: 6, turns_left: 6 });
    expect(progress.estimate_remaining).toEqual({
      turns: 6,
      llm_calls: 0,
      input_tokens: 0,
      output_tokens: 0,
    });
  });

  it('a run is finished once nothing is queued or running', () => {
    expect(isRunFinished({ ...none, jobs: 2, done: 1, failed: 1 })).toBe(true);
    expect(isRunFinished({ ...none, jobs: 2, done: 1, running: 1 })).toBe(false);
    expect(isRunFinished({ ...none, jobs: 2, done: 1, queued: 1 })).toBe(false);
  });

  it('a run just stored counts its queued turns, its reused jobs and nothing done', () => {
    expect(
      countsOfNewJobs([
        { status: 'reused', turns: 3 },
        { status: 'queued', turns: 3 },
        { status: 'queued', turns: 2 },
      ]),
    ).toEqual({ ...none, jobs: 3, queued: 2, reused: 1, turns_total: 5, turns_left: 5 });
    // Every result reused: finished as it is stored.
    const reused = countsOfNewJobs([{ status: 'reused', turns: 3 }]);
    expect(isRunFinished(reused)).toBe(true);
    expect(progressOf(reused)).toMatchObject({ worlds_total: 0, worlds_reused: 1, turns_total: 0 });
  });
});

import { combineVerdicts, type Verdict } from './judge-ensemble';
import { isRunFinished, progressOf, type JobCounts } from './run-progress';

// Written against the surviving mutants of judge-ensemble.ts and
// run-progress.ts (docs/testing.md, "Scores"); circuit-breaker.ts's
// breakerOptionsOf is pinned in circuit-breaker.test.ts.

describe('combineVerdicts', () => {
  const verdict = (value: Verdict['value'], weight = 1): Verdict => ({
    judge: 'j',
    value,
    confidence: 1,
    weight,
  });

  it('votes when not every verdict is a number', () => {
    expect(combineVerdicts([verdict('a'), verdict('a'), verdict(1)], 'weighted')).toEqual({
      ok: true,
      value: 'a',
      agreement: 2 / 3,
    });
  });

  it('takes the median of numbers whose weights sum to nothing', () => {
    expect(combineVerdicts([verdict(1, 0), verdict(5, 0), verdict(3, 0)], 'weighted')).toEqual({
      ok: true,
      value: 3,
      agreement: 1 / 3,
    });
  });
});

describe('run progress', () => {
  const counts: JobCounts = {
    jobs: 12,
    queued: 1,
    running: 1,
    done: 2,
    reused: 1,
    failed: 3,
    cancelled: 4,
    turns_total: 40,
    turns_done: 30,
    turns_left: 10,
    llm_calls: 0,
    input_tokens: 0,
    output_tokens: 0,
  };

  it('counts done, failed and cancelled worlds as done', () => {
    expect(progressOf(counts).worlds_done).toBe(9);
  });

  it('is finished only with nothing queued or running', () => {
    expect(isRunFinished(counts)).toBe(false);
    expect(isRunFinished({ ...counts, queued: 0 })).toBe(false);
    expect(isRunFinished({ ...counts, queued: 0, running: 0 })).toBe(true);
  });
});

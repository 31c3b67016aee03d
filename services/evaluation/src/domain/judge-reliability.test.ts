import { withDefaults } from '@crucible/experiment-ir';
import { readJudgeReliability } from './judge-reliability';

/** A reliability config as a stored experiment has it: the IR's defaults filled in. */
function stored(reliability: Record<string, unknown>): unknown {
  return withDefaults('reliability_config', reliability);
}

describe('readJudgeReliability', () => {
  it('no reliability config, or one without judge parts: no defaults, no breaker', () => {
    expect(readJudgeReliability(undefined)).toEqual({ value: { defaults: {} }, problems: [] });
    expect(readJudgeReliability(stored({ stats: { alpha: 0.01 } }))).toEqual({
      value: { defaults: {} },
      problems: [],
    });
  });

  it('ensemble: its strategy, and its models as judges (options the mind and weight, endpoint_url the base URL)', () => {
    const read = readJudgeReliability(
      stored({
        ensemble: {
          strategy: 'weighted',
          models: [
            {
              id: 'judge_a',
              endpoint_url: 'http://127.0.0.1:4000/v1',
              options: { model: 'small', weight: 3 },
            },
            { id: 'judge_b', options: { provider: 'offline' } },
            { id: 'judge_c' },
          ],
        },
      }),
    );
    expect(read).toEqual({
      value: {
        defaults: {
          strategy: 'weighted',
          judges: [
            {
              id: 'judge_a',
              mind: {
                provider: 'openai-compatible',
                base_url: 'http://127.0.0.1:4000/v1',
                model: 'small',
              },
              weight: 3,
            },
            { id: 'judge_b', mind: { provider: 'offline' }, weight: 1 },
            { id: 'judge_c', mind: { provider: 'offline' }, weight: 1 },
          ],
        },
      },
      problems: [],
    });
  });

  it('an ensemble given without a strategy combines by the IR default, majority', () => {
    expect(readJudgeReliability(stored({ ensemble: {} })).value.defaults).toEqual({
      strategy: 'majority',
    });
  });

  it('hedging: off (the IR default) hedges nothing, even with a delay; fixed gives its delay and duplicates', () => {
    expect(readJudgeReliability(stored({ hedging: { delay_ms: 50 } })).value.defaults).toEqual({});
    expect(
      readJudgeReliability(stored({ hedging: { strategy: 'fixed', delay_ms: 50 } })).value.defaults,
    ).toEqual({ hedging: { delayMs: 50, maxExtraRequests: 1 } });
    expect(
      readJudgeReliability(
        stored({ hedging: { strategy: 'fixed', delay_ms: 0, max_extra_requests: 3 } }),
      ).value.defaults,
    ).toEqual({ hedging: { delayMs: 0, maxExtraRequests: 3 } });
  });

  it("circuit_breaker: the fields it sets (the others stay the service's)", () => {
    expect(
      readJudgeReliability(stored({ circuit_breaker: { failure_threshold: 2 } })).value.breaker,
    ).toEqual({ failure_threshold: 2 });
    expect(
      readJudgeReliability(
        stored({ circuit_breaker: { failure_threshold: 1000, reset_timeout_ms: 10 } }),
      ).value.breaker,
    ).toEqual({ failure_threshold: 1000, reset_timeout_ms: 10 });
    expect(readJudgeReliability(stored({ circuit_breaker: {} })).value.breaker).toBeUndefined();
  });

  it('refuses, each at its path, what judge calls cannot do', () => {
    const read = readJudgeReliability(
      stored({
        ensemble: {
          execution_mode: 'cascade',
          models: [
            { id: 'Judge-A' },
            { id: 'b', fallback: { id: 'c' }, deployment_id: 'd1' },
            {
              id: 'b',
              endpoint_url: 'http://x/v1',
              options: { base_url: 'http://y/v1', weight: 0 },
            },
          ],
        },
        hedging: { strategy: 'percentile', percentile: 95 },
        circuit_breaker: { failure_threshold: 0, reset_timeout_ms: 5, 'half/open': 1 },
      }),
    );
    expect(read.problems.map((p) => p.path)).toEqual([
      '/reliability/ensemble/execution_mode',
      '/reliability/ensemble/models/0/id',
      '/reliability/ensemble/models/1/fallback',
      '/reliability/ensemble/models/1/deployment_id',
      '/reliability/ensemble/models/2/id',
      '/reliability/ensemble/models/2/options/weight',
      '/reliability/ensemble/models/2/options/base_url',
      '/reliability/hedging/strategy',
      '/reliability/circuit_breaker/failure_threshold',
      '/reliability/circuit_breaker/reset_timeout_ms',
      '/reliability/circuit_breaker/half~1open',
    ]);
    expect(read.problems[0]!.message).toMatch(/cascade is not supported/);
    expect(read.problems[4]!.message).toMatch(/"b" is named twice/);
    // Models with a problem are no judges; the strategy still reads.
    expect(read.value).toEqual({ defaults: { strategy: 'majority' } });
  });

  it('refuses fixed hedging without a delay, or with too long a delay or too many duplicates', () => {
    expect(readJudgeReliability(stored({ hedging: { strategy: 'fixed' } })).problems).toEqual([
      { path: '/reliability/hedging/delay_ms', message: 'fixed hedging needs delay_ms' },
    ]);
    const read = readJudgeReliability(
      stored({ hedging: { strategy: 'fixed', delay_ms: 600_001, max_extra_requests: 9 } }),
    );
    expect(read.problems.map((p) => p.path)).toEqual([
      '/reliability/hedging/delay_ms',
      '/reliability/hedging/max_extra_requests',
    ]);
    expect(read.value.defaults).toEqual({});
    expect(
      readJudgeReliability(
        stored({ hedging: { strategy: 'fixed', delay_ms: 600_000, max_extra_requests: 8 } }),
      ).problems,
    ).toEqual([]);
  });

  it('refuses more models than a scorer may have judges', () => {
    const models = Array.from({ length: 10 }, (_, i) => ({ id: `j${i}` }));
    expect(readJudgeReliability(stored({ ensemble: { models } })).problems).toEqual([
      {
        path: '/reliability/ensemble/models',
        message: "at most 9 models judge (as a scorer's judges)",
      },
    ]);
  });
});

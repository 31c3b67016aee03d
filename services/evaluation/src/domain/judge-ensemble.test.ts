import { combineVerdicts, type Verdict } from './judge-ensemble';

const v = (
  judge: string,
  value: number | string | boolean,
  confidence = 1,
  weight = 1,
): Verdict => ({
  judge,
  value,
  confidence,
  weight,
});

describe('combineVerdicts', () => {
  it('majority: the most common value, a tie to the earliest judge; numbers by median', () => {
    expect(combineVerdicts([v('a', true), v('b', false), v('c', false)], 'majority')).toEqual({
      ok: true,
      value: false,
      agreement: 2 / 3,
    });
    expect(combineVerdicts([v('a', 'low'), v('b', 'high')], 'majority')).toMatchObject({
      value: 'low',
    });
    expect(combineVerdicts([v('a', 1), v('b', 9), v('c', 4)], 'majority')).toMatchObject({
      value: 4,
    });
    expect(combineVerdicts([v('a', 1), v('b', 4)], 'majority')).toMatchObject({ value: 2.5 });
  });

  it('weighted: the weighted vote, or the weighted mean', () => {
    expect(
      combineVerdicts(
        [v('a', true, 1, 1), v('b', false, 1, 0.5), v('c', false, 1, 0.4)],
        'weighted',
      ),
    ).toMatchObject({ value: true });
    expect(combineVerdicts([v('a', 2, 1, 3), v('b', 6, 1, 1)], 'weighted')).toMatchObject({
      value: 3,
    });
  });

  it('best_confidence: the surest judge', () => {
    expect(
      combineVerdicts([v('a', 'x', 0.4), v('b', 'y', 0.9), v('c', 'z', 0.9)], 'best_confidence'),
    ).toMatchObject({ value: 'y', agreement: 1 / 3 });
  });

  it('unanimous: all agree or no consensus; no verdicts is no score', () => {
    expect(combineVerdicts([v('a', true), v('b', true)], 'unanimous')).toEqual({
      ok: true,
      value: true,
      agreement: 1,
    });
    expect(combineVerdicts([v('a', true), v('b', false)], 'unanimous')).toEqual({
      ok: false,
      reason: 'no_consensus',
    });
    expect(combineVerdicts([], 'majority')).toEqual({ ok: false, reason: 'no_verdicts' });
  });
});

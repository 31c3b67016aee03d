import {
  hedgeOf,
  judgeDefaultsApplied,
  readScorers,
  scoreConfigOf,
  type JudgeScorer,
} from './scorer-config';

describe('readScorers', () => {
  it('reads rule scorers and judges with their defaults, and the score config they make', () => {
    const read = readScorers(
      [
        { name: 'moves', kind: 'count', event_kind: 'intent_formed' },
        { name: 'no_leak', kind: 'absent', event_kind: 'perception_emitted', contains: ['secret'] },
        {
          name: 'hp',
          kind: 'state',
          pointer: '/entities/ana/hp',
          type: 'numeric',
          min: 0,
          max: 10,
        },
        {
          name: 'helpful',
          kind: 'llm_judge',
          rubric: 'Was the agent helpful?',
          type: 'categorical',
          values: ['yes', 'no'],
          judges: [{ id: 'j1' }, { id: 'j2', weight: 2, mind: { provider: 'offline' } }],
        },
      ],
      '/scorers',
    );
    expect(read.ok).toBe(true);
    if (!read.ok) return;
    expect(read.scorers[3]).toMatchObject({
      strategy: 'majority',
      judges: [
        { id: 'j1', mind: { provider: 'offline' }, weight: 1 },
        { id: 'j2', mind: { provider: 'offline' }, weight: 2 },
      ],
    });
    expect(scoreConfigOf(read.scorers)).toEqual({
      scores: {
        moves: { type: 'numeric', min: 0 },
        no_leak: { type: 'boolean' },
        hp: { type: 'numeric', min: 0, max: 10 },
        helpful: { type: 'categorical', values: ['yes', 'no'] },
      },
    });
  });

  it('names every problem at its path', () => {
    const read = readScorers(
      [
        { name: 'Bad', kind: 'count', extra: 1 },
        { name: 'x', kind: 'absent' },
        { name: 'x', kind: 'state', pointer: 'no-slash', type: 'text' },
        {
          name: 'j',
          kind: 'llm_judge',
          rubric: '',
          type: 'boolean',
          judges: [],
          strategy: 'loudest',
        },
        { name: 'k', kind: 'magic' },
      ],
      '/s',
    );
    expect(read.ok ? [] : read.problems.map((p) => p.path)).toEqual([
      '/s/0/name',
      '/s/0/extra',
      '/s/1/contains',
      '/s/2/name',
      '/s/2/pointer',
      '/s/2/type',
      '/s/3/rubric',
      '/s/3/judges',
      '/s/3/strategy',
      '/s/4/kind',
    ]);
  });

  it('a score config that contradicts itself is a problem of its scorer', () => {
    const read = readScorers(
      [
        { name: 'a', kind: 'count' },
        { name: 'b', kind: 'state', pointer: '/x', type: 'numeric', min: 5, max: 1 },
      ],
      '/s',
    );
    expect(read.ok ? [] : read.problems.map((p) => p.path)).toEqual(['/s/1/max']);
    const categorical = readScorers(
      [{ name: 'c', kind: 'state', pointer: '/x', type: 'categorical' }],
      '/s',
    );
    expect(categorical.ok ? [] : categorical.problems.map((p) => p.path)).toEqual(['/s/0/values']);
  });
});

describe('judge settings: the scorer first, then the experiment reliability config', () => {
  const judge = (extra: Record<string, unknown> = {}) => ({
    name: 'fair',
    kind: 'llm_judge',
    rubric: 'Was it fair?',
    type: 'boolean',
    ...extra,
  });
  const own = [{ id: 'mine', mind: { provider: 'offline' }, weight: 2 }];
  const theirs = [
    { id: 'a', mind: { provider: 'openai-compatible', base_url: 'http://x/v1' }, weight: 1 },
  ];

  it('a scorer that says nothing takes the experiment ensemble and hedging', () => {
    const read = readScorers([judge()], '/scorers', {
      strategy: 'unanimous',
      judges: theirs,
      hedging: { delayMs: 250, maxExtraRequests: 2 },
    });
    expect(read).toEqual({
      ok: true,
      scorers: [
        {
          ...judge(),
          judges: theirs,
          strategy: 'unanimous',
          hedge_delay_ms: 250,
          hedge_max_extra_requests: 2,
        },
      ],
    });
    if (read.ok)
      expect(hedgeOf(read.scorers[0] as JudgeScorer)).toEqual({
        delayMs: 250,
        maxExtraRequests: 2,
      });
  });

  it("a scorer's own judges, strategy and delay win; the experiment's hedging keeps its duplicates", () => {
    const read = readScorers(
      [
        judge({
          judges: [{ id: 'mine', weight: 2 }],
          strategy: 'best_confidence',
          hedge_delay_ms: 10,
        }),
      ],
      '/scorers',
      { strategy: 'unanimous', judges: theirs, hedging: { delayMs: 250, maxExtraRequests: 3 } },
    );
    expect(read.ok && read.scorers[0]).toMatchObject({
      judges: own,
      strategy: 'best_confidence',
      hedge_delay_ms: 10,
      hedge_max_extra_requests: 3,
    });
  });

  it('without the experiment hedging, a scorer delay sends one duplicate, and no delay none', () => {
    const delayed = readScorers([judge({ judges: [{ id: 'mine' }], hedge_delay_ms: 40 })], '/s', {
      strategy: 'weighted',
    });
    expect(delayed.ok && delayed.scorers[0]).toEqual({
      ...judge(),
      judges: [{ id: 'mine', mind: { provider: 'offline' }, weight: 1 }],
      strategy: 'weighted',
      hedge_delay_ms: 40,
    });
    if (delayed.ok) {
      expect(hedgeOf(delayed.scorers[0] as JudgeScorer)).toEqual({
        delayMs: 40,
        maxExtraRequests: 1,
      });
    }
    const plain = readScorers([judge({ judges: [{ id: 'mine' }] })], '/s');
    expect(plain.ok && plain.scorers[0]).toEqual({
      ...judge(),
      judges: [{ id: 'mine', mind: { provider: 'offline' }, weight: 1 }],
      strategy: 'majority',
    });
    if (plain.ok) {
      expect(hedgeOf(plain.scorers[0] as JudgeScorer)).toEqual({ delayMs: 0, maxExtraRequests: 0 });
    }
  });

  it('judges are required when the experiment has no ensemble models', () => {
    expect(readScorers([judge()], '/s', { strategy: 'weighted' })).toEqual({
      ok: false,
      problems: [
        {
          path: '/s/0/judges',
          message: "1 to 9 judges (or the experiment's reliability.ensemble.models)",
        },
      ],
    });
    // An empty list is the scorer's own (wrong) setting, not a request for the defaults.
    expect(readScorers([judge({ judges: [] })], '/s', { judges: theirs }).ok).toBe(false);
  });

  it('judgeDefaultsApplied: each setting alone', () => {
    expect(judgeDefaultsApplied({}, {})).toEqual({ judges: undefined, strategy: 'majority' });
    expect(judgeDefaultsApplied({ strategy: 'weighted' }, { strategy: 'unanimous' })).toMatchObject(
      {
        strategy: 'weighted',
      },
    );
    expect(judgeDefaultsApplied({ judges: own }, { judges: theirs }).judges).toBe(own);
    expect(
      judgeDefaultsApplied({ hedge_delay_ms: 0 }, { hedging: { delayMs: 9, maxExtraRequests: 0 } }),
    ).toEqual({
      judges: undefined,
      strategy: 'majority',
      hedge_delay_ms: 0,
      hedge_max_extra_requests: 0,
    });
  });
});

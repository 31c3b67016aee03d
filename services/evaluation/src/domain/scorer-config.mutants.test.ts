import { MAX_JUDGES, MAX_SCORERS, readScorers, scoreSpecOf, type Scorer } from './scorer-config';

// Written against the surviving and uncovered mutants of scorer-config.ts
// (docs/testing.md, "Scores"): each rule of a scorer config, at its
// boundary, with the exact path and message a client reads.

const problemsOf = (raw: unknown): { path: string; message: string }[] => {
  const read = readScorers(raw, '/s');
  return read.ok ? [] : read.problems;
};
const one = (item: Record<string, unknown>) => problemsOf([item]);
const count = (over: Record<string, unknown> = {}) => ({ name: 'c', kind: 'count', ...over });
const judge = (over: Record<string, unknown> = {}) => ({
  name: 'j',
  kind: 'llm_judge',
  rubric: 'Was it kind?',
  type: 'boolean',
  judges: [{ id: 'a' }],
  ...over,
});
const text = (n: number) => 'x'.repeat(n);

describe('readScorers: the list', () => {
  it('takes at most MAX_SCORERS scorers', () => {
    expect(MAX_SCORERS).toBe(32);
    const names = (n: number) => Array.from({ length: n }, (_, i) => count({ name: `c${i}` }));
    expect(problemsOf(names(32))).toEqual([]);
    expect(problemsOf(names(33))).toEqual([
      { path: '/s', message: 'an array of at most 32 scorers' },
    ]);
    expect(problemsOf({})).toEqual([{ path: '/s', message: 'an array of at most 32 scorers' }]);
  });

  it('wants an object per scorer', () => {
    expect(problemsOf([null])).toEqual([{ path: '/s/0', message: 'a scorer object is required' }]);
    expect(problemsOf([[count()]])).toEqual([
      { path: '/s/0', message: 'a scorer object is required' },
    ]);
  });

  it('wants a whole name, once', () => {
    const nameMessage = 'a score name (a-z, 0-9 and _, starting with a letter) is required';
    expect(one(count({ name: 'ab-c' }))).toEqual([{ path: '/s/0/name', message: nameMessage }]);
    expect(one(count({ name: `a${text(62)}` }))).toEqual([]);
    expect(one(count({ name: `a${text(63)}` }))).toEqual([
      { path: '/s/0/name', message: nameMessage },
    ]);
    expect(problemsOf([count(), count()])).toEqual([
      { path: '/s/1/name', message: 'score "c" is named twice' },
    ]);
  });

  it('checks the score config only when every scorer reads, with its message', () => {
    const contradicting = {
      name: 'b',
      kind: 'state',
      pointer: '/x',
      type: 'numeric',
      min: 5,
      max: 1,
    };
    expect(problemsOf([count(), contradicting])).toEqual([
      { path: '/s/1/max', message: '/scores/b: max 1 is below min 5' },
    ]);
    expect(problemsOf([{ name: 'a', kind: 'magic' }, contradicting])).toEqual([
      { path: '/s/0/kind', message: 'count, absent, present, state or llm_judge' },
    ]);
  });
});

describe('readScorers: rule scorers', () => {
  it('takes every documented field of count, absent and present', () => {
    const filters = { event_kind: 'turn_failed', agent_id: text(200), contains: ['a'] };
    expect(one(count(filters))).toEqual([]);
    expect(one({ name: 'p', kind: 'present', ...filters })).toEqual([]);
    expect(one({ name: 'p', kind: 'absent', ...filters })).toEqual([]);
    for (const event_kind of [
      'perception_emitted',
      'intent_formed',
      'intent_adjudicated',
      'turn_failed',
    ])
      expect(one(count({ event_kind }))).toEqual([]);
  });

  it('names an unknown field', () => {
    expect(one(count({ pointer: '/x' }))).toEqual([
      { path: '/s/0/pointer', message: 'unknown field' },
    ]);
  });

  it('checks the event kind and the agent id', () => {
    const kinds = 'one of perception_emitted, intent_formed, intent_adjudicated, turn_failed';
    expect(one(count({ event_kind: 'turn_won' }))).toEqual([
      { path: '/s/0/event_kind', message: kinds },
    ]);
    expect(one(count({ event_kind: 3 }))).toEqual([{ path: '/s/0/event_kind', message: kinds }]);
    const agent = [{ path: '/s/0/agent_id', message: 'an agent id is required' }];
    expect(one(count({ agent_id: '' }))).toEqual(agent);
    expect(one(count({ agent_id: text(201) }))).toEqual(agent);
    expect(one(count({ agent_id: 7 }))).toEqual(agent);
  });

  it('checks the texts, required only by absent and present', () => {
    const texts = [{ path: '/s/0/contains', message: '1 to 100 texts of 1 to 1000 characters' }];
    expect(one({ name: 'p', kind: 'present' })).toEqual(texts);
    expect(one(count({ contains: [] }))).toEqual(texts);
    expect(one(count({ contains: Array.from({ length: 100 }, () => 'a') }))).toEqual([]);
    expect(one(count({ contains: Array.from({ length: 101 }, () => 'a') }))).toEqual(texts);
    expect(one(count({ contains: [text(1000)] }))).toEqual([]);
    expect(one(count({ contains: ['ok', text(1001)] }))).toEqual(texts);
    expect(one(count({ contains: ['ok', ''] }))).toEqual(texts);
    expect(one(count({ contains: 'ok' }))).toEqual(texts);
  });

  it('checks a state scorer: pointer, type, values and bounds', () => {
    const state = (over: Record<string, unknown>) => ({
      name: 's',
      kind: 'state',
      pointer: '/hp',
      type: 'numeric',
      ...over,
    });
    expect(one(state({ type: 'categorical', values: ['a', 'b'] }))).toEqual([]);
    expect(one(state({ pointer: 'hp' }))).toEqual([
      { path: '/s/0/pointer', message: 'a JSON Pointer into the final state' },
    ]);
    expect(one(state({ type: 'text' }))).toEqual([
      { path: '/s/0/type', message: 'numeric, categorical or boolean' },
    ]);
    const values = [{ path: '/s/0/values', message: 'a list of category names' }];
    expect(one(state({ type: 'categorical', values: 'a' }))).toEqual(values);
    expect(one(state({ type: 'categorical', values: ['a', 5] }))).toEqual(values);
    expect(one(state({ type: 'categorical', values: ['a', text(201)] }))).toEqual(values);
    expect(one(state({ min: 'x' }))).toEqual([{ path: '/s/0/min', message: 'a number' }]);
    expect(one(state({ max: Infinity }))).toEqual([{ path: '/s/0/max', message: 'a number' }]);
    expect(one(state({ min: NaN, max: 1 }))).toEqual([{ path: '/s/0/min', message: 'a number' }]);
    expect(one(state({ min: -1, max: 1 }))).toEqual([]);
  });
});

describe('readScorers: LLM judges', () => {
  it('takes every documented field', () => {
    expect(
      one(judge({ type: 'numeric', min: 0, max: 5, strategy: 'weighted', hedge_delay_ms: 0 })),
    ).toEqual([]);
    expect(one(judge({ type: 'categorical', values: ['y', 'n'] }))).toEqual([]);
    for (const strategy of ['majority', 'weighted', 'best_confidence', 'unanimous'])
      expect(one(judge({ strategy }))).toEqual([]);
  });

  it('checks the rubric and the strategy', () => {
    expect(one(judge({ rubric: text(20_000) }))).toEqual([]);
    expect(one(judge({ rubric: text(20_001) }))).toEqual([
      { path: '/s/0/rubric', message: 'a rubric of 1 to 20000 characters' },
    ]);
    expect(one(judge({ strategy: 'loudest' }))).toEqual([
      { path: '/s/0/strategy', message: 'majority, weighted, best_confidence, unanimous' },
    ]);
  });

  it('takes 1 to MAX_JUDGES judges', () => {
    expect(MAX_JUDGES).toBe(9);
    const ids = (n: number) => Array.from({ length: n }, (_, i) => ({ id: `j${i}` }));
    expect(one(judge({ judges: ids(1) }))).toEqual([]);
    expect(one(judge({ judges: ids(9) }))).toEqual([]);
    const message = [
      {
        path: '/s/0/judges',
        message: "1 to 9 judges (or the experiment's reliability.ensemble.models)",
      },
    ];
    expect(one(judge({ judges: ids(10) }))).toEqual(message);
    expect(one(judge({ judges: [] }))).toEqual(message);
    expect(one(judge({ judges: { id: 'a' } }))).toEqual(message);
  });

  it('checks each judge at its path', () => {
    expect(
      one(
        judge({
          judges: [
            null,
            { id: 'a', voice: 'loud' },
            { id: 'A-1' },
            { id: 'a' },
            { id: 'm', mind: 'offline' },
            { id: 'n', mind: null },
            { id: 'w0', weight: 0 },
            { id: 'w1', weight: -1 },
            { id: 'w2', weight: '2' },
          ],
        }),
      ),
    ).toEqual([
      { path: '/s/0/judges/0', message: 'a judge object is required' },
      { path: '/s/0/judges/1/voice', message: 'unknown field' },
      { path: '/s/0/judges/2/id', message: 'a judge id is required' },
      { path: '/s/0/judges/3/id', message: 'judge "a" is named twice' },
      { path: '/s/0/judges/4/mind', message: 'a mind object' },
      { path: '/s/0/judges/5/mind', message: 'a mind object' },
      { path: '/s/0/judges/6/weight', message: 'a positive number' },
      { path: '/s/0/judges/7/weight', message: 'a positive number' },
      { path: '/s/0/judges/8/weight', message: 'a positive number' },
    ]);
    expect(one(judge({ judges: [{ id: 'a', weight: 0.5, mind: { provider: 'x' } }] }))).toEqual([]);
  });

  it('takes a hedge delay from 0 to 600000 ms, whole', () => {
    expect(one(judge({ hedge_delay_ms: 600_000 }))).toEqual([]);
    const message = [{ path: '/s/0/hedge_delay_ms', message: 'an integer from 0 to 600000' }];
    for (const hedge_delay_ms of [-1, 600_001, 1.5, '5', null])
      expect(one(judge({ hedge_delay_ms }))).toEqual(message);
  });

  it('fills in the strategy, mind and weight', () => {
    const read = readScorers([judge({ hedge_delay_ms: 50 })], '/s');
    expect(read).toEqual({
      ok: true,
      scorers: [
        {
          name: 'j',
          kind: 'llm_judge',
          rubric: 'Was it kind?',
          type: 'boolean',
          hedge_delay_ms: 50,
          strategy: 'majority',
          judges: [{ id: 'a', mind: { provider: 'offline' }, weight: 1 }],
        },
      ],
    });
  });
});

describe('scoreSpecOf', () => {
  const base: Scorer = {
    name: 'j',
    kind: 'llm_judge',
    rubric: 'r',
    type: 'boolean',
    judges: [],
    strategy: 'majority',
  };

  it('gives a judge only the fields it has', () => {
    expect(scoreSpecOf(base)).toStrictEqual({ type: 'boolean' });
    expect(scoreSpecOf({ ...base, type: 'numeric', min: 0, max: 3 })).toStrictEqual({
      type: 'numeric',
      min: 0,
      max: 3,
    });
    expect(scoreSpecOf({ ...base, type: 'categorical', values: ['a'] })).toStrictEqual({
      type: 'categorical',
      values: ['a'],
    });
  });
});

import { readScorers, scoreConfigOf } from './scorer-config';

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

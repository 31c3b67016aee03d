import { applyRuleScorer, readPointer, type AuditEvent } from './rule-scorers';

const events: AuditEvent[] = [
  { turn: 1, kind: 'perception_emitted', agent_id: 'ana', data: { text: 'The door is locked.' } },
  { turn: 1, kind: 'intent_formed', agent_id: 'ana', data: { intent: 'Try the window' } },
  {
    turn: 2,
    kind: 'perception_emitted',
    agent_id: 'ben',
    data: { text: 'The KEY is under the mat.' },
  },
  { turn: 2, kind: 'intent_adjudicated', agent_id: 'ben', data: { outcome: 'ok' } },
];
const state = {
  entities: { ana: { location: 'dome', hp: 7, awake: true } },
  list: [1, { 'a/b': 'x' }],
};

describe('rule scorers', () => {
  it('count: matching events, of a kind, an agent, containing a text', () => {
    expect(applyRuleScorer({ name: 'n', kind: 'count' }, events, state)).toEqual({
      ok: true,
      value: 4,
    });
    expect(
      applyRuleScorer(
        { name: 'n', kind: 'count', event_kind: 'perception_emitted' },
        events,
        state,
      ),
    ).toEqual({ ok: true, value: 2 });
    expect(
      applyRuleScorer(
        { name: 'n', kind: 'count', agent_id: 'ana', contains: ['window', 'door'] },
        events,
        state,
      ),
    ).toEqual({ ok: true, value: 2 });
  });

  it('absent: a forbidden fact leaking into a perception makes it false (case does not matter)', () => {
    const noLeak = {
      name: 'no_leak',
      kind: 'absent' as const,
      event_kind: 'perception_emitted',
      contains: ['key is under'],
    };
    expect(applyRuleScorer(noLeak, events, state)).toEqual({ ok: true, value: false });
    expect(applyRuleScorer({ ...noLeak, agent_id: 'ana' }, events, state)).toEqual({
      ok: true,
      value: true,
    });
    // The same text in another kind of event is not a leak into a perception.
    expect(applyRuleScorer({ ...noLeak, contains: ['window'] }, events, state)).toEqual({
      ok: true,
      value: true,
    });
    expect(
      applyRuleScorer({ name: 'p', kind: 'present', contains: ['window'] }, events, state),
    ).toEqual({ ok: true, value: true });
  });

  it('state: the final state value at a pointer, of its type', () => {
    const at = (pointer: string, type: 'numeric' | 'categorical' | 'boolean') =>
      applyRuleScorer({ name: 's', kind: 'state', pointer, type }, [], state);
    expect(at('/entities/ana/hp', 'numeric')).toEqual({ ok: true, value: 7 });
    expect(at('/entities/ana/location', 'categorical')).toEqual({ ok: true, value: 'dome' });
    expect(at('/entities/ana/awake', 'boolean')).toEqual({ ok: true, value: true });
    expect(at('/entities/ana/hp', 'boolean')).toMatchObject({
      ok: false,
      reason: 'state_value_wrong_type',
    });
    expect(at('/entities/bob', 'numeric')).toMatchObject({
      ok: false,
      reason: 'state_value_missing',
    });
  });

  it('readPointer follows RFC 6901', () => {
    expect(readPointer(state, '/list/1/a~1b')).toBe('x');
    expect(readPointer(state, '/list/01')).toBeUndefined();
    expect(readPointer(state, '')).toBe(state);
    expect(readPointer(state, 'entities')).toBeUndefined();
    expect(readPointer(state, '/entities/toString')).toBeUndefined();
  });
});

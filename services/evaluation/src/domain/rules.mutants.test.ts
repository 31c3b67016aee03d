import type { DeploymentState } from '@crucible/contracts';
import { feedbackScore, MAX_SCORE, sampledIn } from './feedback-rules';
import {
  deploymentEndpoint,
  deploymentTransitionAllowed,
  isHttpUrl,
  trainingFinal,
} from './lifecycle';
import { applyRuleScorer, readPointer, ruleScoreSpec, type AuditEvent } from './rule-scorers';
import { scoreConfigProblem, scoresProblem } from './score-rules';

// Written against the surviving mutants of lifecycle.ts, rule-scorers.ts,
// score-rules.ts and feedback-rules.ts (docs/testing.md, "Scores"): the
// transition tables whole, the messages clients read, each boundary.

describe('lifecycle', () => {
  it('has three final training statuses', () => {
    expect(
      (['pending', 'running', 'completed', 'failed', 'cancelled'] as const).filter(trainingFinal),
    ).toEqual(['completed', 'failed', 'cancelled']);
  });

  it('moves deployments as documented', () => {
    const states: DeploymentState[] = [
      'pending',
      'deploying',
      'active',
      'degraded',
      'failed',
      'terminated',
    ];
    const allowed = states.flatMap((from) =>
      states.filter((to) => deploymentTransitionAllowed(from, to)).map((to) => `${from}>${to}`),
    );
    expect(allowed).toEqual([
      ...['pending', 'deploying', 'active', 'failed', 'terminated'].map((s) => `pending>${s}`),
      ...['deploying', 'active', 'degraded', 'failed', 'terminated'].map((s) => `deploying>${s}`),
      ...['deploying', 'active', 'degraded', 'failed', 'terminated'].map((s) => `active>${s}`),
      ...['deploying', 'active', 'degraded', 'failed', 'terminated'].map((s) => `degraded>${s}`),
      ...['deploying', 'failed', 'terminated'].map((s) => `failed>${s}`),
    ]);
  });

  it('takes whole http(s) URLs of at most 2048 characters', () => {
    expect(isHttpUrl('https://a.example/v1')).toBe(true);
    expect(isHttpUrl('xhttps://a.example')).toBe(false);
    expect(isHttpUrl('https://a.example/v1 and more')).toBe(false);
    const url = (n: number) => `http://a/${'x'.repeat(n - 9)}`;
    expect(isHttpUrl(url(2048))).toBe(true);
    expect(isHttpUrl(url(2049))).toBe(false);
  });

  it('says which endpoint field is wrong', () => {
    expect(deploymentEndpoint({ endpoint: { base_url: 'ftp://a' } }, {}, 'm')).toEqual({
      problem: {
        path: '/deployment/endpoint/base_url',
        message: 'endpoint.base_url must be an http(s) URL',
      },
    });
    const model = {
      problem: {
        path: '/deployment/endpoint/model',
        message: 'endpoint.model must be a name of 1 to 256 characters',
      },
    };
    expect(deploymentEndpoint({ endpoint: { model: '' } }, {}, 'm')).toEqual(model);
    expect(deploymentEndpoint({ endpoint: { model: 'x'.repeat(257) } }, {}, 'm')).toEqual(model);
    expect(deploymentEndpoint({ endpoint: { model: 'x'.repeat(256) } }, {}, 'm')).toEqual({
      endpoint: { base_url: undefined, model: 'x'.repeat(256) },
    });
  });
});

describe('rule scorers', () => {
  const event = (kind: string, data: unknown): AuditEvent => ({
    turn: 1,
    kind,
    agent_id: 'a',
    data,
  });

  it('types a state score with only the fields it has', () => {
    const state = { name: 's', kind: 'state', pointer: '/x' } as const;
    expect(ruleScoreSpec({ ...state, type: 'numeric' })).toStrictEqual({ type: 'numeric' });
    expect(ruleScoreSpec({ ...state, type: 'numeric', min: 0, max: 2 })).toStrictEqual({
      type: 'numeric',
      min: 0,
      max: 2,
    });
    expect(ruleScoreSpec({ ...state, type: 'categorical', values: ['a'] })).toStrictEqual({
      type: 'categorical',
      values: ['a'],
    });
  });

  it('counts only the events holding a text', () => {
    const events = [
      event('turn_failed', { why: 'Timeout' }),
      event('turn_failed', { why: 'crash' }),
    ];
    expect(
      applyRuleScorer({ name: 'c', kind: 'count', contains: ['timeout'] }, events, {}),
    ).toEqual({ ok: true, value: 1 });
  });

  it('says what is missing or of the wrong type in the final state', () => {
    const state = (type: 'numeric' | 'boolean' | 'categorical') =>
      ({ name: 's', kind: 'state', pointer: '/x', type }) as const;
    expect(applyRuleScorer(state('numeric'), [], {})).toEqual({
      ok: false,
      reason: 'state_value_missing',
      message: 'the final state has nothing at /x',
    });
    expect(applyRuleScorer(state('boolean'), [], { x: 1 })).toEqual({
      ok: false,
      reason: 'state_value_wrong_type',
      message: '/x holds 1, not a boolean value',
    });
    expect(applyRuleScorer(state('categorical'), [], { x: 1 })).toEqual({
      ok: false,
      reason: 'state_value_wrong_type',
      message: '/x holds 1, not a categorical value',
    });
    expect(applyRuleScorer(state('numeric'), [], { x: true })).toEqual({
      ok: false,
      reason: 'state_value_wrong_type',
      message: '/x holds true, not a numeric value',
    });
    expect(applyRuleScorer(state('numeric'), [], { x: 'a' })).toEqual({
      ok: false,
      reason: 'state_value_wrong_type',
      message: '/x holds "a", not a numeric value',
    });
  });

  it('reads JSON Pointers as RFC 6901 says', () => {
    expect(readPointer({ '': 5 }, 'a')).toBeUndefined();
    expect(readPointer({ 'a~b': 1, 'a/b': 2 }, '/a~0b')).toBe(1);
    expect(readPointer({ 'a~b': 1, 'a/b': 2 }, '/a~1b')).toBe(2);
    const list = Array.from({ length: 12 }, (_, i) => i * 10);
    expect(readPointer(list, '/10')).toBe(100);
    expect(readPointer(list, '/01')).toBeUndefined();
    expect(readPointer({ a: 'text' }, '/a/length')).toBeUndefined();
    expect(readPointer({ a: null }, '/a/b')).toBeUndefined();
  });
});

describe('score rules', () => {
  const message = (e: ReturnType<typeof scoresProblem>) => e?.message;

  it('says what is wrong with a score config', () => {
    expect(message(scoreConfigProblem({ scores: { b: { type: 'boolean', max: 1 } } }, '/c'))).toBe(
      '/c/scores/b: only a numeric score has a range',
    );
    expect(
      message(scoreConfigProblem({ scores: { n: { type: 'numeric', min: 2, max: 1 } } }, '/c')),
    ).toBe('/c/scores/n: max 1 is below min 2');
    expect(message(scoreConfigProblem({ scores: { k: { type: 'categorical' } } }, '/c'))).toBe(
      '/c/scores/k: a categorical score lists its values',
    );
    expect(
      message(scoreConfigProblem({ scores: { n: { type: 'numeric', values: ['a'] } } }, '/c')),
    ).toBe('/c/scores/n: only a categorical score has values');
  });

  it('says what is wrong with scores', () => {
    const config = {
      scores: {
        n: { type: 'numeric', min: 1 },
        m: { type: 'numeric', max: 5 },
        k: { type: 'categorical', values: ['a', 'b'] },
        b: { type: 'boolean' },
      },
    } as const;
    const good = { n: 1, m: 5, k: 'a', b: true };
    expect(scoresProblem(config, good, '/s')).toBeNull();
    expect(message(scoresProblem(config, { ...good, z: 1 }, '/s'))).toBe(
      '/s/z: the score config has no score z',
    );
    const { b: _b, ...withoutB } = good;
    expect(message(scoresProblem(config, withoutB, '/s'))).toBe('/s/b: score b is not given');
    expect(message(scoresProblem(config, { ...good, n: 0 }, '/s'))).toBe(
      '/s/n: 0 is outside [1, inf]',
    );
    expect(message(scoresProblem(config, { ...good, m: 6 }, '/s'))).toBe(
      '/s/m: 6 is outside [-inf, 5]',
    );
    expect(message(scoresProblem(config, { ...good, k: 1 }, '/s'))).toBe(
      '/s/k: the score config wants one of its categories',
    );
    expect(scoresProblem(config, { ...good, k: 'c' }, '/s')?.toWire().details).toEqual({
      path: '/s/k',
      reason: 'unknown_category',
      values: ['a', 'b'],
    });
    expect(message(scoresProblem(config, { ...good, b: 1 }, '/s'))).toBe(
      '/s/b: the score config wants true or false',
    );
  });
});

describe('feedback rules', () => {
  it('keeps all at a rate of 1, by the hash below the rate otherwise', () => {
    const ids = Array.from({ length: 200 }, (_, i) => `e${i}`);
    expect(ids.every((id) => sampledIn('d', id, 1))).toBe(true);
    expect(ids.some((id) => sampledIn('d', id, 0))).toBe(false);
    const half = ids.filter((id) => sampledIn('d', id, 0.5)).length;
    expect(half).toBeGreaterThan(60);
    expect(half).toBeLessThan(140);
  });

  it('scores thumbs, booleans and numbers up to MAX_SCORE', () => {
    expect(feedbackScore({ feedback_type: 'rating', feedback_value: MAX_SCORE })).toBe(1e12);
    expect(feedbackScore({ feedback_type: 'rating', feedback_value: -MAX_SCORE })).toBe(-1e12);
    expect(feedbackScore({ feedback_type: 'rating', feedback_value: 1e12 + 1 })).toBeNull();
    expect(feedbackScore({ feedback_type: 'thumbs', feedback_value: 'down' })).toBe(0);
    expect(feedbackScore({ feedback_type: 'thumbs', feedback_value: 'sideways' })).toBeNull();
    expect(feedbackScore({ feedback_type: 'label', feedback_value: 'up' })).toBeNull();
  });
});

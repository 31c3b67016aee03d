import {
  candidateChanges,
  mindVersions,
  readRunPlan,
  scorerConfigHash,
  seededMind,
} from './run-plan';

function experiment(options: Record<string, unknown>, extra: Record<string, unknown> = {}) {
  return { pipeline: [{ name: 'setup' }, { name: 'evaluate', options, ...extra }] };
}

const valid = {
  suite_id: 3,
  candidates: [
    { name: 'base' },
    {
      name: 'warm',
      mind: { provider: 'offline', params: { temperature: 1 } },
      engine: 'simultaneous',
    },
  ],
  turns: 4,
  seeds: [1, 2],
};

describe('readRunPlan', () => {
  it('reads the evaluate stage: candidates defaulted to the offline mind and the sequential engine', () => {
    const read = readRunPlan(experiment(valid));
    expect(read).toEqual({
      ok: true,
      plan: {
        optionsPath: '/pipeline/1/options',
        suiteId: 3,
        turns: 4,
        seeds: [1, 2],
        scorers: [],
        candidates: [
          {
            name: 'base',
            mind: { provider: 'offline' },
            engine: 'sequential',
            kind: 'mind',
            profiles: {},
          },
          {
            name: 'warm',
            mind: { provider: 'offline', params: { temperature: 1 } },
            engine: 'simultaneous',
            kind: 'mind',
            profiles: {},
          },
        ],
      },
    });
  });

  it('seeds default to [0]', () => {
    const { seeds: _seeds, ...rest } = valid;
    const read = readRunPlan(experiment(rest));
    expect(read.ok && read.plan.seeds).toEqual([0]);
  });

  it('without an enabled evaluate stage there is no plan', () => {
    expect(readRunPlan({ pipeline: [{ name: 'inference' }] })).toEqual({
      ok: false,
      problems: [{ path: '/pipeline', message: 'no enabled stage named "evaluate"' }],
    });
    expect(readRunPlan(experiment(valid, { enabled: false })).ok).toBe(false);
  });

  it('names every problem at its path inside the experiment', () => {
    const read = readRunPlan(
      experiment({
        suite_id: 0,
        turns: 101,
        seeds: [1, 1.5, 1],
        candidates: [
          { name: 'A' },
          { name: 'b', engine: 'parallel', mind: 3, extra: 1 },
          { name: 'b' },
        ],
        scorers: 'x',
        what: true,
      }),
    );
    expect(read.ok).toBe(false);
    const paths = read.ok ? [] : read.problems.map((p) => p.path);
    expect(paths).toEqual([
      '/pipeline/1/options/what',
      '/pipeline/1/options/suite_id',
      '/pipeline/1/options/turns',
      '/pipeline/1/options/seeds/1',
      '/pipeline/1/options/seeds',
      '/pipeline/1/options/scorers',
      '/pipeline/1/options/candidates/0/name',
      '/pipeline/1/options/candidates/1/extra',
      '/pipeline/1/options/candidates/1/mind',
      '/pipeline/1/options/candidates/1/engine',
      '/pipeline/1/options/candidates/2/name',
    ]);
  });

  it('refuses no candidates and too many', () => {
    for (const candidates of [[], Array.from({ length: 21 }, (_, i) => ({ name: `c${i}` }))]) {
      const read = readRunPlan(experiment({ ...valid, candidates }));
      expect(read.ok ? [] : read.problems.map((p) => p.path)).toEqual([
        '/pipeline/1/options/candidates',
      ]);
    }
  });
});

describe('profile and fork candidates', () => {
  const hash = 'a'.repeat(64);

  it('reads profiles and changes, and makes the fork changes of each', () => {
    const read = readRunPlan(
      experiment({
        ...valid,
        candidates: [
          { name: 'plain' },
          { name: 'other-profile', profiles: { thinker: { hash } } },
          { name: 'slow', changes: { chronon_seconds: 120 } },
          {
            name: 'both',
            mind: { provider: 'offline', params: { temperature: 1 } },
            profiles: { thinker: { hash } },
            changes: { description: 'forked' },
          },
        ],
      }),
    );
    if (!read.ok) throw new Error(JSON.stringify(read.problems));
    const [plain, profile, fork, both] = read.plan.candidates;
    expect([plain?.kind, profile?.kind, fork?.kind, both?.kind]).toEqual([
      'mind',
      'profile',
      'fork',
      'fork',
    ]);
    expect(candidateChanges(plain!)).toBeUndefined();
    expect(candidateChanges(profile!)).toEqual({
      cognition_profile_upserts: { thinker: { hash } },
    });
    expect(candidateChanges(fork!)).toEqual({ chronon_seconds: 120 });
    expect(candidateChanges(both!)).toEqual({
      description: 'forked',
      cognition_profile_upserts: { thinker: { hash } },
    });
  });

  it('names every problem of profiles and changes at its path', () => {
    const read = readRunPlan(
      experiment({
        ...valid,
        candidates: [
          { name: 'a', profiles: [] },
          { name: 'b', profiles: {} },
          { name: 'c', profiles: { 'Bad Label': { hash }, ok: { hash, inline: {} }, x: 3 } },
          { name: 'd', changes: 'slower' },
          { name: 'e', changes: {} },
          {
            name: 'f',
            profiles: { ok: { hash } },
            changes: { cognition_profile_upserts: { ok: { hash } } },
          },
        ],
      }),
    );
    expect(read.ok).toBe(false);
    if (read.ok) return;
    const c = '/pipeline/1/options/candidates';
    expect(read.problems.map((p) => p.path)).toEqual([
      `${c}/0/profiles`,
      `${c}/1/profiles`,
      `${c}/2/profiles/Bad Label`,
      `${c}/2/profiles/ok`,
      `${c}/2/profiles/x`,
      `${c}/3/changes`,
      `${c}/4/changes`,
      `${c}/5/changes/cognition_profile_upserts`,
    ]);
  });
});

describe('result key parts', () => {
  it('the seed goes into the mind params and out of the mind version', () => {
    const mind = { provider: 'offline', params: { temperature: 0.5 } };
    expect(seededMind(mind, 7)).toEqual({
      provider: 'offline',
      params: { temperature: 0.5, seed: 7 },
    });
    expect(mindVersions(seededMind(mind, 7))).toEqual(mindVersions(seededMind(mind, 8)));
    expect(mindVersions(mind)).not.toEqual(mindVersions({ ...mind, params: { temperature: 0.6 } }));
    expect(mindVersions({ provider: 'openai-compatible', model: 'm-1' }).model_version).toBe('m-1');
    expect(mindVersions(mind).mind_version).toMatch(/^offline:[0-9a-f]{16}$/);
  });

  it('the scorer config hash follows the content, not key order', () => {
    expect(scorerConfigHash([{ a: 1, b: 2 }])).toBe(scorerConfigHash([{ b: 2, a: 1 }]));
    expect(scorerConfigHash([{ a: 1 }])).not.toBe(scorerConfigHash([{ a: 2 }]));
  });
});

describe('readRunPlan: the experiment reliability config and its judges', () => {
  const judged = {
    ...valid,
    scorers: [
      { name: 'fair', kind: 'llm_judge', rubric: 'Fair?', type: 'boolean' },
      {
        name: 'kind',
        kind: 'llm_judge',
        rubric: 'Kind?',
        type: 'boolean',
        judges: [{ id: 'own' }],
        strategy: 'majority',
      },
    ],
  };
  const reliability = {
    ensemble: {
      strategy: 'unanimous',
      execution_mode: 'parallel',
      models: [{ id: 'm1' }, { id: 'm2' }],
    },
    hedging: { strategy: 'fixed', delay_ms: 100, max_extra_requests: 2 },
    circuit_breaker: { failure_threshold: 3 },
  };

  it('fills the judge scorers from it (their own settings win) and keeps its breaker', () => {
    const read = readRunPlan({ ...experiment(judged), reliability });
    expect(read.ok).toBe(true);
    if (!read.ok) return;
    expect(read.plan.scorers).toEqual([
      {
        ...judged.scorers[0],
        judges: [
          { id: 'm1', mind: { provider: 'offline' }, weight: 1 },
          { id: 'm2', mind: { provider: 'offline' }, weight: 1 },
        ],
        strategy: 'unanimous',
        hedge_delay_ms: 100,
        hedge_max_extra_requests: 2,
      },
      {
        ...judged.scorers[1],
        judges: [{ id: 'own', mind: { provider: 'offline' }, weight: 1 }],
        strategy: 'majority',
        hedge_delay_ms: 100,
        hedge_max_extra_requests: 2,
      },
    ]);
    expect(read.plan.judgeBreaker).toEqual({ failure_threshold: 3 });
  });

  it('without it, the scorers (and so their hash, a result key part) are as before', () => {
    const scorers = [{ ...judged.scorers[1] }];
    const plain = readRunPlan(experiment({ ...valid, scorers }));
    const empty = readRunPlan({
      ...experiment({ ...valid, scorers }),
      reliability: { hedging: { strategy: 'off' } },
    });
    expect(plain.ok && empty.ok).toBe(true);
    if (!plain.ok || !empty.ok) return;
    expect(plain.plan.scorers).toEqual([
      { ...scorers[0], judges: [{ id: 'own', mind: { provider: 'offline' }, weight: 1 }] },
    ]);
    expect(scorerConfigHash(empty.plan.scorers)).toBe(scorerConfigHash(plain.plan.scorers));
    expect(plain.plan.judgeBreaker).toBeUndefined();
  });

  it('its problems are the plan problems, after the stage ones', () => {
    const read = readRunPlan({
      ...experiment({ ...judged, turns: 0 }),
      reliability: { hedging: { strategy: 'adaptive' }, circuit_breaker: { open_ms: 5 } },
    });
    expect(read.ok === false && read.problems.map((p) => p.path)).toEqual([
      '/pipeline/1/options/turns',
      // No ensemble models to fall back on.
      '/pipeline/1/options/scorers/0/judges',
      '/reliability/hedging/strategy',
      '/reliability/circuit_breaker/open_ms',
    ]);
  });

  it('a judge scorer with no judges and no ensemble models is a problem at its judges', () => {
    const read = readRunPlan({
      ...experiment(judged),
      reliability: { ensemble: { strategy: 'weighted' } },
    });
    expect(read.ok === false && read.problems.map((p) => p.path)).toEqual([
      '/pipeline/1/options/scorers/0/judges',
    ]);
  });
});

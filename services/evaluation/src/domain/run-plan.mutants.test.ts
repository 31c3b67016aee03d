import { createHash } from 'node:crypto';
import { mindVersions, profileHash, readRunPlan } from './run-plan';

// Written against the surviving mutants of run-plan.ts (docs/testing.md,
// "Scores"): each rule of the evaluate stage's options at its boundary,
// with the exact path and message a client reads, and the result key parts.

const base = '/pipeline/1/options';
const experiment = (options: Record<string, unknown>) => ({
  pipeline: [{ name: 'setup' }, { name: 'evaluate', options }],
});
const valid = { suite_id: 1, candidates: [{ name: 'a' }], turns: 1 };
const problemsOf = (over: Record<string, unknown>) => {
  const read = readRunPlan(experiment({ ...valid, ...over }));
  return read.ok ? [] : read.problems;
};
const at = (path: string, message: string) => ({ path: `${base}${path}`, message });
const candidate = (over: Record<string, unknown>) =>
  problemsOf({ candidates: [{ name: 'a', ...over }] });
const sha = (text: string) => createHash('sha256').update(text).digest('hex');

describe('readRunPlan: the options', () => {
  it('finds the evaluate stage first in the pipeline too', () => {
    const read = readRunPlan({ pipeline: [{ name: 'evaluate', options: valid }] });
    expect(read.ok && read.plan.optionsPath).toBe('/pipeline/0/options');
  });

  it('names an unknown field', () => {
    expect(problemsOf({ budget: 1 })).toEqual([at('/budget', 'unknown field')]);
  });

  it('wants a suite id from 1', () => {
    const suite = [at('/suite_id', 'a scenario suite id is required')];
    expect(problemsOf({ suite_id: 0 })).toEqual(suite);
    expect(problemsOf({ suite_id: 1.5 })).toEqual(suite);
    expect(problemsOf({ suite_id: '2' })).toEqual(suite);
  });

  it('wants 1 to 100 turns', () => {
    const turns = [at('/turns', 'an integer from 1 to 100 is required')];
    expect(problemsOf({ turns: 100 })).toEqual([]);
    expect(problemsOf({ turns: 0 })).toEqual(turns);
    expect(problemsOf({ turns: 101 })).toEqual(turns);
    expect(problemsOf({ turns: 2.5 })).toEqual(turns);
  });

  it('wants 1 to 100 distinct integer seeds', () => {
    const count = [at('/seeds', '1 to 100 seeds')];
    const range = (n: number) => Array.from({ length: n }, (_, i) => i);
    expect(problemsOf({ seeds: range(100) })).toEqual([]);
    expect(problemsOf({ seeds: range(101) })).toEqual(count);
    expect(problemsOf({ seeds: [] })).toEqual(count);
    expect(problemsOf({ seeds: 3 })).toEqual(count);
    expect(problemsOf({ seeds: [1, 1.5] })).toEqual([at('/seeds/1', 'a safe integer is required')]);
    expect(problemsOf({ seeds: [4, 4] })).toEqual([at('/seeds', 'seeds repeat')]);
  });

  it('wants 1 to 20 candidates', () => {
    const count = [at('/candidates', '1 to 20 candidates')];
    const named = (n: number) => Array.from({ length: n }, (_, i) => ({ name: `c${i}` }));
    expect(problemsOf({ candidates: named(20) })).toEqual([]);
    expect(problemsOf({ candidates: named(21) })).toEqual(count);
    expect(problemsOf({ candidates: [] })).toEqual(count);
  });
});

describe('readRunPlan: a candidate', () => {
  it('wants an object with known fields', () => {
    expect(problemsOf({ candidates: [null] })).toEqual([
      at('/candidates/0', 'a candidate object is required'),
    ]);
    expect(candidate({ temperature: 1 })).toEqual([
      at('/candidates/0/temperature', 'unknown field'),
    ]);
  });

  it('wants a whole label as its name, once', () => {
    const label = [at('/candidates/0/name', 'a label (a-z, 0-9, _ and -) is required')];
    expect(candidate({ name: 'ab!' })).toEqual(label);
    expect(candidate({ name: 'ab-' })).toEqual(label);
    expect(candidate({ name: `a${'b'.repeat(63)}` })).toEqual([]);
    expect(candidate({ name: `a${'b'.repeat(64)}` })).toEqual(label);
    expect(problemsOf({ candidates: [{ name: 'a' }, { name: 'a' }] })).toEqual([
      at('/candidates/1/name', 'candidate "a" is named twice'),
    ]);
  });

  it('checks the mind and the engine', () => {
    expect(candidate({ mind: null })).toEqual([
      at('/candidates/0/mind', 'a mind object is required'),
    ]);
    expect(candidate({ engine: 'parallel' })).toEqual([
      at('/candidates/0/engine', 'sequential or simultaneous'),
    ]);
    const read = readRunPlan(
      experiment({ ...valid, candidates: [{ name: 'a', engine: 'sequential' }] }),
    );
    expect(read.ok && read.plan.candidates[0]!.engine).toBe('sequential');
  });

  it('checks the profiles: an object of 1 to 1000 labels to one hash or inline ref', () => {
    const labels = (n: number) =>
      Object.fromEntries(Array.from({ length: n }, (_, i) => [`p${i}`, { hash: 'h' }]));
    expect(candidate({ profiles: labels(1000) })).toEqual([]);
    expect(candidate({ profiles: labels(1001) })).toEqual([
      at('/candidates/0/profiles', '1 to 1000 profiles'),
    ]);
    expect(candidate({ profiles: {} })).toEqual([
      at('/candidates/0/profiles', '1 to 1000 profiles'),
    ]);
    expect(candidate({ profiles: [] })).toEqual([
      at('/candidates/0/profiles', 'an object of profile label to {hash} or {inline} is required'),
    ]);
    const ref = 'a profile ref, {"hash": …} or {"inline": {…}}, is required';
    expect(candidate({ profiles: { p: { inline: {} } } })).toEqual([]);
    for (const bad of [{ label: 'x' }, { inline: 'x' }, { hash: 'h', inline: {} }, null])
      expect(candidate({ profiles: { p: bad } })).toEqual([at('/candidates/0/profiles/p', ref)]);
    expect(candidate({ profiles: { 'a/b~c': { hash: 'h' } } })).toEqual([
      at('/candidates/0/profiles/a~1b~0c', 'a profile label (a-z, 0-9, _ and -) is required'),
    ]);
  });

  it('checks the changes, and profiles given once', () => {
    expect(candidate({ changes: 'x' })).toEqual([
      at('/candidates/0/changes', "a ScenarioChanges object (fork_scenario's changes) is required"),
    ]);
    expect(candidate({ changes: {} })).toEqual([at('/candidates/0/changes', 'changes are empty')]);
    const upserts = { cognition_profile_upserts: { p: { hash: 'h' } } };
    expect(candidate({ changes: upserts })).toEqual([]);
    expect(candidate({ changes: upserts, profiles: { q: { hash: 'h' } } })).toEqual([
      at(
        '/candidates/0/changes/cognition_profile_upserts',
        'profiles are given twice: use either profiles or changes.cognition_profile_upserts',
      ),
    ]);
  });
});

describe('result key parts', () => {
  it('names the provider, the offline one when none is a text, and its default model', () => {
    const hash = (mind: object) => sha(JSON.stringify(mind)).slice(0, 16);
    expect(mindVersions({ provider: 'openai', params: { seed: 4 } })).toEqual({
      mind_version: `openai:${hash({ params: {}, provider: 'openai' })}`,
      model_version: 'openai-default',
    });
    expect(mindVersions({ provider: 5 })).toEqual({
      mind_version: `offline:${hash({ params: {}, provider: 5 })}`,
      model_version: 'offline-default',
    });
  });

  it('hashes the profile hashes by label', () => {
    expect(profileHash({ b: 'h2', a: 'h1' })).toBe(sha('{"a":"h1","b":"h2"}'));
  });
});

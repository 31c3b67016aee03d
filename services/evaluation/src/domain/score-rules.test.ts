import { scoreConfigProblem, scoresProblem, type ScoreConfig } from './score-rules';
import { pageOf } from './page-cursor';
import { RECORD_KINDS, RECORD_SPECS, operationsOf } from './record-kinds';

const config: ScoreConfig = {
  scores: {
    wait: { type: 'numeric', min: 0, max: 10 },
    open: { type: 'numeric' },
    safe: { type: 'boolean' },
    verdict: { type: 'categorical', values: ['better', 'worse'] },
  },
};
const good = { wait: 10, open: -3.5, safe: false, verdict: 'worse' };

function problem(found: ReturnType<typeof scoresProblem>) {
  return found === null ? null : [found.details.path, found.details.reason];
}

describe('scores against their config', () => {
  it('accepts every score of its type, range edges included', () => {
    expect(scoresProblem(config, good, '/scores')).toBeNull();
    expect(scoresProblem(config, { ...good, wait: 0 }, '/scores')).toBeNull();
  });

  it.each([
    ['an unknown score', { ...good, x: 1 }, '/scores/x', 'unknown_score'],
    ['a missing score', { wait: 1, open: 1, safe: true }, '/scores/verdict', 'missing_field'],
    ['below min', { ...good, wait: -0.1 }, '/scores/wait', 'score_out_of_range'],
    ['above max', { ...good, wait: 10.1 }, '/scores/wait', 'score_out_of_range'],
    ['a numeric given text', { ...good, open: '1' }, '/scores/open', 'wrong_score_type'],
    ['a boolean given a number', { ...good, safe: 0 }, '/scores/safe', 'wrong_score_type'],
    [
      'a category given a boolean',
      { ...good, verdict: true },
      '/scores/verdict',
      'wrong_score_type',
    ],
    ['an unknown category', { ...good, verdict: 'same' }, '/scores/verdict', 'unknown_category'],
  ])('%s', (_name, scores, path, reason) => {
    expect(problem(scoresProblem(config, scores, '/scores'))).toEqual([path, reason]);
  });

  it('an escaped pointer for a name with a slash', () => {
    expect(problem(scoresProblem(config, { ...good, 'a/b': 1 }, '/scores'))).toEqual([
      '/scores/a~1b',
      'unknown_score',
    ]);
  });
});

describe('score configs', () => {
  it('accepts a consistent config', () => {
    expect(scoreConfigProblem(config, '/score_config')).toBeNull();
    expect(
      scoreConfigProblem({ scores: { a: { type: 'numeric', min: 1, max: 1 } } }, ''),
    ).toBeNull();
  });

  it.each([
    [
      'min above max',
      { a: { type: 'numeric', min: 2, max: 1 } },
      '/c/scores/a/max',
      'invalid_score_spec',
    ],
    [
      'a range on a boolean',
      { a: { type: 'boolean', max: 1 } },
      '/c/scores/a/max',
      'invalid_score_spec',
    ],
    [
      'a range on a category',
      { a: { type: 'categorical', values: ['x'], min: 0 } },
      '/c/scores/a/min',
      'invalid_score_spec',
    ],
    [
      'a category without values',
      { a: { type: 'categorical' } },
      '/c/scores/a/values',
      'missing_field',
    ],
    [
      'values on a number',
      { a: { type: 'numeric', values: ['x'] } },
      '/c/scores/a/values',
      'invalid_score_spec',
    ],
  ] as const)('%s', (_name, scores, path, reason) => {
    const found = scoreConfigProblem({ scores }, '/c');
    expect(found === null ? null : [found.details.path, found.details.reason]).toEqual([
      path,
      reason,
    ]);
  });
});

describe('pages', () => {
  const rows = [1, 2, 3].map((id) => ({ id }));
  const opts = (limit: number, budgetBytes = 1_000_000) => ({
    limit,
    budgetBytes,
    encode: (row: { id: number }) => row,
    position: (row: { id: number }) => row.id,
  });
  it('a cursor only when more rows follow', () => {
    expect(pageOf(rows, opts(2))).toEqual({ items: [{ id: 1 }, { id: 2 }], next_cursor: '2' });
    expect(pageOf(rows, opts(3))).toEqual({ items: rows });
    expect(pageOf([], opts(3))).toEqual({ items: [] });
  });
  it('cuts by encoded size too, never below one row', () => {
    // `{"id":1}` and its comma are 9 bytes: two fit in 18, not three.
    expect(pageOf(rows, opts(3, 18))).toEqual({ items: [{ id: 1 }, { id: 2 }], next_cursor: '2' });
    expect(pageOf(rows, opts(3, 1))).toEqual({ items: [{ id: 1 }], next_cursor: '1' });
  });
});

describe('record kinds', () => {
  it('name their operations after the kind and its table', () => {
    expect(operationsOf(RECORD_SPECS.scenario_suite)).toEqual({
      create: 'create_scenario_suite',
      get: 'get_scenario_suite',
      update: 'update_scenario_suite',
      list: 'list_scenario_suites',
    });
  });

  it('every mutable field, default and filter is a field of the kind (or its project)', () => {
    for (const kind of RECORD_KINDS) {
      const spec = RECORD_SPECS[kind];
      const known = new Set([...spec.fields, 'project_id']);
      for (const field of [...spec.mutable, ...Object.keys(spec.defaults), ...spec.filters]) {
        expect([kind, field, known.has(field)]).toEqual([kind, field, true]);
      }
      // The first reference gives the project (a project is its own).
      expect(spec.references[0]?.givesProject ?? kind === 'project').toBe(true);
    }
  });
});

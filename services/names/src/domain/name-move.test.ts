import { CrucibleError } from '@crucible/contracts';
import { thrownBy } from '@crucible/contracts/testing';
import { decideMove, decideMoves, type NameIntent } from './name-move';

const A = 'a'.repeat(64);
const B = 'b'.repeat(64);
const C = 'c'.repeat(64);

function intent(target: string | null, expected?: string | null, name = 'x'): NameIntent {
  return expected === undefined ? { name, target, path: '' } : { name, target, expected, path: '' };
}

describe('decideMove', () => {
  it.each([
    // [what, target, expected, current, decision]
    ['unconditional set of an unset name', A, undefined, null, { kind: 'move', from: null, to: A }],
    ['unconditional move', B, undefined, A, { kind: 'move', from: A, to: B }],
    ['unconditional set to where it is', A, undefined, A, { kind: 'unchanged', current: A }],
    ['CAS move that holds', B, A, A, { kind: 'move', from: A, to: B }],
    ['CAS on a stale hash', C, B, A, { kind: 'cas_failed', expected: B, current: A }],
    ['CAS on a hash when unset', B, A, null, { kind: 'cas_failed', expected: A, current: null }],
    ['create-only when unset', A, null, null, { kind: 'move', from: null, to: A }],
    ['create-only when set', B, null, A, { kind: 'cas_failed', expected: null, current: A }],
    ['CAS re-set to where it is', A, A, A, { kind: 'unchanged', current: A }],
    ['CAS re-set with a stale hash', A, B, A, { kind: 'cas_failed', expected: B, current: A }],
    ['removal', null, undefined, A, { kind: 'move', from: A, to: null }],
    ['CAS removal that holds', null, A, A, { kind: 'move', from: A, to: null }],
    ['CAS removal on a stale hash', null, B, A, { kind: 'cas_failed', expected: B, current: A }],
    ['removal of an unset name', null, undefined, null, { kind: 'not_set' }],
    [
      'removal of an unset name expected unset',
      null,
      null,
      null,
      { kind: 'unchanged', current: null },
    ],
    [
      'CAS removal of an unset name',
      null,
      A,
      null,
      { kind: 'cas_failed', expected: A, current: null },
    ],
    [
      'removal expected unset when set',
      null,
      null,
      A,
      { kind: 'cas_failed', expected: null, current: A },
    ],
  ] as const)('%s', (_what, target, expected, current, decision) => {
    expect(decideMove(intent(target, expected), current)).toEqual(decision);
  });
});

describe('decideMoves', () => {
  const current = new Map([
    ['x', A],
    ['y', B],
  ]);

  it('accepts every intent in request order when all hold', () => {
    const moves = decideMoves(
      [
        { name: 'y', target: C, expected: B, path: '/updates/0' },
        { name: 'x', target: A, path: '/updates/1' },
        { name: 'z', target: A, expected: null, path: '/updates/2' },
      ],
      current,
    );
    expect(moves.map((m) => [m.name, m.kind])).toEqual([
      ['y', 'move'],
      ['x', 'unchanged'],
      ['z', 'move'],
    ]);
  });

  it('lists every failed compare-and-swap in one conflict', () => {
    const error = thrownBy(
      () =>
        decideMoves(
          [
            { name: 'x', target: C, expected: B, path: '/updates/0' },
            { name: 'y', target: C, expected: B, path: '/updates/1' },
            { name: 'z', target: C, expected: A, path: '/updates/2' },
          ],
          current,
        ),
      CrucibleError,
    );
    expect(error.code).toBe('conflict');
    expect(error.details).toEqual({
      reason: 'cas_failed',
      path: '/updates/0/expected_current_hash',
      name: 'x',
      expected: B,
      current: A,
      failures: [
        { name: 'x', path: '/updates/0/expected_current_hash', expected: B, current: A },
        { name: 'z', path: '/updates/2/expected_current_hash', expected: A, current: null },
      ],
    });
  });

  it('reports a single CAS failure at the request root', () => {
    const error = thrownBy(() => decideMoves([intent(C, B)], current), CrucibleError);
    expect(error.details).toMatchObject({
      reason: 'cas_failed',
      path: '/expected_current_hash',
      expected: B,
      current: A,
    });
  });

  it('puts removing an unset name before compare-and-swap failures', () => {
    const error = thrownBy(
      () =>
        decideMoves(
          [
            { name: 'x', target: C, expected: B, path: '/updates/0' },
            { name: 'nope', target: null, path: '/updates/1' },
          ],
          current,
        ),
      CrucibleError,
    );
    expect(error.code).toBe('not_found');
    expect(error.details).toEqual({
      reason: 'name_not_found',
      path: '/updates/1/name',
      name: 'nope',
    });
  });
});

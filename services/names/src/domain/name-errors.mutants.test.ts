// The wire errors of the names service's rules: code, reason, path and the
// details a client acts on, and a message that names what went wrong.
// (Written against mutants that survived `npm run mutate`; docs/testing.md.)
import type { CrucibleError } from '@crucible/contracts';
import {
  casFailed,
  duplicateName,
  nameNotFound,
  nameNotSetAt,
  scenarioNotFound,
} from './name-errors';
import { parseInstant } from './instant';
import { setIntent, unsetIntent } from './name-intents';

const A = 'a'.repeat(64);
const B = 'b'.repeat(64);

function wire(error: CrucibleError) {
  return error.toWire();
}

describe('name errors', () => {
  it('cas_failed with one failure names the name, what was expected and what is', () => {
    expect(
      wire(casFailed([{ name: 'night', path: '/expected_current_hash', expected: A, current: B }])),
    ).toEqual({
      code: 'conflict',
      retryable: false,
      message: `night: expected ${A}, but it is ${B}`,
      details: {
        reason: 'cas_failed',
        path: '/expected_current_hash',
        name: 'night',
        expected: A,
        current: B,
        failures: [{ name: 'night', path: '/expected_current_hash', expected: A, current: B }],
      },
    });
    expect(casFailed([{ name: 'night', path: '', expected: null, current: null }]).message).toBe(
      'night: expected unset, but it is unset',
    );
  });

  it('cas_failed with several failures counts and names them all, reporting the first', () => {
    const failures = [
      { name: 'one', path: '/updates/0/expected_current_hash', expected: A, current: null },
      { name: 'two', path: '/updates/3/expected_current_hash', expected: null, current: B },
    ];
    const error = wire(casFailed(failures));
    expect(error.message).toBe('2 compare-and-swaps failed (one, two); nothing changed');
    expect(error.details).toMatchObject({
      reason: 'cas_failed',
      path: '/updates/0/expected_current_hash',
      name: 'one',
      expected: A,
      current: null,
      failures,
    });
  });

  it('refuses to build cas_failed from no failure', () => {
    expect(() => casFailed([])).toThrow('casFailed needs at least one failure');
  });

  it('not_found errors carry their reason, path and subject', () => {
    expect(wire(nameNotFound('night', '/name'))).toEqual({
      code: 'not_found',
      retryable: false,
      message: 'no name night',
      details: { reason: 'name_not_found', path: '/name', name: 'night' },
    });
    expect(wire(nameNotSetAt('night', '2026-01-01T00:00:00.000Z'))).toEqual({
      code: 'not_found',
      retryable: false,
      message: 'night was not set at 2026-01-01T00:00:00.000Z',
      details: {
        reason: 'name_not_set_at',
        path: '/at',
        name: 'night',
        at: '2026-01-01T00:00:00.000Z',
      },
    });
    expect(wire(scenarioNotFound(A, '/updates/1/hash'))).toEqual({
      code: 'not_found',
      retryable: false,
      message: `no scenario with hash ${A}`,
      details: { reason: 'scenario_not_found', path: '/updates/1/hash', hash: A },
    });
  });

  it('duplicate_name points at both uses', () => {
    expect(wire(duplicateName('night', '/updates/2', '/updates/0'))).toEqual({
      code: 'invalid_argument',
      retryable: false,
      message: '/updates/2: night is already updated at /updates/0',
      details: {
        reason: 'duplicate_name',
        path: '/updates/2',
        name: 'night',
        first_path: '/updates/0',
      },
    });
  });

  it('invalid_timestamp names the path and the value', () => {
    const bad = '2026-12-31T23:59:60Z';
    let thrown: unknown;
    try {
      parseInstant(bad, '/at');
    } catch (error) {
      thrown = error;
    }
    expect(wire(thrown as CrucibleError)).toMatchObject({
      code: 'invalid_argument',
      message: `/at: not a time: ${bad}`,
      details: { reason: 'invalid_timestamp', path: '/at' },
    });
  });
});

describe('intents keep "no expectation" apart from "expected unset"', () => {
  it('has no expected member at all when none was given', () => {
    expect(Object.keys(setIntent({ name: 'x', hash: A })).sort()).toEqual([
      'name',
      'path',
      'target',
    ]);
    expect(Object.keys(unsetIntent({ name: 'x' })).sort()).toEqual(['name', 'path', 'target']);
  });
});

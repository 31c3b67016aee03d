import { CrucibleError } from '@crucible/contracts';
import { batchIntents, setIntent, targetHashes, unsetIntent } from './name-intents';

const A = 'a'.repeat(64);
const B = 'b'.repeat(64);

describe('intents', () => {
  it('keeps an omitted expectation apart from an expected unset name', () => {
    expect(setIntent({ name: 'x', hash: A })).toEqual({ name: 'x', target: A, path: '' });
    expect(setIntent({ name: 'x', hash: A, expected_current_hash: null })).toEqual({
      name: 'x',
      target: A,
      expected: null,
      path: '',
    });
    expect(unsetIntent({ name: 'x', expected_current_hash: B })).toEqual({
      name: 'x',
      target: null,
      expected: B,
      path: '',
    });
  });

  it('paths batch updates by index', () => {
    expect(
      batchIntents([
        { name: 'x', hash: A },
        { name: 'y', hash: null, expected_current_hash: B },
      ]),
    ).toEqual([
      { name: 'x', target: A, path: '/updates/0' },
      { name: 'y', target: null, expected: B, path: '/updates/1' },
    ]);
  });

  it('refuses the same name twice in one batch', () => {
    let error: unknown;
    try {
      batchIntents([
        { name: 'x', hash: A },
        { name: 'y', hash: A },
        { name: 'x', hash: B },
      ]);
    } catch (thrown) {
      error = thrown;
    }
    expect(error).toBeInstanceOf(CrucibleError);
    expect((error as CrucibleError).code).toBe('invalid_argument');
    expect((error as CrucibleError).details).toMatchObject({
      reason: 'duplicate_name',
      path: '/updates/2/name',
      first_path: '/updates/0/name',
      name: 'x',
    });
  });

  it('lists each target hash once, at its first use, and no removals', () => {
    const targets = targetHashes(
      batchIntents([
        { name: 'x', hash: A },
        { name: 'y', hash: null },
        { name: 'z', hash: A },
        { name: 'w', hash: B },
      ]),
    );
    expect([...targets]).toEqual([
      [A, '/updates/0/hash'],
      [B, '/updates/3/hash'],
    ]);
  });
});

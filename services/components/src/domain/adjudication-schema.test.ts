import { isCrucibleError } from '@crucible/contracts';
import { CompiledSchemas } from './adjudication-schema';

const valid = { type: 'object', properties: { outcome: { type: 'string' } } };
const invalid = { type: 'object', properties: { outcome: { type: 'strung' } } };

function refusal(fn: () => void): unknown {
  try {
    fn();
  } catch (error) {
    return error;
  }
  return undefined;
}

describe('CompiledSchemas', () => {
  it('remembers a schema that compiled, by its hash', () => {
    const compiled = new CompiledSchemas();
    compiled.check(valid, 'h1', '/content');
    expect(compiled.has('h1')).toBe(true);
    // A hash it remembers is not compiled again (so content under it is not read).
    expect(() => compiled.check(invalid, 'h1', '/content')).not.toThrow();
  });

  it('refuses a schema that does not compile, every time, and remembers nothing', () => {
    const compiled = new CompiledSchemas();
    for (let i = 0; i < 2; i++) {
      const error = refusal(() => compiled.check(invalid, 'h2', '/content'));
      expect(isCrucibleError(error) && error.details).toMatchObject({
        path: '/content',
        reason: 'invalid_json_schema',
      });
    }
    expect(compiled.has('h2')).toBe(false);
  });

  it('keeps at most its limit, forgetting the least recently checked first', () => {
    const compiled = new CompiledSchemas(2);
    for (const hash of ['a', 'b', 'c']) compiled.check(valid, hash, '/content');
    expect(['a', 'b', 'c'].map((hash) => compiled.has(hash))).toEqual([false, true, true]);
    compiled.check(valid, 'b', '/content'); // b is now the most recently checked
    compiled.check(valid, 'd', '/content');
    expect(['b', 'c', 'd'].map((hash) => compiled.has(hash))).toEqual([true, false, true]);
  });
});

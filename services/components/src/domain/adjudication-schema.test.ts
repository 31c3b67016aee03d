import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { isCrucibleError } from '@crucible/contracts';
import { CompiledSchemas, SchemaCompilers, checkAdjudicationSchema } from './adjudication-schema';

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

describe('SchemaCompilers', () => {
  setFlagsFromString('--expose-gc');
  const gc = runInNewContext('gc') as () => void;
  /** A full collection once the current job is over (a WeakRef keeps its target until then). */
  const collect = async (): Promise<void> => {
    await new Promise((resolve) => setImmediate(resolve));
    gc();
  };

  it('lets go of what it compiled once an instance has made its limit of compiles', async () => {
    const compilers = new SchemaCompilers(5);
    // `format` is not a plain keyword (plain-schema.ts), so these are compiled.
    const compiled = { type: 'string', format: 'date' };
    const first = ((): WeakRef<object> => {
      const schema = { ...compiled, title: 'first' };
      checkAdjudicationSchema(schema, '/s', compilers);
      return new WeakRef(schema);
    })();
    for (let i = 0; i < 4; i++)
      checkAdjudicationSchema({ ...compiled, title: `kept ${i}` }, '/s', compilers);
    await collect();
    // ajv's instance still holds every schema it compiled, removeSchema or not.
    expect(first.deref()).toBeDefined();
    // The sixth compile is made by a new instance; the old one goes, with what it held.
    checkAdjudicationSchema({ ...compiled, title: 'sixth' }, '/s', compilers);
    await collect();
    expect(first.deref()).toBeUndefined();
  });

  it('counts the compiles of both dialects, and not a dialect it refuses', () => {
    const compilers = new SchemaCompilers(2);
    const draft07 = compilers.forDialect(undefined);
    expect(compilers.forDialect('http://json-schema.org/draft-07/schema#')).toBe(draft07);
    expect(compilers.forDialect('http://json-schema.org/draft-04/schema#')).toBeUndefined();
    const draft2020 = compilers.forDialect('https://json-schema.org/draft/2020-12/schema');
    expect(draft2020).toBeDefined();
    expect(draft2020).not.toBe(draft07);
    expect(compilers.forDialect(undefined)).not.toBe(draft07);
  });
});

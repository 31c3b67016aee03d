import { startRealPlatform, type PlatformStack } from '../platform/stack';
import { http } from '../support';

/** Results keyed by content, on real servers (docs/services/evaluation.md, "Results"). */
describe('evaluation: results keyed by content (real servers)', () => {
  let stack: PlatformStack;
  beforeAll(async () => {
    stack = await startRealPlatform();
  }, 60_000);
  afterAll(async () => {
    await stack?.stop();
  });

  async function call(operation: string, request: unknown) {
    return http(`${stack.url}/v1/ops/${operation}`, 'POST', request);
  }

  const key = {
    scenario_hash: 'a'.repeat(64),
    profile_hash: 'b'.repeat(64),
    mind_version: 'offline-1',
    model_version: '1.0.0',
    scorer_config_hash: 'c'.repeat(64),
    turns: 10,
    engine: 'kernel',
    seed: 42,
  };

  it('every part of the key counts: a change of any one is a new key', async () => {
    const changes: Array<Record<string, unknown>> = [
      { scenario_hash: 'd'.repeat(64) },
      { profile_hash: 'd'.repeat(64) },
      { mind_version: 'offline-2' },
      { model_version: '1.0.1' },
      { scorer_config_hash: 'd'.repeat(64) },
      { turns: 11 },
      { engine: 'kernel-2' },
      { seed: 43 },
    ];
    const base = await call('put_result', { key, result: { base: true } });
    expect(base.body.reused).toBe(false);
    const hashes = new Set([base.body.stored.key_hash]);
    for (const change of changes) {
      const put = await call('put_result', { key: { ...key, ...change }, result: { change } });
      expect([put.status, put.body.reused]).toEqual([200, false]);
      hashes.add(put.body.stored.key_hash);
    }
    expect(hashes.size).toBe(changes.length + 1);
    // Key order does not matter: the key is hashed as canonical JSON.
    const reordered = Object.fromEntries(Object.entries(key).reverse());
    const again = await call('put_result', { key: reordered, result: { other: 1 } });
    expect(again.body).toEqual({ stored: base.body.stored, reused: true });
  });

  it('lookup says which keys are reused and which must be computed, in the order asked', async () => {
    await call('put_result', { key: { ...key, seed: 100 }, result: { n: 100 } });
    const lookup = await call('lookup_results', {
      keys: [
        { ...key, seed: 101 },
        { ...key, seed: 100 },
        { ...key, seed: 101 },
      ],
    });
    expect(lookup.status).toBe(200);
    expect(lookup.body.results.map((r: { found: boolean }) => r.found)).toEqual([
      false,
      true,
      false,
    ]);
    expect(lookup.body.results[1].stored.result).toEqual({ n: 100 });
    expect([lookup.body.reused, lookup.body.missing]).toEqual([1, 2]);
  });

  it('racing puts of one key: one stores, the others reuse it', async () => {
    const raced = { ...key, seed: 7_000 };
    const puts = await Promise.all(
      Array.from({ length: 8 }, (_, i) => call('put_result', { key: raced, result: { i } })),
    );
    expect(puts.filter((p) => p.body.reused === false)).toHaveLength(1);
    const winner = puts.find((p) => p.body.reused === false)!.body.stored;
    for (const put of puts) expect(put.body.stored).toEqual(winner);
  });

  it('refuses a malformed key', async () => {
    const bad = await call('put_result', { key: { ...key, scenario_hash: 'xyz' }, result: {} });
    expect([bad.status, bad.body.error.details.reason, bad.body.error.details.path]).toEqual([
      400,
      'invalid_hash',
      '/key/scenario_hash',
    ]);
  });
});

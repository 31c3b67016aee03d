import { CrucibleError } from '@crucible/contracts';
import { label, nonEmpty, type NamesStack } from './stack';

type Settled<T> = PromiseSettledResult<T>;

function winnersAndLosers<T>(results: Settled<T>[]): { winners: T[]; losers: CrucibleError[] } {
  const winners: T[] = [];
  const losers: CrucibleError[] = [];
  for (const result of results) {
    if (result.status === 'fulfilled') winners.push(result.value);
    else if (result.reason instanceof CrucibleError) losers.push(result.reason);
    else throw result.reason;
  }
  return { winners, losers };
}

/** Compare-and-swap under concurrent writers, single names and batches. */
export function describeNamesConcurrency(stack: () => NamesStack): void {
  describe('names under concurrency', () => {
    let s: NamesStack;
    beforeAll(() => {
      s = stack();
    });

    it('lets exactly one of 50 concurrent sets with the same expected hash win', async () => {
      const name = label('race');
      const base = s.scenario();
      await s.rpc.call('set_scenario_name', { name, hash: base });
      const before = await s.counts();
      const targets = Array.from({ length: 50 }, () => s.scenario());

      const { winners, losers } = winnersAndLosers(
        await Promise.allSettled(
          targets.map((hash) =>
            s.rpc.call('set_scenario_name', { name, hash, expected_current_hash: base }),
          ),
        ),
      );
      expect(winners).toHaveLength(1);
      const winner = winners[0]!.hash;
      expect(losers).toHaveLength(49);
      for (const loser of losers) {
        expect(loser.code).toBe('conflict');
        expect(loser.details).toMatchObject({
          reason: 'cas_failed',
          expected: base,
          current: winner,
        });
      }
      const history = await s.historyRows(name);
      expect(history.map((r) => r.new_hash)).toEqual([base, winner]);
      const after = await s.counts();
      expect(after.history - before.history).toBe(1);
      expect(after.outbox - before.outbox).toBe(1);
      expect((await s.rpc.call('resolve_name', { name })).hash).toBe(winner);
    }, 30_000);

    it('lets exactly one of 20 concurrent create-only sets of a new name win', async () => {
      const name = label('create-race');
      const targets = Array.from({ length: 20 }, () => s.scenario());
      const { winners, losers } = winnersAndLosers(
        await Promise.allSettled(
          targets.map((hash) =>
            s.rpc.call('set_scenario_name', { name, hash, expected_current_hash: null }),
          ),
        ),
      );
      expect(winners).toHaveLength(1);
      expect(losers).toHaveLength(19);
      for (const loser of losers) {
        expect(loser.details).toMatchObject({
          reason: 'cas_failed',
          expected: null,
          current: winners[0]!.hash,
        });
      }
      expect(await s.historyRows(name)).toHaveLength(1);
    }, 30_000);

    it('keeps overlapping batches all-or-nothing: winners are disjoint and complete', async () => {
      const names = Array.from({ length: 6 }, (_, i) => label(`ov${i}`));
      const base = s.scenario();
      await s.rpc.call('update_scenario_names', {
        updates: nonEmpty(names.map((name) => ({ name, hash: base }))),
      });
      // 24 batches over 2 or 3 neighbouring names, half of them listed backwards,
      // each moving its names off `base` to its own hash.
      const batches = Array.from({ length: 24 }, (_, i) => {
        const covered = [0, 1, 2]
          .slice(0, 2 + (i % 3 === 0 ? 1 : 0))
          .map((k) => names[(i + k) % 6]!);
        return { hash: s.scenario(), names: i % 2 === 0 ? covered : covered.reverse() };
      });
      const results = await Promise.allSettled(
        batches.map((batch) =>
          s.rpc.call('update_scenario_names', {
            updates: nonEmpty(
              batch.names.map((name) => ({ name, hash: batch.hash, expected_current_hash: base })),
            ),
          }),
        ),
      );
      const { losers } = winnersAndLosers(results);
      for (const loser of losers) expect(loser.details.reason).toBe('cas_failed');
      const won = batches.filter((_, i) => results[i]!.status === 'fulfilled');
      expect(won.length).toBeGreaterThan(0);

      const covered = won.flatMap((batch) => batch.names);
      expect(new Set(covered).size).toBe(covered.length); // disjoint
      const now = new Map<string, string>();
      for (const name of names) now.set(name, (await s.rpc.call('resolve_name', { name })).hash);
      for (const batch of won)
        for (const name of batch.names) expect(now.get(name)).toBe(batch.hash);
      for (const name of names) {
        const history = await s.historyRows(name);
        expect(history).toHaveLength(covered.includes(name) ? 2 : 1);
        if (!covered.includes(name)) expect(now.get(name)).toBe(base);
      }
    }, 30_000);

    it('serializes unconditional batches over the same names in opposite orders', async () => {
      const [p, q] = [label('opp-p'), label('opp-q')];
      const hashes = Array.from({ length: 20 }, () => s.scenario());
      await Promise.all(
        hashes.map((hash, i) =>
          s.rpc.call('update_scenario_names', {
            updates: nonEmpty((i % 2 === 0 ? [p, q] : [q, p]).map((name) => ({ name, hash }))),
          }),
        ),
      );
      const historyP = (await s.historyRows(p)).map((r) => r.new_hash);
      const historyQ = (await s.historyRows(q)).map((r) => r.new_hash);
      expect(historyP).toHaveLength(20);
      // Each batch held both names at once, so both saw the batches in one order.
      expect(historyQ).toEqual(historyP);
      expect(new Set(historyP)).toEqual(new Set(hashes));
      expect((await s.rpc.call('resolve_name', { name: p })).hash).toBe(historyP.at(-1));
      expect((await s.rpc.call('resolve_name', { name: q })).hash).toBe(historyP.at(-1));
    }, 30_000);
  });
}

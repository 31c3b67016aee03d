import { pick, seededRandom } from './seeded-random';

describe('seededRandom', () => {
  it('gives the same sequence for the same seed, another for another', () => {
    const a = seededRandom('a1b2c3d4ffff');
    const b = seededRandom('a1b2c3d4');
    const c = seededRandom('00000001');
    const first = [a(), a(), a()];
    expect([b(), b(), b()]).toEqual(first);
    expect([c(), c(), c()]).not.toEqual(first);
  });

  it('stays in [0, 1) and spreads', () => {
    const random = seededRandom('deadbeef');
    const values = Array.from({ length: 2000 }, random);
    expect(values.every((v) => v >= 0 && v < 1)).toBe(true);
    expect(values.filter((v) => v < 0.5).length).toBeGreaterThan(900);
    expect(values.filter((v) => v < 0.5).length).toBeLessThan(1100);
  });

  it('picks every item sometimes', () => {
    const random = seededRandom('12345678');
    const seen = new Set(Array.from({ length: 100 }, () => pick(['a', 'b', 'c'], random)));
    expect([...seen].sort()).toEqual(['a', 'b', 'c']);
  });
});

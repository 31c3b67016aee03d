import { listedNames, NAMES_LISTED } from './listed-names';

describe('listedNames', () => {
  it('lists up to NAMES_LISTED names and says when more point at the scenario', () => {
    const names = Array.from({ length: NAMES_LISTED + 1 }, (_, i) => `n${i}`);
    expect(listedNames(names.slice(0, NAMES_LISTED))).toEqual({
      names: names.slice(0, NAMES_LISTED),
    });
    expect(listedNames(names)).toEqual({
      names: names.slice(0, NAMES_LISTED),
      names_truncated: true,
    });
    expect(listedNames([])).toEqual({ names: [] });
  });
});

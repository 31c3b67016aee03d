import { pageOf } from './page';

describe('pageOf', () => {
  it('has a last row only when more rows follow', () => {
    expect(pageOf([1, 2, 3], 2)).toEqual({ items: [1, 2], last: 2 });
    expect(pageOf([1, 2], 2)).toEqual({ items: [1, 2], last: undefined });
    expect(pageOf([], 2)).toEqual({ items: [], last: undefined });
  });
});

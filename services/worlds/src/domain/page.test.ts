import { isCrucibleError } from '@crucible/contracts';
import { cutPage, decodeCursor, encodeCursor } from './page';

describe('pages', () => {
  it('cuts by count and says whether more follow', () => {
    expect(cutPage([1, 2, 3], 2, 1_000_000)).toEqual({ items: [1, 2], more: true });
    expect(cutPage([1, 2], 2, 1_000_000)).toEqual({ items: [1, 2], more: false });
  });

  it('cuts by encoded size, keeping at least one item', () => {
    const big = 'x'.repeat(10_000);
    const page = cutPage([big, big, big], 10, 16 * 1024 + 15_000);
    expect(page).toEqual({ items: [big], more: true });
    expect(cutPage([big], 10, 10)).toEqual({ items: [big], more: false });
  });

  it('round-trips cursors and refuses foreign ones with the path', () => {
    expect(decodeCursor(encodeCursor(['a', 3]), ['string', 'number'], '/cursor')).toEqual(['a', 3]);
    for (const bad of ['nope', encodeCursor(['a']), encodeCursor([1, 'a'])]) {
      try {
        decodeCursor(bad, ['string', 'number'], '/cursor');
        throw new Error('accepted');
      } catch (error) {
        expect(isCrucibleError(error) && error.details).toMatchObject({
          path: '/cursor',
          reason: 'invalid_cursor',
        });
      }
    }
  });
});

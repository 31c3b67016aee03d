import { likePrefix } from './like-prefix';

describe('likePrefix', () => {
  it('matches the prefix literally', () => {
    expect(likePrefix('leak-fix')).toBe('leak-fix%');
    expect(likePrefix('a_b')).toBe('a\\_b%');
    expect(likePrefix('50%\\')).toBe('50\\%\\\\%');
    expect(likePrefix('')).toBe('%');
  });
});

import fc from 'fast-check';
import { escapeJsonStringContent } from './json-string-escape';

describe('escapeJsonStringContent', () => {
  it('refuses every lone surrogate, wherever it stands', () => {
    for (const s of [
      '\ud800',
      '\udc00',
      'a\udc00b',
      '\ud800a',
      'x\ude00\ud83d',
      '\ud83d\ude00\udc00',
    ])
      expect(escapeJsonStringContent(s)).toBeUndefined();
  });

  it('writes what JSON.stringify writes between the quotes, for every well-formed string', () => {
    const unit = fc.oneof(
      fc.integer({ min: 0, max: 0x7f }),
      fc.integer({ min: 0xd7ff, max: 0xe000 }),
      fc.integer({ min: 0, max: 0xffff }),
    );
    fc.assert(
      fc.property(fc.array(unit, { maxLength: 12 }), (units) => {
        const s = String.fromCharCode(...units);
        const wellFormed = (s as unknown as { isWellFormed(): boolean }).isWellFormed();
        expect(escapeJsonStringContent(s)).toBe(
          wellFormed ? JSON.stringify(s).slice(1, -1) : undefined,
        );
      }),
      { numRuns: 3000 },
    );
  });
});

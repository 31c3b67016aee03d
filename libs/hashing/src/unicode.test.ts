import fc from 'fast-check';
import { isWellFormedByPattern, isWellFormedString } from './unicode';

// The pattern is what runtimes without String.prototype.isWellFormed use:
// it must agree with the native check (ES2024) on every string.
describe('isWellFormedByPattern', () => {
  const native = (s: string): boolean =>
    (String.prototype as unknown as { isWellFormed: (this: string) => boolean }).isWellFormed.call(
      s,
    );

  it('agrees with the native check on surrogates alone, in pairs, reversed and beside other text', () => {
    const cases = [
      '',
      'a',
      '\ud800',
      '\udc00',
      '\udbff\udfff',
      '\ud800\udc00',
      '\udc00\ud800',
      'a\ud800',
      '\ud800a',
      'a\udc00',
      '\udc00a',
      '\ud800\ud800\udc00',
      '\ud800\udc00\udc00',
      '\ud7ff\ue000',
      '😀',
      '😀\ud83d',
    ];
    for (const s of cases) expect([s, isWellFormedByPattern(s)]).toEqual([s, native(s)]);
    expect(isWellFormedString('\ud800')).toBe(false);
  });

  it('agrees with the native check on generated strings of surrogates and other units', () => {
    const unit = fc.oneof(
      fc.integer({ min: 0xd7fe, max: 0xe001 }),
      fc.integer({ min: 0, max: 0xffff }),
    );
    fc.assert(
      fc.property(fc.array(unit, { maxLength: 8 }), (units) => {
        const s = String.fromCharCode(...units);
        expect(isWellFormedByPattern(s)).toBe(native(s));
      }),
      { numRuns: 2000 },
    );
  });
});

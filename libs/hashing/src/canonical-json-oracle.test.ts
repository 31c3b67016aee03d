// Property tests: our canonical JSON agrees with the reference implementation
// (the `canonicalize` package, RFC 8785 by its authors) on generated values.
import fc from 'fast-check';

import { canonicalJson, canonicalJsonBytes } from './canonical-json';
import { NotJsonError } from './errors';
import { type CanonicalizeOracle, startCanonicalizeOracle } from './testing/canonicalize-oracle';
import { isWellFormedString } from './unicode';

/**
 * Cases per property: `n`, or fewer under `npm run mutate`, which sets
 * CRUCIBLE_PROPERTY_RUNS (each case is a round trip to the oracle's
 * process, and a mutant of the canonicalizer runs every property here).
 */
function runs(n: number): number {
  const cap = Number(process.env.CRUCIBLE_PROPERTY_RUNS);
  return Number.isInteger(cap) && cap > 0 ? Math.min(n, cap) : n;
}
const RUNS = runs(3000);
jest.setTimeout(120_000);

let oracle: CanonicalizeOracle;
beforeAll(() => {
  oracle = startCanonicalizeOracle();
});
afterAll(async () => {
  await oracle.close();
});

function ours(value: unknown): { ok: true; text: string } | { ok: false; error: NotJsonError } {
  try {
    return { ok: true, text: canonicalJson(value) };
  } catch (error) {
    if (error instanceof NotJsonError) return { ok: false, error };
    throw error;
  }
}

// Same text, or both refuse. JSON text is how values reach the oracle, so
// only JSON-expressible values are generated (lone surrogates are: JSON.parse
// turns "\ud800" back into one).
async function expectAgreement(value: unknown): Promise<void> {
  const reference = await oracle.canonicalize(JSON.stringify(value));
  const mine = ours(value);
  if (reference.ok) {
    expect(mine).toEqual({ ok: true, text: reference.text });
  } else {
    expect(mine.ok).toBe(false);
  }
}

// One code point from each region that sorts or encodes differently: ASCII
// (with controls), two-byte UTF-8, the BMP above the surrogates (sorts
// after astral characters in UTF-16 order), and astral (surrogate pairs).
const codePoint = fc.oneof(
  fc.integer({ min: 0x00, max: 0x7f }),
  fc.integer({ min: 0x80, max: 0x7ff }),
  fc.integer({ min: 0x800, max: 0xd7ff }),
  fc.integer({ min: 0xe000, max: 0xffff }),
  fc.integer({ min: 0x10000, max: 0x10ffff }),
);
const unicodeText = fc
  .array(codePoint, { maxLength: 8 })
  .map((points) => String.fromCodePoint(...points));
// Keys for large objects: short, so that many share prefixes, drawn from
// letters of both cases and the regions above.
const mixedKey = fc
  .array(
    fc.oneof(
      fc.constantFrom(...'aAbBzZ_09'.split('').map((c) => c.codePointAt(0) as number)),
      codePoint,
    ),
    { minLength: 1, maxLength: 4 },
  )
  .map((points) => String.fromCodePoint(...points));
const loneSurrogate = fc
  .integer({ min: 0xd800, max: 0xdfff })
  .map((code) => String.fromCharCode(code));

describe('canonicalJson agrees with the reference canonicalize', () => {
  it('has a live oracle (guards against vacuous agreement)', async () => {
    await expect(oracle.canonicalize('{"b":[1E30,-0.0],"a":"\\u20ac"}')).resolves.toEqual({
      ok: true,
      text: '{"a":"€","b":[1e+30,0]}',
    });
    await expect(oracle.canonicalize('["\\ud800"]')).resolves.toMatchObject({ ok: false });
  });

  it('on fc.jsonValue()', async () => {
    await fc.assert(fc.asyncProperty(fc.jsonValue(), expectAgreement), { numRuns: RUNS });
  });

  it('on objects with unicode keys', async () => {
    const unicodeObject = fc.dictionary(unicodeText, fc.jsonValue({ maxDepth: 2 }), {
      maxKeys: 12,
    });
    await fc.assert(fc.asyncProperty(unicodeObject, expectAgreement), { numRuns: RUNS });
  });

  // Objects past INSERTION_SORT_MAX (16) keys take another sorting branch;
  // keys mixing case, two-byte, high-BMP and astral characters are where a
  // code-unit sort and a locale-aware or code-point one disagree.
  it('on large objects (17 to 300 keys) with mixed-case, non-ASCII and astral keys', async () => {
    const largeObject = fc.dictionary(mixedKey, fc.oneof(fc.integer(), unicodeText), {
      minKeys: 17,
      maxKeys: 300,
      // fast-check's default size keeps collections within ~10 of their minimum.
      size: 'max',
    });
    await fc.assert(fc.asyncProperty(largeObject, expectAgreement), { numRuns: runs(300) });
  });

  it('on a large object whose keys differ only in case, accents and surrogate pairs', async () => {
    const stems = ['a', 'A', 'b', 'B', 'z', 'Z', '_', '0', 'é', 'É', 'ß', 'ﬀ', '\uffff', '😀', '𝔸'];
    const keys = stems.flatMap((x) => stems.map((y) => x + y));
    const value = (order: string[]) =>
      Object.fromEntries(order.map((key) => [key, [...key].length]));
    expect(keys.length).toBeGreaterThan(200);
    const reference = await oracle.canonicalize(JSON.stringify(value(keys)));
    expect(reference.ok).toBe(true);
    expect(ours(value(keys))).toEqual(reference);
    expect(ours(value([...keys].reverse()))).toEqual(reference);
  });

  it('on nested values whose strings and keys mix every unicode region and controls', async () => {
    const { tree } = fc.letrec((tie) => ({
      tree: fc.oneof(
        { depthSize: 'small' },
        unicodeText,
        fc.double({ noNaN: true, noDefaultInfinity: true }),
        fc.array(tie('tree'), { maxLength: 4 }),
        fc.dictionary(unicodeText, tie('tree'), { maxKeys: 5 }),
      ),
    }));
    await fc.assert(fc.asyncProperty(tree, expectAgreement), { numRuns: RUNS });
  });

  it('on every double, including subnormals and extremes', async () => {
    await fc.assert(
      fc.asyncProperty(fc.double({ noNaN: true, noDefaultInfinity: true }), expectAgreement),
      { numRuns: RUNS },
    );
  });

  it('on strings with lone surrogates, in values and in keys (both refuse)', async () => {
    const withLone = fc
      .tuple(unicodeText, loneSurrogate, unicodeText)
      .map(([before, lone, after]) => before + lone + after)
      .filter((s) => !isWellFormedString(s));
    await fc.assert(
      fc.asyncProperty(withLone, async (s) => {
        await expectAgreement({ value: s });
        await expectAgreement({ [s]: 1 });
        expect(ours({ [s]: 1 })).toMatchObject({
          ok: false,
          error: { reason: 'lone_surrogate_in_key' },
        });
      }),
      { numRuns: runs(500) },
    );
  });
});

describe('canonicalJson invariants', () => {
  // Rebuilds every object with its keys inserted in reverse.
  function reverseKeys(value: unknown): unknown {
    if (Array.isArray(value)) return value.map(reverseKeys);
    if (typeof value === 'object' && value !== null) {
      const copy: Record<string, unknown> = {};
      for (const key of Object.keys(value).reverse()) {
        Object.defineProperty(copy, key, {
          value: reverseKeys((value as Record<string, unknown>)[key]),
          enumerable: true,
          writable: true,
          configurable: true,
        });
      }
      return copy;
    }
    return value;
  }

  it('is independent of key insertion order', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        expect(canonicalJson(reverseKeys(value))).toBe(canonicalJson(value));
      }),
      { numRuns: RUNS },
    );
  });

  it('is a fixed point: canonicalizing parsed canonical JSON changes nothing', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        const text = canonicalJson(value);
        expect(canonicalJson(JSON.parse(text))).toBe(text);
      }),
      { numRuns: RUNS },
    );
  });

  it('gives the same bytes from canonicalJsonBytes as UTF-8 of canonicalJson', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        expect(canonicalJsonBytes(value).equals(Buffer.from(canonicalJson(value), 'utf8'))).toBe(
          true,
        );
      }),
      { numRuns: RUNS },
    );
  });
});

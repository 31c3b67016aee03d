import { canonicalJson, canonicalJsonBytes } from './canonical-json';

// Builds the double with the given IEEE 754 bit pattern (RFC 8785 Appendix B
// lists its number vectors that way).
function doubleFromBits(hex: string): number {
  return Buffer.from(hex, 'hex').readDoubleBE(0);
}

describe('canonicalJson: RFC 8785 numbers', () => {
  // RFC 8785 Appendix B, plus the cases the ES Number-to-String rules pivot on.
  const vectors: Array<[string, string]> = [
    ['0000000000000000', '0'],
    ['8000000000000000', '0'], // -0
    ['0000000000000001', '5e-324'],
    ['8000000000000001', '-5e-324'],
    ['7fefffffffffffff', '1.7976931348623157e+308'],
    ['ffefffffffffffff', '-1.7976931348623157e+308'],
    ['4340000000000000', '9007199254740992'],
    ['c340000000000000', '-9007199254740992'],
    ['4430000000000000', '295147905179352830000'],
    ['44b52d02c7e14af5', '9.999999999999997e+22'],
    ['44b52d02c7e14af6', '1e+23'],
    ['44b52d02c7e14af7', '1.0000000000000001e+23'],
    ['444b1ae4d6e2ef4e', '999999999999999700000'],
    ['444b1ae4d6e2ef4f', '999999999999999900000'],
    ['444b1ae4d6e2ef50', '1e+21'],
    ['3eb0c6f7a0b5ed8c', '9.999999999999997e-7'],
    ['3eb0c6f7a0b5ed8d', '0.000001'],
    ['41b3de4355555553', '333333333.3333332'],
    ['41b3de4355555554', '333333333.33333325'],
    ['41b3de4355555555', '333333333.3333333'],
    ['41b3de4355555556', '333333333.3333334'],
    ['41b3de4355555557', '333333333.33333343'],
    ['becbf647612f3696', '-0.0000033333333333333333'],
    ['43143ff3c1cb0959', '1424953923781206.2'],
  ];

  it.each(vectors)('bits %s serialize as %s', (bits, expected) => {
    expect(canonicalJson(doubleFromBits(bits))).toBe(expected);
  });

  it.each([
    [1e21, '1e+21'],
    [1e20, '100000000000000000000'],
    [1e-7, '1e-7'],
    [0.000001, '0.000001'],
    [-0, '0'],
    [5e-324, '5e-324'],
    [1.7976931348623157e308, '1.7976931348623157e+308'],
    // The RFC's literal has more digits than a double holds.
    [Number('333333333.33333329'), '333333333.3333333'],
    [4.5, '4.5'],
    [2e-3, '0.002'],
    [1e-27, '1e-27'],
    [1e30, '1e+30'],
    [-1, '-1'],
  ])('%p serializes as %s', (value, expected) => {
    expect(canonicalJson(value)).toBe(expected);
    expect(canonicalJson([value])).toBe(`[${expected}]`);
  });
});

describe('canonicalJson: RFC 8785 examples', () => {
  it('serializes the section 3.2.2 example byte for byte', () => {
    const input = JSON.parse(
      '{"numbers": [333333333.33333329, 1E30, 4.50, 2e-3, 0.000000000000000000000000001],' +
        ' "string": "\\u20ac$\\u000F\\u000aA\'\\u0042\\u0022\\u005c\\\\\\"\\/",' +
        ' "literals": [null, true, false]}',
    );
    const expected =
      '{"literals":[null,true,false],"numbers":[333333333.3333333,1e+30,4.5,0.002,1e-27],' +
      '"string":"€$\\u000f\\nA\'B\\"\\\\\\\\\\"/"}';
    expect(canonicalJson(input)).toBe(expected);
    expect(canonicalJsonBytes(input).equals(Buffer.from(expected, 'utf8'))).toBe(true);
  });

  it('sorts keys by UTF-16 code units (the section 3.2.3 example)', () => {
    const input = {
      '\u20ac': 'Euro Sign',
      '\r': 'Carriage Return',
      '\ufb33': 'Hebrew Letter Dalet With Dagesh',
      '1': 'One',
      '\ud83d\ude00': 'Emoji: Grinning Face',
      '\u0080': 'Control',
      '\u00f6': 'Latin Small Letter O With Diaeresis',
    };
    // U+1F600 (as the pair D83D DE00) sorts before U+FB33: code units, not
    // code points.
    expect(canonicalJson(input)).toBe(
      '{"\\r":"Carriage Return","1":"One","\u0080":"Control",' +
        '"\u00f6":"Latin Small Letter O With Diaeresis","\u20ac":"Euro Sign",' +
        '"\ud83d\ude00":"Emoji: Grinning Face","\ufb33":"Hebrew Letter Dalet With Dagesh"}',
    );
  });
});

describe('canonicalJson: strings', () => {
  it('escapes every control character exactly as JSON.stringify does', () => {
    for (let code = 0; code < 0x20; code++) {
      const s = `a${String.fromCharCode(code)}b`;
      expect(canonicalJson(s)).toBe(JSON.stringify(s));
    }
    expect(canonicalJson('\b\t\n\f\r')).toBe('"\\b\\t\\n\\f\\r"');
    expect(canonicalJson('\u0000\u001f')).toBe('"\\u0000\\u001f"');
  });

  it('escapes only " and \\ among printable characters', () => {
    expect(canonicalJson('say "hi" \\ /')).toBe('"say \\"hi\\" \\\\ /"');
    // DEL, U+2028/U+2029 and non-ASCII stay literal.
    expect(canonicalJson('\u007f\u2028\u2029é€😀')).toBe('"\u007f\u2028\u2029é€😀"');
  });

  it('keeps long strings intact around escapes', () => {
    const long = `${'x'.repeat(5000)}\n${'é'.repeat(3000)}"${'😀'.repeat(1000)}`;
    expect(canonicalJson(long)).toBe(JSON.stringify(long));
    expect(canonicalJsonBytes(long).equals(Buffer.from(JSON.stringify(long), 'utf8'))).toBe(true);
  });
});

describe('canonicalJson: structure', () => {
  it('writes no whitespace and keeps array order', () => {
    expect(canonicalJson({ b: [3, 1, 2], a: { d: null, c: true } })).toBe(
      '{"a":{"c":true,"d":null},"b":[3,1,2]}',
    );
    expect(canonicalJson([])).toBe('[]');
    expect(canonicalJson({})).toBe('{}');
    expect(canonicalJson('')).toBe('""');
  });

  it('is byte-identical across calls (determinism)', () => {
    const value = { id: 'e1', tags: ['a', 'b'], nested: { x: 1.5, y: [null, false] } };
    const first = canonicalJson(value);
    for (let i = 0; i < 5; i++) {
      expect(canonicalJson(value)).toBe(first);
      expect(canonicalJsonBytes(value).equals(Buffer.from(first, 'utf8'))).toBe(true);
    }
  });

  it('does not depend on key insertion order', () => {
    const forward = { alpha: 1, beta: { x: [1, { p: 1, q: 2 }], y: 'z' }, gamma: null };
    const backward = { gamma: null, beta: { y: 'z', x: [1, { q: 2, p: 1 }] }, alpha: 1 };
    expect(canonicalJson(backward)).toBe(canonicalJson(forward));
  });

  it('sorts array-index-like keys as strings, not numbers', () => {
    expect(canonicalJson({ 10: 'ten', 9: 'nine', 1: 'one', a: 'a' })).toBe(
      '{"1":"one","10":"ten","9":"nine","a":"a"}',
    );
  });

  it('sorts objects with many keys', () => {
    const keys = Array.from({ length: 200 }, (_, i) => `k${(i * 7919) % 200}`);
    const value = Object.fromEntries(keys.map((key) => [key, key]));
    const expected = `{${[...keys]
      .sort()
      .map((key) => `"${key}":"${key}"`)
      .join(',')}}`;
    expect(canonicalJson(value)).toBe(expected);
  });

  it('accepts null-prototype objects and repeated (non-cyclic) references', () => {
    const bare = Object.create(null) as Record<string, unknown>;
    bare.b = 2;
    bare.a = 1;
    const shared = { s: 1 };
    expect(canonicalJson({ bare, x: shared, y: [shared, shared] })).toBe(
      '{"bare":{"a":1,"b":2},"x":{"s":1},"y":[{"s":1},{"s":1}]}',
    );
  });

  it('keeps a "__proto__" own member as an ordinary member', () => {
    const value = JSON.parse('{"__proto__": {"a": 1}, "b": 2}') as unknown;
    expect(canonicalJson(value)).toBe('{"__proto__":{"a":1},"b":2}');
  });

  it('ignores symbol-keyed and non-enumerable properties, as JSON.stringify does', () => {
    const value: Record<string | symbol, unknown> = { a: 1 };
    value[Symbol('meta')] = 'ignored';
    Object.defineProperty(value, 'hidden', { value: 2, enumerable: false });
    expect(canonicalJson(value)).toBe('{"a":1}');
  });

  it('gives the same bytes from canonicalJsonBytes for documents larger than the scratch buffer', () => {
    const big = { text: 'ü'.repeat(600_000), list: Array.from({ length: 20_000 }, (_, i) => i) };
    const bytes = canonicalJsonBytes(big);
    expect(bytes.equals(Buffer.from(canonicalJson(big), 'utf8'))).toBe(true);
    // A second call after the scratch grew (and was dropped) still agrees.
    expect(canonicalJsonBytes({ a: 'ü' }).toString('utf8')).toBe('{"a":"ü"}');
  });

  it('returns an independent Buffer from canonicalJsonBytes', () => {
    const first = canonicalJsonBytes({ a: 1 });
    canonicalJsonBytes({ b: 'overwrite the scratch' });
    expect(first.toString('utf8')).toBe('{"a":1}');
  });

  it('stays correct when a getter serializes something itself (re-entrancy)', () => {
    const value = {
      get inner(): string {
        return canonicalJsonBytes({ nested: 'x'.repeat(100) }).toString('utf8');
      },
      outer: 'y'.repeat(100),
    };
    const innerText = `{"nested":"${'x'.repeat(100)}"}`;
    const expected = `{"inner":${JSON.stringify(innerText)},"outer":"${'y'.repeat(100)}"}`;
    expect(canonicalJsonBytes(value).toString('utf8')).toBe(expected);
    expect(canonicalJson(value)).toBe(expected);
  });
});

import fc from 'fast-check';
import { ByteSink } from './byte-sink';

// ByteSink over a buffer too small for anything: every write must reserve
// enough first, or its bytes past the end would be dropped silently.
function written(write: (sink: ByteSink) => void, initialBytes = 1): string {
  const sink = new ByteSink(Buffer.alloc(initialBytes));
  write(sink);
  return sink.view().toString('utf8');
}

describe('ByteSink', () => {
  it('writes every string as JSON.stringify would, growing from one byte', () => {
    const strings = [
      '',
      'abcdefgh',
      'x'.repeat(32),
      'x'.repeat(33),
      'quote " and backslash \\',
      'control \u0001 and newline \n',
      '\u007f\u0080\u00ff',
      'é'.repeat(40),
      '€'.repeat(40),
      '😀'.repeat(20),
      '€',
    ];
    for (const s of strings) {
      for (const size of [0, 1, 4, s.length + 1, 2 * s.length + 2]) {
        expect(written((sink) => sink.jsonString(s), size)).toBe(JSON.stringify(s));
      }
    }
  });

  it('writes a short string holding U+0080 as two UTF-8 bytes, not one', () => {
    const sink = new ByteSink(Buffer.alloc(64));
    sink.jsonString('a\u0080');
    expect([...sink.view()]).toEqual([0x22, 0x61, 0xc2, 0x80, 0x22]);
  });

  it('writes members, punctuation and ASCII in order however the buffer grows', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.string({ maxLength: 40 }), fc.integer({ min: 0, max: 99 })), {
          maxLength: 12,
        }),
        fc.integer({ min: 0, max: 8 }),
        (members, size) => {
          const text = written((sink) => {
            sink.punctuation(0x7b);
            members.forEach(([key, value], i) => {
              expect(sink.memberKey(key, i === 0)).toBe(true);
              sink.ascii(String(value));
            });
            sink.punctuation(0x7d);
          }, size);
          const expected = `{${members.map(([k, v]) => `${JSON.stringify(k)}:${v}`).join(',')}}`;
          expect(text).toBe(expected);
        },
      ),
      { numRuns: 500 },
    );
  });

  it('refuses a key with a lone surrogate and leaves the bytes before it as they were', () => {
    const sink = new ByteSink(Buffer.alloc(2));
    sink.punctuation(0x7b);
    expect(sink.memberKey('a', true)).toBe(true);
    sink.ascii('1');
    expect(sink.memberKey('\ud800', false)).toBe(false);
    expect(sink.view().toString('utf8')).toBe('{"a":1');
    expect(sink.memberKey('b', false)).toBe(true);
    sink.ascii('2');
    expect(sink.view().toString('utf8')).toBe('{"a":1,"b":2');
  });
});

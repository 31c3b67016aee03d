import { jsonArrayBytes } from './json-array';

describe('jsonArrayBytes', () => {
  it('writes the texts as one JSON array, byte for byte as joining them would', () => {
    const texts = [
      '{"a":1}',
      '"caf\u00e9 \u2014 \ud83d\ude00"',
      '[]',
      JSON.stringify({ quote: '"', backslash: '\\', newline: '\n' }),
    ];
    const bytes = jsonArrayBytes(texts);
    expect(bytes.equals(Buffer.from(`[${texts.join(',')}]`, 'utf8'))).toBe(true);
    expect(JSON.parse(bytes.toString('utf8'))).toEqual(texts.map((t) => JSON.parse(t)));
  });

  it('writes [] for no texts and [t] for one', () => {
    expect(jsonArrayBytes([]).toString('utf8')).toBe('[]');
    expect(jsonArrayBytes(['{}']).toString('utf8')).toBe('[{}]');
  });

  it('writes large arrays whole (the size a turn of 100 agents sends)', () => {
    const texts = Array.from({ length: 300 }, (_, i) =>
      JSON.stringify({ i, text: 'x'.repeat(2000 + i) }),
    );
    const bytes = jsonArrayBytes(texts);
    expect(bytes.length).toBe(Buffer.byteLength(`[${texts.join(',')}]`));
    expect((JSON.parse(bytes.toString('utf8')) as unknown[]).length).toBe(300);
  });
});

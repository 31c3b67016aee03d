import addFormats from 'ajv-formats';
import { isDateTime } from './date-time-format';

const theirs = (addFormats.get('date-time') as { validate: (text: string) => boolean }).validate;

/** Every string of the toISOString shape built from these fields, and each one-character change of one. */
function candidates(): string[] {
  const out: string[] = [];
  const years = ['0000', '0001', '1900', '1970', '2000', '2023', '2024', '2100', '2400', '9999'];
  const months = ['00', '01', '02', '04', '09', '12', '13', '99'];
  const days = ['00', '01', '28', '29', '30', '31', '32'];
  const times = [
    '00:00:00',
    '23:59:59',
    '23:59:60',
    '23:58:60',
    '22:59:60',
    '24:00:00',
    '23:60:00',
    '12:00:61',
    '09:07:05',
  ];
  for (const y of years)
    for (const m of months)
      for (const d of days) for (const t of times) out.push(`${y}-${m}-${d}T${t}.123Z`);
  const base = '2026-12-06T05:32:06.123Z';
  for (let i = 0; i < base.length; i++)
    for (const c of ['0', '9', 'a', 't', 'T', 'z', 'Z', ' ', '-', ':', '.', '+', '\u0660'])
      out.push(base.slice(0, i) + c + base.slice(i + 1));
  // Other shapes: ajv-formats decides them.
  out.push(
    '',
    base.slice(0, 23),
    `${base}Z`,
    '2026-12-06T05:32:06Z',
    '2026-12-06T05:32:06.123456Z',
    '2026-12-06t05:32:06.123z',
    '2026-12-06 05:32:06.123Z',
    '2026-12-06T05:32:06.123+01:00',
    '2026-12-06T23:59:60.000-01:00',
    '2026-12-06T05:32:06.123',
    '+02026-12-06T05:32:06.12Z',
  );
  return out;
}

describe('isDateTime', () => {
  it("gives ajv-formats' verdict on every candidate", () => {
    const strings = candidates();
    const disagreements = strings.filter((s) => isDateTime(s) !== theirs(s));
    expect(disagreements).toEqual([]);
    // The candidates cover both verdicts in the fast shape.
    const fastShape = strings.filter((s) => s.length === 24 && s[10] === 'T' && s[23] === 'Z');
    expect(fastShape.filter((s) => theirs(s)).length).toBeGreaterThan(100);
    expect(fastShape.filter((s) => !theirs(s)).length).toBeGreaterThan(100);
  });

  it('agrees on every day of four years as toISOString writes them, and on each hour, minute and second', () => {
    const start = Date.UTC(2023, 0, 1);
    for (let day = 0; day < 4 * 366; day++) {
      const text = new Date(start + day * 86_400_000 + 3_723_456).toISOString();
      expect(isDateTime(text)).toBe(true);
    }
    for (let h = 0; h < 100; h++)
      for (const [m, s] of [
        [0, 0],
        [59, 59],
        [59, 60],
        [59, 61],
        [60, 0],
        [0, 60],
      ] as const) {
        const text = `2024-02-29T${String(h).padStart(2, '0')}:${String(m).padStart(2, '0')}:${String(s).padStart(2, '0')}.999Z`;
        expect([text, isDateTime(text)]).toEqual([text, theirs(text)]);
      }
  });
});

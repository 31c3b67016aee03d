// The scenarios bench replays the components service's statements in a
// write's floor with the new rows made new again (components-replay.ts):
// every new hash and event id replaced, the same way everywhere it occurs,
// nothing else touched.
import { filled, freshSlots, templateOf } from '../bench/scenarios/components-replay';

const NEW = 'a'.repeat(64);
const KEPT = 'b'.repeat(64);
const EVENT = '0f8fad5b-d9cb-469f-a165-70867728950e';
const HASH = /^[0-9a-f]{64}$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

describe("the scenarios bench's replay of the components service's statements", () => {
  const isNew = (found: string): boolean => found.length < 64 || found === NEW;

  it('replaces the new hashes and the ids alike wherever they are, and keeps the rest', () => {
    const values = [
      [NEW, KEPT],
      [`entity:${NEW}`],
      JSON.stringify({ event_id: EVENT, hash: NEW, part: KEPT }),
      Buffer.from(`[{"id":"${EVENT}"}]`),
      7,
      null,
    ];
    const templates = values.map((value) => templateOf(value, isNew));
    const slot = freshSlots();
    const [hashes, matches, envelope, bytes, number, nothing] = templates.map((t) =>
      filled(t, slot),
    ) as [string[], string[], string, Buffer, number, null];

    const [fresh, kept] = hashes;
    expect(fresh).toMatch(HASH);
    expect(fresh).not.toBe(NEW);
    expect(kept).toBe(KEPT);
    expect(matches).toEqual([`entity:${fresh}`]);
    const event = JSON.parse(envelope) as { event_id: string; hash: string; part: string };
    expect(event.event_id).toMatch(UUID);
    expect(event.event_id).not.toBe(EVENT);
    expect(event).toMatchObject({ hash: fresh, part: KEPT });
    expect(Buffer.isBuffer(bytes)).toBe(true);
    expect(JSON.parse(bytes.toString('utf8'))).toEqual([{ id: event.event_id }]);
    expect([number, nothing]).toEqual([7, null]);
  });

  it('gives each replay values of its own', () => {
    const template = templateOf([NEW, EVENT], isNew);
    const first = filled(template, freshSlots()) as string[];
    const second = filled(template, freshSlots()) as string[];
    expect(first[0]).not.toBe(second[0]);
    expect(first[1]).not.toBe(second[1]);
  });
});

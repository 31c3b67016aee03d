import type { OutboxRow } from '@crucible/messaging';
import { jsonBytes } from '@crucible/messaging';
import type { AttemptRow } from '../store/rows';
import { auditEvents, type CommitDeps } from './commit-turn';

/** The events' builder only: what auditEvents asks of the outbox, kept as given. */
function fakeDeps(): { deps: CommitDeps; built: Array<{ type: string; data: any; meta: any }> } {
  const built: Array<{ type: string; data: any; meta: any }> = [];
  const events = {
    event: (type: string, data: unknown, meta: unknown): OutboxRow => {
      built.push({ type, data, meta });
      return { event_id: `e${built.length}`, topic: 't', key: 'k', envelope: '{}', headers: '{}' };
    },
  };
  return { deps: { events } as unknown as CommitDeps, built };
}

const attempt = { id: 41, world_id: 7 } as AttemptRow;

const row = (i: number, text = `Agent ${i} looks.`) => ({
  kind: 'perception_emitted',
  agent_id: `a${i}`,
  data: { type: 'perception_emitted', agent_id: `a${i}`, perception: text, turn: 3 },
});

describe('auditEvents (the worlds_audit records of an attempt)', () => {
  it('writes none for an attempt without events', () => {
    const { deps, built } = fakeDeps();
    expect(auditEvents(deps, attempt, 'w', 3, [], 0)).toEqual([]);
    expect(built).toEqual([]);
  });

  it('puts an attempt in one record, its events numbered from firstSeq, final', () => {
    const { deps, built } = fakeDeps();
    const rows = [row(0), row(1), row(2)];
    expect(auditEvents(deps, attempt, 'w', 3, rows, 4)).toHaveLength(1);
    expect(built).toEqual([
      {
        type: 'worlds_audit.turn_events',
        data: {
          world_id: 7,
          world_slug: 'w',
          turn: 3,
          attempt_id: 41,
          events: rows.map((r, i) => ({
            seq: 4 + i,
            kind: r.kind,
            agent_id: r.agent_id,
            data: r.data,
          })),
          final: true,
        },
        meta: { key: 'w', causationId: 'attempt:41', correlationId: 'attempt:41' },
      },
    ]);
  });

  it('splits past 1,000 events, in order, only the last record final', () => {
    const { deps, built } = fakeDeps();
    const rows = Array.from({ length: 2_500 }, (_, i) => row(i));
    auditEvents(deps, attempt, 'w', 3, rows, 0);
    expect(built.map((b) => [b.data.events.length, b.data.final])).toEqual([
      [1000, false],
      [1000, false],
      [500, true],
    ]);
    expect(built.flatMap((b) => b.data.events.map((e: { seq: number }) => e.seq))).toEqual(
      rows.map((_, i) => i),
    );
  });

  it('splits past about 512 KiB of data: a record never holds more, unless one event alone', () => {
    const { deps, built } = fakeDeps();
    const big = 'x'.repeat(200 * 1024);
    const rows = Array.from({ length: 5 }, (_, i) => row(i, big));
    auditEvents(deps, attempt, 'w', 3, rows, 0);
    expect(built.map((b) => b.data.events.length)).toEqual([2, 2, 1]);
    for (const b of built) {
      const bytes = b.data.events.reduce(
        (n: number, e: { data: object }) => n + jsonBytes(e.data),
        0,
      );
      expect(bytes).toBeLessThanOrEqual(512 * 1024);
    }
  });

  it('gives data too large with nothing to cut as {} with one cut of the whole', () => {
    const { deps, built } = fakeDeps();
    const huge = row(0, 'p'.repeat(300 * 1024));
    auditEvents(deps, attempt, 'w', 3, [huge, row(1)], 0);
    const [first, second] = built[0]!.data.events;
    expect(first).toEqual({
      seq: 0,
      kind: 'perception_emitted',
      agent_id: 'a0',
      data: {},
      truncated: [{ path: '', bytes: jsonBytes(huge.data), kept_bytes: 0 }],
    });
    expect(second.data).toEqual(row(1).data);
  });
});

// Tests written against the mutants that survived the first mutation run of
// this folder (docs/testing.md, "Mutation testing"): the boundaries of the
// page cuts, the fork chain's edges and the cursor's shape check.
import { isCrucibleError } from '@crucible/contracts';
import { jsonBytes } from '@crucible/messaging';
import type { WorldEntity } from '../kernel';
import { cutPage, decodeCursor, encodeCursor } from './page';
import { ownerOfTurn, turnSegments } from './world-chain';
import { EVENT_MAX_BYTES, pagedEntity, pagedEventData, recentMemory } from './world-page';

const agent = (memory: string): WorldEntity => ({
  id: 'alice',
  name: 'Alice',
  state: 'awake',
  environment: 'room',
  kind: { agent: { goal: 'leave', memory, cognition_profile: 'subject' } },
});
const memoryOf = (entity: WorldEntity) => (entity.kind === 'prop' ? '' : entity.kind.agent.memory);

describe('recentMemory at its bounds', () => {
  it('counts the separator only between kept lines, and keeps lines that fill the budget exactly', () => {
    // "cd" is 2 bytes, "ab\ncd" 6 ("\n" is 2 escaped): exactly the budget.
    expect(recentMemory('xxxxxxxxxx\nab\ncd', 6)).toBe('ab\ncd');
    expect(recentMemory('xxxxxxxxxx\nab\ncd', 5)).toBe('cd');
  });
});

describe('pagedEntity at its bound', () => {
  it('gives an entity exactly at the bound as stored, with no cut', () => {
    const entity = agent('one\ntwo\nthree');
    expect(pagedEntity(entity, jsonBytes(entity))).toEqual({ entity });
    expect(pagedEntity(entity, jsonBytes(entity) - 1).cut).toBeDefined();
  });

  it('counts the entity without its memory, so the kept lines fill the bound', () => {
    const lines = Array.from({ length: 50 }, (_, i) => `line ${i}`);
    const fitting = agent(lines.slice(-10).join('\n'));
    const { entity, cut } = pagedEntity(agent(lines.join('\n')), jsonBytes(fitting));
    expect(memoryOf(entity)).toBe(lines.slice(-10).join('\n'));
    expect(jsonBytes(entity)).toBe(jsonBytes(fitting));
    expect(cut?.kept_bytes).toBe(Buffer.byteLength(memoryOf(fitting)));
  });
});

describe('pagedEventData at its bounds', () => {
  const memoryEvent = (memories: string[]) => ({
    entity_transitions: memories.map((memory) => ({
      entity_id: 'a',
      before: { id: 'a', kind: { agent: { memory } } },
    })),
  });

  it('is bounded by 256 KiB', () => {
    expect(EVENT_MAX_BYTES).toBe(256 * 1024);
  });

  it('gives data exactly at the bound, or too large with nothing to cut, as the same object', () => {
    const data = memoryEvent(['a\nb\nc']);
    expect(pagedEventData(data, jsonBytes(data)).data).toBe(data);
    const flat = { perception: 'p'.repeat(100) };
    expect(pagedEventData(flat, 10).data).toBe(flat);
  });

  it('shares what the rest leaves, counted with the texts emptied, and lists only texts it cut', () => {
    const lines = Array.from({ length: 40 }, (_, i) => `line ${i}`);
    const long = lines.join('\n');
    const kept = lines.slice(-5).join('\n');
    // Room for the short text and for the long one's last five lines, exactly.
    const target = memoryEvent(['short', kept]);
    const slack = jsonBytes(kept) - jsonBytes('short');
    const { data, cuts } = pagedEventData(memoryEvent(['short', long]), jsonBytes(target) + slack);
    expect(data).toEqual(memoryEvent(['short', kept]));
    expect(cuts).toEqual([
      {
        path: '/entity_transitions/1/before/kind/agent/memory',
        bytes: Buffer.byteLength(long),
        kept_bytes: Buffer.byteLength(kept),
      },
    ]);
  });

  it('skips transitions that are not objects, and points at the stored index', () => {
    const big = 'z\n'.repeat(2000);
    const data = {
      entity_transitions: [null, 'text', [big], { before: { kind: { agent: { memory: big } } } }],
      environment_transitions: [[big], { before: big }],
    };
    const { cuts } = pagedEventData(data, 1_000);
    expect(cuts.map((c) => c.path)).toEqual([
      '/entity_transitions/3/before/kind/agent/memory',
      '/environment_transitions/1/before',
    ]);
  });
});

describe('the fork chain at its edges', () => {
  it('gives the last world for a turn no link claims, and refuses an empty chain', () => {
    const forks = [
      { id: 3, fork_turn: 5 },
      { id: 2, fork_turn: 3 },
    ];
    expect(ownerOfTurn(forks, 2)).toBe(2);
    expect(() => ownerOfTurn([], 0)).toThrow('empty world chain');
  });

  it('keeps a parent that holds a single turn for the fork', () => {
    const chain = [
      { id: 3, fork_turn: 5 },
      { id: 2, fork_turn: 4 },
      { id: 1, fork_turn: null },
    ];
    expect(turnSegments(chain)).toEqual([
      { world_id: 3, from: 6, to: null },
      { world_id: 2, from: 5, to: 5 },
      { world_id: 1, from: 0, to: 4 },
    ]);
  });
});

describe('pages and cursors', () => {
  it('measures items as the reply encodes them', () => {
    const rows = [1, 2, 3];
    const inflate = () => 'x'.repeat(10_000);
    expect(cutPage(rows, 10, 16 * 1024 + 15_000, inflate)).toEqual({ items: [1], more: true });
    expect(cutPage(rows, 10, 16 * 1024 + 15_000)).toEqual({ items: rows, more: false });
  });

  it('refuses a cursor any of whose positions has the wrong type', () => {
    for (const position of [
      ['a', 'b'],
      [1, 2],
      ['a', 1.5],
    ]) {
      let refused: unknown;
      try {
        decodeCursor(encodeCursor(position), ['string', 'number'], '/cursor');
      } catch (error) {
        refused = error;
      }
      expect(isCrucibleError(refused)).toBe(true);
    }
  });
});

import type { WorldEntity } from '../kernel';
import { jsonBytes } from '@crucible/messaging';
import { ENTITY_MAX_BYTES, pagedEntity, pagedEventData, recentMemory } from './world-page';

const bytes = (value: unknown) => Buffer.byteLength(JSON.stringify(value), 'utf8');

function agent(memory: string, state = 'awake'): WorldEntity {
  return {
    id: 'alice',
    name: 'Alice',
    state,
    environment: 'room',
    kind: { agent: { goal: 'leave', memory, cognition_profile: 'subject' } },
  };
}

describe('a get_world page of entities', () => {
  it('keeps a memory that fits as it is', () => {
    expect(recentMemory('a\nb', 4)).toBe('a\nb');
  });

  it('keeps the most recent whole lines that fit, counting escapes', () => {
    // "b\nc" is 4 bytes inside a JSON string; with "a\n" it would be 7.
    expect(recentMemory('a\nb\nc', 6)).toBe('b\nc');
    expect(recentMemory('a\nb\nc', 3)).toBe('c');
    // A quote is escaped: '"' takes 2 bytes.
    expect(recentMemory('x\n""', 4)).toBe('""');
    expect(recentMemory('x\n""', 3)).toBe('"');
  });

  it('keeps the end of the last line when no whole line fits, never half a surrogate pair', () => {
    expect(recentMemory('first\nabcdef', 3)).toBe('def');
    // An emoji is 4 bytes of UTF-8: one fits in 5, not two.
    expect(recentMemory('😀😀', 5)).toBe('😀');
    expect(recentMemory('abc', 0)).toBe('');
  });

  it('gives an entity within the bound as stored', () => {
    const entity = agent('one\ntwo');
    expect(pagedEntity(entity)).toEqual({ entity });
    const prop: WorldEntity = { ...entity, kind: 'prop', state: 'x'.repeat(ENTITY_MAX_BYTES) };
    expect(pagedEntity(prop)).toEqual({ entity: prop });
  });

  it('cuts a grown memory to its most recent lines, within the bound, and says so', () => {
    const lines = Array.from({ length: 5000 }, (_, i) =>
      `turn ${i}: I tried the door.`.padEnd(100),
    );
    const memory = lines.join('\n');
    const { entity, cut } = pagedEntity(agent(memory));
    expect(bytes(entity)).toBeLessThanOrEqual(ENTITY_MAX_BYTES);
    const kept = entity.kind === 'prop' ? '' : entity.kind.agent.memory;
    expect(memory.endsWith(kept)).toBe(true);
    expect(kept.startsWith('turn ')).toBe(true);
    // Most of the bound is used: the next older line would not have fit.
    expect(bytes(entity) + 101).toBeGreaterThan(ENTITY_MAX_BYTES);
    expect(cut).toEqual({
      entity_id: 'alice',
      memory_bytes: Buffer.byteLength(memory),
      kept_bytes: Buffer.byteLength(kept),
    });
    expect(entity).toMatchObject({ id: 'alice', name: 'Alice', state: 'awake' });
  });
});

describe('pagedEventData', () => {
  const agent = (memory: string) => ({ id: 'a', kind: { agent: { memory } } });
  const event = (memory: string, environment: string) => ({
    intent: 'wait',
    entity_transitions: [
      { entity_id: 'a', before: agent(memory), after: agent(`${memory}\nlast`) },
    ],
    environment_transitions: [
      { environment_label: 'dome', before: environment, after: environment },
    ],
  });

  it('gives data that fits as stored, the same object, no cuts', () => {
    const data = event('short', 'room');
    expect(pagedEventData(data, 10_000)).toEqual({ data, cuts: [], dataBytes: jsonBytes(data) });
    expect(pagedEventData(data, 10_000).data).toBe(data);
  });

  it('cuts every growable text to its end, within the bound, and lists the cuts', () => {
    const data = event(
      Array.from({ length: 500 }, (_, i) => `line ${i}`).join('\n'),
      'e'.repeat(5000),
    );
    const { data: paged, cuts, dataBytes } = pagedEventData(data, 4_000);
    expect(jsonBytes(paged)).toBeLessThanOrEqual(4_000);
    expect(dataBytes).toBe(jsonBytes(paged));
    expect(cuts.map((c) => c.path)).toEqual([
      '/entity_transitions/0/before/kind/agent/memory',
      '/entity_transitions/0/after/kind/agent/memory',
      '/environment_transitions/0/before',
      '/environment_transitions/0/after',
    ]);
    const after = (paged as ReturnType<typeof event>).entity_transitions[0]!.after.kind.agent
      .memory;
    expect(after.endsWith('line 499\nlast')).toBe(true);
    expect(after.startsWith('line ')).toBe(true);
    expect(cuts[1]).toEqual({
      path: '/entity_transitions/0/after/kind/agent/memory',
      bytes: Buffer.byteLength(data.entity_transitions[0]!.after.kind.agent.memory),
      kept_bytes: Buffer.byteLength(after),
    });
    // The stored data is left as it was.
    expect(data.environment_transitions[0]!.before).toHaveLength(5000);
    // What was not growable is kept whole.
    expect((paged as ReturnType<typeof event>).intent).toBe('wait');
  });

  it('gives data with nothing to cut as stored', () => {
    const data = { perception: 'p'.repeat(5000) };
    expect(pagedEventData(data, 1_000)).toEqual({ data, cuts: [], dataBytes: jsonBytes(data) });
  });
});

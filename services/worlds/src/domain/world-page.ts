import { jsonBytes } from '@crucible/messaging';
import type { WorldEntity } from '../kernel';

/**
 * Most bytes one entity takes in a get_world reply. An agent's memory grows
 * every turn it acts (the kernel appends to it), so an entity past this is
 * answered with the most recent part of its memory (`recentMemory`); a
 * quarter of the bus leaves room for the world's header on the same page.
 */
export const ENTITY_MAX_BYTES = 256 * 1024;

/** An entity whose memory was cut for the reply: what a get_world page says of it. */
export interface MemoryCut {
  readonly entity_id: string;
  /** UTF-8 bytes of the whole memory. */
  readonly memory_bytes: number;
  /** UTF-8 bytes of the memory given: its end, from the start of a line when one fits. */
  readonly kept_bytes: number;
}

/** An entity as a get_world page holds it, with the cut of its memory when there was one. */
export interface PagedEntity {
  readonly entity: WorldEntity;
  readonly cut?: MemoryCut;
}

/** JSON bytes of a string inside a JSON string (escapes counted, quotes not). */
const innerBytes = (text: string): number => jsonBytes(text) - 2;

/**
 * The end of `memory` whose JSON string content takes at most `budgetBytes`:
 * the most recent whole lines that fit or, when even the last line does not,
 * the end of that line (never splitting a surrogate pair).
 */
export function recentMemory(memory: string, budgetBytes: number): string {
  if (innerBytes(memory) <= budgetBytes) return memory;
  const lines = memory.split('\n');
  let kept = 0;
  let used = 0;
  for (let i = lines.length - 1; i >= 0; i--) {
    // A line and, for every line but the last kept, its `\n` (2 bytes escaped).
    const size = innerBytes(lines[i]!) + (kept > 0 ? 2 : 0);
    if (used + size > budgetBytes) break;
    used += size;
    kept++;
  }
  if (kept > 0) return lines.slice(lines.length - kept).join('\n');
  // Not even the last line fits: its end, cut by code points.
  const last = [...lines[lines.length - 1]!];
  let start = last.length;
  used = 0;
  while (start > 0) {
    const size = innerBytes(last[start - 1]!);
    if (used + size > budgetBytes) break;
    used += size;
    start--;
  }
  return last.slice(start).join('');
}

/**
 * The entity as a get_world page gives it: as stored when its JSON fits
 * `maxBytes`; otherwise (an agent whose memory grew) with its memory cut to
 * the most recent part that lets it fit, and the cut described. An entity
 * too large without its memory (a prop's or agent's `state` is one mind's
 * answer) is given as stored.
 */
export function pagedEntity(entity: WorldEntity, maxBytes = ENTITY_MAX_BYTES): PagedEntity {
  if (entity.kind === 'prop' || jsonBytes(entity) <= maxBytes) return { entity };
  const agent = entity.kind.agent;
  const empty: WorldEntity = { ...entity, kind: { agent: { ...agent, memory: '' } } };
  const memory = recentMemory(agent.memory, Math.max(0, maxBytes - jsonBytes(empty)));
  return {
    entity: { ...entity, kind: { agent: { ...agent, memory } } },
    cut: {
      entity_id: entity.id,
      memory_bytes: Buffer.byteLength(agent.memory, 'utf8'),
      kept_bytes: Buffer.byteLength(memory, 'utf8'),
    },
  };
}

/**
 * Most bytes one audit event's data takes in a list_turn_events reply. An
 * `intent_adjudicated` event holds the before and after of every entity and
 * environment it changed, and an agent's memory, or an environment's text,
 * grows with every turn: past this, those texts are answered by their
 * most recent part (`recentMemory`), each given an equal share of what the
 * rest of the event leaves, and the cuts are listed.
 */
export const EVENT_MAX_BYTES = 256 * 1024;

/** A text cut from an event's data: where it is (a JSON pointer into `data`) and how much was kept. */
export interface TextCut {
  readonly path: string;
  /** UTF-8 bytes of the whole text. */
  readonly bytes: number;
  /** UTF-8 bytes of the text given: its end. */
  readonly kept_bytes: number;
}

/** A string slot of an event's data that may be cut: its pointer, and how to read and set it. */
interface Slot {
  readonly path: string;
  readonly text: string;
  set(text: string): void;
}

type Json = Record<string, unknown>;
const isObject = (value: unknown): value is Json =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** The growable texts of an event's data (on a deep copy the slots write into). */
function growableTexts(data: Json): Slot[] {
  const slots: Slot[] = [];
  // Each transition with its index in the stored array (the cut's pointer);
  // anything but an object is skipped.
  const transitions = (key: string): Array<[Json, number]> =>
    Array.isArray(data[key])
      ? (data[key] as unknown[]).flatMap((t, index) => (isObject(t) ? [[t, index]] : []))
      : [];
  transitions('entity_transitions').forEach(([transition, index]) => {
    for (const side of ['before', 'after'] as const) {
      const agent = (transition[side] as Json | undefined)?.['kind'];
      const fields = isObject(agent) && isObject(agent['agent']) ? agent['agent'] : undefined;
      if (fields && typeof fields['memory'] === 'string')
        slots.push({
          path: `/entity_transitions/${index}/${side}/kind/agent/memory`,
          text: fields['memory'],
          set: (text) => (fields['memory'] = text),
        });
    }
  });
  transitions('environment_transitions').forEach(([transition, index]) => {
    for (const side of ['before', 'after'] as const)
      if (typeof transition[side] === 'string')
        slots.push({
          path: `/environment_transitions/${index}/${side}`,
          text: transition[side],
          set: (text) => (transition[side] = text),
        });
  });
  return slots;
}

/**
 * An event's data as a list_turn_events page gives it: as stored when it fits
 * `maxBytes`; otherwise with its agents' memories and environments' texts cut
 * to their most recent parts, and the cuts. Data too large without those
 * texts is given as stored. `dataBytes`: the UTF-8 size of the data given,
 * as JSON.
 */
export function pagedEventData(
  data: Json,
  maxBytes = EVENT_MAX_BYTES,
): { data: Json; cuts: TextCut[]; dataBytes: number } {
  const bytes = jsonBytes(data);
  if (bytes <= maxBytes) return { data, cuts: [], dataBytes: bytes };
  const copy = structuredClone(data);
  const slots = growableTexts(copy);
  if (slots.length === 0) return { data, cuts: [], dataBytes: bytes };
  for (const slot of slots) slot.set('');
  const share = Math.max(0, Math.floor((maxBytes - jsonBytes(copy)) / slots.length));
  const cuts: TextCut[] = [];
  for (const slot of slots) {
    const kept = recentMemory(slot.text, share);
    slot.set(kept);
    if (kept.length < slot.text.length)
      cuts.push({
        path: slot.path,
        bytes: Buffer.byteLength(slot.text, 'utf8'),
        kept_bytes: Buffer.byteLength(kept, 'utf8'),
      });
  }
  return { data: copy, cuts, dataBytes: jsonBytes(copy) };
}

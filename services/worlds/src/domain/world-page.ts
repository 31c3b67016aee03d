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

/**
 * A world and its fork ancestry, nearest first: each fork reads turns up to
 * its fork_turn from its parent. Turns are never copied, so forking costs the
 * same at turn 10 and turn 1000; reading a turn walks at most the fork depth.
 */
export interface ChainLink {
  readonly id: number;
  /** Null for a world that is no fork. */
  readonly fork_turn: number | null;
}

/** The world of the chain whose world_turns row holds `turn`. */
export function ownerOfTurn(chain: readonly ChainLink[], turn: number): number {
  for (const link of chain) {
    if (link.fork_turn === null || turn > link.fork_turn) return link.id;
  }
  const root = chain[chain.length - 1];
  if (root === undefined) throw new Error('empty world chain');
  return root.id;
}

/** Which turns each world of the chain holds for the first: [from, to] (to null: no upper bound). */
export interface TurnSegment {
  readonly world_id: number;
  readonly from: number;
  readonly to: number | null;
}

export function turnSegments(chain: readonly ChainLink[]): TurnSegment[] {
  const segments: TurnSegment[] = [];
  let upper: number | null = null;
  for (const link of chain) {
    const from = link.fork_turn === null ? 0 : link.fork_turn + 1;
    if (upper === null || upper >= from) segments.push({ world_id: link.id, from, to: upper });
    if (link.fork_turn === null) break;
    upper = upper === null ? link.fork_turn : Math.min(upper, link.fork_turn);
  }
  return segments;
}

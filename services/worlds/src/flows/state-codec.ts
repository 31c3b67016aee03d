import { assembleWorld, worldPieces, type PieceRef, type WorldState } from '../kernel';
import type { StatePiece, StoredState } from '../store/rows';

/**
 * How a world state is stored: the kernel's content-addressed pieces
 * (worldPieces) and the canonical JSON of their references. A turn that
 * leaves a piece unchanged points at the same row; the state hash leaves the
 * slug out, so a fork or a replay that reaches the same state has the same
 * hash.
 */
export function encodeState(state: WorldState): StoredState {
  const pieces = worldPieces(state);
  return {
    state_hash: pieces.state_hash,
    manifest: pieces.manifest,
    pieces: pieces.pieces.map((p) => ({ hash: p.hash, json: p.json })),
  };
}

/** The piece hashes a stored manifest points at. */
export function manifestPieceHashes(manifest: string): string[] {
  return (JSON.parse(manifest) as PieceRef[]).map((ref) => ref.hash);
}

/** A state back from its manifest and pieces, as the world `slug` (hashes checked by the kernel). */
export function decodeState(
  slug: string,
  manifest: string,
  pieces: readonly StatePiece[],
): WorldState {
  return assembleWorld({ slug, refs: JSON.parse(manifest) as PieceRef[], pieces });
}

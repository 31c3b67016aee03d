import { canonicalJson, sha256Hex } from '@crucible/hashing';
import {
  deepFreeze,
  sortedKeys,
  type CognitionProfile,
  type WorldEntity,
  type WorldState,
} from './world-state';

export type PieceKind = 'header' | 'environment' | 'entity' | 'profile';

/** The small part of a turn's state that is not a piece of its own. */
export interface WorldHeader {
  readonly turn: number;
  readonly simulation_time: string;
  readonly chronon_seconds: number;
}

/** Where a piece sits in the state: `key` is the label or id ('header' for the header). */
export interface PieceRef {
  readonly kind: PieceKind;
  readonly key: string;
  readonly hash: string;
}

/** A piece's content: `json` is its canonical JSON, `hash` = sha256 hex of `json`. */
export interface WorldPiece extends PieceRef {
  readonly json: string;
}

export interface WorldPieces {
  /** sha256 hex of `manifest`: the identity of the state (the slug is not part of it). */
  readonly state_hash: string;
  /** Canonical JSON of `refs`, the text `state_hash` is taken over. */
  readonly manifest: string;
  /** Header first, then environments, entities and profiles, each in key order. */
  readonly refs: readonly PieceRef[];
  /** One per distinct hash, in refs order. */
  readonly pieces: readonly WorldPiece[];
}

const HEADER_KEY = 'header';

// Canonical JSON and hash by object: a turn shares its unchanged entities
// (and every profile) with the state before, so each is serialized once.
// Only frozen objects are kept (see deepFreeze).
const serialized = new WeakMap<object, { json: string; hash: string }>();

/**
 * A state as content-addressed pieces (docs/services/worlds-kernel.md,
 * "Pieces and state hashes"): the header, each environment text, each
 * entity and each profile. A piece that did not change keeps its hash, so a
 * store keeps only the new ones; an entity's hash is the same as its
 * entity component's (both are sha256 of the normalized entity's canonical
 * JSON). The slug is left out so a fork shares its parent's state hashes.
 */
export function worldPieces(state: WorldState): WorldPieces {
  const pieces = new Map<string, WorldPiece>();
  const refs: PieceRef[] = [];
  const add = (kind: PieceKind, key: string, content: { json: string; hash: string }): void => {
    refs.push({ kind, key, hash: content.hash });
    if (!pieces.has(content.hash)) pieces.set(content.hash, { kind, key, ...content });
  };
  const header: WorldHeader = {
    turn: state.turn,
    simulation_time: state.simulation_time,
    chronon_seconds: state.chronon_seconds,
  };
  add('header', HEADER_KEY, serialize(header));
  for (const label of sortedKeys(state.environments)) {
    add('environment', label, serialize(state.environments[label]!));
  }
  for (const id of sortedKeys(state.entities)) add('entity', id, cached(state.entities[id]!));
  for (const label of sortedKeys(state.cognition_profiles)) {
    add('profile', label, cached(state.cognition_profiles[label]!));
  }
  const manifest = canonicalJson(refs);
  return { state_hash: sha256Hex(manifest), manifest, refs, pieces: [...pieces.values()] };
}

/** The state hash of a list of refs (what worldPieces gives as `state_hash`). */
export function stateHashOf(refs: readonly PieceRef[]): string {
  return sha256Hex(canonicalJson(refs.map(({ kind, key, hash }) => ({ kind, key, hash }))));
}

const ASSEMBLY_ERROR = Symbol.for('@crucible/worlds.WorldAssemblyError');

/** Stored pieces that do not make a state: a piece missing, altered, or of the wrong shape. */
export class WorldAssemblyError extends Error {
  override readonly name = 'WorldAssemblyError';
  readonly code = 'world_pieces_invalid';
  constructor(
    message: string,
    readonly ref: PieceRef | undefined,
  ) {
    super(message);
    Object.defineProperty(this, ASSEMBLY_ERROR, { value: true });
  }
}

export function isWorldAssemblyError(value: unknown): value is WorldAssemblyError {
  return (
    typeof value === 'object' &&
    value !== null &&
    (value as { [ASSEMBLY_ERROR]?: unknown })[ASSEMBLY_ERROR] === true
  );
}

export interface AssembleWorldInput {
  readonly slug: string;
  readonly refs: readonly PieceRef[];
  /** The pieces' canonical JSON by hash (at least every hash `refs` names). */
  readonly pieces: ReadonlyMap<string, string> | Iterable<{ hash: string; json: string }>;
}

/**
 * The inverse of worldPieces: the state the refs name. Checks every piece
 * against its hash; throws WorldAssemblyError on a missing or altered piece,
 * a piece of the wrong shape, or refs without exactly one header.
 */
export function assembleWorld(input: AssembleWorldInput): WorldState {
  const byHash =
    input.pieces instanceof Map
      ? (input.pieces as ReadonlyMap<string, string>)
      : new Map(
          [...(input.pieces as Iterable<{ hash: string; json: string }>)].map((p) => [
            p.hash,
            p.json,
          ]),
        );
  let header: WorldHeader | undefined;
  const environments: Record<string, string> = {};
  const entities: Record<string, WorldEntity> = {};
  const profiles: Record<string, CognitionProfile> = {};
  for (const ref of input.refs) {
    const json = byHash.get(ref.hash);
    if (json === undefined) throw new WorldAssemblyError(`piece ${ref.hash} is missing`, ref);
    if (sha256Hex(json) !== ref.hash) {
      throw new WorldAssemblyError(`piece ${ref.hash} does not hash to its address`, ref);
    }
    const value: unknown = JSON.parse(json);
    switch (ref.kind) {
      case 'header':
        if (header !== undefined) throw new WorldAssemblyError('two headers', ref);
        header = expectHeader(value, ref);
        break;
      case 'environment':
        if (typeof value !== 'string')
          throw new WorldAssemblyError('an environment is not a text', ref);
        environments[ref.key] = value;
        break;
      case 'entity':
        if (!isRecord(value) || value.id !== ref.key) {
          throw new WorldAssemblyError(`entity piece is not entity "${ref.key}"`, ref);
        }
        entities[ref.key] = deepFreeze(value) as unknown as WorldEntity;
        serialized.set(value, { json, hash: ref.hash });
        break;
      case 'profile':
        if (!isRecord(value)) throw new WorldAssemblyError('a profile is not an object', ref);
        profiles[ref.key] = deepFreeze(value) as unknown as CognitionProfile;
        serialized.set(value, { json, hash: ref.hash });
        break;
      default:
        throw new WorldAssemblyError(`unknown piece kind ${JSON.stringify(ref.kind)}`, ref);
    }
  }
  if (header === undefined) throw new WorldAssemblyError('no header', undefined);
  return deepFreeze({
    slug: input.slug,
    turn: header.turn,
    simulation_time: header.simulation_time,
    chronon_seconds: header.chronon_seconds,
    environments: inKeyOrder(environments),
    entities: inKeyOrder(entities),
    cognition_profiles: inKeyOrder(profiles),
  });
}

function serialize(value: unknown): { json: string; hash: string } {
  const json = canonicalJson(value);
  return { json, hash: sha256Hex(json) };
}

function cached(value: object): { json: string; hash: string } {
  const known = serialized.get(value);
  if (known !== undefined) return known;
  const fresh = serialize(value);
  // Only frozen objects (the kernel's states) cannot change behind the cache.
  if (Object.isFrozen(value)) serialized.set(value, fresh);
  return fresh;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function expectHeader(value: unknown, ref: PieceRef): WorldHeader {
  if (
    !isRecord(value) ||
    !Number.isSafeInteger(value.turn) ||
    typeof value.simulation_time !== 'string' ||
    !Number.isSafeInteger(value.chronon_seconds)
  ) {
    throw new WorldAssemblyError('the header is not {turn, simulation_time, chronon_seconds}', ref);
  }
  return {
    turn: value.turn as number,
    simulation_time: value.simulation_time,
    chronon_seconds: value.chronon_seconds as number,
  };
}

function inKeyOrder<T>(record: Record<string, T>): Record<string, T> {
  const sorted: Record<string, T> = {};
  for (const key of sortedKeys(record)) sorted[key] = record[key]!;
  return sorted;
}

import { notFound } from '@crucible/contracts';
import type { Knex } from '@crucible/database';
import type { WorldState } from '../kernel';
import { ownerOfTurn } from '../domain/world-chain';
import type { WorldsDeps } from '../handlers/deps';
import type { WorldRow } from '../store/rows';
import { decodeState, manifestPieceHashes } from './state-codec';

/** A world's state at a turn, exactly as committed, with its hash. */
export interface TurnState {
  readonly state: WorldState;
  readonly state_hash: string;
}

/**
 * The state of `world` at `turn` (its current turn when absent): read from
 * whichever world of its fork chain committed that turn, pieces assembled
 * back into the state. A turn after the current one is not_found at `path`.
 */
export async function readTurnState(
  deps: Pick<WorldsDeps, 'store'>,
  world: WorldRow,
  turn: number = world.current_turn,
  path = '/turn',
  trx?: Knex.Transaction,
): Promise<TurnState> {
  if (turn > world.current_turn) {
    throw notFound(`world ${world.slug} is at turn ${world.current_turn}; turn ${turn} is ahead`, {
      path,
      reason: 'turn_not_found',
      current_turn: world.current_turn,
    });
  }
  const chain = await deps.store.chain(world.id, trx);
  const owner = ownerOfTurn(chain, turn);
  const stateHash = await deps.store.turnStateHash(owner, turn, trx);
  if (stateHash === undefined) throw new Error(`world ${world.id} has no row for turn ${turn}`);
  const manifest = await deps.store.manifest(stateHash, trx);
  if (manifest === undefined) throw new Error(`state ${stateHash} has no manifest`);
  const pieces = await deps.store.pieces(manifestPieceHashes(manifest), trx);
  return {
    state: decodeState(world.slug, manifest, pieces),
    state_hash: stateHash,
  };
}

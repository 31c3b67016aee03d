import { conflict, invalidArgument, type Mind, type WorldMeta } from '@crucible/contracts';
import type { RpcContext } from '@crucible/messaging';
import { isWorldSeedError, seedWorld } from '../kernel';
import type { WorldsDeps } from '../handlers/deps';
import { isMindConfigError, type MindConfig } from '@crucible/minds';
import type { NewWorld, WorldRow } from '../store/rows';
import type { ResolvedScenario } from './scenario-ref';
import { encodeState } from './state-codec';
import { defaultWorldName, forkOrigin, worldMeta } from './world-view';

/** What a new world (created or forked) starts from. */
export interface WorldStart {
  readonly slug: string;
  readonly name: string | undefined;
  readonly scenario: ResolvedScenario;
  readonly mind: Mind | undefined;
  readonly engine: 'sequential' | 'simultaneous';
}

/** A mind config (resolved: see resolvedMind) that cannot work is refused before anything is stored. */
export function checkMind(deps: WorldsDeps, mind: MindConfig | undefined): void {
  try {
    deps.minds(mind);
  } catch (error) {
    if (isMindConfigError(error)) {
      throw invalidArgument(
        `/mind${error.path}`,
        'invalid_mind',
        `/mind${error.path}: ${error.message}`,
      );
    }
    throw error;
  }
}

/** The world row of a new world (not a fork). */
export function newWorldRow(start: WorldStart): NewWorld {
  return {
    slug: start.slug,
    name: start.name ?? defaultWorldName(start.scenario.scenario.scenario_slug, start.slug),
    scenario_hash: start.scenario.hash,
    scenario_label: start.scenario.scenario.scenario_slug,
    scenario_ref_kind: start.scenario.ref.kind,
    scenario_ref_value: start.scenario.ref.value,
    scenario_snapshot: start.scenario.scenario,
    mind: start.mind ?? null,
    engine: start.engine,
    parent_id: null,
    parent_slug: null,
    fork_turn: null,
    parent_through: null,
  };
}

/**
 * Seeds turn 0 from the scenario and commits the world, its first state and
 * world_created in one transaction. A live world with the slug is a conflict.
 */
export async function createWorld(
  deps: WorldsDeps,
  start: WorldStart,
  ctx: RpcContext,
): Promise<WorldMeta> {
  let seeded;
  try {
    seeded = encodeState(seedWorld({ slug: start.slug, scenario: start.scenario.scenario }));
  } catch (error) {
    if (isWorldSeedError(error)) {
      throw invalidArgument('/scenario_ref', error.reason, `/scenario_ref: ${error.message}`);
    }
    throw error;
  }
  const row = await insertWorld(deps, newWorldRow(start), ctx, async (world, trx) => {
    await deps.store.putState(seeded, trx);
    await deps.store.insertTurn(
      { world_id: world.id, turn: 0, state_hash: seeded.state_hash, attempt_id: null },
      trx,
    );
  });
  return worldMeta(row, { calls: 0, input_tokens: 0, output_tokens: 0, latency_ms: 0 });
}

/**
 * Inserts a world row, runs `more` in the same transaction and writes
 * world_created with it. The unique index on live slugs turns a duplicate
 * into a conflict at /slug.
 */
export async function insertWorld(
  deps: WorldsDeps,
  row: NewWorld,
  ctx: RpcContext,
  more: (world: WorldRow, trx: import('@crucible/database').Knex.Transaction) => Promise<void>,
  options: { currentTurn?: number } = {},
): Promise<WorldRow> {
  try {
    return await deps.store.transaction(async (trx) => {
      const world = await deps.store.insertWorld(row, trx);
      if (options.currentTurn !== undefined) {
        await deps.store.setCurrentTurn(world.id, options.currentTurn, trx);
        world.current_turn = options.currentTurn;
      }
      await more(world, trx);
      await deps.store.enqueue(
        [
          deps.events.event(
            'worlds.world_created',
            {
              world_id: world.id,
              world_slug: world.slug,
              scenario_hash: world.scenario_hash,
              scenario_label: world.scenario_label,
              forked_from: forkOrigin(world),
              actor: ctx.principal ?? null,
            },
            { key: world.slug, causationId: ctx.requestId, correlationId: ctx.correlationId },
          ),
        ],
        trx,
      );
      return world;
    });
  } catch (error) {
    if (isUniqueViolation(error, 'worlds_live_slug_idx')) {
      throw conflict(`a world ${row.slug} exists`, {
        path: '/slug',
        reason: 'world_exists',
        slug: row.slug,
      });
    }
    throw error;
  }
}

function isUniqueViolation(error: unknown, constraint: string): boolean {
  const e = error as { code?: unknown; constraint?: unknown };
  return e?.code === '23505' && e.constraint === constraint;
}

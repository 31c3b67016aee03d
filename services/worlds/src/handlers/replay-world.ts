import {
  invalidArgument,
  type ReplayWorldReply,
  type ReplayWorldRequest,
} from '@crucible/contracts';
import type { RpcContext } from '@crucible/messaging';
import { randomUUID } from 'node:crypto';
import { runTurn, type AdjudicationValidators } from '../kernel';
import { turnSegments } from '../domain/world-chain';
import { commitOutcome } from '../flows/commit-turn';
import { insertWorld } from '../flows/create-world';
import { readTurnState } from '../flows/world-states';
import { isReplayRecordMissing, ReplayMind } from '../worker/recording-mind';
import { mindRequestSettings } from '../worker/world-mind';
import { resolvedMind } from '../flows/deployment-mind';
import type { WorldsDeps } from './deps';
import { liveWorld } from './world-lookup';

/** What a replay needs beyond the handlers' deps. */
export interface ReplaySettings {
  readonly leaseMs: number;
  readonly maxAgentConcurrency: number;
  readonly mindDefaults: import('@crucible/minds').MindDefaults;
  /** The worker's compiled adjudication schemas. */
  readonly validators: AdjudicationValidators;
}

/**
 * replay_world: a new world from the source's turn 0 (read through
 * parent_id, not copied) whose turns are run again with a mind that only
 * reads the recorded calls, then every turn's state hash is compared with
 * the source's. A request with no record stops the replay there, named in
 * first_divergence (turn, agent, phase). Runs in the request: the gateway's
 * REQUEST_TIMEOUT_MS bounds how many turns one call can replay.
 * Governance is asked first (authorize_work, work `replay_world`): a
 * directive the policy requires, or one that may not be worked under,
 * refuses it. No spend is recorded: every call is answered from the
 * source's records, none is made.
 */
export async function replayWorld(
  deps: WorldsDeps,
  settings: ReplaySettings,
  request: ReplayWorldRequest,
  ctx: RpcContext,
): Promise<ReplayWorldReply> {
  await deps.governance.authorize(
    {
      work: 'replay_world',
      ...(request.directive_id === undefined ? {} : { directive_id: request.directive_id }),
      subject: request.world_slug,
    },
    ctx,
  );
  const source = await liveWorld(deps, request.world_slug);
  const segments = turnSegments(await deps.store.chain(source.id));
  const expected = await deps.store.stateHashes(segments, source.current_turn);
  const slug = request.slug ?? `${source.slug.slice(0, 40)}-replay-${randomUUID().slice(0, 8)}`;
  if (slug === source.slug) {
    throw invalidArgument('/slug', 'world_exists', '/slug: the replay needs a slug of its own');
  }
  // The model a deployment mind's calls were asked of: its deployment's, resolved before anything is stored.
  const requestSettings = mindRequestSettings(
    await resolvedMind(source.mind, deps.evaluation, ctx),
    settings.mindDefaults,
  );
  let world = await insertWorld(
    deps,
    {
      slug,
      name: `replay of ${source.name}`,
      scenario_hash: source.scenario_hash,
      scenario_label: source.scenario_label,
      scenario_ref_kind: source.scenario_ref_kind,
      scenario_ref_value: source.scenario_ref_value,
      scenario_snapshot: source.scenario_snapshot,
      mind: source.mind,
      engine: source.engine,
      parent_id: source.id,
      parent_slug: source.slug,
      fork_turn: 0,
      parent_through: 0,
    },
    ctx,
    () => Promise.resolve(),
    { currentTurn: 0 },
  );
  const owner = `replay:${randomUUID()}`;
  for (let turn = 1; turn <= source.current_turn; turn++) {
    const { state } = await readTurnState(deps, world);
    const attempt = await deps.turns.insertRunning(world.id, owner, settings.leaseMs, turn);
    let outcome;
    try {
      const mind = new ReplayMind(deps.calls, turn);
      // The source's own records of this turn: those of the world that owns it in the chain.
      await mind.prefetch(
        segments
          .filter((s) => s.from <= turn && (s.to === null || turn <= s.to))
          .map((s) => s.world_id),
      );
      outcome = await runTurn(state, mind, {
        engine: source.engine,
        model: requestSettings.model,
        params: requestSettings.params,
        max_concurrency: settings.maxAgentConcurrency,
        validators: settings.validators,
      });
    } catch (error) {
      if (!isReplayRecordMissing(error)) throw error;
      await commitOutcome(deps, attempt, owner, state.turn, {
        status: 'failed',
        failure: {
          code: 'replay_record_missing',
          agent_id: error.agentId,
          phase: error.phase as 'perceive',
          message: error.message,
          complaints: [],
        },
        events: [],
      });
      return divergence(slug, turn - 1, turn, expected.get(turn) as string, null, error.message);
    }
    const { result } = await commitOutcome(deps, attempt, owner, state.turn, outcome, {
      worldSlug: world.slug,
      // A replayed turn's attempt is its first: no failed attempt's events come before.
      firstSeq: 0,
    });
    world = (await deps.store.worldById(world.id)) ?? world;
    if (result !== 'committed') {
      const message =
        outcome.status === 'failed' ? outcome.failure.message : `the replayed turn was ${result}`;
      return divergence(slug, turn - 1, turn, expected.get(turn) as string, null, message);
    }
    const actual = await deps.store.turnStateHash(world.id, turn);
    if (actual !== expected.get(turn)) {
      return divergence(
        slug,
        turn,
        turn,
        expected.get(turn) as string,
        actual ?? null,
        `turn ${turn} replayed to another state`,
      );
    }
  }
  return { world_slug: slug, identical: true, turns: source.current_turn };
}

function divergence(
  slug: string,
  turns: number,
  turn: number,
  expected: string,
  actual: string | null,
  message: string,
): ReplayWorldReply {
  return {
    world_slug: slug,
    identical: false,
    turns,
    first_divergence: { turn, expected_state_hash: expected, actual_state_hash: actual, message },
  };
}

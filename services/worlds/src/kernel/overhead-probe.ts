import { OfflineMind, type Mind } from '@crucible/minds';
import { runTurn } from './run-turn';
import type { Engine } from './turn-context';
import { worldPieces } from './world-pieces';
import type { WorldState } from './world-state';

export interface KernelOverhead {
  readonly turns: number;
  readonly agent_turns: number;
  /** Wall time of runTurn per agent-turn, the mind's calls excluded, in milliseconds. */
  readonly kernel_ms_per_agent_turn: number;
  /**
   * The same in CPU time of this process: steadier than wall time on a
   * machine shared with other work, which this process does not wait for here.
   */
  readonly kernel_cpu_ms_per_agent_turn: number;
  /** Time inside the mind per agent-turn (3 calls or more), in milliseconds. */
  readonly mind_ms_per_agent_turn: number;
  /** worldPieces of each committed state, per agent-turn, in milliseconds. */
  readonly pieces_ms_per_agent_turn: number;
}

/**
 * Runs `turns` turns of `state` and says how much of the time was the
 * kernel's own (rendering, hashing requests, checking and applying
 * adjudications, content-addressing the result) rather than the mind's.
 * For benches (issue #15's target: at most 2 ms per agent-turn with the
 * service's writes); the default mind is the offline one. Calls are timed
 * one at a time (the probe runs one agent at a time under either engine).
 */
export async function kernelOverheadProbe(
  state: WorldState,
  options: { turns: number; engine?: Engine; mind?: Mind },
): Promise<KernelOverhead> {
  const inner = options.mind ?? new OfflineMind();
  let mindMs = 0;
  let mindCpuUs = 0;
  const mind: Mind = {
    provider: inner.provider,
    complete: async (request, signal) => {
      const started = performance.now();
      const cpu = process.cpuUsage();
      try {
        return await inner.complete(request, signal);
      } finally {
        mindMs += performance.now() - started;
        mindCpuUs += cpuMicros(process.cpuUsage(cpu));
      }
    },
  };
  let world = state;
  let agentTurns = 0;
  let totalMs = 0;
  let totalCpuUs = 0;
  let piecesMs = 0;
  const agents = Object.values(state.entities).filter((entity) => entity.kind !== 'prop').length;
  for (let turn = 0; turn < options.turns; turn += 1) {
    const started = performance.now();
    const cpu = process.cpuUsage();
    const outcome = await runTurn(world, mind, {
      engine: options.engine ?? 'sequential',
      model: 'offline-v1',
      params: {},
      max_concurrency: 1,
    });
    totalMs += performance.now() - started;
    totalCpuUs += cpuMicros(process.cpuUsage(cpu));
    if (outcome.status !== 'committed') throw new Error(`turn failed: ${outcome.failure.message}`);
    world = outcome.state;
    const piecesStarted = performance.now();
    worldPieces(world);
    piecesMs += performance.now() - piecesStarted;
    agentTurns += agents;
  }
  return {
    turns: options.turns,
    agent_turns: agentTurns,
    kernel_ms_per_agent_turn: (totalMs - mindMs) / agentTurns,
    kernel_cpu_ms_per_agent_turn: (totalCpuUs - mindCpuUs) / 1000 / agentTurns,
    mind_ms_per_agent_turn: mindMs / agentTurns,
    pieces_ms_per_agent_turn: piecesMs / agentTurns,
  };
}

function cpuMicros(usage: NodeJS.CpuUsage): number {
  return usage.user + usage.system;
}

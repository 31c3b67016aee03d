import type { LlmCallStore } from '../store/llm-call-store';
import {
  mindRequestCanonicalJson,
  mindRequestHash,
  type Mind,
  type MindRequest,
  type MindResponse,
} from '../minds';
import type { LlmCallRow } from '../store/rows';

/** Where the calls of one turn attempt are recorded. */
export interface CallScope {
  readonly world_id: number;
  /** The turn the attempt produces (calls are listed under it). */
  readonly turn: number;
  /** The cognition profile label of each agent, for per-profile usage. */
  readonly profileOf: (agentId: string) => string | undefined;
}

/** A recorded call as the mind's answer. */
export function responseOf(record: LlmCallRow): MindResponse {
  return {
    content: record.content,
    usage: { input_tokens: record.input_tokens, output_tokens: record.output_tokens },
    provider: record.provider,
    model: record.model,
    finish_reason: record.finish_reason,
    latency_ms: record.latency_ms,
    tries: 0,
  };
}

/**
 * Wraps a world's mind so every call is recorded under the hash of what it
 * asked (mindRequestHash), and a request already recorded is answered from
 * its record without calling again: the attempt that takes over a crashed
 * one pays for none of the calls the first made. A record is committed on
 * its own, never in the turn's transaction, written while the kernel goes
 * on (its insert is off the turn's critical path); `flush` waits for every
 * record before the turn commits, so a committed turn's calls are all
 * recorded. A crash can lose only records still being written.
 */
export class RecordingMind implements Mind {
  readonly provider: string;
  private readonly writes: Promise<void>[] = [];

  constructor(
    private readonly inner: Mind,
    private readonly calls: LlmCallStore,
    private readonly scope: CallScope,
  ) {
    this.provider = inner.provider;
  }

  async complete(request: MindRequest, signal?: AbortSignal): Promise<MindResponse> {
    const hash = mindRequestHash(request);
    const recorded = await this.calls.find(hash);
    if (recorded) return responseOf(recorded);
    const response = await this.inner.complete(request, signal);
    const write = this.calls.record({
      hash,
      request: JSON.parse(mindRequestCanonicalJson(request)) as Record<string, unknown>,
      content: response.content,
      finish_reason: response.finish_reason,
      input_tokens: response.usage.input_tokens,
      output_tokens: response.usage.output_tokens,
      latency_ms: Math.round(response.latency_ms),
      provider: response.provider,
      model: response.model,
      params: { ...request.params },
      world_id: this.scope.world_id,
      turn: this.scope.turn,
      agent_id: request.purpose.agent_id,
      phase: request.purpose.phase,
      profile_label: this.scope.profileOf(request.purpose.agent_id) ?? null,
    });
    // Observed now so a failed insert is never an unhandled rejection; flush rethrows it.
    write.catch(() => undefined);
    this.writes.push(write);
    return response;
  }

  /** Waits until every record of the calls made so far is committed; rejects if one failed. */
  async flush(): Promise<void> {
    await Promise.all(this.writes);
  }
}

const RECORD_MISSING = Symbol.for('@crucible/worlds.ReplayRecordMissing');

/** Replay asked for a call that was never recorded. */
export class ReplayRecordMissing extends Error {
  override readonly name = 'ReplayRecordMissing';
  readonly code = 'replay_record_missing';
  constructor(
    readonly turn: number,
    readonly agentId: string,
    readonly phase: string,
    readonly hash: string,
  ) {
    super(
      `no recorded LLM call for turn ${turn}, agent ${agentId}, phase ${phase} (request ${hash})`,
    );
    Object.defineProperty(this, RECORD_MISSING, { value: true });
  }
}

export function isReplayRecordMissing(value: unknown): value is ReplayRecordMissing {
  return (
    typeof value === 'object' &&
    value !== null &&
    (value as { [RECORD_MISSING]?: unknown })[RECORD_MISSING] === true
  );
}

/**
 * The mind of a replay: answers only from records, never calls anything. A
 * request with no record rejects with ReplayRecordMissing (turn, agent and
 * phase named), which ends the replay.
 */
export class ReplayMind implements Mind {
  readonly provider = 'replay';

  constructor(
    private readonly calls: LlmCallStore,
    private readonly turn: number,
  ) {}

  async complete(request: MindRequest): Promise<MindResponse> {
    const hash = mindRequestHash(request);
    const recorded = await this.calls.find(hash);
    if (!recorded) {
      throw new ReplayRecordMissing(
        this.turn,
        request.purpose.agent_id,
        request.purpose.phase,
        hash,
      );
    }
    return responseOf(recorded);
  }
}

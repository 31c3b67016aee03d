import type { CallRecords, NewLlmCall } from '../store/llm-call-store';
import {
  mindRequestCanonicalJson,
  mindRequestHash,
  type Mind,
  type MindRequest,
  type MindResponse,
} from '@crucible/minds';
import type { LlmCallRow } from '../store/rows';
import { BatchRunner } from './batch-runner';

/** How many records of a deterministic mind wait before they are written (see RecordingMind). */
const HELD_RECORDS = 64;

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

/** A record used by a turn differs from what the deterministic mind answered (see RecordingMind). */
export class RecordedCallDiffers extends Error {
  override readonly name = 'RecordedCallDiffers';
  constructor(readonly hashes: readonly string[]) {
    super(`recorded LLM calls differ from the deterministic mind's answers: ${hashes.join(', ')}`);
  }
}

/**
 * Wraps a world's mind so every call is recorded under the hash of what it
 * asked (mindRequestHash), and a request already recorded is answered from
 * its record without calling again: the attempt that takes over a crashed
 * one pays for none of the calls the first made.
 *
 * Round trips, not calls: `prefetch` reads the records already made for
 * the turn (a crashed attempt's) in one query; the lookups of calls not
 * among them go in batches (BatchRunner: all the lookups that queue during
 * one round trip share the next); records are written the same way, in
 * multi-row inserts of their own, while the kernel goes on, from the next
 * turn of the event loop on: the records of the turn's last calls, not sent
 * yet when the turn ends, go in its commit statement instead (`takeHeld`).
 * `flush` waits for every record sent before the turn commits, so a
 * committed turn's calls are all recorded; a crash loses only records
 * still being written or about to be.
 *
 * A deterministic mind (the offline one, cheaper than a lookup) is called
 * without a lookup, and its records wait until HELD_RECORDS are queued (the
 * rest at `flush`). Its answer is a function of the request, so a record of
 * the same request is the same answer, unless another mind recorded it
 * first: `flush` compares the records that were there already with what the
 * turn used, and rejects with RecordedCallDiffers when one differs (the
 * worker then runs the turn again with `lookupFirst`).
 */
export class RecordingMind implements Mind {
  readonly provider: string;
  private readonly known = new Map<string, LlmCallRow>();
  private readonly lookups: BatchRunner<string, LlmCallRow | undefined>;
  private readonly writes: BatchRunner<NewLlmCall, boolean>;
  /** Each record being written: its hash and whether it was new. */
  private readonly pending: Array<{ hash: string; inserted: Promise<boolean> }> = [];
  /** What the deterministic mind answered, by hash, to check against existing records. */
  private readonly used = new Map<string, string>();
  private readonly lookupFirst: boolean;

  constructor(
    private readonly inner: Mind,
    private readonly calls: CallRecords,
    private readonly scope: CallScope,
    options: { readonly lookupFirst?: boolean } = {},
  ) {
    this.provider = inner.provider;
    this.lookupFirst = options.lookupFirst === true || inner.deterministic !== true;
    this.lookups = new BatchRunner(async (hashes) => {
      const found = await calls.findMany(hashes);
      return hashes.map((h) => found.get(h));
    });
    // A deterministic mind's records are held until HELD_RECORDS wait or
    // the turn flushes: nobody waits on one, and a record lost in a crash
    // costs nothing (the same request gets the same free answer again), so
    // a small turn writes them in one statement, not one per round trip.
    // Any other mind's record goes at the next turn of the event loop, not
    // at once: the turn's last call returns straight into the end of the
    // turn, whose commit then writes that record (takeHeld) instead of a
    // round trip of its own before it; every earlier record has gone while
    // the kernel waited on the next call.
    this.writes = new BatchRunner(
      async (records) => {
        const inserted = await calls.recordMany(records);
        return records.map((r) => inserted.has(r.hash));
      },
      this.lookupFirst ? { startAfter: 'macrotask' } : { holdUntil: HELD_RECORDS },
    );
  }

  /**
   * Reads the records already made for this turn (one query; or takes
   * `rows`, that query's answer read beforehand). Optional: it saves lookups.
   */
  async prefetch(rows?: readonly LlmCallRow[]): Promise<void> {
    const records = rows ?? (await this.calls.forTurn([this.scope.world_id], this.scope.turn));
    for (const row of records) this.known.set(row.hash, row);
  }

  async complete(request: MindRequest, signal?: AbortSignal): Promise<MindResponse> {
    const hash = mindRequestHash(request);
    const known = this.known.get(hash);
    if (known) return responseOf(known);
    if (this.lookupFirst) {
      const recorded = await this.lookups.add(hash);
      if (recorded) {
        this.known.set(hash, recorded);
        return responseOf(recorded);
      }
    }
    const response = await this.inner.complete(request, signal);
    if (!this.lookupFirst) this.used.set(hash, response.content);
    const write = this.writes.add({
      hash,
      request: mindRequestCanonicalJson(request),
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
      phase: turnPhase(request.purpose.phase),
      profile_label: this.scope.profileOf(request.purpose.agent_id) ?? null,
    });
    // Observed now so a failed insert is never an unhandled rejection; flush rethrows it.
    write.catch(() => undefined);
    this.pending.push({ hash, inserted: write });
    return response;
  }

  /**
   * Hands over the records not sent yet, with the answers they carry: a
   * deterministic mind's held ones; for any other mind, the record of a call
   * that returned in this turn of the event loop (the turn's last). The
   * caller writes them in the turn's commit, which checks them as `flush`
   * would for a deterministic mind (a record of the same request made
   * before must hold the same answer), or gives them back with `putBack` so
   * that `flush` writes them (and checks a deterministic mind's).
   */
  takeHeld(): NewLlmCall[] {
    return this.writes.take(true);
  }

  /** Records `records` (from takeHeld) as calls of this turn again: `flush` writes and checks them. */
  putBack(records: readonly NewLlmCall[]): void {
    this.writes.release();
    for (const record of records) {
      const write = this.writes.add(record);
      write.catch(() => undefined);
      this.pending.push({ hash: record.hash, inserted: write });
    }
  }

  /**
   * Waits until every record of the calls made so far is committed; rejects
   * if one failed, or (deterministic mind) with RecordedCallDiffers when a
   * request the turn answered was recorded before with another answer.
   */
  async flush(): Promise<void> {
    this.writes.release();
    const inserted = await Promise.all(this.pending.map((p) => p.inserted));
    if (this.lookupFirst) return;
    const existing = [
      ...new Set(this.pending.filter((_, i) => inserted[i] !== true).map((p) => p.hash)),
    ];
    if (existing.length === 0) return;
    const records = await this.calls.findMany(existing);
    const differs = existing.filter((h) => records.get(h)?.content !== this.used.get(h));
    if (differs.length > 0) throw new RecordedCallDiffers(differs);
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
 * phase named), which ends the replay. `prefetch` reads the source's
 * records of the turn in one query; requests not among them are looked up
 * in batches (a record another world made first is found there).
 */
export class ReplayMind implements Mind {
  readonly provider = 'replay';
  private readonly known = new Map<string, LlmCallRow>();
  private readonly lookups: BatchRunner<string, LlmCallRow | undefined>;

  constructor(
    private readonly calls: CallRecords,
    private readonly turn: number,
  ) {
    this.lookups = new BatchRunner(async (hashes) => {
      const found = await calls.findMany(hashes);
      return hashes.map((h) => found.get(h));
    });
  }

  /** Reads the records the worlds `worldIds` made at this turn (the replayed world's history). */
  async prefetch(worldIds: readonly number[]): Promise<void> {
    for (const row of await this.calls.forTurn(worldIds, this.turn)) this.known.set(row.hash, row);
  }

  async complete(request: MindRequest): Promise<MindResponse> {
    const hash = mindRequestHash(request);
    const recorded = this.known.get(hash) ?? (await this.lookups.add(hash));
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

/** The phase of a world's call: minds also serve evaluation judges, which never reach a world's records. */
function turnPhase(phase: MindRequest['purpose']['phase']): 'perceive' | 'intend' | 'adjudicate' {
  if (phase === 'judge') throw new Error('a judge call is never recorded as a world turn call');
  return phase;
}

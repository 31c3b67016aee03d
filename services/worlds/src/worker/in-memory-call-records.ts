import type { CallRecords, NewLlmCall } from '../store/llm-call-store';
import type { LlmCallRow } from '../store/rows';

/**
 * CallRecords in memory, for unit tests of the minds that record and
 * replay: the same promises as LlmCallStore (first record of a hash wins,
 * recordMany answers the hashes it inserted), and a count of round trips
 * per method so tests can pin how many a turn costs.
 */
export class InMemoryCallRecords implements CallRecords {
  readonly rows = new Map<string, LlmCallRow>();
  readonly trips = { findMany: 0, forTurn: 0, recordMany: 0 };
  /** Makes the next recordMany reject with this error. */
  failNextWrite: Error | undefined;

  findMany(hashes: readonly string[]): Promise<Map<string, LlmCallRow>> {
    this.trips.findMany += 1;
    const out = new Map<string, LlmCallRow>();
    for (const h of hashes) {
      const row = this.rows.get(h);
      if (row) out.set(h, row);
    }
    return later(out);
  }

  forTurn(worldIds: readonly number[], turn: number): Promise<LlmCallRow[]> {
    this.trips.forTurn += 1;
    return later(
      [...this.rows.values()].filter((r) => worldIds.includes(r.world_id) && r.turn === turn),
    );
  }

  recordMany(calls: readonly NewLlmCall[]): Promise<Set<string>> {
    this.trips.recordMany += 1;
    const failure = this.failNextWrite;
    this.failNextWrite = undefined;
    if (failure) return later(undefined).then(() => Promise.reject(failure));
    const inserted = new Set<string>();
    for (const call of calls) {
      if (this.rows.has(call.hash)) continue;
      const request = JSON.parse(call.request) as Record<string, unknown>;
      this.rows.set(call.hash, { ...call, request, recorded_at: new Date() });
      inserted.add(call.hash);
    }
    return later(inserted);
  }

  /** Stores a record as if another attempt or world had made it. */
  put(row: Omit<LlmCallRow, 'recorded_at'>): void {
    this.rows.set(row.hash, { ...row, recorded_at: new Date() });
  }
}

/** Answers after a macrotask, as a round trip would. */
function later<T>(value: T): Promise<T> {
  return new Promise((resolve) => setImmediate(() => resolve(value)));
}

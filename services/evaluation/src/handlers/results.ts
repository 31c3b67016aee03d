import type {
  LookupResultsReply,
  LookupResultsRequest,
  PutResultReply,
  PutResultRequest,
  ResultKey,
  StoredResult,
} from '@crucible/contracts';
import type { RpcContext } from '@crucible/messaging';
import { canonicalJson, sha256Hex } from '@crucible/hashing';
import { withActor } from '../flows/record-events';
import type { ResultRow } from '../store/result-store';
import type { EvaluationDeps } from './deps';

/** The content address of a result key: sha256 of its canonical JSON. */
export function resultKeyHash(key: ResultKey): string {
  return sha256Hex(canonicalJson(key));
}

/**
 * put_result: stores a result under its key, or reuses the one stored
 * there (the first stored wins; of racing puts of one key, one stores and
 * the others reuse it). Its event only for a new key.
 */
export async function putResult(
  deps: EvaluationDeps,
  request: PutResultRequest,
  ctx: RpcContext,
): Promise<PutResultReply> {
  const keyHash = resultKeyHash(request.key);
  const inserted = await deps.store.transaction(async (trx) => {
    const row = await deps.results.insert(
      { key_hash: keyHash, key: { ...request.key }, result: request.result },
      trx,
    );
    if (row !== undefined) {
      const event = deps.events.event(
        'evaluation.result_stored',
        withActor({ key_hash: keyHash }, ctx),
        { key: keyHash, causationId: ctx.requestId, correlationId: ctx.correlationId },
      );
      await deps.store.enqueue([event], trx);
    }
    return row;
  });
  if (inserted !== undefined) return { stored: toStoredResult(inserted), reused: false };
  const [existing] = await deps.results.byHashes([keyHash]);
  if (existing === undefined) throw new Error('result insert conflicted but no row is there');
  return { stored: toStoredResult(existing), reused: true };
}

/** lookup_results: for each key, its stored result when there is one; how many are reused and missing. */
export async function lookupResults(
  deps: EvaluationDeps,
  request: LookupResultsRequest,
): Promise<LookupResultsReply> {
  const hashes = request.keys.map(resultKeyHash);
  const rows = new Map((await deps.results.byHashes(hashes)).map((row) => [row.key_hash, row]));
  const results = hashes.map((keyHash) => {
    const row = rows.get(keyHash);
    return row === undefined
      ? { key_hash: keyHash, found: false }
      : { key_hash: keyHash, found: true, stored: toStoredResult(row) };
  });
  const reused = results.filter((r) => r.found).length;
  return { results, reused, missing: results.length - reused };
}

function toStoredResult(row: ResultRow): StoredResult {
  return {
    key_hash: row.key_hash,
    key: row.key as unknown as ResultKey,
    result: row.result,
    created_at: row.created_at.toISOString(),
  };
}

import type {
  LookupResultsReply,
  LookupResultsRequest,
  PutResultReply,
  PutResultRequest,
  ResultKey,
  StoredResult,
} from '@crucible/contracts';
import { invalidArgument } from '@crucible/contracts';
import { pageBudget, pageBySize, type RpcContext } from '@crucible/messaging';
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

/**
 * lookup_results: for each key, its stored result when there is one, in the
 * order asked, from the request's `cursor` (the position of the next key) on;
 * a page holds at most `limit` results and is cut short where the next would
 * make the reply pass the bus (docs/services/evaluation.md, "Results"), with
 * `next_cursor` then. `reused` and `missing` count all the keys asked, on
 * every page.
 */
export async function lookupResults(
  deps: EvaluationDeps,
  request: LookupResultsRequest,
  ctx: Pick<RpcContext, 'replyBudgetBytes'>,
): Promise<LookupResultsReply> {
  const hashes = request.keys.map(resultKeyHash);
  const from = request.cursor === undefined ? 0 : Number(request.cursor);
  if (from >= hashes.length) {
    throw invalidArgument(
      '/cursor',
      'invalid_cursor',
      `/cursor: position ${from} is past the ${hashes.length} keys asked (send the same keys with a cursor)`,
    );
  }
  const found = new Set(await deps.results.storedHashes(hashes));
  const asked = hashes.slice(from, from + (request.limit ?? hashes.length));
  // Only the page's rows are read in full: a result may be as large as a request.
  const rows = new Map(
    (await deps.results.byHashes(asked.filter((h) => found.has(h)))).map((row) => [
      row.key_hash,
      row,
    ]),
  );
  const lookups = asked.map((keyHash) => {
    const row = rows.get(keyHash);
    return row === undefined
      ? { key_hash: keyHash, found: false }
      : { key_hash: keyHash, found: true, stored: toStoredResult(row) };
  });
  const reused = hashes.filter((h) => found.has(h)).length;
  const frame = { results: [], reused, missing: hashes.length - reused };
  const page = pageBySize(lookups, {
    budgetBytes: pageBudget(ctx.replyBudgetBytes, frame),
  });
  const next = from + page.items.length;
  return {
    ...frame,
    results: page.items,
    ...(next < hashes.length ? { next_cursor: String(next) } : {}),
  };
}

function toStoredResult(row: ResultRow): StoredResult {
  return {
    key_hash: row.key_hash,
    key: row.key as unknown as ResultKey,
    result: row.result,
    created_at: row.created_at.toISOString(),
  };
}

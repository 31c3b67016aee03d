import { randomUUID } from 'node:crypto';
import {
  invalidArgument,
  type RecallReply,
  type RecallRequest,
  type RememberReply,
  type RememberRequest,
  type SearchMemoriesReply,
  type SearchMemoriesRequest,
  type SchemaRegistry,
} from '@crucible/contracts';
import { decodeCursor } from '@crucible/messaging';
import type { RpcContext } from '@crucible/messaging';
import { datumText } from '../domain/offline-embedder';
import { memoryRecord } from '../flows/memories';
import type { MemoryRow } from '../store/memory-store';
import type { GovernanceDeps } from './deps';
import { cutPage, DEFAULT_PAGE_LIMIT } from './page';

/**
 * remember: stores a datum. With a known schema name, `schema.version` must
 * be one this service has and the data must satisfy it (an unknown name is
 * stored as given: a newer writer's data is read back raw, never refused).
 */
export async function remember(
  deps: GovernanceDeps,
  registry: SchemaRegistry,
  request: RememberRequest,
): Promise<RememberReply> {
  const schema = request.schema;
  if (schema !== undefined) {
    const known = deps.memorySchemas.get(schema.name);
    const file = known?.files.get(schema.version);
    if (known !== undefined && file === undefined) {
      throw invalidArgument(
        '/schema/version',
        'unknown_schema_version',
        `${schema.name} has no version ${schema.version}`,
        {
          latest: known.latest,
        },
      );
    }
    const error = file === undefined ? null : registry.check(file, request.data);
    if (error !== null) {
      throw invalidArgument(
        `/data${error.instancePath}`,
        'schema_mismatch',
        `data does not satisfy ${schema.name} v${schema.version}: ${error.message ?? 'invalid'}`,
      );
    }
  }
  const embedding = await deps.embedder.embed(datumText(request.data));
  const row: MemoryRow = {
    id: randomUUID(),
    scope: request.scope,
    created_at: await deps.memories.now(),
    data: request.data,
    tags: [...(request.tags ?? [])].sort(),
    author: request.author ?? 'system',
    source: request.source ?? null,
    parent_id: request.parent_id ?? null,
    schema_name: schema?.name ?? null,
    schema_version: schema?.version ?? null,
  };
  await deps.memories.insert({ ...row, embedding_model: deps.embedder.model, embedding });
  return { memory: memoryRecord(deps.memorySchemas, row) };
}

/** recall: the declarative query, newest first, older versions upgraded; paged by offset. */
export async function recall(
  deps: GovernanceDeps,
  request: RecallRequest,
  ctx: RpcContext,
): Promise<RecallReply> {
  const limit = request.limit ?? DEFAULT_PAGE_LIMIT;
  const offset =
    request.cursor === undefined
      ? (request.offset ?? 0)
      : decodeCursor(
          request.cursor,
          '/cursor',
          (v): v is number => Number.isInteger(v) && (v as number) >= 0,
        );
  const rows = await deps.memories.recall({
    scope: request.scope,
    schema: request.schema,
    tags: request.tags,
    author: request.author,
    since: request.since === undefined ? undefined : new Date(request.since),
    until: request.until === undefined ? undefined : new Date(request.until),
    where: request.where,
    limit: limit + 1,
    offset,
  });
  const records = rows.map((row, i) => ({
    at: offset + i + 1,
    record: memoryRecord(deps.memorySchemas, row),
  }));
  const page = cutPage(records, {
    limit,
    replyBudgetBytes: ctx.replyBudgetBytes,
    frame: { memories: [] },
    wire: (r) => r.record,
    position: (r) => r.at,
  });
  return {
    memories: page.items,
    ...(page.next_cursor === undefined ? {} : { next_cursor: page.next_cursor }),
  };
}

/** search_memories: the k nearest memories of a scope by cosine similarity, best first (ties by id). */
export async function searchMemories(
  deps: GovernanceDeps,
  request: SearchMemoriesRequest,
): Promise<SearchMemoriesReply> {
  const vector = await deps.embedder.embed(request.text);
  const rows = await deps.memories.nearest(request.scope, deps.embedder.model, vector, request.k);
  return {
    model: deps.embedder.model,
    results: rows.map(({ score, ...row }) => ({
      memory: memoryRecord(deps.memorySchemas, row),
      score,
    })),
  };
}

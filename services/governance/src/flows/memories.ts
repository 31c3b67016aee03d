import type { Memory } from '@crucible/contracts';
import { readDatum, type VersionedSchema } from '../domain/memory-versions';
import type { MemoryRow } from '../store/memory-store';

/**
 * A stored memory as it reads now: data of a known schema upgraded to its
 * latest version; an unknown schema's data raw, with the schema as stored.
 */
export function memoryRecord(
  schemas: ReadonlyMap<string, VersionedSchema>,
  row: MemoryRow,
): Memory {
  const reading = readDatum(schemas, row);
  const typed = reading.kind === 'typed';
  return {
    id: row.id,
    scope: row.scope,
    created_at: row.created_at.toISOString(),
    data: reading.data,
    tags: row.tags,
    author: row.author,
    source: row.source,
    parent_id: row.parent_id,
    schema:
      row.schema_name === null || row.schema_version === null
        ? null
        : { name: row.schema_name, version: typed ? reading.version : row.schema_version },
    stored_version: row.schema_version,
    upgraded: typed && reading.upgraded,
  };
}

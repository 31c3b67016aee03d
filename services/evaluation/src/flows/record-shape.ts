import type { RecordKind, RecordSpec } from '../domain/record-kinds';
import type { RecordRow } from '../store/record-store';

/** A record as the wire shows it (schemas/evaluation/<kind>.v1.json). */
export type WireRecord = Record<string, unknown> & { id: number; version: number };

/** The project a stored record belongs to (a project is its own). */
export function projectOf(kind: RecordKind, row: RecordRow): number {
  return kind === 'project' ? Number(row.id) : Number(row.project_id);
}

/**
 * A row as its wire record: ids as numbers, times in RFC 3339 with
 * milliseconds, and a NULL column left out (the schemas have no nulls).
 */
export function toWireRecord(spec: RecordSpec, row: RecordRow): WireRecord {
  const record: WireRecord = { id: Number(row.id), version: row.version };
  if (spec.kind !== 'project') record.project_id = Number(row.project_id);
  for (const field of spec.fields) {
    const value = row[field];
    if (value === null || value === undefined) continue;
    record[field] = field.endsWith('_id') ? Number(value) : value;
  }
  record.created_at = row.created_at.toISOString();
  record.updated_at = row.updated_at.toISOString();
  return record;
}

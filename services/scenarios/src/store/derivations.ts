import type { Knex, ServiceDb } from '@crucible/database';

export interface DerivationRow {
  id: number;
  child_hash: string;
  operator: string | null;
  actor: string | null;
  note: string | null;
  metadata: Record<string, unknown>;
  created_at: Date;
  parents: Array<{ parent_hash: string; parent_index: number; role: string | null }>;
}

/** A derivation with its parent edges, or undefined (for ScenarioStore.derivation). */
export async function readDerivation(
  db: ServiceDb,
  id: number,
  trx?: Knex.Transaction,
): Promise<DerivationRow | undefined> {
  const row = await db
    .table<{
      id: string;
      child_hash: string;
      operator: string | null;
      actor: string | null;
      note: string | null;
      metadata: Record<string, unknown>;
      created_at: Date;
    }>('scenario_derivations', trx)
    .where({ id: String(id) })
    .first<(Omit<DerivationRow, 'id' | 'parents'> & { id: string }) | undefined>(
      'id',
      'child_hash',
      'operator',
      'actor',
      'note',
      'metadata',
      'created_at',
    );
  if (!row) return undefined;
  const parents = await db
    .table<{
      derivation_id: string;
      parent_hash: string;
      parent_index: number;
      role: string | null;
    }>('scenario_derivation_parents', trx)
    .where({ derivation_id: String(id) })
    .orderBy('parent_index')
    .select<DerivationRow['parents']>('parent_hash', 'parent_index', 'role');
  return { ...row, id: Number(row.id), parents };
}

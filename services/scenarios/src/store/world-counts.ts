import type { Knex, ServiceDb } from '@crucible/database';

/** Live worlds per scenario, from the worlds projection (consumers/worlds-projection.ts). */
export class WorldCounts {
  constructor(private readonly db: ServiceDb) {}

  /** Records a world; `deleted` only ever goes from false to true. */
  async project(
    worldId: number,
    scenarioHash: string,
    deleted: boolean,
    trx?: Knex.Transaction,
  ): Promise<void> {
    await (trx ?? this.db.knex).raw(
      `insert into ?? as w (world_id, scenario_hash, deleted) values (?, ?, ?)
       on conflict (world_id) do update set deleted = w.deleted or excluded.deleted`,
      [this.db.qualified('world_projection'), worldId, scenarioHash, deleted],
    );
  }

  /** Live worlds of each of `hashes` (0 for those with none). */
  async of(hashes: readonly string[], trx?: Knex.Transaction): Promise<Map<string, number>> {
    const counts = new Map(hashes.map((h) => [h, 0]));
    if (hashes.length === 0) return counts;
    const rows = await this.db
      .table('world_projection', trx)
      .whereIn('scenario_hash', [...new Set(hashes)])
      .where({ deleted: false })
      .groupBy('scenario_hash')
      .select<Array<{ scenario_hash: string; n: string }>>(
        'scenario_hash',
        this.db.knex.raw('count(*) as n'),
      );
    for (const row of rows) counts.set(row.scenario_hash, Number(row.n));
    return counts;
  }
}

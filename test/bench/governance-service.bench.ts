// The governance service's figures (docs/services/governance.md, "Bench"),
// each beside raw SQL on the same database, in the same run:
//
// - directive transitions per second: approved → executing → complete
//   through transition_directive over NATS (the CAS, its history row and its
//   event), one at a time, beside the bare compare-and-swap UPDATE of the
//   same two steps on other directives;
// - recall and search_memories with 100,000 memories in the table (seeded
//   with one SQL statement, 100 scopes of 1,000): the median of a recall
//   (newest 50 of a scope whose data contains {importance: 3}) and of a
//   search (k = 10, exact cosine over the scope's 1,000 vectors), beside the
//   same SQL statement sent raw with `pg`.
// Counts are bounded (options), so the bench takes tens of seconds.
import { performance } from 'node:perf_hooks';
import { offlineEmbedding, startGovernanceService } from '@crucible/governance';
import type { Stoppable } from '@crucible/runtime';
import type { Figure } from './figures';
import { startBenchPlatform } from './scenarios/platform';
import { stats } from './scenarios/measure';

export interface GovernanceServiceBenchOptions {
  /** Directives moved through the service (two transitions each), and as many raw. */
  directives?: number;
  /** Memories seeded in the table. */
  memories?: number;
  /** Timed calls of recall and of search (each side). */
  queries?: number;
}

const SCOPES = 100;

export async function benchGovernanceService(
  options: GovernanceServiceBenchOptions = {},
): Promise<Figure[]> {
  const directives = options.directives ?? 100;
  const memories = options.memories ?? 100_000;
  const queries = options.queries ?? 20;
  const platform = await startBenchPlatform();
  let governance: Stoppable | undefined;
  try {
    governance = await startGovernanceService(platform.infra);
    const { rpc, pg } = platform;

    // Transitions: directives created approved (the default policy passes them).
    const approved = async (): Promise<string> =>
      (
        await rpc.call('create_directive', {
          issued_by: 'bench',
          objective: 'Measure transitions.',
          scope: 'development',
          role: 'builder',
          type: 'test',
          status: 'proposed',
        })
      ).directive.id;
    const ours: string[] = [];
    const raw: string[] = [];
    for (let i = 0; i < directives; i++) {
      ours.push(await approved());
      raw.push(await approved());
    }
    const steps = [
      ['approved', 'executing'],
      ['executing', 'complete'],
    ] as const;
    let started = performance.now();
    for (const id of ours)
      for (const [from, to] of steps)
        await rpc.call('transition_directive', { id, expected_status: from, status: to });
    const oursPerS = (2 * directives) / ((performance.now() - started) / 1000);
    started = performance.now();
    for (const id of raw)
      for (const [from, to] of steps) {
        const result = await pg.query(
          'update governance.directives set status = $1, updated_at = now() where id = $2 and status = $3',
          [to, id, from],
        );
        if (result.rowCount !== 1) throw new Error(`raw transition of ${id} matched no row`);
      }
    const rawPerS = (2 * directives) / ((performance.now() - started) / 1000);

    // Memories: seeded raw, embeddings of the offline model's length.
    await platform.seedPg.query(
      `insert into governance.memories
         (id, scope, created_at, data, tags, author, embedding_model, embedding)
       select gen_random_uuid(), 'bench-' || (i % ${SCOPES}),
              now() - make_interval(secs => i),
              jsonb_build_object('text', 'memory ' || i, 'importance', i % 10),
              '{}', 'bench', 'offline-hash-256',
              (select array_agg(sin(i * 31 + d)) from generate_series(1, 256) as d)
         from generate_series(1, $1::int) as i`,
      [memories],
    );
    await platform.seedPg.query('analyze governance.memories');
    const scope = 'bench-7';
    const text = 'memory 7 and its neighbours';
    const timed = async (call: () => Promise<unknown>): Promise<number> => {
      await call(); // warm
      const samples: number[] = [];
      for (let i = 0; i < queries; i++) {
        const t0 = performance.now();
        await call();
        samples.push(performance.now() - t0);
      }
      return stats(samples).p50;
    };
    const recallOurs = await timed(() =>
      rpc.call('recall', { scope, where: { importance: 3 }, limit: 50 }),
    );
    const recallRaw = await timed(() =>
      pg.query(
        `select id, scope, created_at, data, tags, author, source, parent_id, schema_name, schema_version
           from governance.memories where scope = $1 and data @> $2::jsonb
          order by created_at desc, id desc offset 0 limit 51`,
        [scope, JSON.stringify({ importance: 3 })],
      ),
    );
    const searchOurs = await timed(() => rpc.call('search_memories', { scope, text, k: 10 }));
    const vector = offlineEmbedding(text);
    const searchRaw = await timed(() =>
      pg.query(
        `select m.id, m.scope, m.created_at, m.data, m.tags, m.author, m.source, m.parent_id,
                m.schema_name, m.schema_version,
                (select coalesce(sum(a * b), 0) from unnest(m.embedding, $1::float8[]) as t(a, b)) as score
           from governance.memories as m
          where m.scope = $2 and m.embedding_model = $3
          order by score desc, m.id limit $4`,
        [vector, scope, 'offline-hash-256', 10],
      ),
    );
    const detail = { memories, per_scope: memories / SCOPES, queries };
    return [
      {
        name: 'governance.transitions',
        unit: 'ops/s',
        value: oursPerS,
        baseline: rawPerS,
        ratio: oursPerS / rawPerS,
        better: 'higher',
        detail: { transitions: 2 * directives },
      },
      {
        name: 'governance.recall_100k.latency_p50',
        unit: 'ms',
        value: recallOurs,
        baseline: recallRaw,
        ratio: recallOurs / recallRaw,
        better: 'lower',
        detail,
      },
      {
        name: 'governance.search_100k.latency_p50',
        unit: 'ms',
        value: searchOurs,
        baseline: searchRaw,
        ratio: searchOurs / searchRaw,
        better: 'lower',
        detail,
      },
    ];
  } finally {
    await governance?.stop();
    await platform.stop();
  }
}

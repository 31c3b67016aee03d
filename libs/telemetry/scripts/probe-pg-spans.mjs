// Which spans does instrumentation-pg produce for knex 3 over pg 8, against a
// real Postgres and against PGlite (through @electric-sql/pglite/node-postgres)?
// Run against the build: npx tsc -b libs/telemetry && node libs/telemetry/scripts/probe-pg-spans.mjs
// Needs Postgres at PGHOST/PGPORT (default 127.0.0.1:5432, user postgres, trust auth).
import { SpanKind } from '@opentelemetry/api';
import { initTelemetry, withSpan } from '@crucible/telemetry';
import { InMemorySpanExporter } from '@crucible/telemetry/testing';

const exporter = new InMemorySpanExporter();
const telemetry = initTelemetry({ serviceName: 'pg-probe', exporter, env: {} });

// Only now: knex and pg must load after the instrumentation is registered.
const { default: knexFactory } = await import('knex');

async function exercise(label, knex) {
  exporter.reset();
  await withSpan(telemetry.tracer, `${label}: handler`, { kind: SpanKind.INTERNAL }, async () => {
    await knex.raw('select 1 as one');
    await knex.select('relname').from('pg_class').where('relkind', 'r').limit(1);
    await knex.transaction(async (trx) => {
      await trx.raw('select ? as two', [2]);
    });
  });
  // Outside any span: dropped by requireParentSpan (pool housekeeping, pollers).
  await knex.raw('select 3 as orphan');
  await knex.destroy();
  await telemetry.forceFlush();
  report(label, exporter.getFinishedSpans());
}

function report(label, spans) {
  const byId = new Map(spans.map((s) => [s.spanContext().spanId, s]));
  console.log(`\n== ${label}: ${spans.length} spans`);
  for (const span of [...spans].sort((a, b) => compareTime(a.startTime, b.startTime))) {
    const parent = byId.get(span.parentSpanContext?.spanId ?? '');
    const a = span.attributes;
    console.log(
      JSON.stringify({
        name: span.name,
        kind: SpanKind[span.kind],
        scope: span.instrumentationScope.name,
        parent: parent ? parent.name : span.parentSpanContext ? '(unknown)' : null,
        sameTrace: parent ? parent.spanContext().traceId === span.spanContext().traceId : undefined,
        status: span.status.code,
        db: {
          system: a['db.system.name'] ?? a['db.system'],
          namespace: a['db.namespace'] ?? a['db.name'],
          query: a['db.query.text'] ?? a['db.statement'],
          server: a['server.address'] ?? a['net.peer.name'],
          port: a['server.port'] ?? a['net.peer.port'],
        },
      }),
    );
  }
}

function compareTime([s1, n1], [s2, n2]) {
  return s1 - s2 || n1 - n2;
}

async function main() {
  try {
    await exercise(
      'knex+pg -> Postgres',
      knexFactory({
        client: 'pg',
        connection: {
          host: process.env.PGHOST ?? '127.0.0.1',
          port: Number(process.env.PGPORT ?? 5432),
          user: 'postgres',
          database: 'postgres',
        },
      }),
    );

    // Specifiers in variables: eslint-plugin-import (import/no-cycle) would otherwise
    // parse PGlite's bundle and overflow its stack.
    const pgliteEntry = '@electric-sql/pglite';
    const nodePostgresEntry = '@electric-sql/pglite/node-postgres';
    const { PGlite } = await import(pgliteEntry);
    const { createPgConfig } = await import(nodePostgresEntry);
    const pglite = new PGlite('memory://');
    await exercise(
      'knex+pg -> PGlite (createPgConfig)',
      knexFactory({ client: 'pg', connection: createPgConfig(pglite) }),
    );
    await pglite.close();
  } finally {
    await telemetry.shutdown();
  }
}

await main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});

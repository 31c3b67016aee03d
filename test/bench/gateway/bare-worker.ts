import { createHash } from 'node:crypto';
import { connect, type Msg } from '@nats-io/transport-node';
import { Pool } from 'pg';
import { SchemaRegistry } from '@crucible/contracts';
import { bareSubjects, type BareConfig } from './bare-pipeline-config';

export interface RunningBareWorker {
  stop(): Promise<void>;
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/**
 * The bare worker: a raw NATS queue subscriber that JSON-parses, validates
 * with a precompiled ajv validator of the same request schema as ours, hashes
 * with sha256 and runs one raw statement on a pg.Pool, replying JSON. Replies
 * are the HTTP body itself; a failure is `{"error": ...}` (the front looks at
 * that first key to pick the status).
 */
export async function startBareWorker(config: BareConfig): Promise<RunningBareWorker> {
  const registry = new SchemaRegistry();
  const validatePut = registry.validator('components/put_environment.request.v1.json');
  const validateGet = registry.validator('components/get_environment.request.v1.json');
  const table = `"${config.schema}".environments`;
  const insertSql = `insert into ${table} (hash, content) values ($1, $2) on conflict (hash) do nothing returning hash`;
  const selectSql = `select hash, content, created_at from ${table} where hash = $1`;
  const pool = new Pool({ connectionString: config.databaseUrl, max: config.poolMax });
  const nc = await connect({ servers: config.natsUrl, name: `bare-worker-${process.pid}` });
  const inFlight = new Set<Promise<void>>();

  const answer = async (msg: Msg, work: (request: unknown) => Promise<unknown>): Promise<void> => {
    let body: unknown;
    try {
      body = await work(JSON.parse(decoder.decode(msg.data)));
    } catch (error) {
      body = { error: { code: 'internal', message: (error as Error).message } };
    }
    msg.respond(encoder.encode(JSON.stringify(body)));
  };
  const put = async (request: unknown): Promise<unknown> => {
    if (!validatePut(request)) return { error: { code: 'invalid_argument', message: 'bad put' } };
    const { content } = request as { content: string };
    const hash = createHash('sha256').update(content, 'utf8').digest('hex');
    const result = await pool.query(insertSql, [hash, content]);
    return { hash, was_new: result.rows.length > 0 };
  };
  const get = async (request: unknown): Promise<unknown> => {
    if (!validateGet(request)) return { error: { code: 'invalid_argument', message: 'bad get' } };
    const result = await pool.query<{ hash: string; content: string; created_at: Date }>(
      selectSql,
      [(request as { hash: string }).hash],
    );
    const row = result.rows[0];
    if (row === undefined) return { error: { code: 'not_found', message: 'no such environment' } };
    return { hash: row.hash, content: row.content, created_at: row.created_at.toISOString() };
  };

  const subjects = bareSubjects(config);
  for (const [subject, work] of [
    [subjects.put, put],
    [subjects.get, get],
  ] as const) {
    nc.subscribe(subject, {
      queue: 'bare',
      callback: (error, msg) => {
        if (error) return;
        const done = answer(msg, work).finally(() => inFlight.delete(done));
        inFlight.add(done);
      },
    });
  }
  // Subscribed on the server before anyone sends (as NatsBus.serve does).
  await nc.flush();
  return {
    async stop() {
      await nc.drain();
      await Promise.allSettled([...inFlight]);
      await pool.end();
    },
  };
}

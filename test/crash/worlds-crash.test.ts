import { Client } from 'pg';
import { startServiceProcess, type ServiceProcess } from '../components/processes';
import { http } from '../components/stack';
import { validRequest } from '../scenarios/validation.suite';
import {
  answer,
  createLlmServer,
  createTestDatabase,
  testInfra,
  uniqueName,
  type LlmServer,
  type TestDatabase,
} from '../support';

const VALID = {
  narration: 'Nothing moves.',
  agent_state_after: 'Waiting.',
  agent_memory_append: 'Waited.',
  entity_mutations: [],
  environment_mutations: [],
};

// A worlds replica killed (SIGKILL) in the middle of a turn, with a call to
// the LLM in flight: the other replica takes the attempt over once the lease
// runs out, finishes the turn, and pays again only for the call that never
// got its answer (every answered call is reused from its record).
describe('a worlds replica killed mid-turn', () => {
  let database: TestDatabase;
  let server: LlmServer;
  const processes: ServiceProcess[] = [];
  let url = '';
  let env: Record<string, string>;

  beforeAll(async () => {
    const infra = testInfra();
    database = await createTestDatabase();
    server = await createLlmServer();
    env = {
      DATABASE_URL: database.url,
      NATS_URL: infra.natsUrl,
      KAFKA_BROKERS: infra.kafkaBrokers.join(','),
      CRUCIBLE_PREFIX: uniqueName('p'),
      PORT: '0',
      REQUEST_TIMEOUT_MS: '5000',
      WORLDS_LEASE_MS: '1500',
      WORLDS_POLL_MS: '100',
    };
    // governance: create_world and run_turn ask it whether the work may be done.
    for (const name of ['components', 'names', 'scenarios', 'governance']) {
      processes.push(startServiceProcess(name, env));
    }
    for (const p of processes) await p.waitForLog('ready');
    const gateway = startServiceProcess('gateway', env);
    processes.push(gateway);
    url = String((await gateway.waitForLog('listening')).url);
  }, 120_000);

  afterAll(async () => {
    for (const p of [...processes].reverse()) await p.stop().catch(() => undefined);
    await server?.close();
    await database?.drop();
  });

  it('finishes the turn on the other replica; no answered call is made twice', async () => {
    const replicas = [startServiceProcess('worlds', env), startServiceProcess('worlds', env)];
    processes.push(...replicas);
    for (const r of replicas) await r.waitForLog('ready');

    let hung: Record<string, unknown> | undefined;
    server.handle((r) => {
      if (hung === undefined && r.index === 3) {
        hung = r.body;
        return answer.text('Too late.', { delayMs: 120_000 });
      }
      return r.responseFormat !== undefined && r.responseFormat !== 'text'
        ? answer.json(VALID)
        : answer.text('I look at the door.');
    });

    const assembled = await http(`${url}/v1/scenarios`, 'POST', validRequest());
    expect(assembled.status).toBe(200);
    const created = await http(`${url}/v1/worlds`, 'POST', {
      slug: 'survivor',
      scenario_ref: { hash: assembled.body.scenario_hash },
      mind: {
        provider: 'openai-compatible',
        base_url: server.baseUrl,
        model: 'scripted-model',
        max_retries: 0,
        timeout_ms: 600_000,
      },
    });
    expect(created.status).toBe(200);
    const run = await http(`${url}/v1/worlds/survivor/turns`, 'POST', {});
    expect(run.status).toBe(200);
    await server.waitForRequests(4, 30_000);

    // The replica holding the lease: its owner is host:pid:random.
    const db = new Client({ connectionString: database.url });
    await db.connect();
    let owner: string;
    try {
      const rows = await db.query<{ lease_owner: string }>(
        'select lease_owner from worlds.turn_attempts where id = $1',
        [run.body.attempt_id],
      );
      owner = rows.rows[0]!.lease_owner;
    } finally {
      await db.end();
    }
    const pid = Number(owner.split(':')[1]);
    const victim = replicas.find((r) => r.child.pid === pid);
    expect(victim).toBeDefined();
    victim!.child.kill('SIGKILL');

    // wait_ms stays under the gateway's REQUEST_TIMEOUT_MS; ask again until done.
    let status = { status: 0, body: {} as Record<string, unknown> };
    const deadline = Date.now() + 60_000;
    do {
      status = await http(
        `${url}/v1/worlds/survivor/attempts/${run.body.attempt_id}?wait_ms=3000`,
        'GET',
      );
    } while (
      status.body.status !== 'committed' &&
      status.body.status !== 'failed' &&
      Date.now() < deadline
    );
    expect(status.body).toMatchObject({ status: 'committed', produced_turn: 1 });

    const bodies = server.requests.map((r) => JSON.stringify(r.body));
    const counts = new Map<string, number>();
    for (const b of bodies) counts.set(b, (counts.get(b) ?? 0) + 1);
    // Only the call in flight at the kill was sent again.
    expect(
      [...counts.entries()].filter(([, n]) => n > 1).map(([b, n]) => [JSON.parse(b), n]),
    ).toEqual([[hung, 2]]);
    const calls = await http(`${url}/v1/worlds/survivor/llm-calls`, 'GET');
    expect(calls.body.usage.calls).toBe(counts.size);
  }, 120_000);
});

import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
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

// Budgets across a crash (docs/services/worlds.md, "Budgets"): a turn run
// under a directive, its worlds replica killed (SIGKILL) with a call in
// flight; the other replica takes the attempt over, reports the calls the
// dead one recorded, finishes and reports the turn. The directive's spend is
// every recorded call of the turn, each counted once: none lost, none twice.
describe('spend of a turn whose worlds replica was killed mid-turn', () => {
  let folder = '';
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
    folder = mkdtempSync(join(tmpdir(), 'crucible-prices-'));
    env.WORLDS_PRICE_TABLE = join(folder, 'prices.json');
    writeFileSync(
      env.WORLDS_PRICE_TABLE,
      JSON.stringify({
        currency: 'USD',
        models: { 'scripted-model': { input_per_million: '1000', output_per_million: '2000' } },
      }),
    );
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
    if (folder) rmSync(folder, { recursive: true, force: true });
  });

  it('counts every recorded call of the turn once', async () => {
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

    const directive = await http(`${url}/v1/governance/directives`, 'POST', {
      issued_by: 'planner',
      objective: 'Run the survivor world.',
      scope: 'development',
      role: 'builder',
      type: 'test',
      status: 'proposed',
      budget: { amount: '50', currency: 'USD' },
    });
    expect(directive.status).toBe(200);
    const directiveId = directive.body.directive.id as string;
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
    const run = await http(`${url}/v1/worlds/survivor/turns`, 'POST', {
      directive_id: directiveId,
    });
    expect({ status: run.status, queued: run.body.status }).toEqual({
      status: 200,
      queued: 'queued',
    });
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

    // The hung call was asked twice (once of the dead replica), recorded once.
    expect(server.requests.length).toBeGreaterThan(0);
    const calls = await http(`${url}/v1/worlds/survivor/llm-calls?turn=1&limit=1000`, 'GET');
    const usage = calls.body.usage as {
      calls: number;
      input_tokens: number;
      output_tokens: number;
    };
    expect(usage.calls).toBeLessThan(server.requests.length);
    const spent = await http(`${url}/v1/governance/work/authorize`, 'POST', {
      work: 'run_turn',
      directive_id: directiveId,
    });
    expect(spent.status).toBe(200);
    const micros = usage.input_tokens * 1000 + usage.output_tokens * 2000;
    expect(spent.body.spent).toEqual({
      amount: String(micros / 1e6),
      currency: 'USD',
      tokens: usage.input_tokens + usage.output_tokens,
    });
  }, 120_000);
});

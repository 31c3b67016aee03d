import { createHash } from 'node:crypto';
import { CrucibleError, deadLetterTopic, defaultCatalog, streamTopic } from '@crucible/contracts';
import { rejectedWith } from '@crucible/contracts/testing';
import { buildEvent, RpcClient } from '@crucible/messaging';
import { startRealPlatform, type PlatformStack } from '../platform/stack';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { http, openKafkaStreamReader, testInfra, TEST_AUTH_HEADERS } from '../support';

/**
 * The model registry's other half through the gateway and the feedback
 * stream, on real servers (docs/services/evaluation.md, "Training runs,
 * deployments and feedback"): reported training runs and deployments with
 * their transitions and refusals, and feedback ingestion over HTTP and from
 * Kafka (its own stream, and the deprecated evaluation stream), sampled by
 * event id and counted once however often it is delivered.
 */
describe('evaluation: training runs, deployments and feedback ingestion (real servers)', () => {
  let stack: PlatformStack;
  const modelId = 'fb_model';
  beforeAll(async () => {
    stack = await startRealPlatform();
    await ok('register_model', { model: { id: modelId } });
    await ok('register_model_version', {
      model_version: { id: 'fb_model_v1', model_id: modelId, version: '1.0.0' },
    });
  }, 60_000);
  afterAll(async () => {
    await stack?.stop();
  });

  async function call(operation: string, request: unknown) {
    return http(`${stack.url}/v1/ops/${operation}`, 'POST', request);
  }
  async function ok(operation: string, request: unknown): Promise<any> {
    const response = await call(operation, request);
    if (response.status !== 200) {
      throw new Error(`${operation}: ${response.status} ${JSON.stringify(response.body)}`);
    }
    return response.body;
  }
  async function refused(operation: string, request: unknown) {
    const response = await call(operation, request);
    return [
      response.status,
      response.body.error?.details?.reason,
      response.body.error?.details?.path,
    ];
  }
  /** Sampling as documented: sha256("<deployment>/<event id>")'s first 32 bits / 2^32 < rate. */
  function documentedSample(deploymentId: string, eventId: string, rate: number): boolean {
    const hex = createHash('sha256').update(`${deploymentId}/${eventId}`).digest('hex');
    return Number.parseInt(hex.slice(0, 8), 16) / 2 ** 32 < rate;
  }
  async function deploy(id: string, feedback: Record<string, unknown>, extra: object = {}) {
    return ok('report_deployment', {
      deployment: {
        id,
        model_version_id: 'fb_model_v1',
        endpoint: { base_url: 'http://127.0.0.1:9/v1' },
      },
      status: { id: `${id}_s`, deployment_id: id, state: 'active' },
      feedback,
      ...extra,
    });
  }
  /** resolve_deployment over the bus, as the worlds service calls it (it has no gateway route). */
  async function resolve(id: string): Promise<any> {
    const client = new RpcClient({
      bus: stack.infra.bus,
      catalog: stack.infra.catalog,
      prefix: stack.infra.prefix,
      timeoutMs: 10_000,
    });
    return client.call('resolve_deployment', { id });
  }
  async function resolveRefused(id: string) {
    const error = await rejectedWith(resolve(id), CrucibleError);
    return [error.code, error.details.reason, error.details.path];
  }
  async function summary(deploymentId: string): Promise<any> {
    return ok('get_feedback_summary', { deployment_id: deploymentId });
  }

  it('reports a training run: forward transitions only, config fixed, refusals with path', async () => {
    const config = {
      id: 'cfg1',
      model_ref: { id: modelId },
      dataset_ref: { name: 'wikitext' },
      epochs: 3,
    };
    const first = await ok('report_training_run', { training_run: { id: 'tr_1', config } });
    expect(first).toMatchObject({
      model_id: modelId,
      training_run: {
        id: 'tr_1',
        status: 'pending',
        config: { batch_size: 32, optimizer: 'adam' },
      },
    });
    // The same again changes nothing.
    expect(await ok('report_training_run', { training_run: { id: 'tr_1', config } })).toEqual(
      first,
    );
    const running = await ok('report_training_run', {
      training_run: { id: 'tr_1', config, status: 'running', current_epoch: 2 },
    });
    expect(running.training_run).toMatchObject({ status: 'running', current_epoch: 2 });
    expect(
      await refused('report_training_run', {
        training_run: { id: 'tr_1', config, status: 'pending' },
      }),
    ).toEqual([409, 'invalid_transition', '/training_run/status']);
    expect(
      await refused('report_training_run', {
        training_run: { id: 'tr_1', config: { ...config, epochs: 4 }, status: 'running' },
      }),
    ).toEqual([409, 'immutable_field_changed', '/training_run/config']);
    expect(
      await refused('report_training_run', {
        training_run: { id: 'tr_1', config, status: 'completed', final_model_version: 'nope' },
      }),
    ).toEqual([404, 'model_version_not_found', '/training_run/final_model_version']);
    expect(
      await refused('report_training_run', {
        training_run: { id: 'tr_2', config: { ...config, model_ref: { id: 'unknown_model' } } },
      }),
    ).toEqual([404, 'model_not_found', '/training_run/config/model_ref/id']);
    const done = await ok('report_training_run', {
      training_run: { id: 'tr_1', config, status: 'completed', final_model_version: 'fb_model_v1' },
    });
    expect(done.training_run.status).toBe('completed');
    expect(
      await refused('report_training_run', {
        training_run: { id: 'tr_1', config, status: 'failed' },
      }),
    ).toEqual([409, 'invalid_transition', '/training_run/status']);
    expect(await ok('get_training_run', { id: 'tr_1' })).toEqual(done);
    expect(await refused('get_training_run', { id: 'tr_2' })).toEqual([
      404,
      'training_run_not_found',
      '/id',
    ]);
    const listed = await ok('list_training_runs', { model_id: modelId, status: 'completed' });
    expect(listed.items.map((r: any) => r.training_run.id)).toEqual(['tr_1']);
  });

  it('reports a deployment: state transitions, serving needs an endpoint, resolve only when serving', async () => {
    const deployment = {
      id: 'dep_life',
      model_version_id: 'fb_model_v1',
      endpoint: { model: 'served-name' },
    };
    const first = await ok('report_deployment', { deployment });
    expect(first).toMatchObject({
      model_id: modelId,
      version: '1.0.0',
      deployment: { replicas: 1, environment: 'development', strategy: 'rolling' },
      status: { state: 'pending', health: 'unknown' },
      feedback: { enabled: false, sampling_rate: 1 },
    });
    expect(await resolveRefused('dep_life')).toEqual(['conflict', 'deployment_not_serving', '/id']);
    const status = (state: string, extra: object = {}) => ({
      id: 's',
      deployment_id: 'dep_life',
      state,
      ...extra,
    });
    expect(await refused('report_deployment', { deployment, status: status('active') })).toEqual([
      400,
      'endpoint_missing',
      '/status/endpoint_url',
    ]);
    expect(
      await refused('report_deployment', {
        deployment,
        status: { ...status('active'), deployment_id: 'other' },
      }),
    ).toEqual([400, 'deployment_mismatch', '/status/deployment_id']);
    expect(
      await refused('report_deployment', {
        deployment: { ...deployment, model_version_id: 'unknown_v' },
      }),
    ).toEqual([404, 'model_version_not_found', '/deployment/model_version_id']);
    const active = await ok('report_deployment', {
      deployment,
      status: status('active', { endpoint_url: 'http://127.0.0.1:9/v1', health: 'healthy' }),
    });
    expect(active.status.state).toBe('active');
    expect(await resolve('dep_life')).toEqual({
      deployment_id: 'dep_life',
      model_version_id: 'fb_model_v1',
      model_id: modelId,
      version: '1.0.0',
      state: 'active',
      base_url: 'http://127.0.0.1:9/v1',
      model: 'served-name',
    });
    expect(
      await refused('report_deployment', {
        deployment: { ...deployment, model_version_id: 'fb_model_v1_other' },
      }),
    ).toEqual([404, 'model_version_not_found', '/deployment/model_version_id']);
    await ok('report_deployment', { deployment, status: status('terminated') });
    expect(
      await refused('report_deployment', {
        deployment,
        status: status('active', { endpoint_url: 'http://x/v1' }),
      }),
    ).toEqual([409, 'invalid_transition', '/status/state']);
    expect(await resolveRefused('dep_life')).toEqual(['conflict', 'deployment_not_serving', '/id']);
    expect(await resolveRefused('dep_nowhere')).toEqual([
      'not_found',
      'deployment_not_found',
      '/id',
    ]);
    const listed = await ok('list_deployments', {
      model_version_id: 'fb_model_v1',
      state: 'terminated',
    });
    expect(listed.items.map((d: any) => d.deployment.id)).toEqual(['dep_life']);
  });

  it('ingests feedback over HTTP: refused batches write nothing, retries are not counted twice', async () => {
    await deploy('dep_http', {
      enabled: true,
      feedback_types: ['thumbs', 'rating'],
      sampling_rate: 1,
    });
    const events = [
      { id: 'e1', feedback_value: 'up', user_id: 'alice' },
      { id: 'e2', feedback_value: 'down' },
      { id: 'e3', feedback_type: 'rating', feedback_value: 4 },
      { id: 'e4', feedback_type: 'rating', feedback_value: 2, model_version: '1.0.0' },
    ];
    expect(
      await refused('ingest_feedback', {
        deployment_id: 'dep_http',
        events: [...events, { id: 'e5', feedback_type: 'correction', feedback_value: 'x' }],
      }),
    ).toEqual([400, 'feedback_type_not_collected', '/events/4/feedback_type']);
    expect(
      await refused('ingest_feedback', {
        deployment_id: 'dep_http',
        events: [{ id: 'e6', model_version: '2.0.0' }],
      }),
    ).toEqual([400, 'model_version_mismatch', '/events/0/model_version']);
    expect(await refused('ingest_feedback', { deployment_id: 'dep_none', events })).toEqual([
      404,
      'deployment_not_found',
      '/deployment_id',
    ]);
    expect(await stack.count('evaluation', 'feedback_events')).toBe(0);
    await deploy('dep_off', {});
    expect(await refused('ingest_feedback', { deployment_id: 'dep_off', events })).toEqual([
      409,
      'feedback_disabled',
      '/deployment_id',
    ]);

    const reply = await ok('ingest_feedback', { deployment_id: 'dep_http', events });
    expect(reply).toEqual({
      deployment_id: 'dep_http',
      model_version_id: 'fb_model_v1',
      received: 4,
      stored: 4,
      duplicates: 0,
      sampled_out: 0,
    });
    const again = await ok('ingest_feedback', { deployment_id: 'dep_http', events });
    expect(again).toMatchObject({ stored: 0, duplicates: 4 });
    expect(await summary('dep_http')).toEqual({
      deployment_id: 'dep_http',
      model_version_id: 'fb_model_v1',
      events: 4,
      by_type: [
        { feedback_type: 'rating', events: 2, scored: 2, mean_score: 3 },
        { feedback_type: 'thumbs', events: 2, scored: 2, mean_score: 0.5 },
      ],
      truncated: false,
    });
    const listed = await ok('list_feedback', { deployment_id: 'dep_http', limit: 3 });
    expect(listed.items.map((i: any) => i.event.id)).toEqual(['e1', 'e2', 'e3']);
    // PII anonymized by default; the deployment and version written in.
    expect(listed.items[0].event).toMatchObject({
      deployment_id: 'dep_http',
      model_version: '1.0.0',
      user_id: `sha256:${createHash('sha256').update('alice').digest('hex')}`,
    });
    const rest = await ok('list_feedback', {
      deployment_id: 'dep_http',
      cursor: listed.next_cursor,
    });
    expect(rest.items.map((i: any) => i.event.id)).toEqual(['e4']);
  });

  it('ingests over MCP too (the ingest_feedback tool), into the same totals', async () => {
    await deploy('dep_mcp', { enabled: true });
    const client = new Client({ name: 'feedback-test', version: '1.0.0' });
    await client.connect(
      new StreamableHTTPClientTransport(new URL(`${stack.url}/mcp`), {
        requestInit: { headers: { ...TEST_AUTH_HEADERS } },
      }),
    );
    try {
      const result = await client.callTool({
        name: 'ingest_feedback',
        arguments: { deployment_id: 'dep_mcp', events: [{ id: 'm1', feedback_value: 'up' }] },
      });
      expect(result.isError).toBeFalsy();
      expect(result.structuredContent).toMatchObject({ received: 1, stored: 1 });
    } finally {
      await client.close();
    }
    expect((await summary('dep_mcp')).events).toBe(1);
  });

  it('races: one of two moves of a training run wins; overlapping batches store each event once', async () => {
    const config = { id: 'cfg_race', model_ref: { id: modelId }, dataset_ref: { name: 'd' } };
    await ok('report_training_run', { training_run: { id: 'tr_race', config, status: 'running' } });
    const moves = await Promise.all(
      (['completed', 'failed'] as const).map((status) =>
        call('report_training_run', { training_run: { id: 'tr_race', config, status } }),
      ),
    );
    expect(moves.map((m) => m.status).sort()).toEqual([200, 409]);
    const winner = moves.find((m) => m.status === 200)!.body.training_run.status;
    expect((await ok('get_training_run', { id: 'tr_race' })).training_run.status).toBe(winner);

    await deploy('dep_race', { enabled: true });
    const ids = Array.from({ length: 200 }, (_, i) => `r${i}`);
    const batches = [ids, [...ids].reverse(), ids.slice(50, 150)].map((batch) =>
      call('ingest_feedback', {
        deployment_id: 'dep_race',
        events: batch.map((id) => ({ id, feedback_value: 'up' })),
      }),
    );
    const replies = await Promise.all(batches);
    expect(replies.map((r) => r.status)).toEqual([200, 200, 200]);
    expect(replies.reduce((sum, r) => sum + r.body.stored, 0)).toBe(200);
    expect((await summary('dep_race')).by_type).toEqual([
      { feedback_type: 'thumbs', events: 200, scored: 200, mean_score: 1 },
    ]);
  });

  it('dead-letters a refused batch from the stream with the refusal, writing nothing', async () => {
    const reader = await openKafkaStreamReader(testInfra().kafkaBrokers, [
      deadLetterTopic(stack.infra.prefix, 'evaluation_feedback'),
    ]);
    const before = await stack.count('evaluation', 'feedback_events');
    try {
      const envelope = buildEvent(
        defaultCatalog(),
        'evaluation_feedback.feedback_submitted',
        { deployment_id: 'dep_unknown', events: [{ id: 'x1' }] },
        { source: 'evaluation', key: 'dep_unknown' },
      );
      await stack.infra.eventLog.publish(streamTopic(stack.infra.prefix, 'evaluation_feedback'), [
        {
          key: envelope.key,
          value: Buffer.from(JSON.stringify(envelope)),
          headers: { 'crucible-event-id': envelope.event_id, 'crucible-event-type': envelope.type },
        },
      ]);
      const parked = await reader.waitFor('the refused batch', (r) =>
        r.text.includes(envelope.event_id),
      );
      expect(parked.json).toMatchObject({
        reason: 'handler_failed',
        consumer: 'evaluation.feedback_ingest',
        source_topic: streamTopic(stack.infra.prefix, 'evaluation_feedback'),
        message: expect.stringContaining('not_found'),
      });
      expect(await stack.count('evaluation', 'feedback_events')).toBe(before);
    } finally {
      await reader.stop();
    }
  }, 60_000);

  it('ingests the Kafka feedback stream: sampling rate honored, redelivery not double-counted', async () => {
    const rate = 0.3;
    await deploy('dep_stream', { enabled: true, sampling_rate: rate, feedback_types: ['thumbs'] });
    await deploy('dep_barrier', { enabled: true });
    await deploy('dep_barrier_old', { enabled: true });
    const catalog = defaultCatalog();
    const topic = streamTopic(stack.infra.prefix, 'evaluation_feedback');
    // The deprecated type on the evaluation stream: still read during an upgrade.
    const oldTopic = streamTopic(stack.infra.prefix, 'evaluation');
    const envelope = (
      deploymentId: string,
      events: object[],
      stream: 'evaluation_feedback' | 'evaluation' = 'evaluation_feedback',
    ) =>
      buildEvent(
        catalog,
        `${stream}.feedback_submitted`,
        { deployment_id: deploymentId, events: events as never },
        { source: 'evaluation', key: deploymentId },
      );
    const record = (e: ReturnType<typeof envelope>) => ({
      key: e.key,
      value: Buffer.from(JSON.stringify(e)),
      headers: { 'crucible-event-id': e.event_id, 'crucible-event-type': e.type },
    });
    const ids = Array.from({ length: 2000 }, (_, i) => `s${i}`);
    const batches = [0, 1, 2, 3].map((b) =>
      envelope(
        'dep_stream',
        ids
          .slice(b * 500, b * 500 + 500)
          .map((id, i) => ({ id, feedback_value: i % 4 === 0 ? 'down' : 'up' })),
      ),
    );
    const first = batches[0]!;
    // The first batch delivered twice (same event id), and its events again in a new
    // envelope, on the feedback stream and on the old one (a collector not moved yet).
    const resent = envelope('dep_stream', first.data.events);
    const resentOld = envelope('dep_stream', first.data.events, 'evaluation');
    await stack.infra.eventLog.publish(topic, [...batches, first, resent].map(record));
    await stack.infra.eventLog.publish(topic, [record(envelope('dep_barrier', [{ id: 'b1' }]))]);
    await stack.infra.eventLog.publish(oldTopic, [
      record(resentOld),
      record(envelope('dep_barrier_old', [{ id: 'b1' }], 'evaluation')),
    ]);
    // One partition a topic, applied in order: once both barriers are in, every earlier batch is.
    const deadline = Date.now() + 30_000;
    for (const barrier of ['dep_barrier', 'dep_barrier_old']) {
      while ((await summary(barrier)).events === 0) {
        if (Date.now() > deadline) throw new Error(`${barrier} was not ingested in 30 s`);
        await new Promise((resolve) => setTimeout(resolve, 200));
      }
    }
    const expected = ids.filter((id) => documentedSample('dep_stream', id, rate));
    const result = await summary('dep_stream');
    expect(result.events).toBe(expected.length);
    expect(Math.abs(result.events / ids.length - rate)).toBeLessThan(0.05);
    const listedIds: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await ok('list_feedback', {
        deployment_id: 'dep_stream',
        limit: 100,
        ...(cursor ? { cursor } : {}),
      });
      listedIds.push(...page.items.map((i: any) => i.event.id));
      cursor = page.next_cursor;
    } while (cursor !== undefined);
    expect(listedIds.sort()).toEqual([...expected].sort());
    // The same events over HTTP: sampled the same way, every kept one a duplicate.
    const http = await ok('ingest_feedback', {
      deployment_id: 'dep_stream',
      events: first.data.events,
    });
    const keptOfFirst = first.data.events.filter((e: any) =>
      documentedSample('dep_stream', e.id, rate),
    );
    expect(http).toMatchObject({
      stored: 0,
      duplicates: keptOfFirst.length,
      sampled_out: 500 - keptOfFirst.length,
    });
    expect((await summary('dep_stream')).events).toBe(expected.length);
    expect(await ok('get_feedback_summary', { model_version_id: 'fb_model_v1' })).toMatchObject({
      model_version_id: 'fb_model_v1',
    });
  }, 60_000);
});

// RpcServer and RpcClient over both buses (real NATS and in-process), with
// the real catalog: a stand-in "components" service answers every operation
// of the catalog's components service with plain functions.
import { createHash } from 'node:crypto';
import { SpanKind, SpanStatusCode } from '@opentelemetry/api';
import { InMemorySpanExporter } from '@opentelemetry/sdk-trace-base';
import {
  defaultCatalog,
  notFound,
  operationSubject,
  unavailable,
  type OperationName,
} from '@crucible/contracts';
import {
  InProcessBus,
  NatsBus,
  RpcClient,
  RpcServer,
  decodeJson,
  encodeJson,
  type Bus,
  type OperationHandler,
} from '@crucible/messaging';
import { initTelemetry, memoryLogger, type Telemetry } from '@crucible/telemetry';
import { rejectionOf } from '../contracts/waits';
import { testInfra, uniqueName } from '../support';

jest.setTimeout(30_000);

const catalog = defaultCatalog();
const TIMEOUT_MS = 5_000;

interface BusPair {
  readonly server: Bus;
  readonly client: Bus;
  close(): Promise<void>;
}

interface BusTarget {
  readonly name: string;
  open(): Promise<BusPair>;
}

const targets: BusTarget[] = [
  {
    name: 'NatsBus (real NATS)',
    async open() {
      const { natsUrl } = testInfra();
      const server = await NatsBus.connect({ url: natsUrl, name: uniqueName('rpc_server') });
      const client = await NatsBus.connect({ url: natsUrl, name: uniqueName('rpc_client') }).catch(
        async (error: unknown) => {
          await server.close();
          throw error;
        },
      );
      return {
        server,
        client,
        close: async () => {
          await Promise.all([server.close(), client.close()]);
        },
      };
    },
  },
  {
    name: 'InProcessBus',
    open() {
      const bus = new InProcessBus();
      return Promise.resolve({ server: bus, client: bus, close: () => bus.close() });
    },
  },
];

const sha256 = (text: string): string => createHash('sha256').update(text, 'utf8').digest('hex');

type Overrides = { [Op in OperationName]?: OperationHandler<Op> };

/**
 * The stand-in components service: put/get_environment keep texts in a Map;
 * the other operations answer unavailable. `calls` counts handler invocations.
 */
function componentsServer(bus: Bus, prefix: string, overrides: Overrides = {}) {
  const logger = memoryLogger('components');
  const calls: string[] = [];
  const environments = new Map<string, { content: string; created_at: string }>();
  const server = new RpcServer({
    bus,
    catalog,
    prefix,
    service: { name: 'components', version: '0.0.0-test' },
    logger,
  });
  server.handle('put_environment', (request, ctx) => {
    calls.push(`put_environment:${request.content}`);
    const override = overrides.put_environment;
    if (override) return override(request, ctx);
    const hash = sha256(request.content);
    const wasNew = !environments.has(hash);
    if (wasNew)
      environments.set(hash, { content: request.content, created_at: new Date().toISOString() });
    return Promise.resolve({ hash, was_new: wasNew });
  });
  server.handle('get_environment', (request, ctx) => {
    calls.push(`get_environment:${request.hash}`);
    const override = overrides.get_environment;
    if (override) return override(request, ctx);
    const row = environments.get(request.hash);
    if (!row) {
      return Promise.reject(
        notFound(`no environment ${request.hash}`, {
          path: '/hash',
          reason: 'unknown_hash',
          hash: request.hash,
        }),
      );
    }
    return Promise.resolve({ hash: request.hash, ...row });
  });
  for (const op of catalog.operationsOf('components')) {
    if (op.name === 'put_environment' || op.name === 'get_environment') continue;
    server.handle(op.name, () =>
      Promise.reject(unavailable(`${op.name} is not part of this test`)),
    );
  }
  return { server, calls, logger };
}

const putSubject = (prefix: string) =>
  operationSubject(prefix, catalog.operation('put_environment'));

/** Sends raw bytes to an operation, bypassing the client, and decodes the reply body. */
async function sendRaw(
  bus: Bus,
  subject: string,
  data: Uint8Array,
): Promise<Record<string, unknown>> {
  const reply = await bus.request(subject, data, { timeoutMs: TIMEOUT_MS });
  return decodeJson(reply.data) as Record<string, unknown>;
}

let telemetry: Telemetry;
const spans = new InMemorySpanExporter();

beforeAll(() => {
  telemetry = initTelemetry({ serviceName: 'rpc-test', exporter: spans });
});

afterAll(async () => {
  await telemetry.shutdown();
});

describe.each(targets)('RPC over $name', (target) => {
  let buses: BusPair;
  let prefix: string;
  let started: RpcServer[];

  beforeEach(async () => {
    buses = await target.open();
    prefix = uniqueName('rpc');
    started = [];
  });

  afterEach(async () => {
    try {
      await Promise.all(started.map((s) => s.stop()));
    } finally {
      await buses.close();
    }
  });

  async function start(overrides: Overrides = {}) {
    const service = componentsServer(buses.server, prefix, overrides);
    await service.server.start();
    started.push(service.server);
    const client = new RpcClient({ bus: buses.client, catalog, prefix, timeoutMs: TIMEOUT_MS });
    return { ...service, client };
  }

  it('answers a valid call with the reply', async () => {
    const { client } = await start();
    const first = await client.call('put_environment', { content: 'a quiet forest' });
    expect(first).toEqual({ hash: sha256('a quiet forest'), was_new: true });
    expect(await client.call('put_environment', { content: 'a quiet forest' })).toEqual({
      hash: first.hash,
      was_new: false,
    });
    const got = await client.call('get_environment', { hash: first.hash });
    expect(got).toMatchObject({ hash: first.hash, content: 'a quiet forest' });
  });

  it('rejects a request that breaks its schema in the client, sending nothing', async () => {
    const { client, calls } = await start();

    const unknownField = await rejectionOf(
      client.callUnchecked('put_environment', { content: 'x', colour: 'red' }),
    );
    expect(unknownField).toMatchObject({
      code: 'invalid_argument',
      details: { path: '/colour', reason: 'unknown_field' },
    });
    const missing = await rejectionOf(client.callUnchecked('put_environment', {}));
    expect(missing).toMatchObject({
      code: 'invalid_argument',
      details: { path: '/content', reason: 'missing_field' },
    });

    // A valid call on the same path: once answered, anything sent before it
    // would have reached the handler too.
    await client.call('put_environment', { content: 'valid' });
    expect(calls).toEqual(['put_environment:valid']);
  });

  it('rejects a request that breaks its schema in the server, with a JSON Pointer and a reason', async () => {
    const { calls } = await start();
    const body = await sendRaw(buses.client, putSubject(prefix), encodeJson({ content: 42 }));
    expect(body).toEqual({
      error: expect.objectContaining({
        code: 'invalid_argument',
        retryable: false,
        details: expect.objectContaining({ path: '/content', reason: 'wrong_type' }),
      }),
    });
    expect(calls).toEqual([]);
  });

  it('answers malformed JSON with invalid_argument/malformed_json', async () => {
    const { calls } = await start();
    for (const data of [Buffer.from('{"content": '), Uint8Array.from([0xff, 0xfe])]) {
      const body = await sendRaw(buses.client, putSubject(prefix), data);
      expect(body).toEqual({
        error: expect.objectContaining({
          code: 'invalid_argument',
          details: expect.objectContaining({ path: '', reason: 'malformed_json' }),
        }),
      });
    }
    expect(calls).toEqual([]);
  });

  it('passes a handler CrucibleError through with its code and details', async () => {
    const { client } = await start();
    const hash = sha256('never stored');
    const error = await rejectionOf(client.call('get_environment', { hash }));
    expect(error).toMatchObject({
      code: 'not_found',
      retryable: false,
      message: `no environment ${hash}`,
      details: { path: '/hash', reason: 'unknown_hash', hash },
    });
  });

  it('answers a plain Error as internal without leaking its message or stack', async () => {
    const secret = 'password=hunter2 at db.internal:5432';
    const { client, logger } = await start({
      put_environment: () => Promise.reject(new Error(secret)),
    });

    const error = await rejectionOf(client.call('put_environment', { content: 'boom' }));
    expect(error).toMatchObject({ code: 'internal', retryable: false });
    const body = await sendRaw(buses.client, putSubject(prefix), encodeJson({ content: 'boom' }));
    const wire = JSON.stringify(body);
    for (const leaked of ['hunter2', 'db.internal', 'rpc.test.ts', '    at ']) {
      expect((error as Error).message).not.toContain(leaked);
      expect(JSON.stringify((error as { details: unknown }).details)).not.toContain(leaked);
      expect(wire).not.toContain(leaked);
    }
    // The cause stays in the service's logs.
    expect(JSON.stringify(logger.lines)).toContain('hunter2');
  });

  it('answers a reply that breaks the reply schema as internal/invalid_reply', async () => {
    const { client } = await start({
      put_environment: () => Promise.resolve({ hash: 'not-a-sha256', was_new: true }),
    });
    const error = await rejectionOf(client.call('put_environment', { content: 'x' }));
    expect(error).toMatchObject({ code: 'internal', details: { reason: 'invalid_reply' } });
  });

  it('checks replies in the client too, for call and callForwarding', async () => {
    // A responder that is not an RpcServer: nothing checked its replies before sending.
    const replies = [
      encodeJson({ result: { hash: 'not-a-sha256', was_new: true } }),
      encodeJson({ result: { hash: 'a'.repeat(64), was_new: true, extra: 1 } }),
      new TextEncoder().encode('{"result":'),
    ];
    let next = 0;
    const subscription = await buses.server.serve(putSubject(prefix), { queue: 'raw' }, () =>
      Promise.resolve({ data: replies[next++ % replies.length]!, headers: {} }),
    );
    try {
      const client = new RpcClient({ bus: buses.client, catalog, prefix, timeoutMs: TIMEOUT_MS });
      for (let i = 0; i < replies.length; i++) {
        for (const error of [
          await rejectionOf(client.call('put_environment', { content: 'x' })),
          await rejectionOf(client.callForwarding('put_environment', { content: 'x' })),
        ]) {
          expect(error).toMatchObject({ code: 'internal', details: { reason: 'invalid_reply' } });
        }
      }
    } finally {
      await subscription.drain();
    }
  });

  it('forwards a valid reply as the bytes of its result', async () => {
    const { client } = await start();
    const { hash } = (await client.call('put_environment', { content: 'fwd' })) as {
      hash: string;
    };
    const forwarded = await client.callForwarding('get_environment', { hash });
    expect(decodeJson(forwarded)).toEqual(await client.call('get_environment', { hash }));
    expect(decodeJson(forwarded)).toMatchObject({ hash, content: 'fwd' });
  });

  it('answers a reply too large for the bus with an error at once, not a timeout', async () => {
    const hash = sha256('huge');
    const { client } = await start({
      get_environment: () =>
        Promise.resolve({
          hash,
          content: 'x'.repeat(buses.server.maxPayload),
          created_at: new Date().toISOString(),
        }),
    });
    const started = Date.now();
    const error = await rejectionOf(
      client.call('get_environment', { hash }, { timeoutMs: 10_000 }),
    );
    expect(error).toMatchObject({ code: 'internal', details: { reason: 'reply_too_large' } });
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  it('continues the caller trace: the server span is a child of the client span', async () => {
    const { client } = await start();
    spans.reset();
    const tracer = telemetry.tracer;
    const root = await tracer.startActiveSpan('test request', async (span) => {
      try {
        await client.call('put_environment', { content: 'traced' });
        return span.spanContext();
      } finally {
        span.end();
      }
    });
    await telemetry.forceFlush();

    const subject = putSubject(prefix);
    const finished = spans.getFinishedSpans();
    const clientSpan = finished.find((s) => s.name === `request ${subject}`);
    const serverSpan = finished.find((s) => s.name === `process ${subject}`);
    expect(clientSpan?.kind).toBe(SpanKind.CLIENT);
    expect(serverSpan?.kind).toBe(SpanKind.SERVER);
    expect(clientSpan!.spanContext().traceId).toBe(root.traceId);
    expect(clientSpan!.parentSpanContext?.spanId).toBe(root.spanId);
    expect(serverSpan!.spanContext().traceId).toBe(root.traceId);
    expect(serverSpan!.parentSpanContext?.spanId).toBe(clientSpan!.spanContext().spanId);
    // The messaging conventions' attributes (docs/telemetry.md, "Messaging attributes").
    const body = encodeJson({ content: 'traced' }).byteLength;
    expect(clientSpan!.attributes).toEqual({
      'messaging.system': 'nats',
      'messaging.operation.type': 'send',
      'messaging.operation.name': 'request',
      'messaging.destination.name': subject,
      'messaging.message.conversation_id': expect.any(String),
      'messaging.message.body.size': body,
      'rpc.method': 'put_environment',
      'crucible.request_id': expect.any(String),
    });
    expect(serverSpan!.attributes).toEqual({
      'messaging.system': 'nats',
      'messaging.operation.type': 'process',
      'messaging.operation.name': 'process',
      'messaging.destination.name': subject,
      'messaging.message.conversation_id':
        clientSpan!.attributes['messaging.message.conversation_id'],
      'messaging.message.body.size': body,
      'rpc.method': 'put_environment',
      'crucible.request_id': clientSpan!.attributes['crucible.request_id'],
    });
  });

  it('records an error reply on both spans: ERROR status and error.type = its code', async () => {
    const { client } = await start();
    spans.reset();
    await expect(client.call('get_environment', { hash: sha256('absent') })).rejects.toMatchObject({
      code: 'not_found',
    });
    await telemetry.forceFlush();
    const subject = operationSubject(prefix, catalog.operation('get_environment'));
    const finished = spans.getFinishedSpans();
    for (const name of [`request ${subject}`, `process ${subject}`]) {
      const span = finished.find((s) => s.name === name);
      expect({ name, status: span?.status.code, type: span?.attributes['error.type'] }).toEqual({
        name,
        status: SpanStatusCode.ERROR,
        type: 'not_found',
      });
    }
  });
});

// The caller's deadline travels with each request (`crucible-timeout-ms`):
// the responder skips a request its caller already gave up on, gives its
// handler an AbortSignal that fires when the caller stops waiting, and the
// calls a handler makes for its request (given its context) wait no longer
// than its own caller
// (docs/messaging.md, "Deadlines"). Over real NATS and the in-process bus.
import { createHash } from 'node:crypto';
import {
  defaultCatalog,
  operationSubject,
  unavailable,
  type OperationName,
} from '@crucible/contracts';
import {
  InProcessBus,
  NatsBus,
  RpcClient,
  RpcServer,
  TIMEOUT_HEADER,
  callerOptions,
  decodeJson,
  encodeJson,
  type Bus,
  type OperationHandler,
} from '@crucible/messaging';
import { memoryLogger } from '@crucible/telemetry';
import { testInfra, uniqueName } from '../support';

jest.setTimeout(30_000);

const catalog = defaultCatalog();
const sha256 = (text: string) => createHash('sha256').update(text, 'utf8').digest('hex');

type Overrides = { [Op in OperationName]?: OperationHandler<Op> };

/** A stand-in of `service` (components unless given) whose operations do what the test says; the rest refuse. */
async function startServer(
  bus: Bus,
  prefix: string,
  handlers: Overrides,
  service = 'components',
): Promise<RpcServer> {
  const server = new RpcServer({
    bus,
    catalog,
    prefix,
    service: { name: service, version: 'test' },
    logger: memoryLogger(service),
  });
  for (const op of catalog.operationsOf(service)) {
    const handler = handlers[op.name] as OperationHandler<OperationName> | undefined;
    server.handle(
      op.name,
      handler ?? (() => Promise.reject(unavailable(`${op.name} is not part of this test`))),
    );
  }
  await server.start();
  return server;
}

const targets: Array<{ name: string; open: () => Promise<Bus> }> = [
  {
    name: 'NatsBus (real NATS)',
    open: () => NatsBus.connect({ url: testInfra().natsUrl, name: uniqueName('deadline') }),
  },
  { name: 'InProcessBus', open: () => Promise.resolve(new InProcessBus()) },
];

describe.each(targets)('deadlines over $name', (target) => {
  let bus: Bus;
  let server: RpcServer | undefined;
  const prefix = uniqueName('dl');

  beforeEach(async () => {
    bus = await target.open();
  });
  afterEach(async () => {
    await server?.stop();
    server = undefined;
    await bus.close();
  });

  it('skips a request whose caller has already stopped waiting', async () => {
    let handled = 0;
    server = await startServer(bus, prefix, {
      put_environment: () => {
        handled += 1;
        return Promise.resolve({ hash: 'a'.repeat(64), was_new: true });
      },
    });
    const reply = await bus.request(
      operationSubject(prefix, catalog.operation('put_environment')),
      encodeJson({ content: 'late' }),
      { timeoutMs: 2_000, headers: { [TIMEOUT_HEADER]: '0' } },
    );
    expect(decodeJson(reply.data)).toMatchObject({
      error: { code: 'unavailable', details: { reason: 'deadline_exceeded' } },
    });
    expect(handled).toBe(0);
  });

  it("aborts the handler's signal when the caller stops waiting", async () => {
    let abortedAfterMs: number | undefined;
    server = await startServer(bus, prefix, {
      put_environment: (_request, ctx) => {
        const started = Date.now();
        return new Promise((_resolve, reject) => {
          ctx.signal.addEventListener('abort', () => {
            abortedAfterMs = Date.now() - started;
            reject(unavailable('abandoned', { reason: 'deadline_exceeded' }));
          });
        });
      },
    });
    const client = new RpcClient({ bus, catalog, prefix, timeoutMs: 300 });
    await expect(client.call('put_environment', { content: 'slow' })).rejects.toMatchObject({
      code: 'unavailable',
    });
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(abortedAfterMs).toBeDefined();
    expect(abortedAfterMs!).toBeGreaterThanOrEqual(250);
    expect(abortedAfterMs!).toBeLessThan(600);
  });

  it('gives the calls a handler makes for its request no more time than its own caller has', async () => {
    const seen: number[] = [];
    server = await startServer(bus, prefix, {
      get_environment: async (request, ctx) => {
        seen.push(Number(ctx.deadline! - Date.now()));
        return Promise.resolve({
          hash: request.hash,
          content: 'inner',
          created_at: new Date().toISOString(),
        });
      },
    });
    const names = await startServer(
      bus,
      prefix,
      {
        resolve_name: async (request, ctx) => {
          // A nested call through a client with a long timeout of its own,
          // made for this request (its context carries the deadline).
          const inner = new RpcClient({ bus, catalog, prefix, timeoutMs: 60_000 });
          await new Promise((resolve) => setTimeout(resolve, 100));
          await inner.call('get_environment', { hash: sha256('inner') }, callerOptions(ctx));
          return {
            name: request.name,
            hash: sha256('outer'),
            history_id: 1,
            since: new Date().toISOString(),
          };
        },
      },
      'names',
    );
    try {
      const client = new RpcClient({ bus, catalog, prefix, timeoutMs: 1_000 });
      await client.call('resolve_name', { name: 'outer' });
    } finally {
      await names.stop();
    }
    expect(seen).toHaveLength(1);
    // 1 s minus the 100 ms the outer handler slept (and the time the two
    // messages took, which a loaded machine stretches), not the inner client's
    // 60 s. A timer may fire up to 1 ms early by the wall clock (libuv counts
    // from its loop's cached time): seen once, 901.
    expect(seen[0]!).toBeLessThanOrEqual(901);
    expect(seen[0]!).toBeGreaterThan(0);
  });

  it('refuses, without sending it, a call made for a request whose caller has stopped waiting', async () => {
    let reached = 0;
    server = await startServer(bus, prefix, {
      get_environment: () => {
        reached += 1;
        return Promise.reject(unavailable('not expected'));
      },
    });
    let refused: unknown;
    const names = await startServer(
      bus,
      prefix,
      {
        resolve_name: async (_request, ctx) => {
          const inner = new RpcClient({ bus, catalog, prefix, timeoutMs: 60_000 });
          await new Promise((resolve) => setTimeout(resolve, 300));
          refused = await inner
            .call('get_environment', { hash: sha256('late') }, callerOptions(ctx))
            .catch((error: unknown) => error);
          throw unavailable('gave up');
        },
      },
      'names',
    );
    try {
      const client = new RpcClient({ bus, catalog, prefix, timeoutMs: 200 });
      await expect(client.call('resolve_name', { name: 'late' })).rejects.toMatchObject({
        code: 'unavailable',
      });
      await new Promise((resolve) => setTimeout(resolve, 300));
    } finally {
      await names.stop();
    }
    expect(refused).toMatchObject({
      code: 'unavailable',
      details: { reason: 'deadline_exceeded' },
    });
    expect(reached).toBe(0);
  });
});

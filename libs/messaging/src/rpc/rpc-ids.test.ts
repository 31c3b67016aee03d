import { defaultCatalog, operationSubject } from '@crucible/contracts';
import { memoryLogger } from '@crucible/telemetry';
import { InProcessBus } from '../bus/in-process-bus';
import { encodeJson } from './codec';
import { CORRELATION_ID_HEADER, REQUEST_ID_HEADER } from './headers';
import { RpcClient } from './rpc-client';
import { RpcServer, type RpcContext } from './rpc-server';

const catalog = defaultCatalog();
const prefix = 'ids';
const HASH = 'b'.repeat(64);

describe('request and correlation ids', () => {
  let bus: InProcessBus;
  beforeEach(() => {
    bus = new InProcessBus();
  });
  afterEach(async () => {
    await bus.close();
  });

  it('sends the correlation id only when it is not the request id', async () => {
    const seen: Array<Record<string, string>> = [];
    await bus.serve(
      operationSubject(prefix, catalog.operation('put_environment')),
      { queue: 'stand-in' },
      (message) => {
        seen.push({ ...message.headers });
        return Promise.resolve({
          data: encodeJson({ result: { hash: HASH, was_new: true } }),
          headers: {},
        });
      },
    );
    const client = new RpcClient({ bus, catalog, prefix, timeoutMs: 1_000 });
    await client.call('put_environment', { content: 'x' }, { requestId: 'r-1' });
    await client.call(
      'put_environment',
      { content: 'x' },
      { requestId: 'r-2', correlationId: 'c-2' },
    );
    await client.call(
      'put_environment',
      { content: 'x' },
      { requestId: 'r-3', correlationId: 'r-3' },
    );
    expect(seen.map((h) => [h[REQUEST_ID_HEADER], h[CORRELATION_ID_HEADER]])).toEqual([
      ['r-1', undefined],
      ['r-2', 'c-2'],
      ['r-3', undefined],
    ]);
  });

  it("gives the handler the caller's ids (the correlation id defaulting to the request id) and replies without headers", async () => {
    const contexts: Array<Pick<RpcContext, 'requestId' | 'correlationId'>> = [];
    const server = new RpcServer({
      bus,
      catalog,
      prefix,
      service: { name: 'components', version: 'test' },
      logger: memoryLogger('components'),
    });
    for (const op of catalog.operationsOf('components'))
      server.handle(op.name, (_request, ctx) => {
        contexts.push({ requestId: ctx.requestId, correlationId: ctx.correlationId });
        return Promise.resolve({ hash: HASH, was_new: true } as never);
      });
    await server.start();
    try {
      const client = new RpcClient({ bus, catalog, prefix, timeoutMs: 1_000 });
      await client.call('put_environment', { content: 'x' }, { requestId: 'r-1' });
      await client.call(
        'put_environment',
        { content: 'x' },
        { requestId: 'r-2', correlationId: 'c-2' },
      );
      const reply = await bus.request(
        operationSubject(prefix, catalog.operation('put_environment')),
        encodeJson({ content: 'x' }),
        { timeoutMs: 1_000, headers: { [REQUEST_ID_HEADER]: 'r-3' } },
      );
      expect(reply.headers).toEqual({});
      expect(contexts).toEqual([
        { requestId: 'r-1', correlationId: 'r-1' },
        { requestId: 'r-2', correlationId: 'c-2' },
        { requestId: 'r-3', correlationId: 'r-3' },
      ]);
    } finally {
      await server.stop();
    }
  });
});

// Every end still refuses strings JSON cannot carry faithfully when the
// message text lets it skip searching clean ones (codec.ts, cleanStringsIn).
import { defaultCatalog, operationSubject } from '@crucible/contracts';
import { memoryLogger } from '@crucible/telemetry';
import { InProcessBus } from '../bus/in-process-bus';
import { decodeJson } from './codec';
import { RpcClient } from './rpc-client';
import { RpcServer } from './rpc-server';

const catalog = defaultCatalog();
const prefix = 'unit';
const subject = operationSubject(prefix, catalog.operation('put_environment'));
const encode = (text: string): Uint8Array => new TextEncoder().encode(text);

describe('strings a message cannot carry', () => {
  let bus: InProcessBus;
  let server: RpcServer;
  const reply = { hash: 'a'.repeat(64), was_new: true };

  beforeEach(async () => {
    bus = new InProcessBus();
    server = new RpcServer({
      bus,
      catalog,
      prefix,
      service: { name: 'components', version: 'test' },
      logger: memoryLogger('components'),
    });
    // Only put_environment is asked; every operation needs a handler to start.
    for (const op of catalog.operationsOf('components'))
      server.handle(op.name, () => Promise.resolve(reply as never));
    await server.start();
  });

  afterEach(async () => {
    await server.stop();
    await bus.close();
  });

  const client = (): RpcClient => new RpcClient({ bus, catalog, prefix, timeoutMs: 1_000 });

  it.each([
    ['nul \u0000 here', 'nul_character'],
    ['lone \ud800 surrogate', 'invalid_unicode'],
  ])('the client refuses %j before sending', async (content, reason) => {
    await expect(client().call('put_environment', { content })).rejects.toMatchObject({
      code: 'invalid_argument',
      details: { reason, path: '/content' },
    });
  });

  it.each([
    ['{"content":"nul \\u0000 here"}', 'nul_character'],
    ['{"content":"lone \\ud800 surrogate"}', 'invalid_unicode'],
    ['{"\\udc00":"x"}', 'invalid_unicode'],
  ])('the server refuses %s', async (body, reason) => {
    const answer = await bus.request(subject, encode(body), { timeoutMs: 1_000 });
    expect(decodeJson(answer.data)).toMatchObject({
      error: { code: 'invalid_argument', details: { reason } },
    });
  });

  it('clean strings pass both ends', async () => {
    await expect(
      client().call('put_environment', { content: '“curly” — \u{1F600}' }),
    ).resolves.toEqual(reply);
  });
});

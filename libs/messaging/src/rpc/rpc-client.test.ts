import { defaultCatalog, isCrucibleError, operationSubject } from '@crucible/contracts';
import { memoryLogger } from '@crucible/telemetry';
import { InProcessBus } from '../bus/in-process-bus';
import { encodeJson } from './codec';
import { TIMEOUT_HEADER } from './deadline';
import { RpcClient } from './rpc-client';

const catalog = defaultCatalog();
const prefix = 'unit';
const HASH = 'a'.repeat(64);

describe('RpcClient of a service', () => {
  let bus: InProcessBus;
  /** Requests that reached each subject. */
  const received = new Map<string, number>();

  beforeEach(async () => {
    bus = new InProcessBus();
    received.clear();
    // Answers check_scenarios and resolve_components alike: the test is about what is sent.
    for (const name of ['check_scenarios', 'resolve_components'] as const) {
      const subject = operationSubject(prefix, catalog.operation(name));
      await bus.serve(subject, { queue: 'stand-in' }, () => {
        received.set(subject, (received.get(subject) ?? 0) + 1);
        return Promise.resolve({
          data: encodeJson({ result: { found: [], missing: [HASH] } }),
          headers: {},
        });
      });
    }
  });

  afterEach(async () => {
    await bus.close();
  });

  const clientOf = (service: string) => {
    const logger = memoryLogger(service);
    const client = new RpcClient({
      bus,
      catalog,
      prefix,
      timeoutMs: 1_000,
      caller: { service, logger },
    });
    return { client, logger };
  };

  it('sends a call the catalog declares for its service', async () => {
    const { client } = clientOf('names');
    expect(await client.call('check_scenarios', { hashes: [HASH] })).toEqual({
      found: [],
      missing: [HASH],
    });
  });

  it('refuses an undeclared call as internal, logged, without sending anything', async () => {
    const { client, logger } = clientOf('names');
    const error: unknown = await client
      .call('resolve_components', { store: false, entities: [] })
      .then(
        () => undefined,
        (rejection: unknown) => rejection,
      );
    expect(isCrucibleError(error)).toBe(true);
    expect(isCrucibleError(error) && error.toWire()).toEqual({
      code: 'internal',
      message: 'internal error',
      retryable: false,
      details: { reason: 'undeclared_call' },
    });
    expect(received.size).toBe(0);
    expect(logger.lines).toEqual([
      expect.objectContaining({
        level: 'error',
        msg: 'call not declared in the catalog; refused',
        caller: 'names',
        operation: 'resolve_components',
      }),
    ]);
  });

  it('refuses a call to its own service', async () => {
    const { client } = clientOf('scenarios');
    await expect(client.call('check_scenarios', { hashes: [HASH] })).rejects.toMatchObject({
      code: 'internal',
      details: { reason: 'undeclared_call' },
    });
    expect(received.size).toBe(0);
  });

  it("waits a long poll's wait_ms on top of its timeout, and tells the responder", async () => {
    const subject = operationSubject(prefix, catalog.operation('get_turn_status'));
    const sent: string[] = [];
    await bus.serve(subject, { queue: 'stand-in' }, (message) => {
      sent.push(message.headers[TIMEOUT_HEADER]!);
      return Promise.resolve({
        data: encodeJson({ error: { code: 'not_found', message: 'no', retryable: false } }),
        headers: {},
      });
    });
    const client = new RpcClient({ bus, catalog, prefix, timeoutMs: 1_000 });
    for (const request of [
      { world_slug: 'w', attempt_id: 1, wait_ms: 4_000 },
      { world_slug: 'w', attempt_id: 1 },
    ])
      await client.call('get_turn_status', request).catch(() => undefined);
    expect(sent.map(Number)).toEqual([5_000, 1_000]);
  });
});

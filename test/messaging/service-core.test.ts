// The start-up every service shares (prepareService, serve) on the embedded
// default: the client it hands a service sends only the calls the catalog
// declares for it, and a stop that fails is logged and reported, never
// swallowed.
import { rmSync } from 'node:fs';
import { isCrucibleError, streamTopic } from '@crucible/contracts';
import {
  openEmbeddedInfrastructure,
  prepareService,
  serve,
  SOLE_WRITER_IDLE_POLL_MS,
  type Infrastructure,
} from '@crucible/runtime';
import { memoryLogger } from '@crucible/telemetry';
import { embeddedDataDir, idleFor, statementsDuring } from '../support';

jest.setTimeout(60_000);

describe('prepareService and serve', () => {
  const logger = memoryLogger('service-core');
  let dataDir: string;
  let infra: Infrastructure;

  beforeAll(async () => {
    dataDir = await embeddedDataDir('crucible-core-');
    infra = await openEmbeddedInfrastructure({ dataDir, prefix: 'core', logger });
  });

  afterAll(async () => {
    try {
      await infra?.close();
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });

  it('gives a service a client that refuses calls the catalog does not declare for it', async () => {
    const core = await prepareService(infra, { name: 'names', version: '0.0.0-test' });
    try {
      const client = core.client(1_000);
      const refused: unknown = await client.call('resolve_components', { store: false }).then(
        () => undefined,
        (error: unknown) => error,
      );
      expect(isCrucibleError(refused) && refused.toWire()).toEqual({
        code: 'internal',
        message: 'internal error',
        retryable: false,
        details: { reason: 'undeclared_call' },
      });
      expect(logger.lines).toContainEqual(
        expect.objectContaining({
          level: 'error',
          msg: 'call not declared in the catalog; refused',
          caller: 'names',
          operation: 'resolve_components',
        }),
      );
      // A declared call is sent: with no scenarios service running, nobody answers it.
      await expect(
        client.call('check_scenarios', { hashes: ['a'.repeat(64)] }),
      ).rejects.toMatchObject({ code: 'unavailable', details: { reason: 'no_responders' } });
    } finally {
      await core.relay.stop();
    }
  });

  it('polls the outbox only as a safety net where it is the sole writer, and publishes a write at once', async () => {
    expect(infra.soleWriter).toBe(true);
    const core = await prepareService(infra, { name: 'components', version: '0.0.0-test' });
    try {
      // Idle for longer than four of the usual 500 ms pauses: at most one round (its read).
      const { statements } = await statementsDuring(() => idleFor(2_500));
      const reads = statements.filter(
        (sql) =>
          sql.trimStart().startsWith('with taken as') && sql.includes('"components"."outbox"'),
      );
      expect(reads.length).toBeLessThanOrEqual(1);
      expect(SOLE_WRITER_IDLE_POLL_MS).toBeGreaterThan(2_500);
      // A write wakes the relay: published long before the next safety-net read.
      const topic = streamTopic(infra.prefix, 'components');
      const published = (): Promise<number> =>
        infra.knex
          .withSchema('eventlog')
          .table('records')
          .where({ topic })
          .count<Array<{ count: string }>>('* as count')
          .then(([row]) => Number(row?.count ?? 0));
      const before = await published();
      const written = performance.now();
      await core.outbox.write([
        core.outbox.event(
          'components.component_stored',
          { kind: 'perceive_system', hash: 'a'.repeat(64), size_bytes: 1, actor: null },
          { key: 'a'.repeat(64) },
        ),
      ]);
      while ((await published()) === before) {
        expect(performance.now() - written).toBeLessThan(1_000);
        await idleFor(20);
      }
    } finally {
      await core.relay.stop();
    }
  });

  it('has an idle event consumer poll the log only as a safety net where it is the sole writer', async () => {
    const topic = streamTopic(infra.prefix, 'names');
    const consumer = await infra.eventLog.subscribe(
      { groupId: 'sole-writer-test', topics: [topic] },
      () => Promise.resolve(),
    );
    try {
      await idleFor(200); // past its first poll
      // Idle for longer than two of the usual 1 s pauses: at most one poll.
      const { statements } = await statementsDuring(() => idleFor(2_500));
      const polls = statements.filter(
        (sql) => sql.includes('"eventlog"."records"') && !sql.startsWith('insert'),
      );
      expect(polls.length).toBeLessThanOrEqual(1);
    } finally {
      await consumer.stop();
    }
  });

  it('stops every part when one fails to stop, logs it, and rejects with it', async () => {
    const core = await prepareService(infra, { name: 'components', version: '0.0.0-test' });
    // Every operation answered, so the server starts.
    for (const op of infra.catalog.operationsOf('components'))
      core.server.handle(op.name, () => Promise.reject(new Error('not part of this test')));
    const failure = new Error('the consumer would not stop');
    const stopped: string[] = [];
    const running = await serve(core, [
      {
        start: () => Promise.resolve(),
        stop: () => {
          stopped.push('first');
          return Promise.resolve();
        },
      },
      { start: () => Promise.resolve(), stop: () => Promise.reject(failure) },
    ]);
    await expect(running.stop()).rejects.toBe(failure);
    // The extra started first is stopped after the one that failed, and so is the relay.
    expect(stopped).toEqual(['first']);
    expect(await core.db.table('outbox_relay').pluck('holder')).toEqual([null]);
    expect(logger.lines).toContainEqual(
      expect.objectContaining({
        level: 'error',
        error: expect.objectContaining({ message: 'the consumer would not stop' }),
      }),
    );
  });
});

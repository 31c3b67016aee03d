// The outbox path end to end: a service transaction writes an event to its
// outbox, the relay publishes it, an EventConsumer applies it once. Run on
// real Postgres + real Kafka, and on PGlite + the embedded event log (what
// `npm start` uses).
import { conflict, unavailable } from '@crucible/contracts';
import { EVENT_TYPE_HEADER, OutboxRelay } from '@crucible/messaging';
import { SpanKind } from '@opentelemetry/api';
import { InMemorySpanExporter } from '@opentelemetry/sdk-trace-base';
import { initTelemetry, type Telemetry } from '@crucible/telemetry';
import { gate, runAll, within } from '../contracts/waits';
import {
  drainCount,
  openOutboxService,
  stackTargets,
  STORED,
  storedEvent,
  storedEventBy,
  type Stack,
} from './outbox-harness';

jest.setTimeout(60_000);

let telemetry: Telemetry;
const spans = new InMemorySpanExporter();

beforeAll(() => {
  telemetry = initTelemetry({ serviceName: 'outbox-test', exporter: spans });
});

afterAll(async () => {
  await telemetry.shutdown();
});

describe.each(stackTargets)('outbox on $name', (target) => {
  let stack: Stack | undefined;
  const wait = target.deliveryTimeoutMs;
  const cleanups: Array<() => Promise<void>> = [];
  const service = () => openOutboxService(stack!, cleanups);

  beforeAll(async () => {
    stack = await target.open();
  });

  afterEach(async () => {
    await runAll(cleanups.splice(0));
  });

  afterAll(async () => {
    await stack?.close();
  });

  it('publishes a committed event once the relay is kicked, and the consumer applies it once', async () => {
    const svc = await service();
    const event = storedEvent('committed');
    await svc.commit([event]);
    svc.relay.start();
    cleanups.push(() => svc.relay.stop());
    svc.relay.kick();

    const { applied } = await svc.consume();
    expect(await applied.until(1, wait, 'the committed event to be applied')).toEqual([
      event.event_id,
    ]);
    expect(await svc.processed()).toEqual([event.event_id]);
    const pending = await svc.db.table('outbox_pending').count({ n: '*' });
    expect(Number(pending[0]?.n)).toBe(0);
  });

  it('wakes the relay once after a commit that wrote events, never for one that wrote none or rolled back', async () => {
    const svc = await service();
    const [first, second, own, lost] = ['first', 'second', 'own', 'lost'].map(storedEvent);
    await svc.outbox.transaction(() => Promise.resolve());
    expect(svc.wakes.count).toBe(0);
    await expect(
      svc.outbox.transaction(async (trx) => {
        await svc.outbox.write([svc.outbox.row(lost!)], trx);
        throw new Error('rolled back after writing');
      }),
    ).rejects.toThrow('rolled back after writing');
    expect(svc.wakes.count).toBe(0);

    let wakesInside = -1;
    await svc.outbox.transaction(async (trx) => {
      await svc.outbox.write([svc.outbox.row(first!)], trx);
      await svc.outbox.write([svc.outbox.row(second!)], trx);
      wakesInside = svc.wakes.count;
    });
    expect({ wakesInside, after: svc.wakes.count }).toEqual({ wakesInside: 0, after: 1 });
    // Outside a transaction, one statement that commits on its own.
    await svc.outbox.write([svc.outbox.row(own!)]);
    expect(svc.wakes.count).toBe(2);

    expect(await drainCount(svc.relay, 3)).toBe(3);
    const records = await svc.read(svc.topics.stream);
    const onTopic = await records.until(3, wait, 'the three committed events');
    expect(onTopic.map((r) => r.headers['crucible-event-id'])).toEqual(
      [first, second, own].map((e) => e!.event_id),
    );
  });

  it('refuses outbox rows in a transaction it did not open, writing nothing', async () => {
    const svc = await service();
    await expect(
      svc.db.transaction((trx) => svc.outbox.write([svc.outbox.row(storedEvent('stray'))], trx)),
    ).rejects.toThrow('written in a transaction Outbox.transaction did not open');
    expect(Number((await svc.db.table('outbox').count({ n: '*' }))[0]?.n)).toBe(0);
    expect(svc.wakes.count).toBe(0);
  });

  it('writes a row and its event in one statement, the event only when the row is new', async () => {
    const svc = await service();
    await svc.db.knex.raw('create table ?? (id text primary key)', [svc.db.qualified('things')]);
    const insert = svc.outbox.withEvent(
      'insert_thing',
      `insert into ${svc.db.quotedTable('things')} (id) values ($1)
       on conflict (id) do nothing returning id`,
      1,
    );
    const [a, again, b] = ['a', 'a again', 'b'].map(storedEvent);
    expect(await svc.outbox.run(insert, ['a'], svc.outbox.row(a!))).toBe(1);
    expect(svc.wakes.count).toBe(1);
    expect(await svc.outbox.run(insert, ['a'], svc.outbox.row(again!))).toBe(0);
    expect(svc.wakes.count).toBe(1);
    await svc.outbox.transaction(async (trx) => {
      expect(await svc.outbox.run(insert, ['b'], svc.outbox.row(b!), trx)).toBe(1);
      expect(svc.wakes.count).toBe(1);
    });
    expect(svc.wakes.count).toBe(2);
    const pending: Array<{ event_id: string }> = await svc.db
      .table('outbox_pending')
      .orderBy('id')
      .select('event_id');
    expect(pending.map((r) => r.event_id)).toEqual([a!.event_id, b!.event_id]);
  });

  it("writes a statement's rows and its events together, in order, the events only when its guard returned a row", async () => {
    const svc = await service();
    await svc.db.knex.raw('create table ?? (id text primary key)', [svc.db.qualified('things')]);
    const things = svc.db.quotedTable('things');
    const insert = svc.outbox.withEventWhen('insert_things_when', {
      ctes: `ins as (insert into ${things} (id) select $1 where $3::boolean returning id),
             more as (insert into ${things} (id) select $2 where exists (select from ins))`,
      when: 'ins',
      select: 'select id from ins',
      valueCount: 3,
    });
    const [refused, taken, second, third] = ['refused', 'taken', 'second', 'third'].map(
      storedEvent,
    );
    const rows = (...events: Array<typeof taken>) => events.map((e) => svc.outbox.row(e!));
    expect(await svc.outbox.runReturning(insert, ['a', 'a2', false], rows(refused))).toEqual([]);
    expect(svc.wakes.count).toBe(0);
    expect(
      await svc.outbox.runReturning(insert, ['b', 'b2', true], rows(taken, second, third)),
    ).toEqual([{ id: 'b' }]);
    expect(svc.wakes.count).toBe(1);
    await expect(svc.outbox.runReturning(insert, ['c'], rows(taken))).rejects.toThrow(
      'takes 3 values',
    );
    const ids: Array<{ id: string }> = await svc.db.table('things').orderBy('id').select('id');
    expect(ids.map((r) => r.id)).toEqual(['b', 'b2']);
    const pending: Array<{ event_id: string }> = await svc.db
      .table('outbox_pending')
      .orderBy('id')
      .select('event_id');
    // In the order given (the outbox's ids, and so publication, follow it).
    expect(pending.map((r) => r.event_id)).toEqual([taken, second, third].map((e) => e!.event_id));
  });

  it('stops the relay promptly, even right after start()', async () => {
    const svc = await service();
    const relay = new OutboxRelay({
      db: svc.db,
      eventLog: stack!.eventLog,
      logger: svc.logger,
      idlePollMs: 60_000,
    });
    relay.start();
    await within(5_000, 'relay.stop() right after start()', relay.stop());
  });

  it('publishes in write order and moves its cursor past what it published', async () => {
    const svc = await service();
    // Texts JSON can write more than one way: the stored envelope must be the very bytes written.
    const events = ['first', 'second', 'third'].map((label) =>
      storedEventBy(label, `${label} \u00e9 \u2014 \ud83d\ude00 \u2028 "quoted" \\ / \u0001`),
    );
    await svc.commit(events.slice(0, 2));
    await svc.commit(events.slice(2));
    expect(await drainCount(svc.relay, 3)).toBe(3);
    expect(await svc.relay.drain()).toBe(0);

    const records = await svc.read(svc.topics.stream);
    const onTopic = await records.until(3, wait, 'the three events on the stream');
    expect(onTopic.map((r) => r.headers['crucible-event-id'])).toEqual(
      events.map((e) => e.event_id),
    );
    expect(onTopic.map((r) => r.headers['crucible-event-type'])).toEqual(
      events.map(() => 'components.component_stored'),
    );
    // Each record is the envelope as the service wrote it, byte for byte.
    expect(onTopic.map((r) => Buffer.from(r.value).toString('utf8'))).toEqual(
      events.map((e) => JSON.stringify(e)),
    );
    expect(JSON.parse(Buffer.from(onTopic[0]!.value).toString('utf8'))).toEqual(events[0]);
    const [relayRow] = await svc.db.table('outbox_relay').select('published');
    expect(Number(relayRow.published)).toBe(3);
    expect(Number((await svc.db.table('outbox').count({ n: '*' }))[0]?.n)).toBe(3);
  });

  (target.concurrentTransactions ? it : it.skip)(
    'holds back a later commit while an earlier transaction is open, so nothing is skipped',
    // Skipped on PGlite (one session): no statement runs while a transaction is open.
    async () => {
      const svc = await service();
      const early = storedEvent('written first, committed last');
      const late = storedEvent('written second, committed first');
      const written = gate();
      const commitEarly = gate();
      const earlyCommitted = svc.outbox.transaction(async (trx) => {
        await svc.outbox.write([svc.outbox.row(early)], trx);
        written.open();
        await commitEarly.opened;
      });
      try {
        await within(5_000, 'the early row to be written', written.opened);
        await svc.commit([late]);
        // The late row is committed but behind an open transaction: not yet final.
        expect(await svc.relay.drain()).toBe(0);
      } finally {
        commitEarly.open();
        await earlyCommitted;
      }
      expect(await drainCount(svc.relay, 2)).toBe(2);
      const records = await svc.read(svc.topics.stream);
      const onTopic = await records.until(2, wait, 'both events on the stream');
      expect(onTopic.map((r) => r.headers['crucible-event-id'])).toEqual([
        early.event_id,
        late.event_id,
      ]);
    },
  );

  it('lets one relay publish at a time: a second waits until the first gives its lease up', async () => {
    const svc = await service();
    const second = new OutboxRelay({ db: svc.db, eventLog: stack!.eventLog, logger: svc.logger });
    await svc.commit([storedEvent('to the first relay')]);
    expect(await drainCount(svc.relay, 1)).toBe(1);
    await svc.commit([storedEvent('while the first holds the lease')]);
    expect(await second.drain()).toBe(0);

    await svc.relay.stop();
    expect(await drainCount(second, 1)).toBe(1);
    await second.stop();
  });

  it('takes the lease over from a relay that stopped without giving it up, once it expires', async () => {
    const svc = await service();
    const options = { db: svc.db, eventLog: stack!.eventLog, logger: svc.logger, leaseMs: 300 };
    const dead = new OutboxRelay(options);
    const heir = new OutboxRelay(options);
    await svc.commit([storedEvent('before the crash')]);
    expect(await drainCount(dead, 1)).toBe(1);
    // `dead` never runs again and never calls stop().
    await svc.commit([storedEvent('after the crash')]);
    expect(await heir.drain()).toBe(0);
    await new Promise((resolve) => setTimeout(resolve, 400));
    expect(await drainCount(heir, 1)).toBe(1);
    const [lease] = await svc.db.table('outbox_relay').select('holder');
    expect(lease.holder).toBe(heir.holder);
    await heir.stop();
  });

  it("hands the relay over within a second when the lock holder's session drops (real Postgres)", async () => {
    // PGlite has one session: its relays rely on the lease alone (above).
    if (!stack!.database.advisoryLock) return;
    const svc = await service();
    const options = {
      db: svc.db,
      eventLog: stack!.eventLog,
      logger: svc.logger,
      sessionLock: true,
      idlePollMs: 100,
    };
    const dead = new OutboxRelay(options);
    const heir = new OutboxRelay(options);
    await svc.commit([storedEvent('before the crash')]);
    expect(await drainCount(dead, 1)).toBe(1);
    await svc.commit([storedEvent('after the crash')]);
    // The lock holder lives: its lease (10 s) is fresh and its lock held.
    expect(await heir.drain()).toBe(0);
    // Its connection drops, as when its process is killed: the server ends the session.
    await svc.db.knex.raw(
      `select pg_terminate_backend(pid) from pg_locks
        where locktype = 'advisory' and database = (select oid from pg_database where datname = current_database())
          and granted and objid = hashtext(?)::oid`,
      [`crucible.outbox_relay.${svc.db.schema}`],
    );
    const started = Date.now();
    expect(await drainCount(heir, 1, 5_000)).toBe(1);
    expect(Date.now() - started).toBeLessThan(1_500);
    const [lease] = await svc.db.table('outbox_relay').select('holder');
    expect(lease.holder).toBe(heir.holder);
    await heir.stop();
    await dead.stop().catch(() => undefined);
  });

  it('publishes nothing for a rolled-back transaction', async () => {
    const svc = await service();
    const rolledBack = storedEvent('rolled back');
    await expect(
      svc.outbox.transaction(async (trx) => {
        await svc.outbox.write([svc.outbox.row(rolledBack)], trx);
        throw new Error('the service transaction fails after writing the outbox');
      }),
    ).rejects.toThrow('the service transaction fails');
    expect(await svc.relay.drain()).toBe(0);

    // The next committed event is the first record on the topic.
    const committed = storedEvent('committed after');
    await svc.commit([committed]);
    expect(await drainCount(svc.relay, 1)).toBe(1);
    const records = await svc.read(svc.topics.stream);
    const [first] = await records.until(1, wait, 'the first record on the stream');
    expect(first!.headers['crucible-event-id']).toBe(committed.event_id);
  });

  it('applies an event once when the relay publishes it twice', async () => {
    const svc = await service();
    const event = storedEvent('twice');
    await svc.commit([event]);
    expect(await drainCount(svc.relay, 1)).toBe(1);
    // A crash between publishing and moving the cursor: the cursor is where it was.
    await svc.db.table('outbox_relay').update({ last_tx: '0', last_id: 0 });
    expect(await drainCount(svc.relay, 1)).toBe(1);
    const marker = storedEvent('marker');
    await svc.commit([marker]);
    expect(await drainCount(svc.relay, 1)).toBe(1);

    const records = await svc.read(svc.topics.stream);
    const onTopic = await records.until(3, wait, 'both copies and the marker on the stream');
    expect(onTopic.map((r) => r.headers['crucible-event-id'])).toEqual([
      event.event_id,
      event.event_id,
      marker.event_id,
    ]);

    const { applied, invocations } = await svc.consume();
    // Records are handled in order: once the marker is applied, the duplicate was seen.
    await applied.until(2, wait, 'the event and the marker to be applied');
    expect(invocations.items).toEqual([event.event_id, marker.event_id]);
    expect(await svc.processed()).toEqual([event.event_id, marker.event_id].sort());
  });

  it('dead-letters records it cannot process, with the reason, and moves on', async () => {
    const svc = await service();
    const valid = storedEvent('valid');
    const future = { ...storedEvent('future'), schema_version: 99 };
    const badData = {
      ...storedEvent('bad data'),
      data: { kind: 'environment', hash: 'zz', size_bytes: -1 },
    };
    const raw = (key: string, value: string) => ({
      key,
      value: Buffer.from(value),
      headers: { 'x-case': key },
    });
    await stack!.eventLog.publish(svc.topics.stream, [
      raw('malformed', '{"event_id": '),
      raw('envelope', JSON.stringify({ hello: 'world' })),
      raw('future', JSON.stringify(future)),
      raw('data', JSON.stringify(badData)),
    ]);
    await svc.commit([valid]);
    expect(await drainCount(svc.relay, 1)).toBe(1);

    const { applied } = await svc.consume();
    const dlq = await svc.read(svc.topics.dlq);
    expect(await applied.until(1, wait, 'the valid event after the bad ones')).toEqual([
      valid.event_id,
    ]);
    const parked = await dlq.until(4, wait, 'four dead letters');
    const bodies = parked.map((r) => ({
      key: r.key,
      header: r.headers['crucible-dead-letter-reason'],
      body: JSON.parse(Buffer.from(r.value).toString('utf8')) as Record<string, unknown>,
    }));
    expect(bodies.map((b) => [b.key, b.header, b.body.reason])).toEqual([
      ['malformed', 'malformed_json', 'malformed_json'],
      ['envelope', 'invalid_envelope', 'invalid_envelope'],
      ['future', 'unsupported_version', 'unsupported_version'],
      ['data', 'invalid_data', 'invalid_data'],
    ]);
    expect(bodies[0]!.body).toMatchObject({
      value: '{"event_id": ',
      source_topic: svc.topics.stream,
      consumer: 'platform.projector',
      headers: { 'x-case': 'malformed' },
    });
    expect(await svc.processed()).toEqual([valid.event_id]);
  });

  it("passes over a record whose type header names a type it does not handle, and still judges its own type's records", async () => {
    const svc = await service();
    const valid = storedEvent('after the others');
    const record = (key: string, type: string, value: string) => ({
      key,
      value: Buffer.from(value),
      headers: { [EVENT_TYPE_HEADER]: type, 'x-case': key },
    });
    await stack!.eventLog.publish(svc.topics.stream, [
      // Another consumer's type: not decoded here, so not dead-lettered here either.
      record('other-type', 'names.name_moved', '{"event_id": '),
      // Its own type: decoded and judged as every record was before.
      record('own-type', STORED, '{"event_id": '),
    ]);
    await svc.commit([valid]);
    expect(await drainCount(svc.relay, 1)).toBe(1);

    const { applied } = await svc.consume();
    const dlq = await svc.read(svc.topics.dlq);
    expect(await applied.until(1, wait, 'the valid event after the two records')).toEqual([
      valid.event_id,
    ]);
    // Records are handled in order: once the valid event is applied, both were seen.
    const parked = await dlq.until(1, wait, 'the bad record of its own type');
    expect(parked.map((r) => [r.key, r.headers['crucible-dead-letter-reason']])).toEqual([
      ['own-type', 'malformed_json'],
    ]);
    expect(await svc.processed()).toEqual([valid.event_id]);
  });

  it('dead-letters an event whose handler keeps failing with a non-retryable error', async () => {
    const svc = await service();
    const poison = storedEvent('poison');
    const after = storedEvent('after the poison');
    await svc.commit([poison, after]);
    expect(await drainCount(svc.relay, 2)).toBe(2);

    const { applied, invocations } = await svc.consume(
      (event) =>
        event.event_id === poison.event_id
          ? Promise.reject(conflict('this component conflicts forever'))
          : Promise.resolve(),
      3,
    );
    const dlq = await svc.read(svc.topics.dlq);

    expect(await applied.until(1, wait, 'the event after the poison')).toEqual([after.event_id]);
    expect(invocations.items).toEqual([
      poison.event_id,
      poison.event_id,
      poison.event_id,
      after.event_id,
    ]);
    const [parked] = await dlq.until(1, wait, 'the poison event on the dead-letter topic');
    const body = JSON.parse(Buffer.from(parked!.value).toString('utf8')) as Record<string, unknown>;
    expect(body).toMatchObject({ reason: 'handler_failed', source_topic: svc.topics.stream });
    expect(body.message).toContain('conflict');
    expect(JSON.parse(body.value as string)).toMatchObject({ event_id: poison.event_id });
    expect(await svc.processed()).toEqual([after.event_id]);
  });

  it('keeps retrying a handler that fails for a passing reason, never dead-letters it', async () => {
    const svc = await service();
    const flaky = storedEvent('flaky');
    await svc.commit([flaky]);
    expect(await drainCount(svc.relay, 1)).toBe(1);

    // Fails more often than maxAttempts (3) with errors that retrying can fix:
    // an unexpected one (as a database outage raises) and an unavailable service.
    let calls = 0;
    const { applied, invocations } = await svc.consume(() => {
      calls++;
      if (calls <= 2) return Promise.reject(new Error('connection terminated unexpectedly'));
      if (calls <= 4) return Promise.reject(unavailable('scenarios service not answering'));
      return Promise.resolve();
    }, 3);

    // Dead-lettering after 3 attempts would have stopped at 3 invocations and never applied it.
    expect(await applied.until(1, wait, 'the flaky event applied')).toEqual([flaky.event_id]);
    expect(invocations.items).toHaveLength(5);
    expect(await svc.processed()).toEqual([flaky.event_id]);
  });

  it('continues the trace of the request that enqueued the event', async () => {
    const svc = await service();
    spans.reset();
    const event = storedEvent('traced');
    const request = await telemetry.tracer.startActiveSpan(
      'handle put_environment',
      async (span) => {
        try {
          await svc.commit([event]);
          return span.spanContext();
        } finally {
          span.end();
        }
      },
    );
    // Published and consumed outside the request's context: only the headers carry it.
    expect(await drainCount(svc.relay, 1)).toBe(1);
    const { applied } = await svc.consume();
    await applied.until(1, wait, 'the traced event to be applied');
    await within(5_000, 'span export', telemetry.forceFlush());

    const finished = spans.getFinishedSpans();
    const producer = finished.find((s) => s.name === `send ${svc.topics.stream}`);
    const consumer = finished.find((s) => s.name === `process ${svc.topics.stream}`);
    expect(producer).toBeDefined();
    expect(consumer).toBeDefined();
    // The messaging conventions' attributes (docs/telemetry.md, "Messaging attributes").
    expect(producer!.kind).toBe(SpanKind.PRODUCER);
    expect(producer!.attributes).toEqual({
      'messaging.system': 'kafka',
      'messaging.operation.type': 'send',
      'messaging.operation.name': 'send',
      'messaging.destination.name': svc.topics.stream,
      'messaging.message.id': event.event_id,
      'messaging.kafka.message.key': event.key,
      'crucible.event.type': 'components.component_stored',
    });
    expect(consumer!.kind).toBe(SpanKind.CONSUMER);
    expect(consumer!.attributes).toEqual({
      'messaging.system': 'kafka',
      'messaging.operation.type': 'process',
      'messaging.operation.name': 'process',
      'messaging.destination.name': svc.topics.stream,
      'messaging.consumer.group.name': expect.stringMatching(/\.platform\.projector$/),
      'messaging.destination.partition.id': expect.stringMatching(/^\d+$/),
      'messaging.kafka.message.key': event.key,
      'messaging.kafka.offset': expect.any(Number),
      'messaging.message.id': event.event_id,
      'crucible.event.type': 'components.component_stored',
    });
    expect(producer!.spanContext().traceId).toBe(request.traceId);
    expect(producer!.parentSpanContext?.spanId).toBe(request.spanId);
    expect(consumer!.spanContext().traceId).toBe(request.traceId);
    expect(consumer!.parentSpanContext?.spanId).toBe(producer!.spanContext().spanId);
  });
});

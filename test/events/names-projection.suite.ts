import { randomUUID } from 'node:crypto';
import { defaultCatalog, streamTopic, type NameMovedV2 } from '@crucible/contracts';
import { buildEvent } from '@crucible/messaging';
import { Kafka, logLevel } from 'kafkajs';
import { ok, type PlatformStack } from '../platform/stack';
import { testInfra } from '../support';
import { scenarioRequest, tag } from './fixtures';

const catalog = defaultCatalog();
const CONSUMER = 'names_projection';

/** A names.name_moved envelope as the names service would write it (event id overridable). */
function nameMoved(
  data: Omit<NameMovedV2, 'changed_at' | 'note' | 'actor'>,
  eventId = randomUUID(),
) {
  const event = buildEvent(
    catalog,
    'names.name_moved',
    { ...data, changed_at: new Date().toISOString(), note: null, actor: null },
    { source: 'names', key: data.name },
  );
  return { ...event, event_id: eventId };
}

type Envelope = ReturnType<typeof nameMoved>;

/** Polls `probe` every 100 ms until it returns true, failing after `timeoutMs`. */
async function eventually(what: string, probe: () => Promise<boolean>, timeoutMs = 20_000) {
  const deadline = Date.now() + timeoutMs;
  while (!(await probe())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms: ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/**
 * The scenarios service's only consumer, end to end: names.name_moved events
 * from the names stream's topic (moves made on the names service, and
 * records this test publishes itself to force an order or a redelivery)
 * reach get_scenario and the list filters; an older move never overwrites a
 * newer one; a redelivered event changes nothing.
 */
export function describeNamesProjection(kind: string, start: () => Promise<PlatformStack>): void {
  describe(`the scenarios service's names projection (${kind})`, () => {
    let stack: PlatformStack;
    let publish: (envelopes: Envelope[]) => Promise<void>;
    let closePublisher = (): Promise<void> => Promise.resolve();

    beforeAll(async () => {
      stack = await start();
      const topic = streamTopic(stack.infra.prefix, 'names');
      const records = (envelopes: Envelope[]) =>
        envelopes.map((envelope) => ({
          key: envelope.key,
          value: Buffer.from(JSON.stringify(envelope)),
          headers: { 'crucible-event-id': envelope.event_id, 'crucible-event-type': envelope.type },
        }));
      if (stack.kind === 'real') {
        // A plain kafkajs producer: records on the topic as any producer would put them.
        const producer = new Kafka({
          clientId: 'crucible-test-projection',
          brokers: [...testInfra().kafkaBrokers],
          logLevel: logLevel.NOTHING,
        }).producer();
        await producer.connect();
        publish = async (envelopes) => {
          await producer.send({ topic, messages: records(envelopes) });
        };
        closePublisher = () => producer.disconnect();
      } else {
        publish = (envelopes) => stack.infra.eventLog.publish(topic, records(envelopes));
      }
    }, 90_000);

    afterAll(async () => {
      await closePublisher();
      await stack?.stop();
    }, 60_000);

    async function scenario(slug: string): Promise<string> {
      const body = await ok(
        stack,
        'assemble_scenario',
        scenarioRequest(tag(), { scenario_slug: slug }),
      );
      return body.scenario_hash as string;
    }

    async function namesOf(hash: string): Promise<string[]> {
      return ((await ok(stack, 'get_scenario', { hash })).names as string[]).sort();
    }

    async function listed(slug: string, hasName: boolean): Promise<string[]> {
      const body = await ok(stack, 'list_scenarios', {
        filter: { scenario_slug: slug, has_name: hasName },
      });
      return (body.scenarios as Array<{ hash: string }>).map((s) => s.hash).sort();
    }

    async function processed(eventId: string): Promise<number> {
      const rows = await stack.infra
        .knex('scenarios.processed_events')
        .where({ consumer: CONSUMER, event_id: eventId })
        .count<Array<{ n: string }>>({ n: '*' });
      return Number(rows[0]?.n ?? 0);
    }

    async function projected(name: string) {
      const row = await stack.infra
        .knex<{ name: string; hash: string | null; history_id: string; updated_at: Date }>(
          'scenarios.names_projection',
        )
        .where({ name })
        .first('hash', 'history_id', 'updated_at');
      return row && { ...row, history_id: Number(row.history_id) };
    }

    /**
     * Publishes a fresh event of another name and waits until it is applied:
     * everything published before it has been handled (one partition, in order).
     */
    async function barrier(): Promise<void> {
      const sentinel = nameMoved({
        name: `sentinel-${tag()}`,
        old_hash: null,
        new_hash: null,
        history_id: 1,
      });
      await publish([sentinel]);
      await eventually(
        'the sentinel event is applied',
        async () => (await processed(sentinel.event_id)) === 1,
      );
    }

    it('shows a name moved on the names service in get_scenario and the list filters', async () => {
      const slug = `projection_${tag()}`;
      const [a, b] = [await scenario(slug), await scenario(slug)];
      const name = `moved-${tag()}`;
      expect(await listed(slug, true)).toEqual([]);

      await ok(stack, 'set_scenario_name', { name, hash: a });
      await eventually(`${name} shows on ${a}`, async () => (await namesOf(a)).includes(name));
      expect(await listed(slug, true)).toEqual([a]);
      expect(await listed(slug, false)).toEqual([b]);

      await ok(stack, 'set_scenario_name', { name, hash: b, expected_current_hash: a });
      await eventually(`${name} moves to ${b}`, async () => (await namesOf(b)).includes(name));
      expect(await namesOf(a)).toEqual([]);
      expect(await listed(slug, true)).toEqual([b]);
      expect(await listed(slug, false)).toEqual([a]);

      await ok(stack, 'unset_scenario_name', { name });
      await eventually(`${name} is gone`, async () => (await namesOf(b)).length === 0);
      expect(await listed(slug, true)).toEqual([]);
      expect((await listed(slug, false)).length).toBe(2);

      // Two names on one scenario, moved together.
      const [x, y] = [`pair-${tag()}`, `pair-${tag()}`];
      await ok(stack, 'update_scenario_names', {
        updates: [
          { name: x, hash: a },
          { name: y, hash: a },
        ],
      });
      await eventually('both names show', async () => (await namesOf(a)).length === 2);
      expect(await namesOf(a)).toEqual([x, y].sort());
    }, 90_000);

    it('never lets an older move, delivered after a newer one, overwrite it', async () => {
      const slug = `projection_${tag()}`;
      const [older, newer] = [await scenario(slug), await scenario(slug)];
      const name = `ordered-${tag()}`;
      const second = nameMoved({ name, old_hash: older, new_hash: newer, history_id: 20 });
      const first = nameMoved({ name, old_hash: null, new_hash: older, history_id: 10 });
      // Newer first, then older, as a partition of another ordering could deliver them.
      await publish([second]);
      await publish([first]);
      await eventually('both moves are handled', async () => {
        return (await processed(second.event_id)) === 1 && (await processed(first.event_id)) === 1;
      });
      expect(await projected(name)).toMatchObject({ hash: newer, history_id: 20 });
      expect(await namesOf(newer)).toEqual([name]);
      expect(await namesOf(older)).toEqual([]);
      expect(await listed(slug, true)).toEqual([newer]);

      // An older removal does not remove it either; a newer one does.
      await publish([nameMoved({ name, old_hash: newer, new_hash: null, history_id: 15 })]);
      await barrier();
      expect(await namesOf(newer)).toEqual([name]);
      await publish([nameMoved({ name, old_hash: newer, new_hash: null, history_id: 21 })]);
      await barrier();
      expect(await namesOf(newer)).toEqual([]);
      expect(await projected(name)).toMatchObject({ hash: null, history_id: 21 });
    }, 90_000);

    it('changes nothing when an event is delivered again', async () => {
      const slug = `projection_${tag()}`;
      const [a, b] = [await scenario(slug), await scenario(slug)];
      const name = `redelivered-${tag()}`;
      const event = nameMoved({ name, old_hash: null, new_hash: a, history_id: 30 });
      await publish([event]);
      await eventually('the event is applied', async () => (await processed(event.event_id)) === 1);
      const applied = await projected(name);
      expect(applied).toMatchObject({ hash: a, history_id: 30 });

      // The same record again, and a record reusing its event id with a
      // newer move: both are the same event to the consumer, already applied.
      await publish([event]);
      await publish([{ ...event, data: { ...event.data, new_hash: b, history_id: 31 } }]);
      await barrier();
      expect(await processed(event.event_id)).toBe(1);
      expect(await projected(name)).toEqual(applied);
      expect(await namesOf(a)).toEqual([name]);
      expect(await namesOf(b)).toEqual([]);
    }, 90_000);
  });
}

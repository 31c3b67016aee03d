import { streamTopic, type EventType } from '@crucible/contracts';
import { textComponentHash } from '@crucible/hashing';
import { buildEvent } from '@crucible/messaging';
import type { PlatformStack } from '../platform/stack';
import {
  http,
  openEventLogStreamReader,
  openKafkaStreamReader,
  testInfra,
  type StreamReader,
} from '../support';
import {
  checkRecord,
  requestId,
  type Call,
  type EventTest,
  type EventTestContext,
  type SeenEvent,
  type StreamName,
} from './event-test';
import { EVENT_TESTS } from './event-tests';
import { feedbackDeployment, scenarioRequest, tag } from './fixtures';

const STREAMS: readonly StreamName[] = [
  'components',
  'scenarios',
  'names',
  'worlds',
  'worlds_audit',
  'evaluation',
  'evaluation_feedback',
  'governance',
];

/**
 * Every entry of EVENT_TESTS on one platform stack: on real servers the
 * streams are read from Kafka with a plain kafkajs consumer, embedded from
 * the event log's Postgres tables.
 */
export function describeEventTests(kind: string, start: () => Promise<PlatformStack>): void {
  describe(`events of every stream (${kind})`, () => {
    let stack: PlatformStack | undefined;
    const readers = new Map<StreamName, StreamReader>();
    let barrierScenario: string | undefined;
    let barrierDeployment: string | undefined;

    beforeAll(async () => {
      stack = await start();
      for (const stream of STREAMS) {
        const topics = [streamTopic(stack.infra.prefix, stream)];
        readers.set(
          stream,
          stack.kind === 'real'
            ? await openKafkaStreamReader(testInfra().kafkaBrokers, topics)
            : await openEventLogStreamReader(stack.infra.eventLog, topics),
        );
      }
    }, 90_000);

    afterAll(async () => {
      for (const reader of readers.values()) await reader.stop();
      await stack?.stop();
    }, 60_000);

    function context(covered: Set<EventType>): EventTestContext {
      if (!stack) throw new Error('the stack did not start');
      const s = stack;
      const call = async (operation: string, request: unknown): Promise<Call> => {
        const id = requestId();
        const { status, body } = await http(`${s.url}/v1/ops/${operation}`, 'POST', request, {
          'x-request-id': id,
        });
        return { status, body, requestId: id };
      };
      const ok = async (operation: string, request: unknown): Promise<Call> => {
        const result = await call(operation, request);
        if (result.status !== 200)
          throw new Error(`${operation} answered ${result.status}: ${JSON.stringify(result.body)}`);
        return result;
      };

      /** A write through `stream`'s service whose event must arrive; resolves once it has. */
      async function barrier(stream: StreamName): Promise<void> {
        const reader = readers.get(stream);
        if (!reader) throw new Error(`no reader for ${stream}`);
        let key: string;
        switch (stream) {
          case 'components': {
            const content = `Barrier room ${tag()}.`;
            await ok('put_environment', { content });
            key = textComponentHash(content);
            break;
          }
          case 'scenarios':
            key = (await ok('assemble_scenario', scenarioRequest(tag()))).body.scenario_hash;
            break;
          case 'names': {
            barrierScenario ??= (await ok('assemble_scenario', scenarioRequest(tag()))).body
              .scenario_hash as string;
            key = `barrier-${tag()}`;
            await ok('set_scenario_name', { name: key, hash: barrierScenario });
            break;
          }
          case 'worlds': {
            barrierScenario ??= (await ok('assemble_scenario', scenarioRequest(tag()))).body
              .scenario_hash as string;
            key = `barrier-${tag()}`;
            await ok('create_world', { slug: key, scenario_ref: { hash: barrierScenario } });
            break;
          }
          case 'worlds_audit': {
            // A turn of a world of its own: its audit events come after every earlier one.
            barrierScenario ??= (await ok('assemble_scenario', scenarioRequest(tag()))).body
              .scenario_hash as string;
            key = `barrier-${tag()}`;
            await ok('create_world', { slug: key, scenario_ref: { hash: barrierScenario } });
            await ok('run_turn', { world_slug: key });
            break;
          }
          case 'evaluation': {
            const project = await ok('create_project', { name: `barrier ${tag()}` });
            key = `project/${project.body.id}`;
            break;
          }
          case 'evaluation_feedback': {
            // Nothing of the platform writes this stream: the test publishes a
            // batch as a collecting tool would, on a deployment of its own.
            barrierDeployment ??= await feedbackDeployment(ok, `barrier_${tag()}`);
            key = `barrier-${tag()}`;
            const envelope = buildEvent(
              s.infra.catalog,
              'evaluation_feedback.feedback_submitted',
              { deployment_id: barrierDeployment, events: [{ id: key }] },
              { source: 'evaluation', key },
            );
            await s.infra.eventLog.publish(streamTopic(s.infra.prefix, stream), [
              {
                key,
                value: Buffer.from(JSON.stringify(envelope)),
                headers: {
                  'crucible-event-id': envelope.event_id,
                  'crucible-event-type': envelope.type,
                },
              },
            ]);
            break;
          }
          case 'governance':
            key = (
              await ok('create_directive', {
                issued_by: 'barrier',
                objective: `Barrier ${tag()}.`,
                scope: 'test',
                role: 'barrier',
                type: 'noop',
                status: 'draft',
              })
            ).body.directive.id as string;
            break;
        }
        // Generous: the first read also waits for the reader to join its group.
        await reader.waitFor(
          `the ${stream} barrier ${key}`,
          (record) => record.key === key,
          60_000,
        );
      }

      return {
        stack: s,
        call,
        ok,
        async events(stream, pick) {
          await barrier(stream);
          const reader = readers.get(stream);
          if (!reader) throw new Error(`no reader for ${stream}`);
          const picked: SeenEvent[] = [];
          for (const record of reader.records()) {
            const event = checkRecord(stream, record);
            if (pick(event)) picked.push(event);
          }
          for (const event of picked) covered.add(event.envelope.type as EventType);
          return picked;
        },
      };
    }

    it.each(EVENT_TESTS.map((test) => [`${test.type}: ${test.title}`, test] as const))(
      '%s',
      async (_title, test: EventTest) => {
        const covered = new Set<EventType>();
        await test.run(context(covered));
        // A test covers its type only if it read events of that type.
        expect([...covered]).toContain(test.type);
      },
      90_000,
    );
  });
}

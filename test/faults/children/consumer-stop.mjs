// A process with one Kafka consumer, driven over stdin by
// test/faults/kafka-consumer-stop.test.ts: it prints `subscribed`, then its
// consumer's state each time it changes (`state <name>`); on the line `stop`
// it stops the consumer and closes the log, prints `stopped`, and has nothing
// left to do: a process that does not exit now holds a handle it should not.
import { createInterface } from 'node:readline';
import { KafkaEventLog } from '@crucible/messaging';
import { memoryLogger } from '@crucible/telemetry';

const [brokers, topic, groupId] = process.argv.slice(2);
const log = new KafkaEventLog({
  brokers: brokers.split(','),
  clientId: groupId,
  // kafkajs logs each refused connection while the broker is down: kept, not printed.
  logger: memoryLogger('consumer-stop'),
});
await log.ensureTopics([topic]);
const handle = await log.subscribe({ groupId, topics: [topic] }, async () => undefined);
process.stdout.write('subscribed\n');

let last = '';
const watch = setInterval(() => {
  const { state } = handle.health();
  if (state !== last) process.stdout.write(`state ${state}\n`);
  last = state;
}, 100);

const input = createInterface({ input: process.stdin });
input.on('line', async (line) => {
  if (line.trim() !== 'stop') return;
  input.close();
  clearInterval(watch);
  await handle.stop();
  await log.close();
  process.stdout.write('stopped\n');
});

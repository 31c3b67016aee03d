import { Kafka, logLevel, type Admin } from 'kafkajs';

/** A topic to create: a name, or a name with its partition count (default 1). */
export type TopicSpec = string | { readonly topic: string; readonly numPartitions?: number };

const READY_TIMEOUT_MS = 15_000;
const POLL_MS = 100;

async function withAdmin<T>(
  brokers: readonly string[],
  use: (admin: Admin) => Promise<T>,
): Promise<T> {
  // Failures surface as rejections with their cause; kafkajs's own logging would only repeat them.
  const admin = new Kafka({
    clientId: 'crucible-test-support',
    brokers: [...brokers],
    logLevel: logLevel.NOTHING,
  }).admin();
  await admin.connect();
  try {
    return await use(admin);
  } finally {
    await admin.disconnect();
  }
}

async function pollUntil(what: string, done: () => Promise<boolean>): Promise<void> {
  const deadline = Date.now() + READY_TIMEOUT_MS;
  while (!(await done())) {
    if (Date.now() > deadline)
      throw new Error(`timed out after ${READY_TIMEOUT_MS / 1000}s waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
}

/**
 * Creates the topics (replication factor 1) and resolves once every
 * partition has a leader, so producing to them right away cannot fail with
 * LEADER_NOT_AVAILABLE. Fails if a topic already exists.
 */
export async function createKafkaTopics(
  brokers: readonly string[],
  topics: readonly TopicSpec[],
): Promise<void> {
  const specs = topics.map((spec) =>
    typeof spec === 'string' ? { topic: spec, numPartitions: 1 } : { numPartitions: 1, ...spec },
  );
  const names = specs.map((spec) => spec.topic);
  await withAdmin(brokers, async (admin) => {
    const created = await admin.createTopics({
      topics: specs.map((spec) => ({ ...spec, replicationFactor: 1 })),
      waitForLeaders: true,
      timeout: READY_TIMEOUT_MS,
    });
    if (!created) throw new Error(`createKafkaTopics: some of ${names.join(', ')} already exist`);
    await pollUntil(`leaders for ${names.join(', ')}`, async () => {
      const { topics: metadata } = await admin.fetchTopicMetadata({ topics: names });
      return metadata.every(
        (topic) =>
          topic.partitions.length > 0 &&
          topic.partitions.every((partition) => partition.leader >= 0),
      );
    });
  });
}

/** Deletes the topics (missing ones are ignored) and resolves once the broker no longer lists them. */
export async function deleteKafkaTopics(
  brokers: readonly string[],
  topics: readonly string[],
): Promise<void> {
  if (topics.length === 0) return;
  await withAdmin(brokers, async (admin) => {
    const existing = new Set(await admin.listTopics());
    const present = topics.filter((topic) => existing.has(topic));
    if (present.length === 0) return;
    await admin.deleteTopics({ topics: present, timeout: READY_TIMEOUT_MS });
    await pollUntil(`deletion of ${present.join(', ')}`, async () => {
      const remaining = new Set(await admin.listTopics());
      return present.every((topic) => !remaining.has(topic));
    });
  });
}

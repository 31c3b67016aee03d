// Apache Kafka for test runs. No Kafka distribution is installed on our
// machines, so the broker's jars come from Maven Central (test/infra/kafka/
// pom.xml) into .cache/kafka-<version>/libs, once per machine. Each broker
// runs in KRaft combined mode (broker + controller, one node) on free
// loopback ports, in its own instance folder; see instances.mjs for how
// brokers are owned, kept and cleaned up.
import { randomBytes, createHash } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import kafkajs from 'kafkajs';
import { discardInstance, newInstance, saveInstance } from './instances.mjs';
import { withFileLock } from './locks.mjs';
import { cacheDir, infraScriptsDir } from './paths.mjs';
import { freePort, LOOPBACK } from './ports.mjs';
import { currentProcess, isRunning, runCaptured, spawnDetached, tailOf } from './processes.mjs';
import { log } from './report.mjs';
import { StopWaiting, waitUntil } from './timing.mjs';

const { Kafka, logLevel } = kafkajs;

export const KAFKA_VERSION = '3.9.1';
const kafkaHome = path.join(cacheDir, `kafka-${KAFKA_VERSION}`);
const libsDir = path.join(kafkaHome, 'libs');
/** Written after a complete download; holds the hash of the POM it came from. */
const jarsCompleteMarker = path.join(kafkaHome, 'jars.complete');
const pomFile = path.join(infraScriptsDir, 'kafka', 'pom.xml');
const log4jFile = path.join(infraScriptsDir, 'kafka', 'log4j.properties');

const DOWNLOAD_TIMEOUT_MS = 15 * 60_000;
const FORMAT_TIMEOUT_MS = 60_000;
const READY_TIMEOUT_MS = 60_000;

// Small and light for a 2-core machine: a serial GC needs no GC threads, and
// a fixed small heap keeps several brokers (concurrent runs) affordable.
const BROKER_JVM_OPTIONS = [
  '-Xms256m',
  '-Xmx512m',
  '-XX:+UseSerialGC',
  '-XX:+ExitOnOutOfMemoryError',
  '-Djava.awt.headless=true',
];
// The storage formatter lives for a second: C1 only starts it fastest.
const TOOL_JVM_OPTIONS = [
  '-Xmx256m',
  '-XX:+UseSerialGC',
  '-XX:TieredStopAtLevel=1',
  '-Djava.awt.headless=true',
];

function pomHash() {
  return createHash('sha256').update(readFileSync(pomFile)).digest('hex');
}

function jarsPresent() {
  try {
    return readFileSync(jarsCompleteMarker, 'utf8').trim() === pomHash();
  } catch {
    return false;
  }
}

/**
 * Makes sure the broker jars are in the cache, downloading them with Maven
 * when missing or when the POM changed. Concurrent runs wait for one download.
 */
export async function ensureKafkaJars({ signal } = {}) {
  if (jarsPresent()) return { downloaded: false };
  return withFileLock(
    path.join(cacheDir, `kafka-${KAFKA_VERSION}.lock`),
    `the Kafka ${KAFKA_VERSION} jar download`,
    async () => {
      if (jarsPresent()) return { downloaded: false }; // another run finished it while we waited
      rmSync(libsDir, { recursive: true, force: true });
      rmSync(jarsCompleteMarker, { force: true });
      mkdirSync(libsDir, { recursive: true });
      log(
        `downloading Kafka ${KAFKA_VERSION} jars with Maven into ${path.relative(process.cwd(), libsDir) || libsDir}`,
      );
      await runCaptured(
        'mvn',
        [
          '-q',
          '-B',
          '-Dstyle.color=never',
          '-f',
          pomFile,
          'dependency:copy-dependencies',
          '-DincludeScope=runtime',
          `-DoutputDirectory=${libsDir}`,
        ],
        { timeoutMs: DOWNLOAD_TIMEOUT_MS, signal },
      );
      const brokerJar = `kafka_2.13-${KAFKA_VERSION}.jar`;
      const jars = readdirSync(libsDir).filter((name) => name.endsWith('.jar'));
      if (!jars.includes(brokerJar))
        throw new Error(`Maven finished but ${brokerJar} is not in ${libsDir}`);
      writeFileSync(jarsCompleteMarker, `${pomHash()}\n`);
      return { downloaded: true, jars: jars.length };
    },
    { timeoutMs: DOWNLOAD_TIMEOUT_MS, signal },
  );
}

function java(jvmOptions, instanceDir, mainClass, args) {
  return [
    ...jvmOptions,
    `-Dlog4j.configuration=file:${log4jFile}`,
    `-Dkafka.logs.dir=${path.join(instanceDir, 'logs')}`,
    '-cp',
    `${libsDir}/*`, // expanded by java itself: every jar in libs/
    mainClass,
    ...args,
  ];
}

function serverProperties({ port, controllerPort, dataDir }) {
  return `# Written by test/infra/kafka.mjs: a single-node KRaft broker for tests.
process.roles=broker,controller
node.id=1
controller.quorum.voters=1@${LOOPBACK}:${controllerPort}
listeners=PLAINTEXT://${LOOPBACK}:${port},CONTROLLER://${LOOPBACK}:${controllerPort}
advertised.listeners=PLAINTEXT://${LOOPBACK}:${port}
controller.listener.names=CONTROLLER
inter.broker.listener.name=PLAINTEXT
listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT
log.dirs=${dataDir}
# One node: every replication factor and ISR is 1.
num.partitions=1
default.replication.factor=1
min.insync.replicas=1
offsets.topic.replication.factor=1
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
# Internal topics with one partition are created in a blink.
offsets.topic.num.partitions=1
transaction.state.log.num.partitions=1
# Tests create their topics explicitly (test/support) and join groups at once.
auto.create.topics.enable=false
group.initial.rebalance.delay.ms=0
# Few threads: this shares 2 cores with the services under test.
num.network.threads=2
num.io.threads=2
background.threads=2
num.recovery.threads.per.data.dir=1
log.cleaner.threads=1
`;
}

/**
 * A KRaft cluster id: 16 random bytes, URL-safe base64 without padding, as
 * `StorageTool random-uuid` prints. Like Kafka's Uuid.randomUuid(), never one
 * starting with '-': StorageTool would parse it as an option (seen: 1 start in 16).
 */
function newClusterId() {
  for (;;) {
    const id = randomBytes(16).toString('base64url');
    if (!id.startsWith('-')) return id;
  }
}

/**
 * True if a broker answers a metadata request at `brokers` within
 * `timeoutMs`. With `groupCoordinator`, it must also answer FindCoordinator,
 * which creates __consumer_offsets on a new broker: done once at start-up,
 * so the first consumer group of a test does not wait for it.
 */
export async function kafkaAnswers(brokers, { timeoutMs = 3_000, groupCoordinator = false } = {}) {
  const kafka = new Kafka({
    clientId: 'crucible-infra-probe',
    brokers,
    logLevel: logLevel.NOTHING,
    connectionTimeout: Math.min(timeoutMs, 1_000),
    requestTimeout: timeoutMs,
    retry: { retries: 0 },
  });
  const admin = kafka.admin();
  try {
    await admin.connect();
    await admin.listTopics();
    if (groupCoordinator) await admin.describeGroups(['crucible-infra-probe']);
    return true;
  } catch {
    return false;
  } finally {
    await admin.disconnect().catch(() => {});
  }
}

/**
 * Starts a broker on free ports and resolves once it answers `listTopics()`.
 * The instance is owned by `owner` (this process unless kept); stop it with
 * `discardInstance`. On failure the broker is stopped and the error carries
 * the tail of its logs.
 */
export async function startKafka({ signal, owner = currentProcess() } = {}) {
  for (let attempt = 1; ; attempt += 1) {
    const record = newInstance('kafka', owner);
    const [port, controllerPort] = await distinctFreePorts(2);
    const dataDir = path.join(record.dir, 'data');
    const logsDir = path.join(record.dir, 'logs');
    const propertiesFile = path.join(record.dir, 'server.properties');
    const stdoutFile = path.join(logsDir, 'stdout.log');
    const brokers = [`${LOOPBACK}:${port}`];
    mkdirSync(logsDir, { recursive: true });
    writeFileSync(propertiesFile, serverProperties({ port, controllerPort, dataDir }));
    Object.assign(record, {
      ports: { broker: port, controller: controllerPort },
      endpoint: brokers.join(','),
      dataDir,
    });
    saveInstance(record);
    const logTails = () =>
      `--- ${path.join(logsDir, 'server.log')} ---\n${tailOf(path.join(logsDir, 'server.log'))}\n--- ${stdoutFile} ---\n${tailOf(stdoutFile)}`;
    try {
      await runCaptured(
        'java',
        java(TOOL_JVM_OPTIONS, record.dir, 'kafka.tools.StorageTool', [
          'format',
          '-t',
          newClusterId(),
          '-c',
          propertiesFile,
          '--ignore-formatted',
        ]),
        {
          cwd: record.dir,
          timeoutMs: FORMAT_TIMEOUT_MS,
          signal,
        },
      );
      signal?.throwIfAborted();
      Object.assign(
        record,
        await spawnDetached({
          command: 'java',
          args: java(BROKER_JVM_OPTIONS, record.dir, 'kafka.Kafka', [propertiesFile]),
          cwd: record.dir,
          logFile: stdoutFile,
        }),
      );
      saveInstance(record);
      await waitUntil(
        `the Kafka broker on ${brokers[0]} to answer listTopics() and FindCoordinator`,
        async () => {
          if (!isRunning(record)) throw new StopWaiting(`the Kafka broker exited during start-up`);
          return kafkaAnswers(brokers, { timeoutMs: 2_000, groupCoordinator: true });
        },
        { timeoutMs: READY_TIMEOUT_MS, intervalMs: 250, signal },
      );
      return record;
    } catch (error) {
      const portTaken = /BindException|Address already in use/.test(
        `${tailOf(stdoutFile, 200)}${tailOf(path.join(logsDir, 'server.log'), 200)}`,
      );
      const tails = logTails();
      await discardInstance(record);
      if (portTaken && attempt < 3) {
        log(`Kafka ports ${port}/${controllerPort} were taken meanwhile; retrying on new ports`);
        continue;
      }
      if (signal?.aborted) throw error;
      throw new Error(`${error.message}\n${tails}`, { cause: error });
    }
  }
}

async function distinctFreePorts(count) {
  const ports = new Set();
  while (ports.size < count) ports.add(await freePort());
  return [...ports];
}

/** Is `record` a broker we can reuse: the same process still runs AND it answers? */
export async function kafkaInstanceUsable(record) {
  return Boolean(record && isRunning(record) && (await kafkaAnswers(record.endpoint.split(','))));
}

/**
 * Kills a broker this process started (SIGKILL: gone as in a crash), keeping
 * its data, ports and record so `restartKafkaBroker` brings it back. Only
 * for a broker of a test's own (test/faults): the run's broker is shared.
 */
export async function killKafkaBroker(record) {
  if (!isRunning(record)) return;
  process.kill(record.pid, 'SIGKILL');
  await waitUntil(`Kafka pid ${record.pid} to die`, () => !isRunning(record), {
    timeoutMs: 10_000,
    intervalMs: 50,
  });
}

/** Starts a killed broker again on its ports and data; resolves once it answers. */
export async function restartKafkaBroker(record, { signal } = {}) {
  const propertiesFile = path.join(record.dir, 'server.properties');
  const stdoutFile = path.join(record.dir, 'logs', 'stdout.log');
  Object.assign(
    record,
    await spawnDetached({
      command: 'java',
      args: java(BROKER_JVM_OPTIONS, record.dir, 'kafka.Kafka', [propertiesFile]),
      cwd: record.dir,
      logFile: stdoutFile,
    }),
  );
  saveInstance(record);
  const brokers = record.endpoint.split(',');
  await waitUntil(
    `the Kafka broker on ${brokers[0]} to answer again`,
    async () => {
      if (!isRunning(record))
        throw new StopWaiting(`the Kafka broker exited on restart:\n${tailOf(stdoutFile)}`);
      return kafkaAnswers(brokers, { timeoutMs: 2_000, groupCoordinator: true });
    },
    { timeoutMs: READY_TIMEOUT_MS, intervalMs: 250, signal },
  );
  return record;
}

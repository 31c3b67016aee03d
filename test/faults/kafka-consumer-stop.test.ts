// A consumer stopped while its broker is down lets its process exit. kafkajs
// keeps a restart timer and a retry loop that outlive disconnect() (kafkajs
// issue #1147); a service stopped in that state kept reconnecting to a broker
// that was gone, and its process (a whole jest run, once) never exited. The
// consumer runs in a child process (test/faults/children/consumer-stop.mjs),
// so "exits" is what is measured; the broker is the test's own.
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { uniqueName } from '../support';

jest.setTimeout(180_000);

interface KafkaRecord {
  readonly endpoint: string;
}
interface KafkaInfra {
  startKafka: () => Promise<KafkaRecord>;
  killKafkaBroker: (record: KafkaRecord) => Promise<void>;
}
interface Instances {
  discardInstance: (record: KafkaRecord) => Promise<unknown>;
}
const infraModule = (name: string) =>
  import(pathToFileURL(join(__dirname, '..', 'infra', name)).href);

/** The child's stdout lines so far, and a way to wait for one. */
function linesOf(child: ChildProcess) {
  const lines: string[] = [];
  let buffered = '';
  child.stdout!.on('data', (chunk: Buffer) => {
    buffered += chunk.toString('utf8');
    const parts = buffered.split('\n');
    buffered = parts.pop()!;
    lines.push(...parts);
  });
  const waitFor = async (line: string, timeoutMs: number) => {
    const deadline = Date.now() + timeoutMs;
    while (!lines.includes(line)) {
      if (child.exitCode !== null) throw new Error(`child exited before printing "${line}"`);
      if (Date.now() > deadline)
        throw new Error(`no "${line}" within ${timeoutMs} ms; printed: ${lines.join(' | ')}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  };
  return { lines, waitFor };
}

describe('a Kafka consumer stopped while its broker is down', () => {
  it('stops trying to reconnect: its process exits', async () => {
    const kafka = (await infraModule('kafka.mjs')) as KafkaInfra;
    const instances = (await infraModule('instances.mjs')) as Instances;
    const broker = await kafka.startKafka();
    let child: ChildProcess | undefined;
    let stderr = '';
    try {
      child = spawn(
        process.execPath,
        [
          join(__dirname, 'children', 'consumer-stop.mjs'),
          broker.endpoint,
          uniqueName('stop_topic'),
          uniqueName('stop_group'),
        ],
        { stdio: ['pipe', 'pipe', 'pipe'] },
      );
      child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
      const exited = new Promise<number | null>((resolve) => child!.once('exit', resolve));
      const { waitFor } = linesOf(child);
      await waitFor('state running', 60_000);

      await kafka.killKafkaBroker(broker);
      // Its heartbeats fail, its retries run out, and it crashes: the
      // supervisor's restart timer (or kafkajs's, before the fix) is pending.
      await waitFor('state restarting', 90_000);
      child.stdin!.end('stop\n');
      await waitFor('stopped', 30_000);

      const code = await Promise.race([
        exited,
        new Promise<'still running'>((resolve) =>
          setTimeout(() => resolve('still running'), 15_000),
        ),
      ]);
      if (code !== 0) throw new Error(`the stopped consumer's process: ${code}; stderr: ${stderr}`);
      expect(code).toBe(0);
    } finally {
      if (child && child.exitCode === null) child.kill('SIGKILL');
      await instances.discardInstance(broker);
    }
  });
});

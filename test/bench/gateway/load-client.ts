import { fork, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import type { FromLoadGenerator, LoadJob, LoadResult, ToLoadGenerator } from './load-protocol';

/**
 * The load generator in a child process of its own. On a 2-core machine a
 * client inside the bench process would share an event loop (and a core)
 * with whatever else runs there: with the in-process topology that is the
 * gateway and the service under test, whose throughput would then include
 * the client's CPU and whose latency its scheduling. In a child, the client
 * costs both sides the same: one more process competing for the cores, the
 * same for our pipeline and the bare one.
 */
export class LoadGenerator {
  private nextId = 0;
  private readonly pending = new Map<
    number,
    { resolve: (r: LoadResult) => void; reject: (e: Error) => void }
  >();

  private constructor(private readonly child: ChildProcess) {
    child.on('message', (message: FromLoadGenerator) => {
      if (message.type === 'ready') return;
      const waiter = this.pending.get(message.id);
      this.pending.delete(message.id);
      if (message.type === 'result') waiter?.resolve(message.result);
      else waiter?.reject(new Error(`load generator: ${message.message}`));
    });
    child.once('exit', (code, signal) => {
      for (const waiter of this.pending.values()) {
        waiter.reject(new Error(`load generator exited (${code ?? signal}) during a run`));
      }
      this.pending.clear();
    });
  }

  static async start(): Promise<LoadGenerator> {
    const child = fork(join(__dirname, 'load-generator.js'), [], {
      serialization: 'advanced',
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    await new Promise<void>((resolve, reject) => {
      child.once('message', () => resolve());
      child.once('error', reject);
      child.once('exit', (code) =>
        reject(new Error(`load generator exited (${code}) before it was ready`)),
      );
    });
    return new LoadGenerator(child);
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  run(job: LoadJob): Promise<LoadResult> {
    const id = this.nextId++;
    return new Promise<LoadResult>((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      const message: ToLoadGenerator = { type: 'run', id, job };
      this.child.send(message);
    });
  }

  async stop(): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => this.child.once('exit', () => resolve()));
    this.child.disconnect();
    const timer = setTimeout(() => this.child.kill('SIGKILL'), 5_000);
    await exited;
    clearTimeout(timer);
  }
}

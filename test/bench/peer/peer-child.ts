import { fork, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import type { LoadResult } from '../gateway/load-protocol';
import type { FromPeerChild, PeerConfig, PeerJob, PeerRole, ToPeerChild } from './peer-protocol';

/** A process of the peer bench (peer-process.ts), driven over IPC. */
export class PeerChild {
  private nextId = 0;
  private readonly pending = new Map<
    number,
    { resolve: (m: FromPeerChild) => void; reject: (e: Error) => void }
  >();

  private constructor(
    readonly role: PeerRole,
    private readonly child: ChildProcess,
  ) {
    child.on('message', (message: FromPeerChild) => {
      if (message.type === 'ready') return;
      const waiter = this.pending.get(message.id);
      this.pending.delete(message.id);
      if (message.type === 'failed') waiter?.reject(new Error(`${role}: ${message.message}`));
      else waiter?.resolve(message);
    });
    child.once('exit', (code, signal) => {
      for (const waiter of this.pending.values())
        waiter.reject(new Error(`${role} exited (${code ?? signal}) during a job`));
      this.pending.clear();
    });
  }

  /** Starts the process and waits until it answers (servers: subscribed; clients: connected). */
  static async start(
    role: PeerRole,
    config: PeerConfig,
    nodeOptions: string[] = [],
  ): Promise<PeerChild> {
    const child = fork(join(__dirname, 'peer-process.js'), [role], {
      env: { ...process.env, PEER_CONFIG: JSON.stringify(config) },
      execArgv: nodeOptions,
      serialization: 'advanced',
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    await new Promise<void>((resolve, reject) => {
      child.once('message', () => resolve());
      child.once('error', reject);
      child.once('exit', (code) =>
        reject(new Error(`${role} exited (${code}) before it was ready`)),
      );
    });
    return new PeerChild(role, child);
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  async run(job: PeerJob): Promise<LoadResult> {
    const reply = await this.ask((id) => ({ type: 'run', id, job }));
    if (reply.type !== 'result') throw new Error(`${this.role}: unexpected ${reply.type}`);
    return reply.result;
  }

  /** One call with `text`; the hash the server answered. */
  async probe(text: string): Promise<string> {
    const reply = await this.ask((id) => ({ type: 'probe', id, text }));
    if (reply.type !== 'probed') throw new Error(`${this.role}: unexpected ${reply.type}`);
    return reply.hash;
  }

  private ask(message: (id: number) => ToPeerChild): Promise<FromPeerChild> {
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.child.send(message(id));
    });
  }

  /** Disconnects (the child stops its broker or bus and exits); SIGKILL after 10 s. */
  async stop(): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => this.child.once('exit', () => resolve()));
    this.child.disconnect();
    const timer = setTimeout(() => this.child.kill('SIGKILL'), 10_000);
    await exited;
    clearTimeout(timer);
  }
}

import { spawn, type ChildProcess } from 'node:child_process';
import { TEST_GATEWAY_ENV } from '../../support/auth';

/** A server started as a process of its own (a service's dist/main.js, or a bare part). */
export interface ChildService {
  readonly name: string;
  readonly pid: number | undefined;
  /** The first JSON log line whose `msg` is `message`. */
  waitForLog(message: string, timeoutMs?: number): Promise<Record<string, unknown>>;
  /** SIGTERM, then SIGKILL after `graceMs`. */
  stop(graceMs?: number): Promise<void>;
}

// Killed if the bench exits without stopping them (an error between start and finally).
const running = new Set<ChildProcess>();
process.once('exit', () => {
  for (const child of running) child.kill('SIGKILL');
});

/**
 * Starts `node [...nodeOptions] <script> ...args` with `env` added to this
 * process's environment.
 */
export function startChildService(
  name: string,
  script: string,
  args: readonly string[],
  env: Record<string, string>,
  nodeOptions: readonly string[] = [],
): ChildService {
  const child = spawn(process.execPath, [...nodeOptions, script, ...args], {
    env: { ...process.env, ...TEST_GATEWAY_ENV, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  running.add(child);
  const exited = new Promise<void>((resolve) =>
    child.once('exit', () => {
      running.delete(child);
      resolve();
    }),
  );
  // Only what is needed to report a failure to start: the last 64 KiB of output.
  let output = '';
  const lines: Array<Record<string, unknown>> = [];
  const wakers = new Set<() => void>();
  let pending = '';
  const keep = (chunk: string): void => {
    output = (output + chunk).slice(-65_536);
    for (const wake of wakers) wake();
  };
  child.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
    pending += chunk;
    const parts = pending.split('\n');
    pending = parts.pop() ?? '';
    for (const part of parts) {
      try {
        lines.push(JSON.parse(part) as Record<string, unknown>);
      } catch {
        // not a log line
      }
    }
    keep(chunk);
  });
  child.stderr?.setEncoding('utf8').on('data', keep);
  void exited.then(() => {
    for (const wake of wakers) wake();
  });

  return {
    name,
    pid: child.pid,
    async waitForLog(message, timeoutMs = 60_000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const found = lines.find((line) => line.msg === message);
        if (found) return found;
        if (child.exitCode !== null || child.signalCode !== null) {
          throw new Error(
            `${name} exited (${child.exitCode ?? child.signalCode}) before logging "${message}":\n${output}`,
          );
        }
        const left = deadline - Date.now();
        if (left <= 0)
          throw new Error(`${name} did not log "${message}" within ${timeoutMs} ms:\n${output}`);
        await new Promise<void>((resolve) => {
          const wake = (): void => {
            clearTimeout(timer);
            wakers.delete(wake);
            resolve();
          };
          const timer = setTimeout(wake, Math.min(left, 500));
          wakers.add(wake);
        });
      }
    },
    async stop(graceMs = 10_000) {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
      await exited;
      clearTimeout(timer);
    },
  };
}

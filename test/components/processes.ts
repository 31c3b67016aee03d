import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { TEST_GATEWAY_ENV } from '../support';

const ROOT = join(__dirname, '..', '..');

/** A service started as its own process from its built dist/main.js. */
export interface ServiceProcess {
  readonly name: string;
  readonly child: ChildProcess;
  /** Everything it printed so far (for failure messages). */
  output(): string;
  /** The first JSON log line whose `msg` is `message`, waiting up to `timeoutMs`. */
  waitForLog(message: string, timeoutMs?: number): Promise<Record<string, unknown>>;
  /** Waits until the output contains `text`. */
  waitForOutput(text: string, timeoutMs?: number): Promise<void>;
  /** SIGTERM, then SIGKILL after `graceMs`; resolves with the exit code. */
  stop(graceMs?: number): Promise<number | null>;
}

/** Starts `node services/<name>/dist/main.js` with `env` added to this process's environment. */
export function startServiceProcess(name: string, env: Record<string, string>): ServiceProcess {
  const child = spawn(process.execPath, [join(ROOT, 'services', name, 'dist', 'main.js')], {
    cwd: ROOT,
    env: { ...process.env, LOG_LEVEL: 'info', ...TEST_GATEWAY_ENV, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const lines: Array<Record<string, unknown>> = [];
  const waiters: Array<() => void> = [];
  let pending = '';
  child.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
    output += chunk;
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
    for (const wake of waiters.splice(0)) wake();
  });
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
    output += chunk;
  });
  const exited = new Promise<number | null>((resolve) =>
    child.once('exit', (code) => resolve(code)),
  );
  child.once('exit', () => {
    for (const wake of waiters.splice(0)) wake();
  });

  return {
    name,
    child,
    output: () => output,
    async waitForLog(message, timeoutMs = 30_000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const found = lines.find((line) => line.msg === message);
        if (found) return found;
        if (child.exitCode !== null)
          throw new Error(
            `${name} exited (${child.exitCode}) before logging "${message}":\n${output}`,
          );
        const left = deadline - Date.now();
        if (left <= 0)
          throw new Error(`${name} did not log "${message}" within ${timeoutMs} ms:\n${output}`);
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, Math.min(left, 500));
          waiters.push(() => {
            clearTimeout(timer);
            resolve();
          });
        });
      }
    },
    async waitForOutput(text, timeoutMs = 30_000) {
      const deadline = Date.now() + timeoutMs;
      while (!output.includes(text)) {
        if (child.exitCode !== null)
          throw new Error(
            `${name} exited (${child.exitCode}) before printing "${text}":\n${output}`,
          );
        const left = deadline - Date.now();
        if (left <= 0)
          throw new Error(`${name} did not print "${text}" within ${timeoutMs} ms:\n${output}`);
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, Math.min(left, 500));
          waiters.push(() => {
            clearTimeout(timer);
            resolve();
          });
        });
      }
    },
    async stop(graceMs = 10_000) {
      if (child.exitCode !== null || child.signalCode !== null) return child.exitCode;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
      try {
        return await exited;
      } finally {
        clearTimeout(timer);
      }
    },
  };
}

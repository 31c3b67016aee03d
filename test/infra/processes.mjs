// Starting, recognising and stopping processes. A process is identified by
// its pid AND its start time (from /proc), so a pid recycled by the kernel
// after a crash is never mistaken for a server we started, and never killed.
import { spawn } from 'node:child_process';
import { closeSync, existsSync, openSync, readFileSync } from 'node:fs';
import { waitUntil } from './timing.mjs';

const hasProcfs = existsSync('/proc/self/stat');

/** Start time of a live process in clock ticks since boot, or null if it is gone. */
export function processStartTime(pid) {
  if (!hasProcfs) {
    try {
      process.kill(pid, 0);
      return 'unknown';
    } catch {
      return null;
    }
  }
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) may hold spaces and parentheses: split after it.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const state = fields[0];
    // A zombie has exited; it only waits for its parent to reap it.
    if (state === 'Z' || state === 'X') return null;
    return fields[19] ?? null; // field 22 of stat: starttime
  } catch {
    return null;
  }
}

/** `{ pid, startTime }` of the current process, for ownership records. */
export function currentProcess() {
  return { pid: process.pid, startTime: processStartTime(process.pid) };
}

/** True if `proc` ({ pid, startTime }) is still the very process that was recorded. */
export function isRunning(proc) {
  if (!proc || !Number.isInteger(proc.pid) || proc.pid <= 0) return false;
  const startTime = processStartTime(proc.pid);
  if (startTime === null) return false;
  return startTime === 'unknown' || proc.startTime === 'unknown' || startTime === proc.startTime;
}

/**
 * Stops a process we started: SIGTERM, wait up to `graceMs`, then SIGKILL.
 * Does nothing if the recorded process is gone (or its pid now belongs to
 * another process).
 */
export async function terminate(proc, { graceMs = 15_000 } = {}) {
  if (!isRunning(proc)) return 'not running';
  signalProcess(proc.pid, 'SIGTERM');
  try {
    await waitUntil(`pid ${proc.pid} to exit`, () => !isRunning(proc), {
      timeoutMs: graceMs,
      intervalMs: 100,
    });
    return 'terminated';
  } catch {
    if (isRunning(proc)) signalProcess(proc.pid, 'SIGKILL');
    await waitUntil(`pid ${proc.pid} to die after SIGKILL`, () => !isRunning(proc), {
      timeoutMs: 10_000,
      intervalMs: 100,
    });
    return 'killed';
  }
}

function signalProcess(pid, signal) {
  try {
    process.kill(pid, signal);
  } catch (error) {
    if (error.code !== 'ESRCH') throw error;
  }
}

/**
 * Starts a long-running server detached from this process (own session, stdio
 * appended to `logFile`, unref'd), so it can outlive the script that started
 * it. Resolves once the OS has started it.
 */
export async function spawnDetached({ command, args, cwd, env = process.env, logFile }) {
  const fd = openSync(logFile, 'a');
  let child;
  try {
    child = spawn(command, args, { cwd, env, detached: true, stdio: ['ignore', fd, fd] });
  } finally {
    closeSync(fd);
  }
  await new Promise((resolve, reject) => {
    child.once('spawn', resolve);
    child.once('error', (error) => reject(new Error(`cannot start ${command}: ${error.message}`)));
  });
  child.unref();
  return { pid: child.pid, startTime: processStartTime(child.pid) ?? 'unknown' };
}

/** SIGTERM now, SIGKILL 10 s later for a child that ignores it. */
function stopChild(child) {
  child.kill('SIGTERM');
  setTimeout(() => child.kill('SIGKILL'), 10_000).unref();
}

/**
 * Runs a command in the foreground with inherited stdio and a deadline, and
 * resolves with how it ended. `session` (optional) forwards our signals to it.
 * `linger` (optional, `{ file, graceMs }`): the command is done once it has
 * written `file`; if it is still running `graceMs` later, it is stopped and
 * `lingered` is true (jest that finished every test but holds an open handle).
 */
export async function runForeground(
  command,
  args,
  { cwd, env = process.env, timeoutMs, session, linger },
) {
  const child = spawn(command, args, { cwd, env, stdio: 'inherit' });
  session?.track(child);
  let timedOut = false;
  let lingered = false;
  const timer = setTimeout(() => {
    timedOut = true;
    stopChild(child);
  }, timeoutMs);
  let doneAt;
  const watch = linger
    ? setInterval(() => {
        doneAt ??= existsSync(linger.file) ? Date.now() : undefined;
        if (doneAt !== undefined && Date.now() - doneAt > linger.graceMs && !lingered) {
          lingered = true;
          stopChild(child);
        }
      }, 1_000)
    : undefined;
  try {
    const [code, signal] = await new Promise((resolve, reject) => {
      child.once('error', reject);
      child.once('exit', (exitCode, exitSignal) => resolve([exitCode, exitSignal]));
    });
    return { code, signal, timedOut, lingered };
  } finally {
    clearTimeout(timer);
    clearInterval(watch);
    session?.untrack(child);
  }
}

/** Runs a command, capturing its output; rejects if it fails, overruns or `signal` aborts it. */
export async function runCaptured(command, args, { cwd, env = process.env, timeoutMs, signal }) {
  signal?.throwIfAborted();
  const child = spawn(command, args, {
    cwd,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
    signal,
    killSignal: 'SIGTERM',
  });
  let output = '';
  child.stdout.on('data', (chunk) => (output += chunk));
  child.stderr.on('data', (chunk) => (output += chunk));
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    child.kill('SIGKILL');
  }, timeoutMs);
  try {
    const [code, signal] = await new Promise((resolve, reject) => {
      child.once('error', (error) =>
        reject(
          error.name === 'AbortError'
            ? error
            : new Error(`cannot run ${command}: ${error.message}`),
        ),
      );
      child.once('close', (exitCode, exitSignal) => resolve([exitCode, exitSignal]));
    });
    if (code !== 0) {
      const how = timedOut
        ? `was killed after ${timeoutMs / 1000}s`
        : `exited with ${code ?? signal}`;
      throw new Error(`${command} ${args.join(' ')} ${how}:\n${output.trim()}`);
    }
    return output;
  } finally {
    clearTimeout(timer);
  }
}

/** Last `lines` lines of a log file, or a note that it does not exist. */
export function tailOf(file, lines = 40) {
  try {
    const text = readFileSync(file, 'utf8').trimEnd();
    return text === '' ? '(empty)' : text.split('\n').slice(-lines).join('\n');
  } catch {
    return `(no ${file})`;
  }
}

// The worlds bench's LLM in a process of its own (scripted-llm-child.ts),
// as a real model server always is: its HTTP parsing, timers and answers
// never run on the event loop of the services it times, and it reports how
// long it held each call (from the request's arrival to the answer's last
// byte), which is the LLM time a turn's wall time is set against.
import { fork, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import type { ScriptedLlmAnswer, ScriptedLlmAsk, ScriptedLlmQuestion } from './scripted-llm-child';

export interface ScriptedLlmProcess {
  /** `http://127.0.0.1:<port>/v1`. */
  readonly baseUrl: string;
  /** Chat requests received so far. */
  count(): Promise<number>;
  /** [arrived, answered] of each call from the `from`th on (answered null: not answered). */
  held(from: number): Promise<ReadonlyArray<readonly [number, number | null]>>;
  /** Stops the process: it closes its server and exits (killed if it has not within 10 s). */
  close(): Promise<void>;
}

const ANSWER_TIMEOUT_MS = 10_000;

export async function startScriptedLlmProcess(delayMs: number): Promise<ScriptedLlmProcess> {
  const child: ChildProcess = fork(path.join(__dirname, 'scripted-llm-child.js'), [], {
    env: { ...process.env, SCRIPTED_LLM_DELAY_MS: String(delayMs) },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  try {
    const baseUrl = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('the scripted LLM did not start')), 30_000);
      child.once('exit', (code) => reject(new Error(`the scripted LLM exited (${code})`)));
      child.once('message', (message: { baseUrl?: string }) => {
        clearTimeout(timer);
        if (typeof message.baseUrl === 'string') resolve(message.baseUrl);
        else reject(new Error('the scripted LLM said something else first'));
      });
    });
    let next = 0;
    const pending = new Map<number, (answer: ScriptedLlmAnswer) => void>();
    child.on('message', (message: ScriptedLlmAnswer) => pending.get(message.id)?.(message));
    const ask = (question: ScriptedLlmAsk): Promise<ScriptedLlmAnswer> =>
      new Promise((resolve, reject) => {
        const id = (next += 1);
        const timer = setTimeout(() => {
          pending.delete(id);
          reject(new Error(`the scripted LLM did not answer '${question.ask}'`));
        }, ANSWER_TIMEOUT_MS);
        pending.set(id, (answer) => {
          clearTimeout(timer);
          pending.delete(id);
          resolve(answer);
        });
        const sent: ScriptedLlmQuestion = { id, ...question };
        child.send(sent);
      });
    return {
      baseUrl,
      count: async () => (await ask({ ask: 'count' })).count ?? 0,
      held: async (from) => (await ask({ ask: 'held', from })).held ?? [],
      async close() {
        if (child.exitCode !== null || child.signalCode !== null) return;
        const kill = setTimeout(() => child.kill('SIGKILL'), ANSWER_TIMEOUT_MS);
        child.disconnect();
        await exited;
        clearTimeout(kill);
      },
    };
  } catch (error) {
    child.kill('SIGKILL');
    await exited;
    throw error;
  }
}

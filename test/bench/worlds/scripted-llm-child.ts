// The worlds bench's scripted LLM, run as a process of its own by
// scripted-llm-process.ts: a structured-output request gets a valid
// adjudication, any other a line of text, each after `delayMs`. Answers the
// parent's questions over IPC; closes and exits when the parent disconnects
// (or goes).
import { answer, createLlmServer } from '../../support';

/** The one adjudication every structured request gets: valid, nothing mutated. */
export const SCRIPTED_ADJUDICATION = {
  narration: 'The agent acts; nothing else moves.',
  agent_state_after: 'Busy.',
  agent_memory_append: 'Acted.',
  entity_mutations: [],
  environment_mutations: [],
};

/** What the parent may ask: the requests received so far, or how long each was held. */
export type ScriptedLlmAsk =
  { readonly ask: 'count' } | { readonly ask: 'held'; readonly from: number };

/** A question as sent, with the id its answer carries back. */
export type ScriptedLlmQuestion = ScriptedLlmAsk & { readonly id: number };

export interface ScriptedLlmAnswer {
  readonly id: number;
  readonly count?: number;
  /** [arrived, answered] of each call from `from` on, in this process's performance.now(). */
  readonly held?: ReadonlyArray<readonly [number, number | null]>;
}

async function main(): Promise<void> {
  const delayMs = Number(process.env['SCRIPTED_LLM_DELAY_MS'] ?? '50');
  const server = await createLlmServer({
    handler: (r) =>
      r.responseFormat !== undefined && r.responseFormat !== 'text'
        ? answer.json(SCRIPTED_ADJUDICATION, { delayMs })
        : answer.text('I keep busy.', { delayMs }),
  });
  const send = (message: unknown): void => {
    process.send?.(message);
  };
  process.on('disconnect', () => {
    void server.close().finally(() => process.exit(0));
  });
  process.on('message', (question: ScriptedLlmQuestion) => {
    if (question.ask === 'count') {
      send({ id: question.id, count: server.requests.length } satisfies ScriptedLlmAnswer);
    } else {
      const held = server.requests
        .slice(question.from)
        .map((r) => [r.arrivedAt, r.answeredAt ?? null] as const);
      send({ id: question.id, held } satisfies ScriptedLlmAnswer);
    }
  });
  send({ baseUrl: server.baseUrl });
}

if (require.main === module) {
  main().catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
}

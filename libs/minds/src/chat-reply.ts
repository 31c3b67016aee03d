import type { ResponseFormat, TokenUsage } from './mind';

/** What the mind keeps of a chat completion reply. */
export interface ChatReply {
  readonly content: string;
  readonly finishReason: string;
  /** The model the server says answered; the requested one when it says none. */
  readonly model: string;
  /** `reported: false` when the server sent none (the counts are then 0). */
  readonly usage: TokenUsage;
  readonly responseId: string | undefined;
  readonly systemFingerprint: string | undefined;
}

export type ReadReply =
  | { readonly ok: true; readonly reply: ChatReply }
  | { readonly ok: false; readonly problem: string };

/**
 * Checks a chat completion body and takes what the mind returns from it.
 * Servers differ (and some break), so nothing is assumed of the shape: a
 * body without a first choice, without text content, or (for a json_schema
 * request) whose text is not JSON is a problem, described for the error.
 */
export function readChatReply(
  body: unknown,
  requestedModel: string,
  format: ResponseFormat,
): ReadReply {
  if (!isRecord(body)) return problem(`the reply body is not a JSON object: ${preview(body)}`);
  const choices = body['choices'];
  if (!Array.isArray(choices) || choices.length === 0) {
    return problem('the reply has no choices');
  }
  const choice: unknown = choices[0];
  const message = isRecord(choice) ? choice['message'] : undefined;
  if (!isRecord(message)) return problem('the first choice has no message');
  const refusal = message['refusal'];
  if (typeof refusal === 'string' && refusal !== '') {
    return problem(`the model refused: ${refusal}`);
  }
  const raw = message['content'];
  if (typeof raw !== 'string' || raw.trim() === '') {
    return problem('the first choice has no text content');
  }
  const finish = isRecord(choice) ? choice['finish_reason'] : undefined;
  let content = raw;
  if (format.type === 'json_schema') {
    content = withoutCodeFence(raw);
    if (!isJson(content)) {
      // The usual cause of half a JSON document: the answer hit max_tokens.
      const cut = finish === 'length' ? ' (cut off at max_tokens: finish_reason is length)' : '';
      return problem(`the content is not JSON${cut}: ${preview(raw)}`);
    }
  }
  const model = body['model'];
  const usage = readUsage(body['usage']);
  return {
    ok: true,
    reply: {
      content,
      finishReason: typeof finish === 'string' && finish !== '' ? finish : 'unknown',
      model: typeof model === 'string' && model !== '' ? model : requestedModel,
      usage: usage ?? { input_tokens: 0, output_tokens: 0, reported: false },
      responseId: optionalString(body['id']),
      systemFingerprint: optionalString(body['system_fingerprint']),
    },
  };
}

function readUsage(usage: unknown): TokenUsage | undefined {
  if (!isRecord(usage)) return undefined;
  const input = usage['prompt_tokens'];
  const output = usage['completion_tokens'];
  if (!isCount(input) || !isCount(output)) return undefined;
  return { input_tokens: input, output_tokens: output };
}

/**
 * Models asked for JSON without a server-enforced schema often wrap it in a
 * Markdown fence; the JSON inside is what was asked for.
 */
export function withoutCodeFence(text: string): string {
  const fenced = /^\s*```[a-zA-Z]*\s*\n([\s\S]*?)\n?\s*```\s*$/.exec(text);
  return fenced?.[1] ?? text.trim();
}

function isJson(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isCount(value: unknown): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value >= 0;
}

function optionalString(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

function preview(value: unknown): string {
  const text = typeof value === 'string' ? value : (JSON.stringify(value) ?? String(value));
  return text.length > 200 ? `${text.slice(0, 200)}…` : text;
}

function problem(text: string): ReadReply {
  return { ok: false, problem: text };
}

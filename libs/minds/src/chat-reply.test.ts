import { readChatReply, withoutCodeFence } from './chat-reply';
import type { ResponseFormat } from './mind';

const text: ResponseFormat = { type: 'text' };
const json: ResponseFormat = { type: 'json_schema', name: 'a', schema: { type: 'object' } };

function completion(content: unknown, extra: Record<string, unknown> = {}) {
  return {
    id: 'chatcmpl-1',
    object: 'chat.completion',
    model: 'served-model',
    choices: [{ index: 0, message: { role: 'assistant', content }, finish_reason: 'stop' }],
    usage: { prompt_tokens: 12, completion_tokens: 7, total_tokens: 19 },
    system_fingerprint: 'fp_1',
    ...extra,
  };
}

describe('readChatReply', () => {
  it('takes content, finish reason, served model, usage and ids', () => {
    expect(readChatReply(completion('The ant sees a crumb.'), 'asked', text)).toEqual({
      ok: true,
      reply: {
        content: 'The ant sees a crumb.',
        finishReason: 'stop',
        model: 'served-model',
        usage: { input_tokens: 12, output_tokens: 7 },
        responseId: 'chatcmpl-1',
        systemFingerprint: 'fp_1',
      },
    });
  });

  it('counts 0 tokens and says so when the server sends no usage', () => {
    const result = readChatReply(completion('hi', { usage: undefined, model: '' }), 'asked', text);
    expect(result).toMatchObject({
      ok: true,
      reply: { usage: { input_tokens: 0, output_tokens: 0, reported: false }, model: 'asked' },
    });
    const partial = readChatReply(completion('hi', { usage: { prompt_tokens: 3 } }), 'm', text);
    expect(partial).toMatchObject({ ok: true, reply: { usage: { reported: false } } });
  });

  it('checks JSON for json_schema requests, unwrapping a Markdown fence', () => {
    expect(readChatReply(completion('{"a":1}'), 'm', json)).toMatchObject({
      ok: true,
      reply: { content: '{"a":1}' },
    });
    expect(readChatReply(completion('```json\n{"a":1}\n```'), 'm', json)).toMatchObject({
      ok: true,
      reply: { content: '{"a":1}' },
    });
    expect(readChatReply(completion('Sure! {"a":1}'), 'm', json)).toEqual({
      ok: false,
      problem: 'the content is not JSON: Sure! {"a":1}',
    });
    const cut = completion('{"narration": "The ant wa');
    cut.choices[0]!.finish_reason = 'length';
    expect(readChatReply(cut, 'm', json)).toEqual({
      ok: false,
      problem:
        'the content is not JSON (cut off at max_tokens: finish_reason is length): {"narration": "The ant wa',
    });
    // Text requests keep their text as it came.
    expect(readChatReply(completion('```json\n{}\n```'), 'm', text)).toMatchObject({
      ok: true,
      reply: { content: '```json\n{}\n```' },
    });
  });

  it('names what is wrong with a broken reply', () => {
    expect(readChatReply('<html>bad gateway</html>', 'm', text)).toEqual({
      ok: false,
      problem: 'the reply body is not a JSON object: <html>bad gateway</html>',
    });
    expect(readChatReply(completion('x', { choices: [] }), 'm', text)).toEqual({
      ok: false,
      problem: 'the reply has no choices',
    });
    expect(readChatReply(completion(''), 'm', text)).toEqual({
      ok: false,
      problem: 'the first choice has no text content',
    });
    expect(readChatReply(completion(null), 'm', text)).toMatchObject({ ok: false });
    expect(readChatReply({ choices: [{}] }, 'm', text)).toEqual({
      ok: false,
      problem: 'the first choice has no message',
    });
    const refused = completion(null);
    refused.choices[0]!.message = {
      role: 'assistant',
      content: null,
      refusal: 'I cannot.',
    } as never;
    expect(readChatReply(refused, 'm', json)).toEqual({
      ok: false,
      problem: 'the model refused: I cannot.',
    });
  });
});

describe('withoutCodeFence', () => {
  it('unwraps one fenced block and trims anything else', () => {
    expect(withoutCodeFence('```\n[1,2]\n```')).toBe('[1,2]');
    expect(withoutCodeFence('  ```JSON\n{"x": "```"}\n```  ')).toBe('{"x": "```"}');
    expect(withoutCodeFence('  {"x":1}\n')).toBe('{"x":1}');
  });
});

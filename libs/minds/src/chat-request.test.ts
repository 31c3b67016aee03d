import { chatRequestBody } from './chat-request';
import type { MindRequest } from './mind';
import { wireFormat } from './structured-output';

const request: MindRequest = {
  model: 'm',
  messages: [
    { role: 'system', content: 'sys' },
    { role: 'user', content: 'hi' },
  ],
  params: {},
  response_format: { type: 'json_schema', name: 'out', schema: { type: 'string' } },
  purpose: { world_slug: 'w', turn: 0, agent_id: 'a', phase: 'adjudicate', attempt: 0 },
};

describe('chatRequestBody', () => {
  it('sends only the model and messages when nothing else is set', () => {
    const text = { ...request, response_format: { type: 'text' } } as const;
    expect(
      chatRequestBody(text, 'm', wireFormat(text.response_format, 'json_schema', text.messages)),
    ).toEqual({
      model: 'm',
      messages: text.messages,
    });
  });

  it('passes every sampling parameter and the seed, as set', () => {
    const withParams: MindRequest = {
      ...request,
      params: {
        temperature: 0,
        top_p: 1,
        max_tokens: 64,
        seed: -3,
        presence_penalty: 0,
        frequency_penalty: 0.5,
        stop: ['END'],
      },
    };
    const body = chatRequestBody(
      withParams,
      'served',
      wireFormat(request.response_format, 'json_schema', request.messages),
    );
    expect(body).toEqual({
      model: 'served',
      messages: request.messages,
      response_format: {
        type: 'json_schema',
        json_schema: { name: 'out', schema: { type: 'string' }, strict: true },
      },
      temperature: 0,
      top_p: 1,
      max_tokens: 64,
      seed: -3,
      presence_penalty: 0,
      frequency_penalty: 0.5,
      stop: ['END'],
    });
  });

  it('sends the messages the structured output mode shaped', () => {
    const wire = wireFormat(request.response_format, 'json_object', request.messages);
    const body = chatRequestBody(request, 'm', wire);
    expect(body.response_format).toEqual({ type: 'json_object' });
    expect(body.messages).toEqual(wire.messages);
    expect(body.messages).not.toEqual(request.messages);
  });
});

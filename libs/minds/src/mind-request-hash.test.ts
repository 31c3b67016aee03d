import { mindRequestCanonicalJson, mindRequestHash } from './mind-request-hash';
import type { MindRequest } from './mind';

const request: MindRequest = {
  model: 'offline-v1',
  messages: [{ role: 'user', content: 'hi' }],
  params: { temperature: 0.5, seed: 1 },
  response_format: { type: 'text' },
  purpose: { world_slug: 'w', turn: 1, agent_id: 'a', phase: 'perceive', attempt: 0 },
};

describe('mindRequestHash', () => {
  it('hashes the canonical JSON of model, messages, params and response format', () => {
    expect(mindRequestCanonicalJson(request)).toBe(
      '{"messages":[{"content":"hi","role":"user"}],"model":"offline-v1","params":{"seed":1,"temperature":0.5},"response_format":{"type":"text"}}',
    );
    expect(mindRequestHash(request)).toMatch(/^[0-9a-f]{64}$/);
  });

  it('ignores purpose, key order and unset parameters', () => {
    const other: MindRequest = {
      response_format: { type: 'text' },
      params: { seed: 1, temperature: 0.5, max_tokens: undefined },
      messages: [{ content: 'hi', role: 'user' }],
      model: 'offline-v1',
      purpose: { world_slug: 'x', turn: 9, agent_id: 'b', phase: 'intend', attempt: 2 },
    };
    expect(mindRequestHash(other)).toBe(mindRequestHash(request));
  });

  it('changes with anything the request asks', () => {
    const hash = mindRequestHash(request);
    expect(mindRequestHash({ ...request, model: 'other' })).not.toBe(hash);
    expect(mindRequestHash({ ...request, params: { temperature: 0.5, seed: 2 } })).not.toBe(hash);
    expect(mindRequestHash({ ...request, messages: [{ role: 'user', content: 'hi!' }] })).not.toBe(
      hash,
    );
    expect(
      mindRequestHash({
        ...request,
        response_format: { type: 'json_schema', name: 'a', schema: {} },
      }),
    ).not.toBe(hash);
  });
});

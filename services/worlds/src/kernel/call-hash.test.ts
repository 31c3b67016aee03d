import { mindRequestHash, type MindRequest } from '@crucible/minds';
import { callHash, sealRequest } from './call-hash';

const request = (): MindRequest => ({
  model: 'm',
  messages: [{ role: 'user', content: 'Hello.' }],
  params: {},
  response_format: { type: 'text' },
  purpose: { world_slug: 'w', turn: 0, agent_id: 'a', phase: 'perceive', attempt: 0 },
});

describe('callHash', () => {
  it('is mindRequestHash, for sealed and unsealed requests alike', () => {
    const sealed = sealRequest(request());
    expect(sealed.hash).toBe(mindRequestHash(request()));
    expect(callHash(sealed.request)).toBe(sealed.hash);
    expect(callHash(request())).toBe(sealed.hash);
  });

  it('does not keep the hash of a request that can still change', () => {
    const open = request();
    const before = callHash(open);
    (open.messages as Array<{ role: 'user'; content: string }>)[0]!.content = 'Bye.';
    expect(callHash(open)).not.toBe(before);
  });
});

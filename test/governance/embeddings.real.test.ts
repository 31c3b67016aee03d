import { isCrucibleError } from '@crucible/contracts';
import type { GovernanceSettings } from '@crucible/governance';
import { answer, createLlmServer, http, type LlmServer } from '../support';
import { startGovernanceStack, type GovernanceStack } from './stack';

// The OpenAI-compatible embedder (docs/services/governance.md, "Memories"):
// the governance service on real Postgres, NATS and Kafka, its embeddings
// from the scripted OpenAI-compatible server over real HTTP.

/** The scripted vectors: a text's vector is the table's, 3 dimensions. */
const VECTORS: Record<string, number[]> = {
  'the north door': [1, 0, 0],
  'the south window': [0, 1, 0],
  'the cellar stairs': [0, 0, 1],
  'a door to the north, mostly': [0.9, 0.3, 0.1],
};

const SETTINGS = (baseURL: string): GovernanceSettings => ({
  escalationPollMs: 100,
  embeddings: {
    provider: 'openai',
    model: 'scripted-embedding',
    baseURL,
    apiKey: 'sk-test-embeddings',
    dimensions: 3,
    timeoutMs: 400,
    maxRetries: 2,
  },
});

let llm: LlmServer;
let s: GovernanceStack;

beforeAll(async () => {
  llm = await createLlmServer({
    embeddings: (request) => {
      const vector = VECTORS[request.inputs[0] ?? ''];
      return vector === undefined
        ? answer.error(400, { message: `no vector scripted for ${request.inputs[0]}` })
        : answer.vectors([vector]);
    },
  });
  s = await startGovernanceStack(SETTINGS(llm.baseUrl));
}, 60_000);

afterAll(async () => {
  await s?.stop();
  await llm?.close();
});

async function failure(call: Promise<unknown>): Promise<{ code: string; details: object }> {
  try {
    await call;
  } catch (error) {
    if (isCrucibleError(error)) return { code: error.code, details: error.details };
    throw error;
  }
  throw new Error('the call succeeded');
}

const remember = (scope: string, text: string) => s.rpc.call('remember', { scope, data: { text } });

it('ranks by cosine similarity of the provider vectors, asking as the official client does', async () => {
  const scope = `openai-${Date.now()}`;
  for (const text of ['the cellar stairs', 'the north door', 'the south window'])
    await remember(scope, text);
  const before = llm.embeddingRequests.length;
  const reply = await s.rpc.call('search_memories', {
    scope,
    text: 'a door to the north, mostly',
    k: 3,
  });
  expect(reply.model).toBe('scripted-embedding');
  expect(reply.results.map((r) => r.memory.data['text'])).toEqual([
    'the north door',
    'the south window',
    'the cellar stairs',
  ]);
  // Cosines of unit vectors: the query's components over its length.
  const norm = Math.hypot(0.9, 0.3, 0.1);
  expect(reply.results.map((r) => r.score)).toEqual([
    expect.closeTo(0.9 / norm, 9),
    expect.closeTo(0.3 / norm, 9),
    expect.closeTo(0.1 / norm, 9),
  ]);
  const asked = llm.embeddingRequests.slice(before);
  expect(asked).toHaveLength(1);
  expect(asked[0]).toMatchObject({
    model: 'scripted-embedding',
    inputs: ['a door to the north, mostly'],
    encodingFormat: 'float',
  });
  expect(asked[0]?.headers.authorization).toBe('Bearer sk-test-embeddings');
});

it('retries a 429 and a 500, then stores the memory', async () => {
  const scope = `retry-${Date.now()}`;
  const before = llm.embeddingRequests.length;
  llm.enqueueEmbeddings(answer.rateLimited({ retryAfterMs: 20 }), answer.error(500));
  const { memory } = await remember(scope, 'the north door');
  expect(llm.embeddingRequests.length - before).toBe(3);
  const found = await s.rpc.call('search_memories', { scope, text: 'the north door', k: 1 });
  expect(found.results.map((r) => [r.memory.id, r.score])).toEqual([
    [memory.id, expect.closeTo(1, 9)],
  ]);
}, 20_000);

it('gives up on a provider that stays down: 503 embeddings_unavailable, nothing written', async () => {
  const memories = await s.count('memories');
  // Three failures: the first try and both retries (a slow answer, a 500, a reset).
  llm.enqueueEmbeddings(
    answer.vectors([[1, 0, 0]], { delayMs: 5_000 }),
    answer.error(503),
    answer.reset(),
  );
  const before = llm.embeddingRequests.length;
  const res = await http(`${s.url}/v1/governance/memories`, 'POST', {
    scope: 'down',
    data: { text: 'the north door' },
  });
  expect([res.status, res.body.error.code, res.body.error.details.reason]).toEqual([
    503,
    'unavailable',
    'embeddings_unavailable',
  ]);
  expect(res.body.error.retryable).toBe(true);
  expect(llm.embeddingRequests.length - before).toBe(3);
  expect(await s.count('memories')).toBe(memories);
  // The slow answer was cut short by the client's timeout, not waited out.
  await llm.idle(2_000);
}, 20_000);

it('refuses a vector of another length than configured, on remember and search', async () => {
  const memories = await s.count('memories');
  llm.handleEmbeddings(() => answer.vectors([[1, 0, 0, 0]]));
  try {
    const expected = {
      code: 'unavailable',
      details: expect.objectContaining({
        reason: 'embedding_dimensions_mismatch',
        expected: 3,
        actual: 4,
      }),
    };
    expect(await failure(remember('dims', 'the north door'))).toEqual(expected);
    expect(
      await failure(s.rpc.call('search_memories', { scope: 'dims', text: 'the door', k: 1 })),
    ).toEqual(expected);
    expect(await s.count('memories')).toBe(memories);
  } finally {
    llm.handleEmbeddings((request) => answer.vectors([VECTORS[request.inputs[0] ?? ''] ?? []]));
  }
});

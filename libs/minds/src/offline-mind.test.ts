import { SpanKind } from '@opentelemetry/api';
import fc from 'fast-check';
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  SimpleSpanProcessor,
} from '@opentelemetry/sdk-trace-base';
import type { MindRequest } from './mind';
import { isMindError } from './mind-error';
import { OfflineMind, words } from './offline-mind';
import { SchemaValidators } from './schema-validators';
import { ADJUDICATION_SCHEMA as adjudicationSchema } from './test-fixtures';

const perceive: MindRequest = {
  model: 'offline-v1',
  messages: [
    { role: 'system', content: 'You are the perception of an ant.' },
    {
      role: 'user',
      content:
        "Simulation time: 2026-01-01T00:00:00+00:00\nWorld turn: 3\nEnvironment (kitchen):\nA tiled floor under a table.\n\nFocus agent:\nant: hungry\n\nOther entities in kitchen:\ncrumb: a bread crumb\n\nWrite the agent's immediate perception.",
    },
  ],
  params: { temperature: 0.7, seed: 7 },
  response_format: { type: 'text' },
  purpose: { world_slug: 'w', turn: 3, agent_id: 'ant', phase: 'perceive', attempt: 0 },
};

const adjudicate: MindRequest = {
  ...perceive,
  messages: [
    { role: 'system', content: 'You are the simulation director. Return JSON only.' },
    {
      role: 'user',
      content:
        'World snapshot:\nkitchen: A tiled floor.\n\nActing agent:\nant: hungry\n\nIntent:\nWalk to the crumb and eat it.\n\nDecide the outcome for exactly one turn.',
    },
  ],
  response_format: { type: 'json_schema', name: 'adjudication', schema: adjudicationSchema },
  purpose: { ...perceive.purpose, phase: 'adjudicate' },
};

describe('OfflineMind', () => {
  const mind = new OfflineMind();

  it('answers a perception from the environment, saying it is the offline mind', async () => {
    const response = await mind.complete(perceive);
    expect(response).toEqual({
      content: expect.stringMatching(
        /^ant (takes in|looks over|senses) the kitchen: A tiled floor under a table\./,
      ),
      usage: { input_tokens: expect.any(Number), output_tokens: expect.any(Number) },
      provider: 'offline',
      model: 'offline-v1',
      finish_reason: 'stop',
      latency_ms: expect.any(Number),
      tries: 1,
    });
    expect(response.content).toContain('crumb');
    expect(response.usage.output_tokens).toBe(response.content.split(/\s+/).filter(Boolean).length);
    const inputWords = perceive.messages.map((m) => m.content.split(/\s+/).filter(Boolean).length);
    expect(response.usage.input_tokens).toBe(inputWords.reduce((a, b) => a + b, 0));
  });

  it('gives the same answer for the same request, whoever asks', async () => {
    const first = await mind.complete(adjudicate);
    const again = await new OfflineMind().complete({
      ...adjudicate,
      purpose: { world_slug: 'other', turn: 9, agent_id: 'b', phase: 'adjudicate', attempt: 2 },
    });
    expect(again.content).toBe(first.content);
  });

  it('answers differently when the request differs', async () => {
    const contents = new Set<string>();
    for (let seed = 0; seed < 12; seed += 1) {
      contents.add((await mind.complete({ ...perceive, params: { seed } })).content);
    }
    expect(contents.size).toBeGreaterThan(1);
  });

  it('adjudicates validly: the attempt narrated, no entity or environment mutated', async () => {
    const response = await mind.complete(adjudicate);
    const adjudication = JSON.parse(response.content);
    expect(new SchemaValidators().check(adjudicationSchema, adjudication)).toEqual({ valid: true });
    expect(adjudication).toEqual({
      narration: expect.stringMatching(/^ant tries to walk to the crumb and eat it\. /),
      agent_state_after: 'hungry',
      agent_memory_append: 'I tried to walk to the crumb and eat it.',
      entity_mutations: [],
      environment_mutations: [],
    });
  });

  it('answers any schema with a valid instance, the minimal one when the rich one fails', async () => {
    const schema = {
      type: 'object',
      required: ['code', 'note'],
      properties: {
        // The text hook has nothing for these; a pattern the generator cannot parse falls back.
        code: { type: 'string', pattern: '^(?!x)[a-z]{2}$|^$' },
        note: { type: ['string', 'null'], minLength: 3 },
      },
    };
    const response = await mind.complete({
      ...adjudicate,
      response_format: { type: 'json_schema', name: 's', schema },
    });
    expect(new SchemaValidators().check(schema, JSON.parse(response.content))).toEqual({
      valid: true,
    });
  });

  it('refuses a schema that has no instance as a bad request', async () => {
    const schema = { type: 'object', required: ['a'], additionalProperties: false };
    const error = await mind
      .complete({ ...adjudicate, response_format: { type: 'json_schema', name: 's', schema } })
      .catch((e: unknown) => e);
    expect(isMindError(error)).toBe(true);
    expect(error).toMatchObject({ kind: 'bad_request', retryable: false });
    const broken = await mind
      .complete({
        ...adjudicate,
        response_format: { type: 'json_schema', name: 's', schema: { type: 'nope' } },
      })
      .catch((e: unknown) => e);
    expect(broken).toMatchObject({ kind: 'bad_request' });
    expect((broken as Error).message).toContain('not a usable JSON Schema');
  });

  it('refuses an aborted call', async () => {
    await expect(mind.complete(perceive, AbortSignal.abort())).rejects.toMatchObject({
      kind: 'aborted',
      tries: 0,
    });
  });

  it('records an INTERNAL chat span with the GenAI attributes', async () => {
    const exporter = new InMemorySpanExporter();
    const provider = new BasicTracerProvider({
      spanProcessors: [new SimpleSpanProcessor(exporter)],
    });
    const traced = new OfflineMind({ tracer: provider.getTracer('test') });
    const response = await traced.complete(adjudicate);
    const [span] = exporter.getFinishedSpans();
    expect(span!.name).toBe('chat offline-v1');
    expect(span!.kind).toBe(SpanKind.INTERNAL);
    expect(span!.attributes).toMatchObject({
      'gen_ai.operation.name': 'chat',
      'gen_ai.provider.name': 'crucible.offline',
      'gen_ai.request.model': 'offline-v1',
      'gen_ai.response.model': 'offline-v1',
      'gen_ai.request.temperature': 0.7,
      'gen_ai.request.seed': 7,
      'gen_ai.output.type': 'json',
      'gen_ai.usage.input_tokens': response.usage.input_tokens,
      'gen_ai.usage.output_tokens': response.usage.output_tokens,
      'gen_ai.response.finish_reasons': ['stop'],
      'crucible.world.slug': 'w',
      'crucible.turn': 3,
      'crucible.agent.id': 'ant',
      'crucible.phase': 'adjudicate',
    });
    await provider.shutdown();
  });
});

describe('words', () => {
  const reference = (text: string): number =>
    text.split(/\s+/).filter((word) => word !== '').length;
  // Every code unit that \s matches, and some neighbours that it does not.
  const spaces = [
    ...Array.from({ length: 0x10000 }, (_, c) => String.fromCharCode(c)).filter((ch) =>
      /\s/.test(ch),
    ),
  ];
  const others = [
    'a',
    'Z',
    '7',
    '\u0008',
    '\u000e',
    '\u001f',
    '\u0085',
    '\u180e',
    '\u200b',
    '\u2060',
    '\ud83d\ude00',
    '\u00e9',
  ];

  it('knows exactly the code units \\s matches', () => {
    expect(spaces.length).toBe(25);
    for (const ch of spaces) expect(words(`a${ch}b`)).toBe(2);
    for (const ch of others) expect(words(`a${ch}b`)).toBe(1);
  });

  it('counts as splitting on \\s does, on any mix of words and spaces', () => {
    fc.assert(
      fc.property(
        fc.array(fc.constantFrom(...spaces, ...others), { maxLength: 40 }).map((a) => a.join('')),
        (text) => expect(words(text)).toBe(reference(text)),
      ),
      { numRuns: 2000 },
    );
    expect(words('')).toBe(0);
    expect(words('   ')).toBe(0);
    expect(words(' one  two\tthree\n')).toBe(3);
  });
});

import { ProviderRegistry } from '@crucible/worlds';
import { answer, createLlmServer, type LlmServer } from '../support';
import {
  ADJUDICATION_SCHEMA,
  VALID_ADJUDICATION,
  adjudicateRequest,
  mindOn,
  mindOptions,
  perceiveRequest,
} from './mind-fixtures';

describe('OpenAiCompatibleMind: structured output', () => {
  let server: LlmServer;

  beforeEach(async () => {
    server = await createLlmServer();
  });
  afterEach(async () => {
    await server.close();
  });

  it('asks for the schema as strict json_schema and returns the JSON text', async () => {
    server.enqueue(answer.json(VALID_ADJUDICATION));
    const response = await mindOn(server).complete(adjudicateRequest());
    expect(JSON.parse(response.content)).toEqual(VALID_ADJUDICATION);
    const [received] = server.requests;
    expect(received!.body['response_format']).toEqual({
      type: 'json_schema',
      json_schema: { name: 'adjudication', schema: ADJUDICATION_SCHEMA, strict: true },
    });
    // The server enforces the schema: the messages go as the kernel wrote them.
    expect(received!.messages).toEqual(adjudicateRequest().messages);
  });

  it('falls back to json_object, then plain text, when the server refuses the format', async () => {
    server.enqueue(
      answer.refuseResponseFormat(),
      answer.error(400, { message: 'json_object response format is not supported' }),
      answer.text('```json\n' + JSON.stringify(VALID_ADJUDICATION) + '\n```'),
    );
    const response = await mindOn(server).complete(adjudicateRequest());
    expect(JSON.parse(response.content)).toEqual(VALID_ADJUDICATION);
    expect(response.tries).toBe(3);

    const [schema, object, none] = server.requests;
    expect(schema!.responseFormat).toBe('json_schema');
    expect(object!.responseFormat).toBe('json_object');
    expect(none!.responseFormat).toBeUndefined();
    for (const fallback of [object!, none!]) {
      expect(fallback.system).toContain('You are the simulation director.');
      expect(fallback.system).toContain(JSON.stringify(ADJUDICATION_SCHEMA));
    }
  });

  it('remembers per provider what worked, so the refusal costs one call once', async () => {
    const registry = new ProviderRegistry();
    const options = mindOptions(server);
    const provider = () =>
      registry.state(
        { baseUrl: options.baseUrl, apiKey: options.apiKey, model: options.model },
        options.maxConcurrency,
      );
    server.handle((request) =>
      request.responseFormat === 'json_schema'
        ? answer.refuseResponseFormat()
        : answer.json(VALID_ADJUDICATION),
    );
    const first = mindOn(server, {}, { provider: provider() });
    expect((await first.complete(adjudicateRequest())).tries).toBe(2);
    // Another mind (another world) on the same provider starts where the first ended.
    const second = mindOn(server, { timeoutMs: 4_000 }, { provider: provider() });
    expect((await second.complete(adjudicateRequest())).tries).toBe(1);
    expect((await first.complete(adjudicateRequest())).tries).toBe(1);
    expect(server.requests.map((r) => r.responseFormat)).toEqual([
      'json_schema',
      'json_object',
      'json_object',
      'json_object',
    ]);
    // Text requests are untouched by the ladder.
    server.handle(() => answer.text('I see a crumb.'));
    await second.complete(perceiveRequest());
    expect(server.requests.at(-1)!.body['response_format']).toBeUndefined();
    expect(server.requests.at(-1)!.system).toBe('You are the perception of an ant.');
  });

  it('starts at the mode the config asks for', async () => {
    server.enqueue(answer.json(VALID_ADJUDICATION));
    await mindOn(server, { structuredOutput: 'none' }).complete(adjudicateRequest());
    const [received] = server.requests;
    expect(received!.responseFormat).toBeUndefined();
    expect(received!.system).toContain(JSON.stringify(ADJUDICATION_SCHEMA));
  });

  it('is a bad_request when even plain text is refused', async () => {
    server.handle(() => answer.refuseResponseFormat());
    const failure = await mindOn(server)
      .complete(adjudicateRequest())
      .catch((error: unknown) => error);
    expect(failure).toMatchObject({ kind: 'bad_request', tries: 3, status: 400 });
  });

  it('does not fall back on a bad request that is not about the format', async () => {
    server.enqueue(
      answer.error(400, { message: 'maximum context length exceeded', param: 'messages' }),
    );
    const failure = await mindOn(server)
      .complete(adjudicateRequest())
      .catch((error: unknown) => error);
    expect(failure).toMatchObject({ kind: 'bad_request', tries: 1 });
    expect(server.requests).toHaveLength(1);
  });
});

import {
  createServer,
  type IncomingHttpHeaders,
  type IncomingMessage,
  type ServerResponse,
} from 'node:http';
import type { AddressInfo } from 'node:net';

// A scripted OpenAI-compatible server for tests (chat completions and
// embeddings): real HTTP on 127.0.0.1, answers decided per test, every
// request kept for assertions. Tests never call a hosted model; minds and
// embedders under test point here.

/** One chat completion request as the server received it. */
export interface ReceivedChatRequest {
  /** 0 for the first request this server received, then 1, 2, ... */
  readonly index: number;
  /** performance.now() when the body had arrived (compare two requests to measure a wait). */
  readonly receivedAt: number;
  /** performance.now() when the request's headers arrived: the server holds the call from then. */
  readonly arrivedAt: number;
  /**
   * performance.now() when the answer's last byte was handed to the socket;
   * undefined until then, and for a call whose client went away first.
   */
  answeredAt: number | undefined;
  readonly headers: IncomingHttpHeaders;
  /** The parsed JSON body, as sent. */
  readonly body: Record<string, unknown>;
  readonly model: string | undefined;
  readonly messages: readonly { readonly role: string; readonly content: string }[];
  /** The system messages' text, joined by a blank line ('' when there is none). */
  readonly system: string;
  /** The last user message's text ('' when there is none). */
  readonly user: string;
  /** Every message's text, joined by newlines: for "no request ever contained X". */
  readonly text: string;
  /** `response_format.type`, or undefined when the request has no response_format. */
  readonly responseFormat: 'text' | 'json_schema' | 'json_object' | undefined;
  /** `response_format.json_schema.schema` of a json_schema request. */
  readonly schema: unknown;
}

/** One embeddings request (POST /v1/embeddings) as the server received it. */
export interface ReceivedEmbeddingRequest {
  /** 0 for the first embeddings request this server received, then 1, 2, ... */
  readonly index: number;
  readonly receivedAt: number;
  readonly headers: IncomingHttpHeaders;
  readonly body: Record<string, unknown>;
  readonly model: string | undefined;
  /** `input` as a list of texts (a single string is one text). */
  readonly inputs: readonly string[];
  /** `encoding_format` ('float' when absent, as OpenAI defaults). */
  readonly encodingFormat: string;
}

interface Timed {
  /** Wait this long before answering (a slow model). Cut short if the client goes away. */
  readonly delayMs?: number;
}

/** What the server does with one embeddings request: vectors (one per input), or a failure. */
export type EmbeddingAnswer =
  | (Timed & { readonly kind: 'vectors'; readonly vectors: readonly (readonly number[])[] })
  | Extract<LlmAnswer, { kind: 'error' | 'raw' | 'reset' }>;

/** What the server does with one request. Build them with `answer`. */
export type LlmAnswer =
  | (Timed & {
      readonly kind: 'reply';
      readonly content: string;
      readonly finishReason: string;
      /** null: the reply carries no usage; undefined: words counted. */
      readonly usage?: { readonly input_tokens: number; readonly output_tokens: number } | null;
      /** The model the reply says answered; default: the requested one. */
      readonly model?: string;
    })
  | (Timed & {
      readonly kind: 'error';
      readonly status: number;
      readonly message: string;
      readonly param?: string;
      readonly headers?: Readonly<Record<string, string>>;
    })
  | (Timed & {
      readonly kind: 'raw';
      readonly status: number;
      readonly body: string;
      readonly contentType: string;
    })
  | (Timed & { readonly kind: 'reset' });

interface ReplyOptions extends Timed {
  readonly finishReason?: string;
  readonly usage?: { readonly input_tokens: number; readonly output_tokens: number } | null;
  readonly model?: string;
}

/** Builders of scripted answers. */
export const answer = {
  /** A completion whose content is `content`. */
  text(content: string, options: ReplyOptions = {}): LlmAnswer {
    return { kind: 'reply', content, finishReason: options.finishReason ?? 'stop', ...options };
  },
  /** A completion whose content is `value` as JSON text (valid or not against any schema). */
  json(value: unknown, options: ReplyOptions = {}): LlmAnswer {
    return answer.text(JSON.stringify(value), options);
  },
  /** An OpenAI-style error body with `status`. */
  error(
    status: number,
    options: Timed & { message?: string; param?: string; headers?: Record<string, string> } = {},
  ): Extract<LlmAnswer, { kind: 'error' }> {
    return { kind: 'error', status, message: options.message ?? `scripted ${status}`, ...options };
  },
  /** 429 with Retry-After in seconds (and/or retry-after-ms). */
  rateLimited(
    options: { retryAfterSeconds?: number; retryAfterMs?: number } = {},
  ): Extract<LlmAnswer, { kind: 'error' }> {
    const headers: Record<string, string> = {};
    if (options.retryAfterSeconds !== undefined)
      headers['retry-after'] = String(options.retryAfterSeconds);
    if (options.retryAfterMs !== undefined)
      headers['retry-after-ms'] = String(options.retryAfterMs);
    return answer.error(429, { message: 'Rate limit reached', headers });
  },
  /** A 400 refusing the request's response_format, worded as OpenAI words it. */
  refuseResponseFormat(): LlmAnswer {
    return answer.error(400, {
      message:
        "Invalid parameter: 'response_format' of type 'json_schema' is not supported with this model.",
      param: 'response_format',
    });
  },
  /** A 200 whose JSON body is cut off. */
  malformed(body = '{"id":"chatcmpl-broken","choices":[{"message":'): LlmAnswer {
    return { kind: 'raw', status: 200, body, contentType: 'application/json' };
  },
  /** A well-formed completion with no choices. */
  noChoices(): LlmAnswer {
    return {
      kind: 'raw',
      status: 200,
      body: JSON.stringify({
        id: 'chatcmpl-empty',
        object: 'chat.completion',
        model: 'scripted',
        choices: [],
      }),
      contentType: 'application/json',
    };
  },
  /** The connection is reset as soon as the request has arrived. */
  reset(options: Timed = {}): Extract<LlmAnswer, { kind: 'reset' }> {
    return { kind: 'reset', ...options };
  },
  /** An embeddings reply: `vectors[i]` for input i (sent as floats or base64, as asked). */
  vectors(vectors: readonly (readonly number[])[], options: Timed = {}): EmbeddingAnswer {
    return { kind: 'vectors', vectors, ...options };
  },
};

export type LlmHandler = (request: ReceivedChatRequest) => LlmAnswer | Promise<LlmAnswer>;
export type EmbeddingHandler = (
  request: ReceivedEmbeddingRequest,
) => EmbeddingAnswer | Promise<EmbeddingAnswer>;

export interface LlmServerOptions {
  /** Answers requests when the queue is empty. Default: a 400 saying nothing was scripted. */
  readonly handler?: LlmHandler;
  /** What GET /v1/models lists (default: ['scripted-model']). */
  readonly models?: readonly string[];
  /** Answers embeddings requests when their queue is empty. Default: a 400 saying nothing was scripted. */
  readonly embeddings?: EmbeddingHandler;
}

export interface LlmServer {
  /** `http://127.0.0.1:<port>/v1`: the base URL for a mind or OPENAI_BASE_URL. */
  readonly baseUrl: string;
  /** Queues answers, used in order by the next requests (before the handler). */
  enqueue(...answers: LlmAnswer[]): void;
  /** Replaces the handler used once the queue is empty. */
  handle(handler: LlmHandler): void;
  /** Every chat completion request received so far, in arrival order. */
  readonly requests: readonly ReceivedChatRequest[];
  /** Queues embeddings answers, used in order by the next embeddings requests (before the handler). */
  enqueueEmbeddings(...answers: EmbeddingAnswer[]): void;
  /** Replaces the embeddings handler used once the embeddings queue is empty. */
  handleEmbeddings(handler: EmbeddingHandler): void;
  /** Every embeddings request received so far, in arrival order (chat requests are apart). */
  readonly embeddingRequests: readonly ReceivedEmbeddingRequest[];
  /** Requests being answered right now (chat and embeddings). */
  readonly inFlight: number;
  /** The most requests ever in flight at once. */
  readonly maxInFlight: number;
  /** Resolves once no request is in flight (clients that gave up have gone); rejects after `timeoutMs`. */
  idle(timeoutMs?: number): Promise<void>;
  /** Resolves once `count` requests have arrived; rejects after `timeoutMs`. */
  waitForRequests(count: number, timeoutMs?: number): Promise<readonly ReceivedChatRequest[]>;
  /** Stops listening, cuts open connections and pending delays. Call it in `finally`. */
  close(): Promise<void>;
}

const NOTHING_SCRIPTED: LlmHandler = (request) =>
  answer.error(400, {
    message: `scripted LLM server: nothing scripted for request #${request.index}`,
  });

const NO_EMBEDDINGS_SCRIPTED: EmbeddingHandler = (request) =>
  answer.error(400, {
    message: `scripted LLM server: nothing scripted for embeddings request #${request.index}`,
  });

/** Starts a scripted server on 127.0.0.1 at a free port. */
export async function createLlmServer(options: LlmServerOptions = {}): Promise<LlmServer> {
  const queue: LlmAnswer[] = [];
  let handler = options.handler ?? NOTHING_SCRIPTED;
  const models = options.models ?? ['scripted-model'];
  const requests: ReceivedChatRequest[] = [];
  const embeddingQueue: EmbeddingAnswer[] = [];
  let embeddingHandler = options.embeddings ?? NO_EMBEDDINGS_SCRIPTED;
  const embeddingRequests: ReceivedEmbeddingRequest[] = [];
  const waiters = new Set<{ count: number; resolve: () => void }>();
  const timers = new Set<NodeJS.Timeout>();
  const idleWaiters = new Set<() => void>();
  let inFlight = 0;
  let maxInFlight = 0;

  const server = createServer((req, res) => {
    const arrivedAt = performance.now();
    const path = req.url?.split('?')[0];
    if (req.method === 'GET' && path === '/v1/models') {
      sendJson(res, 200, {
        object: 'list',
        data: models.map((id) => ({ id, object: 'model', created: 0, owned_by: 'scripted' })),
      });
      req.resume();
      return;
    }
    const route =
      req.method !== 'POST'
        ? undefined
        : path === '/v1/chat/completions'
          ? 'chat'
          : path === '/v1/embeddings'
            ? 'embeddings'
            : undefined;
    if (route === undefined) {
      sendJson(res, 404, {
        error: { message: `no route ${req.method} ${path}`, type: 'not_found' },
      });
      req.resume();
      return;
    }
    void readBody(req).then(
      async (raw) => {
        let body: Record<string, unknown>;
        try {
          const parsed: unknown = JSON.parse(raw);
          if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed))
            throw new Error('not an object');
          body = parsed as Record<string, unknown>;
        } catch {
          sendJson(res, 400, {
            error: { message: 'the body is not a JSON object', type: 'invalid_request_error' },
          });
          return;
        }
        let next: () => Promise<{ scripted: LlmAnswer | EmbeddingAnswer; send: () => void }>;
        if (route === 'chat') {
          const request = received(requests.length, req.headers, body, arrivedAt);
          res.once('finish', () => {
            request.answeredAt = performance.now();
          });
          requests.push(request);
          for (const waiter of waiters) if (requests.length >= waiter.count) waiter.resolve();
          next = async () => {
            const scripted = queue.shift() ?? (await handler(request));
            return { scripted, send: () => respond(res, scripted, request) };
          };
        } else {
          const request = receivedEmbedding(embeddingRequests.length, req.headers, body);
          embeddingRequests.push(request);
          next = async () => {
            const scripted = embeddingQueue.shift() ?? (await embeddingHandler(request));
            return {
              scripted,
              send: () =>
                scripted.kind === 'vectors'
                  ? respondVectors(res, scripted, request)
                  : respondFailure(res, scripted),
            };
          };
        }
        inFlight += 1;
        maxInFlight = Math.max(maxInFlight, inFlight);
        let done = false;
        res.on('close', () => {
          if (done) return;
          done = true;
          inFlight -= 1;
          if (inFlight === 0) for (const resolve of idleWaiters) resolve();
        });
        let scripted: { scripted: LlmAnswer | EmbeddingAnswer; send: () => void };
        try {
          scripted = await next();
        } catch (error: unknown) {
          // A broken handler is the test's bug: answer at once, never retried.
          const refusal = answer.error(400, {
            message: `scripted LLM server: the handler threw: ${String(error)}`,
          });
          scripted = { scripted: refusal, send: () => respondFailure(res, refusal) };
        }
        await wait(scripted.scripted.delayMs ?? 0, res, timers);
        if (res.destroyed || res.writableEnded) return;
        scripted.send();
      },
      () => res.destroy(),
    );
  });
  // Connections kept as a hosted provider keeps them. Node's http agent and
  // undici (the openai client's fetch) reuse a connection only while the
  // server's keep-alive hint leaves more than a second, so with 1 s every
  // call opened a new one: measured on the worlds bench, a sequential
  // 1-agent turn took 515-536 ms against 328 ms with connections kept.
  // close() ends every connection, idle or not.
  server.keepAliveTimeout = 30_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;

  return {
    baseUrl: `http://127.0.0.1:${port}/v1`,
    enqueue: (...answers) => queue.push(...answers),
    handle: (next) => {
      handler = next;
    },
    get requests() {
      return [...requests];
    },
    enqueueEmbeddings: (...answers) => embeddingQueue.push(...answers),
    handleEmbeddings: (next) => {
      embeddingHandler = next;
    },
    get embeddingRequests() {
      return [...embeddingRequests];
    },
    get inFlight() {
      return inFlight;
    },
    get maxInFlight() {
      return maxInFlight;
    },
    idle(timeoutMs = 5_000) {
      if (inFlight === 0) return Promise.resolve();
      return new Promise((resolve, reject) => {
        const done = (): void => {
          clearTimeout(timer);
          idleWaiters.delete(done);
          resolve();
        };
        const timer = setTimeout(() => {
          idleWaiters.delete(done);
          reject(new Error(`still ${inFlight} requests in flight after ${timeoutMs} ms`));
        }, timeoutMs);
        idleWaiters.add(done);
      });
    },
    waitForRequests(count, timeoutMs = 5_000) {
      if (requests.length >= count) return Promise.resolve([...requests]);
      return new Promise((resolve, reject) => {
        const waiter = {
          count,
          resolve: () => {
            clearTimeout(timer);
            waiters.delete(waiter);
            resolve([...requests]);
          },
        };
        const timer = setTimeout(() => {
          waiters.delete(waiter);
          reject(
            new Error(`expected ${count} requests within ${timeoutMs} ms, got ${requests.length}`),
          );
        }, timeoutMs);
        waiters.add(waiter);
      });
    },
    async close() {
      for (const timer of timers) clearTimeout(timer);
      timers.clear();
      server.closeAllConnections();
      await new Promise<void>((resolve, reject) =>
        server.close((error) => (error ? reject(error) : resolve())),
      );
    },
  };
}

function received(
  index: number,
  headers: IncomingHttpHeaders,
  body: Record<string, unknown>,
  arrivedAt: number,
): ReceivedChatRequest {
  const messages = Array.isArray(body['messages'])
    ? (body['messages'] as unknown[]).map((message) => {
        const m = (typeof message === 'object' && message !== null ? message : {}) as Record<
          string,
          unknown
        >;
        return {
          role: String(m['role']),
          content: typeof m['content'] === 'string' ? m['content'] : JSON.stringify(m['content']),
        };
      })
    : [];
  const format = body['response_format'] as
    { type?: unknown; json_schema?: { schema?: unknown } } | undefined;
  const formatType = format?.type;
  return {
    index,
    receivedAt: performance.now(),
    arrivedAt,
    answeredAt: undefined,
    headers,
    body,
    model: typeof body['model'] === 'string' ? body['model'] : undefined,
    messages,
    system: messages
      .filter((m) => m.role === 'system')
      .map((m) => m.content)
      .join('\n\n'),
    user: messages.filter((m) => m.role === 'user').at(-1)?.content ?? '',
    text: messages.map((m) => m.content).join('\n'),
    responseFormat:
      formatType === 'text' || formatType === 'json_schema' || formatType === 'json_object'
        ? formatType
        : undefined,
    schema: format?.json_schema?.schema,
  };
}

function receivedEmbedding(
  index: number,
  headers: IncomingHttpHeaders,
  body: Record<string, unknown>,
): ReceivedEmbeddingRequest {
  const input = body['input'];
  const inputs = Array.isArray(input)
    ? input.map((x) => (typeof x === 'string' ? x : JSON.stringify(x)))
    : typeof input === 'string'
      ? [input]
      : [];
  const format = body['encoding_format'];
  return {
    index,
    receivedAt: performance.now(),
    headers,
    body,
    model: typeof body['model'] === 'string' ? body['model'] : undefined,
    inputs,
    encodingFormat: typeof format === 'string' ? format : 'float',
  };
}

function respondVectors(
  res: ServerResponse,
  scripted: Extract<EmbeddingAnswer, { kind: 'vectors' }>,
  request: ReceivedEmbeddingRequest,
): void {
  const encode = (vector: readonly number[]): number[] | string =>
    request.encodingFormat === 'base64'
      ? Buffer.from(new Float32Array(vector).buffer).toString('base64')
      : [...vector];
  const tokens = request.inputs.reduce((sum, text) => sum + words(text), 0);
  sendJson(res, 200, {
    object: 'list',
    data: scripted.vectors.map((vector, index) => ({
      object: 'embedding',
      index,
      embedding: encode(vector),
    })),
    model: request.model ?? 'scripted-embedding-model',
    usage: { prompt_tokens: tokens, total_tokens: tokens },
  });
}

function respondFailure(
  res: ServerResponse,
  scripted: Extract<LlmAnswer, { kind: 'error' | 'raw' | 'reset' }>,
): void {
  switch (scripted.kind) {
    case 'error':
      sendJson(
        res,
        scripted.status,
        {
          error: {
            message: scripted.message,
            type: 'scripted_error',
            param: scripted.param ?? null,
            code: null,
          },
        },
        scripted.headers,
      );
      return;
    case 'raw':
      res.writeHead(scripted.status, { 'content-type': scripted.contentType }).end(scripted.body);
      return;
    case 'reset':
      res.socket?.resetAndDestroy();
      return;
  }
}

function respond(res: ServerResponse, scripted: LlmAnswer, request: ReceivedChatRequest): void {
  if (scripted.kind !== 'reply') {
    respondFailure(res, scripted);
    return;
  }
  const usage =
    scripted.usage === null
      ? {}
      : {
          usage: usageOf(
            scripted.usage ?? {
              input_tokens: words(request.text),
              output_tokens: words(scripted.content),
            },
          ),
        };
  sendJson(res, 200, {
    id: `chatcmpl-scripted-${request.index}`,
    object: 'chat.completion',
    created: Math.floor(Date.now() / 1000),
    model: scripted.model ?? request.model ?? 'scripted-model',
    choices: [
      {
        index: 0,
        message: { role: 'assistant', content: scripted.content },
        finish_reason: scripted.finishReason,
      },
    ],
    ...usage,
  });
}

function usageOf(usage: { readonly input_tokens: number; readonly output_tokens: number }) {
  return {
    prompt_tokens: usage.input_tokens,
    completion_tokens: usage.output_tokens,
    total_tokens: usage.input_tokens + usage.output_tokens,
  };
}

function words(text: string): number {
  return text.split(/\s+/).filter((word) => word !== '').length;
}

function sendJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Readonly<Record<string, string>> = {},
): void {
  res
    .writeHead(status, { 'content-type': 'application/json', ...headers })
    .end(JSON.stringify(body));
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

/** Waits `ms`, ending early when the client goes away (its timeout or abort). */
function wait(ms: number, res: ServerResponse, timers: Set<NodeJS.Timeout>): Promise<void> {
  if (ms <= 0) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(finish, ms);
    timers.add(timer);
    res.once('close', finish);
    function finish(): void {
      clearTimeout(timer);
      timers.delete(timer);
      res.off('close', finish);
      resolve();
    }
  });
}

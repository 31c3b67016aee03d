import {
  createServer,
  type IncomingHttpHeaders,
  type IncomingMessage,
  type ServerResponse,
} from 'node:http';
import type { AddressInfo } from 'node:net';

// A scripted OpenAI-compatible chat completions server for tests: real HTTP
// on 127.0.0.1, answers decided per test, every request kept for
// assertions. Tests never call a hosted model; minds under test point here.

/** One chat completion request as the server received it. */
export interface ReceivedChatRequest {
  /** 0 for the first request this server received, then 1, 2, ... */
  readonly index: number;
  /** performance.now() when the body had arrived (compare two requests to measure a wait). */
  readonly receivedAt: number;
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

interface Timed {
  /** Wait this long before answering (a slow model). Cut short if the client goes away. */
  readonly delayMs?: number;
}

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
  ): LlmAnswer {
    return { kind: 'error', status, message: options.message ?? `scripted ${status}`, ...options };
  },
  /** 429 with Retry-After in seconds (and/or retry-after-ms). */
  rateLimited(options: { retryAfterSeconds?: number; retryAfterMs?: number } = {}): LlmAnswer {
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
  reset(options: Timed = {}): LlmAnswer {
    return { kind: 'reset', ...options };
  },
};

export type LlmHandler = (request: ReceivedChatRequest) => LlmAnswer | Promise<LlmAnswer>;

export interface LlmServerOptions {
  /** Answers requests when the queue is empty. Default: a 400 saying nothing was scripted. */
  readonly handler?: LlmHandler;
  /** What GET /v1/models lists (default: ['scripted-model']). */
  readonly models?: readonly string[];
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
  /** Requests being answered right now. */
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

/** Starts a scripted server on 127.0.0.1 at a free port. */
export async function createLlmServer(options: LlmServerOptions = {}): Promise<LlmServer> {
  const queue: LlmAnswer[] = [];
  let handler = options.handler ?? NOTHING_SCRIPTED;
  const models = options.models ?? ['scripted-model'];
  const requests: ReceivedChatRequest[] = [];
  const waiters = new Set<{ count: number; resolve: () => void }>();
  const timers = new Set<NodeJS.Timeout>();
  const idleWaiters = new Set<() => void>();
  let inFlight = 0;
  let maxInFlight = 0;

  const server = createServer((req, res) => {
    const path = req.url?.split('?')[0];
    if (req.method === 'GET' && path === '/v1/models') {
      sendJson(res, 200, {
        object: 'list',
        data: models.map((id) => ({ id, object: 'model', created: 0, owned_by: 'scripted' })),
      });
      req.resume();
      return;
    }
    if (req.method !== 'POST' || path !== '/v1/chat/completions') {
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
        const request = received(requests.length, req.headers, body);
        requests.push(request);
        for (const waiter of waiters) if (requests.length >= waiter.count) waiter.resolve();
        inFlight += 1;
        maxInFlight = Math.max(maxInFlight, inFlight);
        let done = false;
        res.on('close', () => {
          if (done) return;
          done = true;
          inFlight -= 1;
          if (inFlight === 0) for (const resolve of idleWaiters) resolve();
        });
        let scripted: LlmAnswer;
        try {
          scripted = queue.shift() ?? (await handler(request));
        } catch (error: unknown) {
          // A broken handler is the test's bug: answer at once, never retried.
          scripted = answer.error(400, {
            message: `scripted LLM server: the handler threw: ${String(error)}`,
          });
        }
        await wait(scripted.delayMs ?? 0, res, timers);
        if (res.destroyed || res.writableEnded) return;
        respond(res, scripted, request);
      },
      () => res.destroy(),
    );
  });
  server.keepAliveTimeout = 1000;
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

function respond(res: ServerResponse, scripted: LlmAnswer, request: ReceivedChatRequest): void {
  switch (scripted.kind) {
    case 'reply': {
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
      return;
    }
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

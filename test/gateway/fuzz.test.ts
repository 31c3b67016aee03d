import { Agent, request } from 'node:http';
import { connect } from 'node:net';
import { defaultCatalog } from '@crucible/contracts';
import { startGateway } from '@crucible/gateway';
import { startRealPlatform, type PlatformStack } from '../platform/stack';
import {
  TEST_AUTH_HEADERS,
  rowCountChanges,
  settledRowCounts,
  testGatewaySettings,
  type RowCounts,
} from '../support';
import { httpFuzzCases, mcpFuzzCases, type FuzzCase } from './fuzz-corpus';

// A few thousand malformed requests across every route and MCP tool,
// generated from the catalog and the documented examples (fuzz-corpus.ts),
// against the whole platform on real servers: none is answered 5xx, every
// refusal is the wire error (never `internal`), and no table of any schema
// gains or loses a row (docs/security.md, "Input").

interface Answer {
  status: number;
  body: string;
}

/** One request on `agent`, the body as given (framing from its length). */
function send(agent: Agent, base: URL, c: FuzzCase): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = request(
      {
        agent,
        host: base.hostname,
        port: base.port,
        method: c.method,
        path: c.path,
        headers: {
          ...TEST_AUTH_HEADERS,
          ...c.headers,
          ...(c.body && { 'content-length': String(c.body.byteLength) }),
        },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }),
        );
        res.on('error', reject);
      },
    );
    req.on('error', (error) => reject(new Error(`${c.name}: ${String(error)}`)));
    req.end(c.body);
  });
}

/** Runs `work` over `items`, `concurrency` at a time. */
async function inParallel<T, R>(
  items: readonly T[],
  concurrency: number,
  work: (item: T) => Promise<R>,
): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < items.length) {
        const i = next++;
        results[i] = await work(items[i]!);
      }
    }),
  );
  return results;
}

/** What is wrong with an answer: a 5xx, or a refusal that is not a wire error or is `internal`. */
function problemWith(answer: Answer): string | undefined {
  if (answer.status >= 500 || answer.status < 200) return `status ${answer.status}`;
  if (answer.status < 400 || answer.body === '') return undefined;
  try {
    const code = (JSON.parse(answer.body) as { error?: { code?: unknown } }).error?.code;
    return typeof code === 'string' && code !== 'internal'
      ? undefined
      : `error ${answer.body.slice(0, 200)}`;
  } catch {
    return `not JSON: ${answer.body.slice(0, 200)}`;
  }
}

describe('fuzz corpus (real servers)', () => {
  const catalog = defaultCatalog();
  // Built before any connection is open: generating a corpus takes seconds
  // (more under load), and a keep-alive socket left idle that long meets the
  // gateway's keep-alive timeout; a request written as the server closes it
  // is reset, which is HTTP's race, not the gateway's answer.
  const httpCases = httpFuzzCases(catalog);
  const mcpCases = mcpFuzzCases(catalog);
  let stack: PlatformStack;
  let before: RowCounts;
  // One pool per test, so no socket idles from one test into the next.
  let agent: Agent;

  beforeAll(async () => {
    stack = await startRealPlatform();
    before = await settledRowCounts(stack.infra.knex);
  }, 60_000);
  beforeEach(() => {
    agent = new Agent({ keepAlive: true, maxSockets: 8 });
  });
  afterEach(() => agent.destroy());
  afterAll(async () => {
    await stack?.stop();
  });

  it('answers every malformed HTTP request 4xx (or 2xx for a harmless read), never 5xx', async () => {
    const cases = httpCases;
    expect(cases.length).toBeGreaterThan(2_000);
    const base = new URL(stack.url);
    const answers = await inParallel(cases, 8, (c) => send(agent, base, c));
    const problems = cases.flatMap((c, i) => {
      const problem = problemWith(answers[i]!);
      return problem === undefined ? [] : [`${c.name}: ${problem}`];
    });
    expect(problems).toEqual([]);
  }, 120_000);

  it('answers every malformed MCP call without a 5xx or an internal error', async () => {
    const cases = mcpCases;
    expect(cases.length).toBeGreaterThan(500);
    const base = new URL(stack.url);
    const answers = await inParallel(cases, 8, (c) =>
      send(agent, base, {
        name: c.name,
        method: 'POST',
        path: '/mcp',
        headers: {
          'content-type': 'application/json',
          accept: 'application/json, text/event-stream',
        },
        body: Buffer.from(c.body),
      }),
    );
    const problems = cases.flatMap((c, i) => {
      const answer = answers[i]!;
      if (answer.status >= 500 || answer.status < 200)
        return [`${c.name}: status ${answer.status}`];
      // A failed tool call is a result with isError and the wire error as text.
      return answer.body.includes('\\"code\\":\\"internal\\"')
        ? [`${c.name}: ${answer.body.slice(0, 200)}`]
        : [];
    });
    expect(problems).toEqual([]);
  }, 120_000);

  it('answers bodies shorter than their length, or chunked without an end, 408 within the body timeout', async () => {
    const gateway = await startGateway(stack.infra, testGatewaySettings({ bodyTimeoutMs: 300 }));
    try {
      const { hostname, port } = new URL(gateway.url);
      const heads = catalog
        .exposedOperations()
        .filter((spec) => spec.http.method === 'POST' && !spec.http.path.includes('{'))
        .flatMap((spec) => [
          `POST ${spec.http.path} HTTP/1.1\r\nContent-Type: application/json\r\nContent-Length: 500\r\n\r\n{"content":"abc`,
          `POST ${spec.http.path} HTTP/1.1\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n5\r\n{"a":`,
        ]);
      const started = Date.now();
      const answers = await inParallel(heads, 8, (head) => {
        const [line, ...rest] = head.split('\r\n');
        return new Promise<string>((resolve, reject) => {
          const socket = connect({ host: hostname, port: Number(port) });
          let text = '';
          socket.setEncoding('utf8');
          socket.on('data', (chunk: string) => (text += chunk));
          socket.on('error', reject);
          socket.on('close', () => resolve(text));
          socket.write(
            [
              line,
              `Host: ${hostname}:${port}`,
              `Authorization: ${TEST_AUTH_HEADERS.authorization}`,
              ...rest,
            ].join('\r\n'),
          );
        });
      });
      expect(answers.map((a) => a.slice(0, 12))).toEqual(heads.map(() => 'HTTP/1.1 408'));
      expect(Date.now() - started).toBeLessThan(10_000);
    } finally {
      await gateway.stop();
    }
  }, 30_000);

  it('changed no row of any table', async () => {
    expect(rowCountChanges(before, await settledRowCounts(stack.infra.knex))).toEqual({});
  });
});

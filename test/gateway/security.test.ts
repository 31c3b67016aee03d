import { randomBytes, createHash } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import { connect } from 'node:net';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { startGateway, type RunningGateway } from '@crucible/gateway';
import { startRealStack, type Stack } from '../components/stack';
import {
  countRows,
  http,
  rawHttp,
  rowCountChanges,
  testGatewaySettings,
  type RowCounts,
} from '../support';

// Who may call what through the gateway, and what a client sees when it may
// not (docs/security.md): one components stack, and gateways with other
// credential sources and limits started on its infrastructure.

// jose is ESM only: loaded with import() (jest runs with --experimental-vm-modules).
const loadJose = () => import('jose');
type Jose = Awaited<ReturnType<typeof loadJose>>;
type SigningKey = Parameters<InstanceType<Jose['SignJWT']>['sign']>[0];

const ENVIRONMENTS = '/v1/components/environments';
const MCP_ACCEPT = { accept: 'application/json, text/event-stream' };

function newToken(): string {
  return `crucible_${randomBytes(32).toString('base64url')}`;
}

function sha256(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

function bearer(token: string): Record<string, string> {
  return { authorization: `Bearer ${token}` };
}

/** A JSON-RPC tools/call of the MCP endpoint, as a raw POST. */
function toolCall(name: string, args: unknown): unknown {
  return { jsonrpc: '2.0', id: 1, method: 'tools/call', params: { name, arguments: args } };
}

describe('gateway security (real servers)', () => {
  let stack: Stack;
  let dir: string;
  const extra: RunningGateway[] = [];
  let before: RowCounts;

  beforeAll(async () => {
    stack = await startRealStack();
    dir = mkdtempSync(join(tmpdir(), 'crucible-security-'));
  }, 60_000);
  afterAll(async () => {
    for (const gateway of extra) await gateway.stop();
    await stack?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  async function gatewayWith(env: Record<string, string>): Promise<RunningGateway> {
    const gateway = await startGateway(stack.infra, testGatewaySettings({}, env));
    extra.push(gateway);
    return gateway;
  }

  describe('with the admin token (the default)', () => {
    beforeAll(async () => {
      before = await countRows(stack.infra.knex);
    });
    afterAll(async () => {
      // None of the refusals below wrote anything.
      expect(rowCountChanges(before, await countRows(stack.infra.knex))).toEqual({});
    });

    it.each(['/', '/v1', '/health', '/ready', '/openapi.json'])(
      'serves %s to anyone',
      async (path) => {
        const response = await http(`${stack.url}${path}`, 'GET', undefined, { authorization: '' });
        expect(response.status).toBe(200);
      },
    );

    it('publishes the protected resource metadata of the API and of the MCP endpoint', async () => {
      for (const resource of ['', '/mcp']) {
        const response = await http(
          `${stack.url}/.well-known/oauth-protected-resource${resource}`,
          'GET',
          undefined,
          { authorization: '' },
        );
        expect(response.status).toBe(200);
        expect(response.body).toEqual({
          resource: `${stack.url}${resource}`,
          scopes_supported: ['read', 'write', 'admin'],
          bearer_methods_supported: ['header'],
          resource_name: 'Crucible',
          resource_documentation: `${stack.url}/`,
        });
      }
    });

    it('answers a request without a token 401 with a Bearer challenge naming the metadata', async () => {
      const response = await http(
        `${stack.url}${ENVIRONMENTS}`,
        'POST',
        { content: 'x' },
        {
          authorization: '',
        },
      );
      expect(response.status).toBe(401);
      expect(response.body.error).toMatchObject({
        code: 'unauthenticated',
        retryable: false,
        details: { reason: 'missing_token' },
      });
      expect(response.headers.get('www-authenticate')).toBe(
        `Bearer realm="crucible", resource_metadata="${stack.url}/.well-known/oauth-protected-resource"`,
      );
    });

    it.each([
      ['an unknown token', `Bearer ${newToken()}`],
      ['another scheme', 'Basic YWRtaW46YWRtaW4='],
      ['a malformed bearer', 'Bearer a b c'],
    ])('answers %s 401 invalid_token', async (_what, authorization) => {
      for (const [method, path] of [
        ['POST', ENVIRONMENTS],
        ['GET', `${ENVIRONMENTS}/${'a'.repeat(64)}`],
        ['POST', '/v1/ops/put_environment'],
        ['POST', '/v1/ops/no_such_operation'],
      ] as const) {
        const response = await http(
          `${stack.url}${path}`,
          method,
          method === 'POST' ? {} : undefined,
          {
            authorization,
          },
        );
        expect([path, response.status, response.body.error.details.reason]).toEqual([
          path,
          401,
          'invalid_token',
        ]);
        expect(response.headers.get('www-authenticate')).toMatch(
          /^Bearer realm="crucible", resource_metadata="[^"]+", error="invalid_token"/,
        );
      }
    });

    it('refuses the MCP endpoint without a token, pointing at its own metadata', async () => {
      const response = await http(`${stack.url}/mcp`, 'POST', toolCall('get_environment', {}), {
        ...MCP_ACCEPT,
        authorization: '',
      });
      expect(response.status).toBe(401);
      expect(response.headers.get('www-authenticate')).toContain(
        `resource_metadata="${stack.url}/.well-known/oauth-protected-resource/mcp"`,
      );
    });

    it('refuses a Host it does not serve (DNS rebinding), but answers probes on any', async () => {
      const path = `${ENVIRONMENTS}/${'a'.repeat(64)}`;
      const refused = await rawHttp(stack.url, {
        method: 'GET',
        path,
        headers: { host: 'attacker.example:8080' },
      });
      expect(refused.status).toBe(403);
      expect(JSON.parse(refused.body).error).toMatchObject({
        code: 'permission_denied',
        details: { reason: 'host_not_allowed' },
      });
      const probe = await rawHttp(stack.url, {
        method: 'GET',
        path: '/health',
        headers: { host: '10.1.2.3:8080' },
      });
      expect(probe.status).toBe(200);
      const local = await rawHttp(stack.url, {
        method: 'GET',
        path,
        headers: { host: 'localhost' },
      });
      expect(local.status).toBe(404);
    });

    it('refuses a browser Origin of another site, on the API and the MCP endpoint', async () => {
      for (const path of [ENVIRONMENTS, '/mcp']) {
        const response = await http(
          `${stack.url}${path}`,
          'POST',
          {},
          {
            ...MCP_ACCEPT,
            origin: 'https://attacker.example',
          },
        );
        expect([path, response.status, response.body.error?.details.reason]).toEqual([
          path,
          403,
          'origin_not_allowed',
        ]);
      }
      const local = await http(`${stack.url}${ENVIRONMENTS}/${'a'.repeat(64)}`, 'GET', undefined, {
        origin: 'http://localhost:3000',
      });
      expect(local.status).toBe(404);
    });
  });

  describe('with API keys from a file', () => {
    let gateway: RunningGateway;
    let keysFile: string;
    const reader = newToken();
    const writer = newToken();
    const writeKeys = (entries: Array<{ principal: string; token: string; scopes: string[] }>) =>
      writeFileSync(
        keysFile,
        JSON.stringify({
          keys: entries.map((e) => ({
            principal: e.principal,
            sha256: sha256(e.token),
            scopes: e.scopes,
          })),
        }),
      );

    beforeAll(async () => {
      keysFile = join(dir, 'keys.json');
      writeKeys([
        { principal: 'reader', token: reader, scopes: ['read'] },
        { principal: 'writer', token: writer, scopes: ['write'] },
      ]);
      gateway = await gatewayWith({ CRUCIBLE_API_KEYS_FILE: keysFile });
    });

    it('lets each key do what its scope grants, and answers 403 with the scope missing', async () => {
      const put = await http(
        `${gateway.url}${ENVIRONMENTS}`,
        'POST',
        { content: 'keyed' },
        bearer(writer),
      );
      expect(put.status).toBe(200);
      const get = await http(
        `${gateway.url}${ENVIRONMENTS}/${put.body.hash}`,
        'GET',
        undefined,
        bearer(reader),
      );
      expect(get.status).toBe(200);
      // write includes read
      const getByWriter = await http(
        `${gateway.url}${ENVIRONMENTS}/${put.body.hash}`,
        'GET',
        undefined,
        bearer(writer),
      );
      expect(getByWriter.status).toBe(200);
      const refused = await http(
        `${gateway.url}${ENVIRONMENTS}`,
        'POST',
        { content: 'nope' },
        bearer(reader),
      );
      expect(refused.status).toBe(403);
      expect(refused.body.error).toMatchObject({
        code: 'permission_denied',
        details: { reason: 'insufficient_scope', required_scope: 'write' },
      });
      expect(refused.headers.get('www-authenticate')).toMatch(
        /^Bearer realm="crucible", resource_metadata="[^"]+", error="insufficient_scope", scope="write"/,
      );
      // The admin token of the default settings still works beside the file.
      expect((await http(`${gateway.url}${ENVIRONMENTS}/${put.body.hash}`, 'GET')).status).toBe(
        200,
      );
    });

    it('follows the MCP authorization rules: a tool call beyond the scope is HTTP 403', async () => {
      const client = new Client({ name: 'reader', version: '1.0.0' });
      await client.connect(
        new StreamableHTTPClientTransport(new URL(`${gateway.url}/mcp`), {
          requestInit: { headers: bearer(reader) },
        }),
      );
      try {
        expect((await client.listTools()).tools.length).toBeGreaterThan(0);
        const put = await http(
          `${gateway.url}${ENVIRONMENTS}`,
          'POST',
          { content: 'for MCP' },
          bearer(writer),
        );
        const read = await client.callTool({
          name: 'get_environment',
          arguments: { hash: put.body.hash },
        });
        expect(read.isError).toBeFalsy();
      } finally {
        await client.close();
      }
      const refused = await http(
        `${gateway.url}/mcp`,
        'POST',
        toolCall('put_environment', { content: 'x' }),
        {
          ...MCP_ACCEPT,
          ...bearer(reader),
        },
      );
      expect(refused.status).toBe(403);
      expect(refused.headers.get('www-authenticate')).toContain(
        'error="insufficient_scope", scope="write"',
      );
      expect(refused.headers.get('www-authenticate')).toContain(
        '/.well-known/oauth-protected-resource/mcp',
      );
    });

    it('takes a key added or revoked in the file without a restart', async () => {
      const added = newToken();
      writeKeys([
        { principal: 'reader', token: reader, scopes: ['read'] },
        { principal: 'added', token: added, scopes: ['read'] },
      ]);
      // Allowed and nothing there: 404; refused: 401.
      const path = `${gateway.url}${ENVIRONMENTS}/${'a'.repeat(64)}`;
      const statusOf = async (token: string) =>
        (await http(path, 'GET', undefined, bearer(token))).status;
      const deadline = Date.now() + 10_000;
      while ((await statusOf(added)) !== 404 && Date.now() < deadline)
        await new Promise((resolve) => setTimeout(resolve, 200));
      expect(await statusOf(added)).toBe(404);
      expect(await statusOf(writer)).toBe(401);
      expect(await statusOf(reader)).toBe(404);
    }, 20_000);
  });

  describe('with JWTs from an identity provider', () => {
    let jose: Jose;
    let privateKey: SigningKey;
    let jwksServer: Server;
    const issuer = 'https://idp.example';
    const audience = 'https://crucible.example';
    let fileGateway: RunningGateway;
    let urlGateway: RunningGateway;

    const sign = (claims: Record<string, unknown>, options: { exp?: string; aud?: string } = {}) =>
      new jose.SignJWT(claims)
        .setProtectedHeader({ alg: 'ES256', kid: 'k1' })
        .setIssuer(issuer)
        .setAudience(options.aud ?? audience)
        .setIssuedAt()
        .setExpirationTime(options.exp ?? '5m')
        .sign(privateKey);

    beforeAll(async () => {
      jose = await loadJose();
      const pair = await jose.generateKeyPair('ES256');
      privateKey = pair.privateKey;
      const jwks = {
        keys: [{ ...(await jose.exportJWK(pair.publicKey)), kid: 'k1', alg: 'ES256' }],
      };
      const jwksFile = join(dir, 'jwks.json');
      writeFileSync(jwksFile, JSON.stringify(jwks));
      jwksServer = createServer((_req, res) => {
        res.setHeader('content-type', 'application/json');
        res.end(JSON.stringify(jwks));
      });
      await new Promise<void>((resolve) => jwksServer.listen(0, '127.0.0.1', resolve));
      const port = (jwksServer.address() as { port: number }).port;
      const common = { CRUCIBLE_JWT_ISSUER: issuer, CRUCIBLE_JWT_AUDIENCE: audience };
      fileGateway = await gatewayWith({ ...common, CRUCIBLE_JWKS_FILE: jwksFile });
      urlGateway = await gatewayWith({
        ...common,
        CRUCIBLE_JWKS_URL: `http://127.0.0.1:${port}/jwks.json`,
      });
    });
    afterAll(async () => {
      await new Promise((resolve) => jwksServer?.close(resolve));
    });

    it('accepts a token of the provider with the scope, from a JWKS file or URL', async () => {
      const token = await sign({ sub: 'auth0|alice', scope: 'openid write' });
      for (const gateway of [fileGateway, urlGateway]) {
        const put = await http(
          `${gateway.url}${ENVIRONMENTS}`,
          'POST',
          { content: 'jwt' },
          bearer(token),
        );
        expect(put.status).toBe(200);
      }
      const metadata = await http(`${fileGateway.url}/.well-known/oauth-protected-resource`, 'GET');
      expect(metadata.body.authorization_servers).toEqual([issuer]);
    });

    it('answers 503 jwks_unavailable, not 401, when the key set cannot be fetched', async () => {
      // A port that refuses connections: the identity provider is down.
      const closed = createServer();
      await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
      const port = (closed.address() as { port: number }).port;
      await new Promise((resolve) => closed.close(resolve));
      const gateway = await gatewayWith({
        CRUCIBLE_JWT_ISSUER: issuer,
        CRUCIBLE_JWT_AUDIENCE: audience,
        CRUCIBLE_JWKS_URL: `http://127.0.0.1:${port}/jwks.json`,
      });
      const token = await sign({ sub: 'a', scope: 'write' });
      const response = await http(
        `${gateway.url}${ENVIRONMENTS}`,
        'POST',
        { content: 'x' },
        bearer(token),
      );
      expect([
        response.status,
        response.body.error?.code,
        response.body.error?.details.reason,
      ]).toEqual([503, 'unavailable', 'jwks_unavailable']);
      expect(response.body.error.retryable).toBe(true);
    });

    it('refuses expired, foreign, unsigned and subject-less tokens, and missing scopes', async () => {
      const cases: Array<[string, string, number, string]> = [
        ['expired', await sign({ sub: 'a', scope: 'write' }, { exp: '-5m' }), 401, 'expired_token'],
        [
          'other audience',
          await sign({ sub: 'a', scope: 'write' }, { aud: 'other' }),
          401,
          'invalid_token',
        ],
        ['no subject', await sign({ scope: 'write' }), 401, 'invalid_token'],
        [
          'alg none',
          `${Buffer.from('{"alg":"none"}').toString('base64url')}.${Buffer.from(
            JSON.stringify({ sub: 'a', scope: 'write', iss: issuer, aud: audience }),
          ).toString('base64url')}.x`,
          401,
          'invalid_token',
        ],
        ['read only', await sign({ sub: 'a', scp: ['read'] }), 403, 'insufficient_scope'],
      ];
      for (const [what, token, status, reason] of cases) {
        const response = await http(
          `${fileGateway.url}${ENVIRONMENTS}`,
          'POST',
          { content: what },
          bearer(token),
        );
        expect([what, response.status, response.body.error?.details.reason]).toEqual([
          what,
          status,
          reason,
        ]);
      }
    });
  });

  it('limits each principal to its rate: 429 with Retry-After, others unaffected', async () => {
    const other = newToken();
    const keysFile = join(dir, 'rate-keys.json');
    writeFileSync(
      keysFile,
      JSON.stringify({ keys: [{ principal: 'other', sha256: sha256(other), scopes: ['read'] }] }),
    );
    const gateway = await gatewayWith({
      RATE_LIMIT_PER_MINUTE: '6',
      RATE_LIMIT_BURST: '2',
      CRUCIBLE_API_KEYS_FILE: keysFile,
    });
    // Allowed and nothing there: 404.
    const path = `${gateway.url}${ENVIRONMENTS}/${'a'.repeat(64)}`;
    expect((await http(path, 'GET')).status).toBe(404);
    expect((await http(path, 'GET')).status).toBe(404);
    const limited = await http(path, 'GET');
    expect(limited.status).toBe(429);
    expect(limited.body.error).toMatchObject({
      code: 'resource_exhausted',
      retryable: true,
      details: { reason: 'rate_limited' },
    });
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect(Number(limited.headers.get('retry-after'))).toBeLessThanOrEqual(10);
    expect((await http(path, 'GET', undefined, bearer(other))).status).toBe(404);
  });

  it('answers 408 to a body shorter than its Content-Length, and closes the connection', async () => {
    const gateway = await gatewayWith({ BODY_TIMEOUT_MS: '300' });
    const { hostname, port } = new URL(gateway.url);
    const started = Date.now();
    const answer = await new Promise<string>((resolve, reject) => {
      const socket = connect({ host: hostname, port: Number(port) });
      let text = '';
      socket.setEncoding('utf8');
      socket.on('data', (chunk: string) => (text += chunk));
      socket.on('error', reject);
      socket.on('close', () => resolve(text));
      socket.write(
        `POST ${ENVIRONMENTS} HTTP/1.1\r\nHost: ${hostname}:${port}\r\n` +
          `Authorization: ${testAuthorization()}\r\n` +
          'Content-Type: application/json\r\nContent-Length: 100\r\n\r\n{"content":',
      );
    });
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(answer).toMatch(/^HTTP\/1\.1 408 /);
    expect(answer.toLowerCase()).toContain('connection: close');
    expect(answer).toContain('"reason":"body_timeout"');
  });

  it('closes a connection whose headers never end, after HEADERS_TIMEOUT_MS', async () => {
    const gateway = await gatewayWith({ HEADERS_TIMEOUT_MS: '300' });
    const { hostname, port } = new URL(gateway.url);
    const started = Date.now();
    const answer = await new Promise<string>((resolve, reject) => {
      const socket = connect({ host: hostname, port: Number(port) });
      let text = '';
      socket.setEncoding('utf8');
      socket.on('data', (chunk: string) => (text += chunk));
      socket.on('error', reject);
      socket.on('close', () => resolve(text));
      socket.write(`GET /v1/names HTTP/1.1\r\nHost: ${hostname}:${port}\r\n`);
    });
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(answer).toMatch(/^HTTP\/1\.1 408 /);
  });

  it('tells keep-alive clients KEEP_ALIVE_TIMEOUT_MS and closes an idle connection after it', async () => {
    const gateway = await gatewayWith({ KEEP_ALIVE_TIMEOUT_MS: '2000' });
    const { hostname, port } = new URL(gateway.url);
    let answered = 0;
    const { text, closed } = await new Promise<{ text: string; closed: number }>(
      (resolve, reject) => {
        const socket = connect({ host: hostname, port: Number(port) });
        let text = '';
        socket.setEncoding('utf8');
        socket.on('data', (chunk: string) => {
          text += chunk;
          answered ||= Date.now();
        });
        socket.on('error', reject);
        socket.on('close', () => resolve({ text, closed: Date.now() }));
        socket.write(`GET /health HTTP/1.1\r\nHost: ${hostname}:${port}\r\n\r\n`);
      },
    );
    expect(text).toMatch(/^HTTP\/1\.1 200 /);
    expect(text.toLowerCase()).toContain('keep-alive: timeout=2');
    // Held open while idle (not closed with the answer), then closed.
    expect(closed - answered).toBeGreaterThanOrEqual(1_500);
    expect(closed - answered).toBeLessThan(4_500);
  });
});

function testAuthorization(): string {
  return `Bearer ${testGatewaySettings().auth.adminToken}`;
}

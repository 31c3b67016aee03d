import { defaultCatalog } from '@crucible/contracts';
import { startRealPlatform, type PlatformStack } from '../platform/stack';
import { http, rawHttp, type RawResponse } from '../support';
import { sendBytes } from './wire';

/** A wire error answer: the shape every failure has, with this status, code and reason. */
function expectWireError(response: RawResponse, status: number, code: string, reason: string) {
  expect(response.status).toBe(status);
  expect(response.headers['content-type']).toBe('application/json; charset=utf-8');
  expect(response.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
  const body = JSON.parse(response.body);
  expect(Object.keys(body)).toEqual(['error']);
  expect(body.error).toEqual({
    code,
    message: expect.any(String),
    retryable: false,
    details: expect.objectContaining({ reason }),
  });
  return body.error;
}

// HTTP details a client relies on without reading the gateway's code: empty
// bodies, media types, methods, and where to start (docs/api.md).
describe('HTTP details at the gateway (real servers)', () => {
  let stack: PlatformStack;
  beforeAll(async () => {
    stack = await startRealPlatform();
  }, 60_000);
  afterAll(async () => {
    await stack?.stop();
  });

  describe('an operation whose fields are all optional takes an empty body', () => {
    it('with no body at all: no Content-Length, no Transfer-Encoding, no content type', async () => {
      const response = await sendBytes(stack.url, 'POST /v1/scenarios/search HTTP/1.1');
      expect(response.status).toBe(200);
      expect(JSON.parse(response.body)).toEqual({ scenarios: [], next_cursor: null });
    });

    it('with Content-Length: 0 and no content type', async () => {
      const response = await rawHttp(stack.url, {
        method: 'POST',
        path: '/v1/scenarios/search',
        headers: { 'content-length': '0' },
      });
      expect(response.status).toBe(200);
      expect(JSON.parse(response.body)).toEqual({ scenarios: [], next_cursor: null });
    });

    it('with Content-Length: 0 under another content type (a form post of nothing)', async () => {
      const response = await rawHttp(stack.url, {
        method: 'POST',
        path: '/v1/scenarios/lineage',
        headers: { 'content-length': '0', 'content-type': 'application/x-www-form-urlencoded' },
      });
      // Read as {}: lineage_of then needs a name or a hash, and says so.
      expectWireError(response, 400, 'invalid_argument', 'invalid_ref');
    });

    it('through POST /v1/ops/{operation} as well', async () => {
      const response = await sendBytes(stack.url, 'POST /v1/ops/list_names HTTP/1.1');
      expect(response.status).toBe(200);
      expect(JSON.parse(response.body)).toEqual({ names: [], next_after: null });
    });

    it('while an operation with required fields names the first one missing', async () => {
      const response = await sendBytes(stack.url, 'POST /v1/components/environments HTTP/1.1');
      const error = expectWireError(response, 400, 'invalid_argument', 'missing_field');
      expect(error.details.path).toBe('/content');
    });
  });

  describe('a body that is not JSON is 415 with the wire error', () => {
    it.each([
      ['text/plain', 'content=x'],
      ['application/x-www-form-urlencoded', 'content=x'],
      ['application/merge-patch+json', '{"content":"x"}'],
    ])('%s', async (type, body) => {
      const before = await stack.count('components', 'environments');
      const response = await rawHttp(stack.url, {
        method: 'POST',
        path: '/v1/components/environments',
        headers: { 'content-type': type, 'content-length': String(body.length) },
        chunks: [body],
      });
      expectWireError(response, 415, 'invalid_argument', 'unsupported_media_type');
      expect(await stack.count('components', 'environments')).toBe(before);
    });

    it('with no content type at all', async () => {
      const body = '{"content":"x"}';
      const response = await sendBytes(
        stack.url,
        `POST /v1/components/environments HTTP/1.1\r\nContent-Length: ${body.length}`,
        body,
      );
      expectWireError(response, 415, 'invalid_argument', 'unsupported_media_type');
    });

    it('through POST /v1/ops/{operation} as well', async () => {
      const response = await rawHttp(stack.url, {
        method: 'POST',
        path: '/v1/ops/put_environment',
        headers: { 'content-type': 'text/plain', 'content-length': '1' },
        chunks: ['x'],
      });
      expectWireError(response, 415, 'invalid_argument', 'unsupported_media_type');
    });

    it('for a charset other than UTF-8 and a content coding the gateway cannot read', async () => {
      const body = '{"content":"x"}';
      const latin1 = await rawHttp(stack.url, {
        method: 'POST',
        path: '/v1/components/environments',
        headers: { 'content-type': 'application/json; charset=iso-8859-1' },
        chunks: [body],
      });
      expectWireError(latin1, 415, 'invalid_argument', 'unsupported_encoding');
      const coded = await rawHttp(stack.url, {
        method: 'POST',
        path: '/v1/components/environments',
        headers: { 'content-type': 'application/json', 'content-encoding': 'x-unknown' },
        chunks: [body],
      });
      expectWireError(coded, 415, 'invalid_argument', 'unsupported_encoding');
    });
  });

  describe('a known path asked with another method is 405 with Allow', () => {
    it.each([
      ['DELETE', '/v1/names/latest', 'GET, HEAD, PUT, OPTIONS'],
      ['GET', '/v1/scenarios', 'POST, OPTIONS'],
      ['POST', '/v1/scenarios/lookup', 'GET, HEAD, OPTIONS'],
      ['PATCH', '/v1/components/environments/abc', 'GET, HEAD, OPTIONS'],
      ['GET', '/v1/ops/list_names', 'POST, OPTIONS'],
      ['POST', '/openapi.json', 'GET, HEAD, OPTIONS'],
      ['DELETE', '/health', 'GET, HEAD, OPTIONS'],
      ['PUT', '/', 'GET, HEAD, OPTIONS'],
    ])('%s %s', async (method, path, allow) => {
      const response = await rawHttp(stack.url, { method, path });
      expect(response.headers.allow).toBe(allow);
      const error = expectWireError(response, 405, 'not_found', 'method_not_allowed');
      expect(error.details).toMatchObject({ method, allow: allow.split(', ') });
    });

    it('a HEAD on a POST-only path: 405, Allow, no body', async () => {
      const response = await rawHttp(stack.url, { method: 'HEAD', path: '/v1/scenarios' });
      expect(response.status).toBe(405);
      expect(response.headers.allow).toBe('POST, OPTIONS');
      expect(response.body).toBe('');
    });

    it('OPTIONS names the methods with 204', async () => {
      const response = await rawHttp(stack.url, { method: 'OPTIONS', path: '/v1/names/latest' });
      expect(response.status).toBe(204);
      expect(response.headers.allow).toBe('GET, HEAD, PUT, OPTIONS');
      expect(response.body).toBe('');
    });

    it('the MCP endpoint takes only POST', async () => {
      const response = await rawHttp(stack.url, { method: 'PUT', path: '/mcp' });
      expect(response.status).toBe(405);
      expect(response.headers.allow).toBe('POST');
    });

    it('a path the API does not have stays 404', async () => {
      const response = await rawHttp(stack.url, { method: 'DELETE', path: '/v1/dragons' });
      expectWireError(response, 404, 'not_found', 'unknown_route');
    });
  });

  describe('GET / is where a new user starts', () => {
    it('links to the API, the OpenAPI document, MCP and health, each of which answers', async () => {
      const home = await http(`${stack.url}/`, 'GET');
      expect(home.status).toBe(200);
      expect(home.headers.get('content-type')).toBe('application/json; charset=utf-8');
      expect(home.headers.get('vary')).toBe('Accept');
      const links = home.body.links as Record<string, { href: string; description: string }>;
      expect(Object.keys(links)).toEqual(['api', 'openapi', 'mcp', 'health', 'ready']);
      for (const link of Object.values(links)) expect(link.description).toEqual(expect.any(String));

      const api = await http(`${stack.url}${links.api!.href}`, 'GET');
      expect(api.status).toBe(200);
      expect(api.body.operations.map((op: { name: string }) => op.name)).toEqual(
        defaultCatalog()
          .exposedOperations()
          .map((op) => op.name),
      );
      expect(api.body.operations).toContainEqual({
        name: 'resolve_name',
        service: 'names',
        method: 'GET',
        path: '/v1/names/{name}',
        summary: expect.any(String),
      });
      const openapi = await http(`${stack.url}${links.openapi!.href}`, 'GET');
      expect(openapi.status).toBe(200);
      expect(openapi.body.openapi).toBe('3.1.0');
      expect((await http(`${stack.url}${links.health!.href}`, 'GET')).body).toEqual({
        status: 'ok',
      });
      const ready = await http(`${stack.url}${links.ready!.href}`, 'GET');
      expect(ready.status).toBe(200);
      expect(ready.body).toMatchObject({ status: 'ready' });
      const mcp = await http(
        `${stack.url}${links.mcp!.href}`,
        'POST',
        {
          jsonrpc: '2.0',
          id: 1,
          method: 'tools/list',
        },
        { accept: 'application/json, text/event-stream' },
      );
      expect(mcp.status).toBe(200);
      expect(mcp.body.result.tools.length).toBe(defaultCatalog().exposedOperations().length);
    });

    it('answers a browser with an HTML page of the same links', async () => {
      const page = await http(`${stack.url}/`, 'GET', undefined, {
        accept: 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8',
      });
      expect(page.status).toBe(200);
      expect(page.headers.get('content-type')).toBe('text/html; charset=utf-8');
      for (const href of ['/v1', '/openapi.json', '/mcp', '/health', '/ready']) {
        expect(page.body).toContain(`<a href="${href}">`);
      }
    });

    it('answers JSON to a client that prefers no type', async () => {
      const home = await http(`${stack.url}/`, 'GET', undefined, { accept: '*/*' });
      expect(home.body.links.openapi.href).toBe('/openapi.json');
    });
  });
});

import { textComponentHash } from '@crucible/hashing';
import { rawHttp as raw } from '../support';
import { countAll, type Stack } from './stack';

/**
 * How the gateway reads HTTP requests for the operations' routes, which it
 * serves in front of express: request targets, framing, HEAD.
 */
export function describeHttpTransport(name: string, start: () => Promise<Stack>): void {
  describe(`HTTP requests at the gateway (${name})`, () => {
    let stack: Stack;
    beforeAll(async () => {
      stack = await start();
    }, 60_000);
    afterAll(async () => {
      await stack?.stop();
    });

    it('reads a chunked body (no Content-Length)', async () => {
      const content = 'Sent in two chunks.';
      const response = await raw(stack.url, {
        method: 'POST',
        path: '/v1/components/environments',
        headers: { 'content-type': 'application/json', 'transfer-encoding': 'chunked' },
        chunks: ['{"content":"Sent in', ' two chunks."}'],
      });
      expect(response.status).toBe(200);
      expect(JSON.parse(response.body)).toEqual({
        hash: textComponentHash(content),
        was_new: true,
      });
    });

    it('serves a request whose target is an absolute URL, as for its path', async () => {
      const content = 'Addressed with an absolute-form target.';
      const response = await raw(stack.url, {
        method: 'POST',
        path: `${stack.url}/v1/components/environments?`,
        headers: { 'content-type': 'application/json' },
        chunks: [JSON.stringify({ content })],
      });
      expect(response.status).toBe(200);
      expect(JSON.parse(response.body)).toMatchObject({ hash: textComponentHash(content) });
    });

    it('answers HEAD on a read with the headers of GET and no body', async () => {
      const content = 'Read by HEAD.';
      const put = await raw(stack.url, {
        method: 'POST',
        path: '/v1/components/environments',
        headers: { 'content-type': 'application/json' },
        chunks: [JSON.stringify({ content })],
      });
      const { hash } = JSON.parse(put.body) as { hash: string };
      const path = `/v1/components/environments/${hash}`;
      const get = await raw(stack.url, { method: 'GET', path });
      const head = await raw(stack.url, { method: 'HEAD', path });
      expect(get.status).toBe(200);
      expect(JSON.parse(get.body)).toMatchObject({ hash, content });
      expect(head.status).toBe(200);
      expect(head.body).toBe('');
      expect(head.headers['content-length']).toBe(get.headers['content-length']);
      expect(head.headers['content-type']).toBe('application/json; charset=utf-8');
    });

    it('answers POST /v1/ops/{operation} for no such operation with not_found, writing nothing', async () => {
      const before = await countAll(stack);
      const response = await raw(stack.url, {
        method: 'POST',
        path: '/v1/ops/put_dragon',
        headers: { 'content-type': 'application/json' },
        chunks: ['{}'],
      });
      expect(response.status).toBe(404);
      expect(JSON.parse(response.body)).toMatchObject({
        error: {
          code: 'not_found',
          details: { reason: 'unknown_operation', operation: 'put_dragon' },
        },
      });
      expect(await countAll(stack)).toEqual(before);
    });

    it('gives every answer, error or not, a request id: the caller’s when sane', async () => {
      const given = await raw(stack.url, {
        method: 'POST',
        path: '/v1/components/environments',
        headers: { 'content-type': 'application/json', 'x-request-id': 'caller-id-1' },
        chunks: ['{"content":""}'],
      });
      expect(given.status).toBe(400);
      expect(given.headers['x-request-id']).toBe('caller-id-1');
      const insane = await raw(stack.url, {
        method: 'POST',
        path: '/v1/components/environments',
        headers: { 'content-type': 'application/json', 'x-request-id': 'no spaces allowed' },
        chunks: ['{"content":"fine"}'],
      });
      expect(insane.status).toBe(200);
      expect(insane.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
    });
  });
}

import http from 'node:http';
import type { AddressInfo } from 'node:net';
import zlib from 'node:zlib';
import { httpFetch } from './http-fetch';

type Handler = (req: http.IncomingMessage, body: string, res: http.ServerResponse) => void;

/** A server on a loopback port for one test; each request goes to `handler`. */
async function serve(handler: Handler): Promise<{ url: string; close: () => Promise<void> }> {
  const server = http.createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (chunk: string) => (body += chunk));
    req.on('end', () => handler(req, body, res));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

describe('httpFetch', () => {
  it('sends the method, headers and body, and answers with the status, headers and body', async () => {
    const seen: Array<{ method?: string; type?: string; length?: string; body: string }> = [];
    const server = await serve((req, body, res) => {
      seen.push({
        method: req.method,
        type: req.headers['content-type'],
        length: req.headers['content-length'],
        body,
      });
      res.writeHead(201, { 'content-type': 'application/json', 'x-request-id': 'r1' });
      res.end(JSON.stringify({ ok: true, echo: JSON.parse(body) as unknown }));
    });
    try {
      const response = await httpFetch(`${server.url}/v1/chat/completions`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ text: 'héllo' }),
      });
      expect(response.status).toBe(201);
      expect(response.ok).toBe(true);
      expect(response.headers.get('x-request-id')).toBe('r1');
      expect(await response.json()).toEqual({ ok: true, echo: { text: 'héllo' } });
      expect(seen).toEqual([
        {
          method: 'POST',
          type: 'application/json',
          length: String(Buffer.byteLength('{"text":"héllo"}')),
          body: '{"text":"héllo"}',
        },
      ]);
    } finally {
      await server.close();
    }
  });

  it('keeps the connection for the next call', async () => {
    const ports: number[] = [];
    const server = await serve((req, _body, res) => {
      ports.push(req.socket.remotePort ?? -1);
      res.end('{}');
    });
    try {
      for (let i = 0; i < 3; i++) await (await httpFetch(`${server.url}/a`)).text();
      expect(new Set(ports).size).toBe(1);
    } finally {
      await server.close();
    }
  });

  it('answers an error status as a response, with its headers', async () => {
    const server = await serve((_req, _body, res) => {
      res.writeHead(429, { 'retry-after': '2', 'content-type': 'application/json' });
      res.end('{"error":{"message":"slow down"}}');
    });
    try {
      const response = await httpFetch(`${server.url}/x`, { method: 'POST', body: '{}' });
      expect(response.status).toBe(429);
      expect(response.headers.get('retry-after')).toBe('2');
      expect(await response.json()).toEqual({ error: { message: 'slow down' } });
    } finally {
      await server.close();
    }
  });

  it('decodes a compressed body, and gives no body for a 204', async () => {
    const server = await serve((req, _body, res) => {
      if (req.url === '/empty') {
        res.writeHead(204);
        res.end();
        return;
      }
      res.writeHead(200, { 'content-encoding': 'gzip' });
      res.end(zlib.gzipSync('{"zipped":true}'));
    });
    try {
      expect(await (await httpFetch(`${server.url}/zip`)).json()).toEqual({ zipped: true });
      const empty = await httpFetch(`${server.url}/empty`);
      expect(empty.status).toBe(204);
      expect(empty.body).toBeNull();
    } finally {
      await server.close();
    }
  });

  it('follows a redirect as fetch does', async () => {
    const server = await serve((req, body, res) => {
      if (req.url === '/old' || req.url === '/see-other') {
        res.writeHead(req.url === '/old' ? 307 : 303, { location: '/new' });
        res.end();
        return;
      }
      res.end(JSON.stringify({ at: req.url, method: req.method, body }));
    });
    try {
      const response = await httpFetch(`${server.url}/old`, { method: 'POST', body: 'b' });
      expect(await response.json()).toEqual({ at: '/new', method: 'POST', body: 'b' });
      // A 303 is followed with a GET, without the body.
      const seeOther = await httpFetch(`${server.url}/see-other`, { method: 'POST', body: 'b' });
      expect(await seeOther.json()).toEqual({ at: '/new', method: 'GET', body: '' });
    } finally {
      await server.close();
    }
  });

  it("rejects with the signal's reason when aborted, before or while waiting", async () => {
    const server = await serve((_req, _body, res) => {
      res.writeHead(200);
      res.write('{"partial":');
      // Never finished: the abort ends it.
    });
    try {
      const controller = new AbortController();
      const pending = httpFetch(`${server.url}/slow`, { signal: controller.signal });
      setTimeout(() => controller.abort(new Error('timed out here')), 50);
      await expect(pending).rejects.toThrow('timed out here');
      const aborted = new AbortController();
      aborted.abort();
      await expect(
        httpFetch(`${server.url}/slow`, { signal: aborted.signal }),
      ).rejects.toMatchObject({ name: 'AbortError' });
    } finally {
      await server.close();
    }
  });

  it("rejects as fetch does when the connection fails or drops mid-body, Node's error as the cause", async () => {
    const server = await serve((_req, _body, res) => {
      res.writeHead(200, { 'content-length': '100' });
      res.write('{"cut":');
      setTimeout(() => res.socket?.destroy(), 20);
    });
    const { url } = server;
    try {
      const dropped = await httpFetch(`${url}/drop`).catch((error: unknown) => error);
      expect(dropped).toBeInstanceOf(TypeError);
      expect((dropped as TypeError).message).toBe('fetch failed');
    } finally {
      await server.close();
    }
    const refused = await httpFetch(`${url}/gone`).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(TypeError);
    expect((refused as TypeError).cause).toMatchObject({ code: 'ECONNREFUSED' });
  });
});

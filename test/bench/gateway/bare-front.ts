import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { bareSubjects, type BareConfig } from './bare-pipeline-config';
import { ENVIRONMENTS_PATH } from './workload';

export interface RunningBareFront {
  readonly url: string;
  stop(): Promise<void>;
}

const REQUEST_TIMEOUT_MS = 5_000;
const BODY_LIMIT_BYTES = 1_000_000;
// `{"error"`: the worker's failure replies start with these bytes.
const ERROR_PREFIX = Buffer.from('{"error"');

/**
 * The bare front: a node:http server that reads the body and forwards it
 * with one raw NATS request (POST: the body as is; GET .../{hash}:
 * `{"hash": ...}`), answering with the worker's reply. No framework, no
 * validation, no headers, no tracing.
 */
export async function startBareFront(
  config: Pick<BareConfig, 'natsUrl' | 'subjectPrefix'>,
  listen: { host: string; port: number },
): Promise<RunningBareFront> {
  const nc = await connect({ servers: config.natsUrl, name: `bare-front-${process.pid}` });
  const subjects = bareSubjects(config);
  const server = createServer((req, res) => {
    handle(nc, subjects, req, res).catch((error: unknown) => {
      res.writeHead(503, { 'content-type': 'application/json' });
      res.end(
        JSON.stringify({ error: { code: 'unavailable', message: (error as Error).message } }),
      );
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(listen.port, listen.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://${listen.host}:${port}`,
    async stop() {
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeIdleConnections();
      });
      await nc.drain();
    },
  };
}

async function handle(
  nc: NatsConnection,
  subjects: { put: string; get: string },
  req: IncomingMessage,
  res: ServerResponse,
): Promise<void> {
  const body = await readBody(req);
  let subject: string;
  let data: Uint8Array;
  const url = req.url ?? '';
  if (req.method === 'POST' && url === ENVIRONMENTS_PATH) {
    subject = subjects.put;
    data = body;
  } else if (req.method === 'GET' && url.startsWith(`${ENVIRONMENTS_PATH}/`)) {
    subject = subjects.get;
    data = Buffer.from(JSON.stringify({ hash: url.slice(ENVIRONMENTS_PATH.length + 1) }));
  } else {
    res.writeHead(404).end();
    return;
  }
  const reply = await nc.request(subject, data, { timeout: REQUEST_TIMEOUT_MS });
  const failed =
    reply.data.byteLength >= ERROR_PREFIX.length &&
    Buffer.from(reply.data.buffer, reply.data.byteOffset, ERROR_PREFIX.length).equals(ERROR_PREFIX);
  res.writeHead(failed ? (subject === subjects.get ? 404 : 400) : 200, {
    'content-type': 'application/json',
    'content-length': reply.data.byteLength,
  });
  res.end(reply.data);
}

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.byteLength;
      if (size > BODY_LIMIT_BYTES) req.destroy(new Error('body too large'));
      else chunks.push(chunk);
    });
    req.once('end', () => resolve(chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks)));
    req.once('error', reject);
  });
}

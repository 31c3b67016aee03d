// One process of the peer bench: `node peer-process.js <role>` (PeerRole),
// configured by PEER_CONFIG. A server answers `hash` calls: it validates
// `{content}` and replies with the sha256 hex of the content. A client takes
// jobs over IPC (run: `concurrency` loops of calls, one in flight each, for a
// warm-up and a window; probe: one call) and answers with what it measured.
// Each framework is used as its documentation shows: ours through RpcServer
// and RpcClient on a NatsBus (request and reply checked against their
// schemas on both ends), Moleculer through two ServiceBrokers on its NATS
// transporter (params checked by its default validator, on the server);
// bare: nats.js used directly, its request/reply with the JSON parsed and
// the content's type checked by hand, no framework at all.
import { createHash } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { Catalog, SchemaRegistry, type OperationName, type ReplyOf } from '@crucible/contracts';
import { NatsBus, RpcClient, RpcServer } from '@crucible/messaging';
import { createLogger, initTelemetry } from '@crucible/telemetry';
import { connect } from '@nats-io/transport-node';
import { ServiceBroker } from 'moleculer';
import type { LoadResult } from '../gateway/load-protocol';
import { PEER_OPERATION, PEER_SERVICE } from './bench-catalog';
import type {
  FromPeerChild,
  PeerConfig,
  PeerFramework,
  PeerJob,
  PeerRole,
  ToPeerChild,
} from './peer-protocol';

const REQUEST_TIMEOUT_MS = 5_000;
const MOLECULER_ACTION = `${PEER_SERVICE}.hash`;

/** A side's way to make one call: resolves with the hash the server answered. */
type Call = (content: string) => Promise<string>;

interface Running {
  call?: Call;
  stop(): Promise<void>;
}

function sha256Hex(content: string): string {
  return createHash('sha256').update(content, 'utf8').digest('hex');
}

async function startOurs(config: PeerConfig, role: 'server' | 'client'): Promise<Running> {
  // As every service's main does first; with no OTLP endpoint set it installs nothing.
  initTelemetry({ serviceName: `peer-${role}` });
  const catalog = new Catalog(new SchemaRegistry(config.catalogDir));
  const bus = await NatsBus.connect({
    url: config.natsUrl,
    name: `peer-ours-${role}-${process.pid}`,
  });
  const operation = PEER_OPERATION as OperationName;
  if (role === 'server') {
    const server = new RpcServer({
      bus,
      catalog,
      prefix: config.prefix,
      service: { name: PEER_SERVICE, version: '0.0.0' },
      logger: createLogger({ service: PEER_SERVICE, level: 'error' }),
    });
    server.handle(operation, (request) => {
      const { content } = request as unknown as { content: string };
      return Promise.resolve({ hash: sha256Hex(content) } as unknown as ReplyOf<OperationName>);
    });
    await server.start();
    return {
      async stop() {
        await server.stop();
        await bus.close();
      },
    };
  }
  const client = new RpcClient({
    bus,
    catalog,
    prefix: config.prefix,
    timeoutMs: REQUEST_TIMEOUT_MS,
  });
  return {
    call: async (content) => {
      const reply = (await client.call(operation, {
        content,
      })) as unknown as { hash: string };
      return reply.hash;
    },
    stop: () => bus.close(),
  };
}

async function startMoleculer(config: PeerConfig, role: 'server' | 'client'): Promise<Running> {
  const broker = new ServiceBroker({
    namespace: config.prefix,
    nodeID: `peer-${role}-${process.pid}`,
    transporter: { type: 'NATS', options: { url: config.natsUrl } },
    requestTimeout: REQUEST_TIMEOUT_MS,
    logger: false,
  });
  if (role === 'server') {
    broker.createService({
      name: PEER_SERVICE,
      actions: {
        hash: {
          // As strict as our schema: a non-empty string, no other field.
          params: { $$strict: true, content: { type: 'string', min: 1 } },
          handler(ctx: { params: { content: string } }) {
            return { hash: sha256Hex(ctx.params.content) };
          },
        },
      },
    });
  }
  await broker.start();
  if (role === 'server') return { stop: () => broker.stop() };
  await broker.waitForServices([PEER_SERVICE], 30_000);
  return {
    call: async (content) => {
      const reply: { hash: string } = await broker.call(MOLECULER_ACTION, { content });
      return reply.hash;
    },
    stop: () => broker.stop(),
  };
}

/**
 * nats.js alone, as its documentation shows a service: a subscription whose
 * callback parses the request, checks that `content` is a non-empty string
 * and responds; the client's `request`. The request's JSON is ours' (`{content}`).
 */
async function startBare(config: PeerConfig, role: 'server' | 'client'): Promise<Running> {
  const nc = await connect({ servers: config.natsUrl, name: `peer-bare-${role}-${process.pid}` });
  const subject = `${config.prefix}.bare.hash`;
  if (role === 'server') {
    nc.subscribe(subject, {
      callback: (error, msg) => {
        if (error !== null) return;
        const request = msg.json<{ content?: unknown }>();
        const content = request.content;
        const body =
          typeof content === 'string' && content.length > 0
            ? { hash: sha256Hex(content) }
            : { error: 'content must be a non-empty string' };
        msg.respond(JSON.stringify(body));
      },
    });
    await nc.flush();
    return { stop: () => nc.close() };
  }
  return {
    call: async (content) => {
      const reply = await nc.request(subject, JSON.stringify({ content }), {
        timeout: REQUEST_TIMEOUT_MS,
      });
      const body = reply.json<{ hash?: string; error?: string }>();
      if (body.hash === undefined) throw new Error(body.error ?? 'no hash');
      return body.hash;
    },
    stop: () => nc.close(),
  };
}

async function runJob(call: Call, baseText: string, job: PeerJob): Promise<LoadResult> {
  const latencies: number[] = [];
  let errors = 0;
  let completed = 0;
  let firstError: string | undefined;
  let issued = 0;
  const measureFrom = performance.now() + job.warmupMs;
  const stopAt = measureFrom + job.measureMs;
  // `concurrency` loops, each with one call in flight: a closed system.
  const loop = async (): Promise<void> => {
    while (performance.now() < stopAt) {
      const content = `${baseText}\n#${issued++}`;
      const sentAt = performance.now();
      try {
        await call(content);
        const doneAt = performance.now();
        completed++;
        if (doneAt >= measureFrom && doneAt < stopAt) latencies.push(doneAt - sentAt);
      } catch (error) {
        errors++;
        firstError ??= String(error);
      }
    }
  };
  await Promise.all(Array.from({ length: job.concurrency }, loop));
  return {
    requests: latencies.length,
    completed,
    errors,
    firstError,
    windowMs: job.measureMs,
    latenciesMs: Float64Array.from(latencies),
  };
}

function send(message: FromPeerChild): void {
  process.send?.(message);
}

async function main(): Promise<void> {
  const role = process.argv[2] as PeerRole;
  const raw = process.env.PEER_CONFIG;
  if (raw === undefined) throw new Error('PEER_CONFIG is not set');
  const config = JSON.parse(raw) as PeerConfig;
  const [framework, side] = role.split('-') as [PeerFramework, 'server' | 'client'];
  const start = { ours: startOurs, moleculer: startMoleculer, bare: startBare }[framework];
  if (start === undefined || !['server', 'client'].includes(side))
    throw new Error(`unknown role ${role}`);
  const running = await start(config, side);
  process.on('message', (message: ToPeerChild) => {
    const call = running.call;
    if (call === undefined) {
      send({ type: 'failed', id: message.id, message: `${role} makes no calls` });
      return;
    }
    const work =
      message.type === 'run'
        ? runJob(call, config.baseText, message.job).then((result): FromPeerChild => ({
            type: 'result',
            id: message.id,
            result,
          }))
        : call(message.text).then((hash): FromPeerChild => ({
            type: 'probed',
            id: message.id,
            hash,
          }));
    work.then(send, (error: unknown) =>
      send({ type: 'failed', id: message.id, message: String(error) }),
    );
  });
  // The bench going away (normally or not) stops this process.
  process.once('disconnect', () => {
    running.stop().then(
      () => process.exit(0),
      (error: unknown) => {
        console.error(error);
        process.exit(1);
      },
    );
  });
  send({ type: 'ready' });
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});

import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { RpcClient } from '@crucible/messaging';
import type { Infrastructure } from '@crucible/runtime';
import { createGatewayApp } from './app';
import { AccessControl } from './auth/access';
import { createAuthenticator } from './auth/authenticator';
import type { GatewaySettings } from './config';
import { armBodyTimeout } from './http/body-timeout';
import { assignRequestId, operationRouter } from './http/routes';
import { READINESS_TIMEOUT_MS, gatewayReadiness } from './readiness';

export const SERVICE_NAME = 'gateway';
export const SERVICE_VERSION = '0.1.0';

/** What the gateway runs with: its settings (config.ts), as its process or the platform read them. */
export type GatewayOptions = GatewaySettings;

/** Paths anyone may ask from any Host: probes address a replica by its IP, not by a public name. */
const PROBES = new Set(['/health', '/ready']);

export interface RunningGateway {
  /** e.g. http://127.0.0.1:8080 */
  readonly url: string;
  readonly port: number;
  stop(): Promise<void>;
}

/** Starts the HTTP server (routes, MCP) on the given bus; `stop` drains connections. */
export async function startGateway(
  infra: Pick<Infrastructure, 'bus' | 'catalog' | 'prefix' | 'logger'>,
  options: GatewayOptions,
): Promise<RunningGateway> {
  const logger = infra.logger.child({ component: SERVICE_NAME });
  let ready = false;
  const rpc = new RpcClient({
    bus: infra.bus,
    catalog: infra.catalog,
    prefix: infra.prefix,
    timeoutMs: options.requestTimeoutMs,
  });
  const access = new AccessControl(options, await createAuthenticator(options.auth));
  const app = createGatewayApp({
    catalog: infra.catalog,
    rpc,
    logger,
    version: SERVICE_VERSION,
    bodyLimitBytes: options.bodyLimitBytes,
    access,
    readiness: () => gatewayReadiness(infra, { accepting: ready, timeoutMs: READINESS_TIMEOUT_MS }),
  });
  const operations = operationRouter(infra.catalog, rpc, options.bodyLimitBytes, access, logger);
  const server: Server = createServer(
    // Node checks its header and request timeouts this often (default 30 s).
    { connectionsCheckingInterval: Math.min(1_000, options.headersTimeoutMs) },
    (req, res) => {
      assignRequestId(req, res);
      if (!PROBES.has(req.url ?? '') && !access.admit(req, res)) return;
      armBodyTimeout(req, res, options.bodyTimeoutMs);
      if (!operations(req, res)) app(req, res);
    },
  );
  // A client that never finishes sending cannot hold a socket forever: the
  // headers within HEADERS_TIMEOUT_MS (node answers 408), the body within
  // BODY_TIMEOUT_MS (armBodyTimeout), the whole request within both.
  server.headersTimeout = options.headersTimeoutMs;
  server.requestTimeout = options.headersTimeoutMs + options.bodyTimeoutMs + 1_000;
  // Node tells keep-alive clients this timeout (`Keep-Alive: timeout=`).
  server.keepAliveTimeout = options.keepAliveTimeoutMs;
  // Draining: every response still to be written says `Connection: close`,
  // so a keep-alive client cannot hold the gateway open.
  let draining = false;
  const unanswered = new Set<ServerResponse>();
  server.prependListener('request', (_req, res: ServerResponse) => {
    if (draining) {
      res.setHeader('connection', 'close');
      return;
    }
    unanswered.add(res);
    // 'close' comes after the response is sent, or when its connection ends first.
    res.once('close', () => unanswered.delete(res));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  const url = `http://${options.host.includes(':') ? `[${options.host}]` : options.host}:${port}`;
  ready = true;
  logger.info('listening', { url });
  return {
    url,
    port,
    /**
     * Stops taking connections, finishes the requests in flight (their
     * responses close their connections), closes idle keep-alive connections
     * as they go idle, and cuts whatever is left after the request timeout.
     */
    async stop() {
      ready = false;
      draining = true;
      for (const res of unanswered) if (!res.headersSent) res.setHeader('connection', 'close');
      unanswered.clear();
      await new Promise<void>((resolve) => {
        const sweep = setInterval(() => server.closeIdleConnections(), 50);
        const cut = setTimeout(
          () => server.closeAllConnections(),
          options.requestTimeoutMs + 1_000,
        );
        server.close(() => {
          clearInterval(sweep);
          clearTimeout(cut);
          resolve();
        });
        server.closeIdleConnections();
      });
    },
  };
}

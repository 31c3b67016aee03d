import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { RpcClient } from '@crucible/messaging';
import type { Infrastructure } from '@crucible/runtime';
import { createGatewayApp } from './app';
import { assignRequestId, operationRouter } from './http/routes';
import { READINESS_TIMEOUT_MS, gatewayReadiness } from './readiness';

export const SERVICE_NAME = 'gateway';
export const SERVICE_VERSION = '0.1.0';

export interface GatewayOptions {
  port: number;
  host: string;
  requestTimeoutMs: number;
  bodyLimitBytes: number;
}

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
  const app = createGatewayApp({
    catalog: infra.catalog,
    rpc,
    logger,
    version: SERVICE_VERSION,
    bodyLimitBytes: options.bodyLimitBytes,
    readiness: () => gatewayReadiness(infra, { accepting: ready, timeoutMs: READINESS_TIMEOUT_MS }),
  });
  const operations = operationRouter(infra.catalog, rpc, options.bodyLimitBytes, logger);
  const server: Server = createServer((req, res) => {
    assignRequestId(req, res);
    if (!operations(req, res)) app(req, res);
  });
  // A client that never finishes sending cannot hold a socket forever.
  server.requestTimeout = options.requestTimeoutMs + 10_000;
  server.headersTimeout = 15_000;
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

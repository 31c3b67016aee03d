import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { RpcClient } from '@crucible/messaging';
import type { Infrastructure } from '@crucible/runtime';
import { createGatewayApp } from './app';

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
    isReady: () => ready,
  });
  const server: Server = createServer(app);
  // A client that never finishes sending cannot hold a socket forever.
  server.requestTimeout = options.requestTimeoutMs + 10_000;
  server.headersTimeout = 15_000;
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
    async stop() {
      ready = false;
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeIdleConnections();
      });
    },
  };
}

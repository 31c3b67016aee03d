import express, { type Express } from 'express';
import type { Catalog } from '@crucible/contracts';
import type { RpcClient } from '@crucible/messaging';
import type { Logger } from '@crucible/telemetry';
import { errorHandler, unknownRoute } from './http/errors';
import { expressJsonParser } from './http/json-body';
import { openApiDocument } from './http/openapi';
import { mcpRouter } from './mcp/mcp-endpoint';

export interface GatewayAppOptions {
  catalog: Catalog;
  rpc: RpcClient;
  logger: Logger;
  version: string;
  bodyLimitBytes: number;
  /** Whether the gateway should take traffic (false while starting or draining). */
  isReady: () => boolean;
}

/**
 * The gateway's express application: health and readiness, the OpenAPI
 * document, the MCP endpoint, and one error shape for what matches nothing.
 * The operations' routes are served in front of it (`operationRouter`).
 */
export function createGatewayApp(options: GatewayAppOptions): Express {
  const app = express();
  app.disable('x-powered-by');
  // No weak ETags: hashing every reply costs CPU and API clients do not revalidate.
  app.set('etag', false);
  app.set('query parser', 'simple');
  app.get('/health', (_req, res) => {
    res.json({ status: 'ok' });
  });
  app.get('/ready', (_req, res) => {
    const ready = options.isReady();
    res.status(ready ? 200 : 503).json({ status: ready ? 'ready' : 'not_ready' });
  });
  const openapi = openApiDocument(options.catalog, options.version);
  app.get('/openapi.json', (_req, res) => {
    res.json(openapi);
  });
  // For /mcp and unknown routes.
  app.use(expressJsonParser(options.bodyLimitBytes));
  app.use(
    '/mcp',
    mcpRouter({
      catalog: options.catalog,
      rpc: options.rpc,
      logger: options.logger,
      version: options.version,
    }),
  );
  app.use(unknownRoute);
  app.use(errorHandler(options.logger));
  return app;
}

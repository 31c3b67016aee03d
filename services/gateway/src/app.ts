import express, { type Express } from 'express';
import type { Catalog } from '@crucible/contracts';
import type { RpcClient } from '@crucible/messaging';
import type { Logger } from '@crucible/telemetry';
import { errorHandler, otherMethods, unknownRoute } from './http/errors';
import { apiIndex, homePage } from './http/home';
import { expressJsonParser } from './http/json-body';
import { openApiDocument } from './http/openapi';
import { mcpRouter } from './mcp/mcp-endpoint';
import type { Readiness } from './readiness';

export interface GatewayAppOptions {
  catalog: Catalog;
  rpc: RpcClient;
  logger: Logger;
  version: string;
  bodyLimitBytes: number;
  /** Whether the gateway should take traffic, and why not (see `gatewayReadiness`). */
  readiness: () => Promise<Readiness>;
}

/**
 * The gateway's express application: the home page and the operation index,
 * health and readiness, the OpenAPI document, the MCP endpoint, and one error
 * shape for what matches nothing (404) or a known path's other methods (405).
 * The operations' routes are served in front of it (`operationRouter`).
 */
export function createGatewayApp(options: GatewayAppOptions): Express {
  const app = express();
  app.disable('x-powered-by');
  // No weak ETags: hashing every reply costs CPU and API clients do not revalidate.
  app.set('etag', false);
  app.set('query parser', 'simple');
  const readOnly = otherMethods(['GET', 'HEAD']);
  app.route('/').get(homePage(options.version)).all(readOnly);
  app.route('/v1').get(apiIndex(options.catalog)).all(readOnly);
  app
    .route('/health')
    .get((_req, res) => {
      res.json({ status: 'ok' });
    })
    .all(readOnly);
  app
    .route('/ready')
    .get(async (_req, res) => {
      const readiness = await options.readiness();
      res.status(readiness.status === 'ready' ? 200 : 503).json(readiness);
    })
    .all(readOnly);
  // Serialized once: the document is large and never changes while running.
  const openapi = JSON.stringify(openApiDocument(options.catalog, options.version));
  app
    .route('/openapi.json')
    .get((_req, res) => {
      res.type('json').send(openapi);
    })
    .all(readOnly);
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

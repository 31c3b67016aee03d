import express, { type Express } from 'express';
import type { Catalog } from '@crucible/contracts';
import type { RpcClient } from '@crucible/messaging';
import type { Logger } from '@crucible/telemetry';
import { RESOURCE_METADATA_PATH, type AccessControl } from './auth/access';
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
  /** Who may call what (docs/security.md). */
  access: AccessControl;
  /** Whether the gateway should take traffic, and why not (see `gatewayReadiness`). */
  readiness: () => Promise<Readiness>;
}

/**
 * The gateway's express application: the home page and the operation index,
 * health and readiness, the OpenAPI document, the protected resource
 * metadata (all public), the MCP endpoint (authenticated), and one error
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
  // Public: how to authenticate (RFC 9728), for the API and, as the MCP
  // authorization rules ask, for the MCP endpoint at its own path.
  for (const resource of ['', '/mcp'] as const)
    app
      .route(`${RESOURCE_METADATA_PATH}${resource}`)
      .get((req, res) => {
        res.json(options.access.resourceMetadata(req, resource));
      })
      .all(readOnly);
  // The MCP endpoint's caller, before its body is read (any scope lists the
  // tools; each call's scope is checked by the endpoint).
  app.use('/mcp', (req, res, next) => {
    options.access.authorize(req, res, 'read', '/mcp').then((principal) => {
      if (principal === undefined) return;
      res.locals.principal = principal;
      next();
    }, next);
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
      access: options.access,
    }),
  );
  app.use(unknownRoute);
  app.use(errorHandler(options.logger));
  return app;
}

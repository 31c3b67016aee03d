import type { Request, Response, Router } from 'express';
import { Router as createRouter } from 'express';
import { Server } from '@modelcontextprotocol/sdk/server/index.js';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import {
  CallToolRequestSchema,
  ErrorCode,
  ListToolsRequestSchema,
  McpError,
  type CallToolResult,
} from '@modelcontextprotocol/sdk/types.js';
import {
  scopeGrants,
  toCrucibleError,
  type Catalog,
  type OperationScope,
} from '@crucible/contracts';
import type { RpcClient } from '@crucible/messaging';
import type { Logger } from '@crucible/telemetry';
import { insufficientScope, type AccessControl } from '../auth/access';
import type { Principal } from '../auth/principal';
import { requestIdOf } from '../http/routes';
import { toolDefinitions } from './tools';

export interface McpEndpointOptions {
  catalog: Catalog;
  rpc: RpcClient;
  logger: Logger;
  version: string;
  access: AccessControl;
}

/**
 * The MCP endpoint (streamable HTTP, stateless: every POST carries its own
 * JSON-RPC exchange, so any gateway replica can answer it). Tools are the
 * catalog's operations; a failed call is a tool result with isError and the
 * wire error as JSON, so agents see the same code, reason and path as HTTP.
 * The caller is authenticated in front of it (`res.locals.principal`); a tool
 * call its scopes do not cover is refused as the MCP authorization rules
 * say, with HTTP 403 and an `insufficient_scope` challenge.
 */
export function mcpRouter(options: McpEndpointOptions): Router {
  const tools = toolDefinitions(options.catalog);
  const router = createRouter();
  router.post('/', async (req: Request, res: Response) => {
    const principal = res.locals.principal as Principal;
    const missing = missingScope(options.catalog, principal, req.body);
    if (missing !== undefined) {
      options.access.refuse(req, res, insufficientScope(missing), '/mcp');
      return;
    }
    const server = buildServer(options, tools, requestIdOf(res), principal);
    const transport = new StreamableHTTPServerTransport({
      sessionIdGenerator: undefined,
      enableJsonResponse: true,
    });
    res.on('close', () => {
      void transport.close();
      void server.close();
    });
    await server.connect(transport);
    await transport.handleRequest(req, res, req.body);
  });
  // Stateless: no server-initiated stream (GET), no session to end (DELETE),
  // and nothing else but POST.
  const notAllowed = (_req: Request, res: Response): void => {
    res
      .status(405)
      .set('Allow', 'POST')
      .json({
        jsonrpc: '2.0',
        error: {
          code: -32000,
          message: 'Method not allowed: this MCP endpoint is stateless; use POST',
        },
        id: null,
      });
  };
  router.all('/', notAllowed);
  return router;
}

/** The scope a JSON-RPC message (or batch) needs for its tool calls that `principal` lacks. */
function missingScope(
  catalog: Catalog,
  principal: Principal,
  body: unknown,
): OperationScope | undefined {
  for (const message of Array.isArray(body) ? body : [body]) {
    const { method, params } = (message ?? {}) as { method?: unknown; params?: { name?: unknown } };
    const name = params?.name;
    if (method !== 'tools/call' || typeof name !== 'string' || !catalog.isOperation(name)) continue;
    const scope = catalog.operation(name).scope;
    if (!scopeGrants(principal.scopes, scope)) return scope;
  }
  return undefined;
}

function buildServer(
  options: McpEndpointOptions,
  tools: ReturnType<typeof toolDefinitions>,
  requestId: string,
  principal: Principal,
): Server {
  const server = new Server(
    { name: 'crucible', version: options.version },
    { capabilities: { tools: { listChanged: false } } },
  );
  server.setRequestHandler(ListToolsRequestSchema, () => ({ tools }));
  server.setRequestHandler(CallToolRequestSchema, async (request): Promise<CallToolResult> => {
    const name = request.params.name;
    if (!options.catalog.isOperation(name) || !options.catalog.operation(name).exposed) {
      throw new McpError(ErrorCode.InvalidParams, `Unknown tool: ${name}`);
    }
    try {
      const reply = await options.rpc.callUnchecked(name, request.params.arguments ?? {}, {
        requestId,
        principal: principal.id,
      });
      return {
        content: [{ type: 'text', text: JSON.stringify(reply) }],
        structuredContent: reply as Record<string, unknown>,
      };
    } catch (thrown) {
      const error = toCrucibleError(thrown);
      if (error.code === 'internal')
        options.logger.error('MCP tool call failed', { tool: name, error: thrown });
      return {
        isError: true,
        content: [{ type: 'text', text: JSON.stringify({ error: error.toWire() }) }],
      };
    }
  });
  return server;
}

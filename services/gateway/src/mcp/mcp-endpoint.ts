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
import { toCrucibleError, type Catalog } from '@crucible/contracts';
import type { RpcClient } from '@crucible/messaging';
import type { Logger } from '@crucible/telemetry';
import { requestIdOf } from '../http/routes';
import { toolDefinitions } from './tools';

export interface McpEndpointOptions {
  catalog: Catalog;
  rpc: RpcClient;
  logger: Logger;
  version: string;
}

/**
 * The MCP endpoint (streamable HTTP, stateless: every POST carries its own
 * JSON-RPC exchange, so any gateway replica can answer it). Tools are the
 * catalog's operations; a failed call is a tool result with isError and the
 * wire error as JSON, so agents see the same code, reason and path as HTTP.
 */
export function mcpRouter(options: McpEndpointOptions): Router {
  const tools = toolDefinitions(options.catalog);
  const router = createRouter();
  router.post('/', async (req: Request, res: Response) => {
    const server = buildServer(options, tools, requestIdOf(res));
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

function buildServer(
  options: McpEndpointOptions,
  tools: ReturnType<typeof toolDefinitions>,
  requestId: string,
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

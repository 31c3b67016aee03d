import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { defaultCatalog } from '@crucible/contracts';
import { textComponentHash } from '@crucible/hashing';
import { TEST_AUTH_HEADERS } from '../support';
import { countAll, http, type Stack } from './stack';

/** The MCP endpoint, driven by the official SDK client. */
export function describeMcp(name: string, start: () => Promise<Stack>): void {
  describe(`MCP endpoint (${name})`, () => {
    let stack: Stack;
    let client: Client;
    beforeAll(async () => {
      stack = await start();
      client = new Client({ name: 'crucible-test', version: '1.0.0' });
      await client.connect(
        new StreamableHTTPClientTransport(new URL(`${stack.url}/mcp`), {
          requestInit: { headers: TEST_AUTH_HEADERS },
        }),
      );
    }, 60_000);
    afterAll(async () => {
      await client?.close();
      await stack?.stop();
    });

    it('lists one tool per operation, carrying the operation schemas', async () => {
      const { tools } = await client.listTools();
      const catalog = defaultCatalog();
      expect(tools.map((t) => t.name).sort()).toEqual(
        catalog
          .exposedOperations()
          .map((op) => op.name)
          .sort(),
      );
      expect(tools.map((t) => t.name)).not.toContain('resolve_components');
      const putEntity = tools.find((t) => t.name === 'put_entity');
      expect(putEntity?.inputSchema).toMatchObject({
        type: 'object',
        required: ['content'],
        properties: { content: { type: 'object', required: ['id', 'name', 'environment'] } },
      });
      expect(putEntity?.annotations).toMatchObject({ readOnlyHint: false, idempotentHint: true });
      expect(tools.find((t) => t.name === 'get_entity')?.annotations?.readOnlyHint).toBe(true);
    });

    it('puts and gets through tools', async () => {
      const content = 'A room reached by an agent.';
      const put = await client.callTool({ name: 'put_environment', arguments: { content } });
      expect(put.isError).toBeFalsy();
      expect(put.structuredContent).toEqual({ hash: textComponentHash(content), was_new: true });
      const got = await client.callTool({
        name: 'get_environment',
        arguments: { hash: textComponentHash(content) },
      });
      expect(got.structuredContent).toMatchObject({ hash: textComponentHash(content), content });
      const text = (got.content as Array<{ type: string; text: string }>)[0]?.text ?? '';
      expect(JSON.parse(text)).toEqual(got.structuredContent);
    });

    it('reports bad arguments as a tool error with the wire error, writing nothing', async () => {
      const before = await countAll(stack);
      const result = await client.callTool({
        name: 'put_entity',
        arguments: { content: { id: 'Not A Label', name: 'X', environment: 'room' } },
      });
      expect(result.isError).toBe(true);
      const body = JSON.parse((result.content as Array<{ text: string }>)[0]?.text ?? '{}') as {
        error: unknown;
      };
      expect(body.error).toMatchObject({
        code: 'invalid_argument',
        details: { path: '/content/id', reason: 'invalid_label' },
      });
      const missing = await client.callTool({
        name: 'get_environment',
        arguments: { hash: '0'.repeat(64) },
      });
      expect(missing.isError).toBe(true);
      expect(await countAll(stack)).toEqual(before);
    });

    it('refuses unknown tools and non-POST methods', async () => {
      await expect(client.callTool({ name: 'launch_missiles', arguments: {} })).rejects.toThrow(
        /Unknown tool/,
      );
      const get = await http(`${stack.url}/mcp`, 'GET');
      expect(get.status).toBe(405);
    });
  });
}

import { ERROR_CODES, bundleSchema, httpStatusFor, type Catalog } from '@crucible/contracts';

/**
 * The OpenAPI 3.1 document of the HTTP API, generated from the catalog and
 * the JSON Schemas (bundled, so it stands alone). Served at /openapi.json.
 */
export function openApiDocument(catalog: Catalog, version: string): Record<string, unknown> {
  const errorSchema = bundleSchema(catalog.registry, 'common/error.v1.json');
  const errorResponses = Object.fromEntries(
    ERROR_CODES.map((code) => [
      String(httpStatusFor(code)),
      {
        description: `${code}`,
        content: {
          'application/json': {
            schema: { type: 'object', required: ['error'], properties: { error: errorSchema } },
          },
        },
      },
    ]),
  );
  const paths: Record<string, Record<string, unknown>> = {};
  for (const spec of catalog.exposedOperations()) {
    const request = bundleSchema(catalog.registry, spec.request) as {
      properties?: Record<string, unknown>;
    };
    const pathParams = [...spec.http.path.matchAll(/\{([a-z_]+)\}/g)].map((m) => m[1] ?? '');
    const operation: Record<string, unknown> = {
      operationId: spec.name,
      summary: spec.summary,
      tags: [spec.service],
      parameters: pathParams.map((name) => ({
        name,
        in: 'path',
        required: true,
        schema: request.properties?.[name] ?? { type: 'string' },
      })),
      responses: {
        '200': {
          description: 'OK',
          content: { 'application/json': { schema: bundleSchema(catalog.registry, spec.reply) } },
        },
        ...errorResponses,
      },
    };
    if (spec.http.method === 'POST' || spec.http.method === 'PUT') {
      operation.requestBody = {
        required: true,
        content: { 'application/json': { schema: request } },
      };
    }
    paths[spec.http.path] = {
      ...paths[spec.http.path],
      [spec.http.method.toLowerCase()]: operation,
    };
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'Crucible API',
      version,
      description:
        'Every operation is also reachable as POST /v1/ops/{operation} with the request as the body, and as an MCP tool of the same name at /mcp.',
    },
    paths,
  };
}

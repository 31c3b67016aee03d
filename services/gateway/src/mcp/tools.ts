import { bundleSchema, type Catalog } from '@crucible/contracts';

/** An MCP tool definition (the shape of tools/list entries). */
export interface ToolDefinition {
  name: string;
  description: string;
  inputSchema: { type: 'object'; [key: string]: unknown };
  outputSchema: { type: 'object'; [key: string]: unknown };
  annotations: { readOnlyHint: boolean; idempotentHint: boolean; destructiveHint: boolean };
}

/** One tool per catalog operation, named after it, carrying the operation's own JSON Schemas. */
export function toolDefinitions(catalog: Catalog): ToolDefinition[] {
  return catalog.exposedOperations().map((spec) => ({
    name: spec.name,
    description: spec.summary,
    inputSchema: asObjectSchema(bundleSchema(catalog.registry, spec.request), spec.name),
    outputSchema: asObjectSchema(bundleSchema(catalog.registry, spec.reply), spec.name),
    annotations: {
      readOnlyHint: spec.readOnly,
      idempotentHint: spec.idempotent,
      destructiveHint: false,
    },
  }));
}

function asObjectSchema(
  schema: Record<string, unknown>,
  name: string,
): { type: 'object'; [key: string]: unknown } {
  if (schema.type !== 'object') throw new Error(`MCP tool ${name}: schemas must describe objects`);
  return schema as { type: 'object'; [key: string]: unknown };
}

import type { SchemaRegistry } from './schema-registry';
import { SCHEMA_BASE_URI } from './schema-registry';

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

// Annotations for our own tooling; meaningless to OpenAPI or MCP clients.
const DROPPED_KEYS = new Set([
  '$schema',
  '$id',
  'x-crucible-reason',
  'tsType',
  'definitions',
  '$defs',
]);

/**
 * A self-contained copy of a schema: every `$ref` replaced by what it points
 * at, our annotations removed. For consumers that cannot follow references
 * between files (OpenAPI documents, MCP tool definitions). Our schemas are not
 * recursive; a cycle throws.
 */
export function bundleSchema(registry: SchemaRegistry, file: string): Record<string, unknown> {
  const root = registry.schema(file) as Json;
  return inline(registry, root, SCHEMA_BASE_URI + file, new Set()) as Record<string, unknown>;
}

function inline(registry: SchemaRegistry, node: Json, baseUri: string, stack: Set<string>): Json {
  if (Array.isArray(node)) return node.map((item) => inline(registry, item, baseUri, stack));
  if (node === null || typeof node !== 'object') return node;
  const ref = node.$ref;
  if (typeof ref === 'string') {
    const target = new URL(ref, baseUri).toString();
    if (stack.has(target)) throw new Error(`recursive schema reference ${target}`);
    const [documentUri = '', pointer = ''] = target.split('#');
    const document = registry.schema(documentUri.slice(SCHEMA_BASE_URI.length)) as Json;
    const resolved = resolvePointer(document, pointer);
    const merged = inline(registry, resolved, documentUri, new Set([...stack, target]));
    // Keep sibling keywords of the $ref (e.g. a title on the referencing side).
    const siblings = Object.fromEntries(Object.entries(node).filter(([k]) => k !== '$ref'));
    return typeof merged === 'object' && merged !== null && !Array.isArray(merged)
      ? { ...merged, ...(inline(registry, siblings, baseUri, stack) as object) }
      : merged;
  }
  const out: { [key: string]: Json } = {};
  for (const [key, value] of Object.entries(node)) {
    if (DROPPED_KEYS.has(key)) continue;
    out[key] =
      key === 'properties' || key === 'patternProperties'
        ? Object.fromEntries(
            Object.entries(value as { [k: string]: Json }).map(([name, sub]) => [
              name,
              inline(registry, sub, baseUri, stack),
            ]),
          )
        : inline(registry, value, baseUri, stack);
  }
  return out;
}

function resolvePointer(document: Json, pointer: string): Json {
  let current: Json = document;
  for (const raw of pointer.split('/').slice(1)) {
    const token = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    if (current === null || typeof current !== 'object' || !(token in current)) {
      throw new Error(`unresolvable schema pointer ${pointer}`);
    }
    current = (current as { [key: string]: Json })[token] as Json;
  }
  return current;
}

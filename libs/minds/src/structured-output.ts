import { assertNever } from '@crucible/contracts';
import type { ChatMessage, ResponseFormat } from './mind';

/**
 * How a json_schema request is put to a server, strongest first:
 * `json_schema` (the server constrains decoding to the schema), `json_object`
 * (the server guarantees some JSON) and `none` (the schema is only described
 * in the system message). Text requests are always sent as plain text.
 */
export type StructuredOutputMode = 'json_schema' | 'json_object' | 'none';

const LADDER: readonly StructuredOutputMode[] = ['json_schema', 'json_object', 'none'];

/** The weaker of two modes (a remembered downgrade caps a configured mode). */
export function weakerMode(a: StructuredOutputMode, b: StructuredOutputMode): StructuredOutputMode {
  return LADDER.indexOf(a) >= LADDER.indexOf(b) ? a : b;
}

/** The next mode to try after a server refused `mode`; undefined after `none`. */
export function fallbackMode(mode: StructuredOutputMode): StructuredOutputMode | undefined {
  return LADDER[LADDER.indexOf(mode) + 1];
}

/** The `response_format` body field of a chat completion request. */
export type WireResponseFormat =
  | { type: 'json_schema'; json_schema: { name: string; schema: object; strict: boolean } }
  | { type: 'json_object' };

/** What the request body gets for a response format under a mode. */
export interface WireFormat {
  /** Absent: no response_format field at all (text, or mode `none`). */
  readonly responseFormat?: WireResponseFormat;
  /** The messages to send: the request's, plus the schema in the system message when the server does not enforce it. */
  readonly messages: readonly ChatMessage[];
}

/**
 * Puts `format` to the server under `mode`. Under `json_object` and `none`
 * the server does not know the schema, so the system message describes it
 * (json_object also needs the word JSON in the messages, on OpenAI).
 */
export function wireFormat(
  format: ResponseFormat,
  mode: StructuredOutputMode,
  messages: readonly ChatMessage[],
): WireFormat {
  if (format.type === 'text') return { messages };
  switch (mode) {
    case 'json_schema':
      return {
        responseFormat: {
          type: 'json_schema',
          json_schema: {
            name: wireSchemaName(format.name),
            schema: format.schema,
            strict: isStrictCompatible(format.schema),
          },
        },
        messages,
      };
    case 'json_object':
      return {
        responseFormat: { type: 'json_object' },
        messages: withSchemaInstruction(format, messages),
      };
    case 'none':
      return { messages: withSchemaInstruction(format, messages) };
    default:
      return assertNever(mode);
  }
}

/** The instruction added to the system message when the server does not enforce the schema. */
export function schemaInstruction(format: { readonly schema: object }): string {
  return (
    'Answer with one JSON object only: no prose, no Markdown code fences. ' +
    'It must be valid against this JSON Schema:\n' +
    JSON.stringify(format.schema)
  );
}

function withSchemaInstruction(
  format: { readonly schema: object },
  messages: readonly ChatMessage[],
): readonly ChatMessage[] {
  const instruction = schemaInstruction(format);
  const first = messages[0];
  if (first?.role === 'system') {
    return [
      { role: 'system', content: `${first.content}\n\n${instruction}` },
      ...messages.slice(1),
    ];
  }
  return [{ role: 'system', content: instruction }, ...messages];
}

// OpenAI accepts [a-zA-Z0-9_-]{1,64} as a schema name.
function wireSchemaName(name: string): string {
  const cleaned = name.replace(/[^a-zA-Z0-9_-]/g, '_').slice(0, 64);
  return cleaned === '' ? 'response' : cleaned;
}

/**
 * Whether strict mode can take the schema: OpenAI's strict mode refuses an
 * object schema unless every property is required and additionalProperties
 * is false. Sending `strict: false` for other schemas keeps them usable as
 * guidance instead of refused.
 */
export function isStrictCompatible(schema: unknown): boolean {
  return strictWalk(schema, 0);
}

const SUBSCHEMA_LISTS = ['anyOf', 'allOf', 'oneOf', 'prefixItems'] as const;
const SUBSCHEMA_MAPS = ['properties', '$defs', 'definitions'] as const;

function strictWalk(schema: unknown, depth: number): boolean {
  if (depth > 64) return false;
  if (typeof schema !== 'object' || schema === null) return true;
  if (Array.isArray(schema)) return schema.every((item) => strictWalk(item, depth + 1));
  const node = schema as Record<string, unknown>;
  const properties = node['properties'];
  const isObject =
    node['type'] === 'object' || (typeof properties === 'object' && properties !== null);
  if (isObject) {
    if (node['additionalProperties'] !== false) return false;
    const required = Array.isArray(node['required']) ? (node['required'] as unknown[]) : [];
    const keys =
      typeof properties === 'object' && properties !== null ? Object.keys(properties) : [];
    if (!keys.every((key) => required.includes(key))) return false;
  }
  for (const key of SUBSCHEMA_LISTS) {
    const list = node[key];
    if (Array.isArray(list) && !list.every((item) => strictWalk(item, depth + 1))) return false;
  }
  for (const key of SUBSCHEMA_MAPS) {
    const map = node[key];
    if (typeof map === 'object' && map !== null) {
      if (!Object.values(map).every((item) => strictWalk(item, depth + 1))) return false;
    }
  }
  return strictWalk(node['items'], depth + 1);
}

/** The parts of a refused request the ladder looks at. */
export interface RefusalFacts {
  readonly status: number;
  readonly message: string;
  /** The `param` field of an OpenAI-style error body, when the server sent one. */
  readonly param: string | undefined;
}

// Words servers use when refusing structured output: OpenAI names the
// param; vLLM, llama.cpp and others put it in the message (guided decoding,
// grammar, schema).
const FORMAT_WORDS =
  /response_format|json_schema|json_object|json schema|structured output|guided|grammar|schema/i;

/**
 * Whether a 400/422 answer refused the response format (so a weaker mode may
 * work) rather than the request itself (context too long, unknown model...).
 */
export function isFormatRefusal(facts: RefusalFacts): boolean {
  if (facts.status !== 400 && facts.status !== 422) return false;
  if (facts.param !== undefined && /^response_format/.test(facts.param)) return true;
  return FORMAT_WORDS.test(facts.message);
}

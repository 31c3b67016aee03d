import {
  bundleSchema,
  type Catalog,
  type OperationName,
  type OperationSpec,
} from '@crucible/contracts';
import { OPERATION_EXAMPLES, type OperationExample } from '../docs/examples';
import { ERROR_RESPONSES } from './error-responses';
import { requestLayout, splitRequest, type RequestLayout } from './request-layout';
import { OPS_PATH } from './routes';

type Schema = Record<string, unknown>;

const JSON_TYPE = 'application/json';

const DESCRIPTION = `Every operation of the catalog has its own route below, and is also reachable as \`POST ${OPS_PATH}\` with its whole request as the JSON body, and as the MCP tool of the same name at \`/mcp\`.

Requests: GET operations take their fields as path and query parameters; POST and PUT take a JSON body (\`application/json\`, UTF-8), and no body at all when every field is optional. A body of another media type is 415. Unknown fields are refused (400). A path the API has, asked with another method, is 405 with \`Allow\`.

Errors: every failure is \`{"error": {"code", "message", "retryable", "details"}}\`; \`details.reason\` names the rule that failed and \`details.path\` (a JSON Pointer into the request) the field. The HTTP status follows the code.

Authentication: every operation needs \`Authorization: Bearer <token>\`, an API key or a JWT of the configured identity provider, whose scope covers the operation's (\`read\`, \`write\`, \`admin\`; each includes the ones before it). No or a bad token is 401 with \`WWW-Authenticate\`; a missing scope is 403 naming it; too many requests is 429 with \`Retry-After\`. \`/\`, \`/v1\`, \`/health\`, \`/ready\`, \`/openapi.json\` and \`/.well-known/oauth-protected-resource\` are public.

Every answer carries \`X-Request-Id\` (yours when you send a sane one).`;

/**
 * The OpenAPI 3.1 document of the HTTP API, generated from the catalog and the
 * JSON Schemas (bundled, so it stands alone) and the examples
 * (docs/examples). Served at /openapi.json. Where each field travels comes
 * from `requestLayout`, which the router reads requests by.
 */
export function openApiDocument(
  catalog: Catalog,
  version: string,
  examples: readonly OperationExample[] = OPERATION_EXAMPLES,
): Schema {
  const exampleOf = new Map(examples.map((e) => [e.operation, e]));
  const names = new SchemaNames(catalog);
  const paths: Record<string, Record<string, unknown>> = {};
  const operations = catalog.exposedOperations();
  for (const spec of operations) {
    paths[spec.http.path] = {
      ...paths[spec.http.path],
      [spec.http.method.toLowerCase()]: operationObject(catalog, spec, names, exampleOf),
    };
  }
  paths[OPS_PATH] = { post: opsOperation(operations, names, exampleOf) };
  return {
    openapi: '3.1.0',
    info: { title: 'Crucible API', version, description: DESCRIPTION },
    tags: [
      ...[...new Set(operations.map((op) => op.service))].map((service) => ({
        name: service,
        description: `Operations of the ${service} service.`,
      })),
      { name: 'ops', description: 'Any operation by name.' },
    ],
    paths,
    components: {
      schemas: {
        ...names.schemas(),
        WireError: bundleSchema(catalog.registry, 'common/error.v1.json'),
      },
      responses: errorResponses(),
      parameters: {
        RequestId: {
          name: 'x-request-id',
          in: 'header',
          required: false,
          description:
            'Your id for this request, echoed in the answer and logged and traced with it; otherwise the gateway makes one.',
          schema: { type: 'string', pattern: '^[A-Za-z0-9._:-]{1,128}$' },
        },
      },
      headers: {
        RequestId: {
          description: 'The request id: the one sent, when sane, else a new UUID.',
          schema: { type: 'string' },
        },
      },
      securitySchemes: {
        bearer: {
          type: 'http',
          scheme: 'bearer',
          description:
            'An API key (`npm start` prints the admin token; docs/security.md) or a JWT of the configured identity provider, with the scopes `read`, `write` or `admin`.',
        },
      },
    },
  };
}

function operationObject(
  catalog: Catalog,
  spec: OperationSpec,
  names: SchemaNames,
  exampleOf: ReadonlyMap<OperationName, OperationExample>,
): Schema {
  const request = bundleSchema(catalog.registry, spec.request);
  const layout = requestLayout(spec, request);
  const example = exampleOf.get(spec.name);
  const parts = example && splitRequest(layout, example.request as Record<string, unknown>);
  const properties = (request.properties ?? {}) as Record<string, Schema>;
  const required = new Set((request.required as string[] | undefined) ?? []);
  const parameter = (name: string, where: 'path' | 'query'): Schema => {
    const schema = properties[name] ?? { type: 'string' };
    const value = (where === 'path' ? parts?.path : parts?.query)?.[name];
    return {
      name,
      in: where,
      required: where === 'path' || required.has(name),
      ...(typeof schema.description === 'string' && { description: schema.description }),
      // An object travels as JSON text (the router parses it); an array as a
      // repeated key (the default style, form); anything else as itself.
      ...(schemaTypes(schema).has('object')
        ? { content: { [JSON_TYPE]: { schema } } }
        : { schema }),
      ...(value !== undefined && { example: value }),
    };
  };
  const operation: Schema = {
    operationId: spec.name,
    summary: spec.summary,
    description: operationDescription(spec, request, layout),
    tags: [spec.service],
    security: [{ bearer: [spec.scope] }],
    parameters: [
      ...layout.path.map((name) => parameter(name, 'path')),
      ...layout.query.map((name) => parameter(name, 'query')),
      { $ref: '#/components/parameters/RequestId' },
    ],
    responses: {
      '200': reply(names.ref(spec.reply), example?.reply),
      ...errorRefs(layout.body),
    },
  };
  if (layout.body) {
    // Path parameters come from the path; the body may repeat them (equal).
    const bodyRequired = [...required].filter((f) => !layout.path.includes(f));
    const schema =
      layout.path.length === 0 ? names.ref(spec.request) : { ...request, required: bodyRequired };
    operation.requestBody = {
      required: bodyRequired.length > 0,
      description:
        bodyRequired.length > 0
          ? 'The request, as JSON.'
          : 'The request, as JSON; every field is optional, so no body at all is `{}`.',
      content: { [JSON_TYPE]: { schema, ...(parts?.body && { example: parts.body }) } },
    };
  }
  return operation;
}

/** What the summary leaves out: the request schema's own words and its top-level rules. */
function operationDescription(spec: OperationSpec, request: Schema, layout: RequestLayout): string {
  const fields = Object.keys((request.properties as object | undefined) ?? {});
  const notes: string[] = [];
  if (typeof request.description === 'string' && request.description !== spec.summary) {
    notes.push(request.description);
  }
  const min = request.minProperties as number | undefined;
  const max = request.maxProperties as number | undefined;
  const among = fields.map((f) => `\`${f}\``).join(', ');
  if (min === 1 && max === 1) notes.push(`Give exactly one of ${among}.`);
  else {
    if (min !== undefined) notes.push(`Give at least ${min} of ${among}.`);
    if (max !== undefined) notes.push(`Give at most ${max} of ${among}.`);
  }
  notes.push(
    spec.readOnly
      ? 'Read-only.'
      : spec.idempotent
        ? 'Writes; the same request again changes nothing more.'
        : 'Writes.',
  );
  if (layout.path.length > 0 && layout.body) {
    notes.push('The body may repeat a path parameter, with the same value.');
  }
  return notes.join(' ');
}

/** `POST /v1/ops/{operation}`, as the router serves it. */
function opsOperation(
  operations: readonly OperationSpec[],
  names: SchemaNames,
  exampleOf: ReadonlyMap<OperationName, OperationExample>,
): Schema {
  // A read that needs nothing stored before it is not needed: any example runs in order.
  const example = exampleOf.get('get_environment') ?? exampleOf.values().next().value;
  return {
    operationId: 'call_operation',
    summary: 'Call any operation by name, with its whole request as the JSON body.',
    description:
      "The body is the named operation's request, path parameters included as fields; the query string is not read. The reply is that operation's reply, checked as on its own route. An operation that does not exist (or is internal) is 404 `unknown_operation`. The token needs the named operation's scope. Only POST.",
    tags: ['ops'],
    // The scope is the named operation's.
    security: [{ bearer: [] }],
    parameters: [
      {
        name: 'operation',
        in: 'path',
        required: true,
        description: 'The operation, as named in the catalog.',
        schema: { type: 'string', enum: operations.map((op) => op.name) },
        ...(example && { example: example.operation }),
      },
      { $ref: '#/components/parameters/RequestId' },
    ],
    requestBody: {
      required: false,
      description: "The operation's request, as JSON; no body is `{}`.",
      content: {
        [JSON_TYPE]: {
          schema: { anyOf: uniqueRefs(operations.map((op) => names.ref(op.request))) },
          ...(example && { example: example.request }),
        },
      },
    },
    responses: {
      '200': reply(
        { anyOf: uniqueRefs(operations.map((op) => names.ref(op.reply))) },
        example?.reply,
      ),
      ...errorRefs(true),
    },
  };
}

function reply(schema: Schema, example: unknown): Schema {
  return {
    description: "The operation's reply.",
    headers: { 'x-request-id': { $ref: '#/components/headers/RequestId' } },
    content: { [JSON_TYPE]: { schema, ...(example !== undefined && { example }) } },
  };
}

function errorRefs(hasBody: boolean): Record<string, Schema> {
  return Object.fromEntries(
    ERROR_RESPONSES.filter((e) => hasBody || !e.bodyOnly).map((e) => [
      String(e.status),
      { $ref: `#/components/responses/${e.name}` },
    ]),
  );
}

/** One response per error answer: the wire error with its code (and reasons) fixed. */
function errorResponses(): Record<string, Schema> {
  return Object.fromEntries(
    ERROR_RESPONSES.map((e) => [
      e.name,
      {
        description: `\`${e.code}\`: ${e.description}`,
        headers: { 'x-request-id': { $ref: '#/components/headers/RequestId' } },
        content: {
          [JSON_TYPE]: {
            schema: {
              type: 'object',
              additionalProperties: false,
              required: ['error'],
              properties: {
                error: {
                  $ref: '#/components/schemas/WireError',
                  properties: {
                    code: { const: e.code },
                    ...(e.reasons && {
                      details: {
                        required: ['reason'],
                        properties: { reason: { enum: e.reasons } },
                      },
                    }),
                  },
                },
              },
            },
          },
        },
      },
    ]),
  );
}

function uniqueRefs(refs: Schema[]): Schema[] {
  const seen = new Set<string>();
  return refs.filter((ref) => {
    const key = JSON.stringify(ref);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

function schemaTypes(schema: Schema): Set<unknown> {
  return new Set(Array.isArray(schema.type) ? schema.type : [schema.type]);
}

/**
 * Names for the request and reply schemas in components.schemas: each
 * schema file's title (ours are unique), or a name made from its path when
 * it has none or shares it.
 */
class SchemaNames {
  private readonly byFile = new Map<string, string>();
  private readonly bundled = new Map<string, Schema>();

  constructor(private readonly catalog: Catalog) {
    const files = new Set(
      catalog.exposedOperations().flatMap((spec) => [spec.request, spec.reply]),
    );
    const titleCount = new Map<string, number>();
    const titles = new Map<string, string | undefined>();
    for (const file of files) {
      const title = catalog.registry.schema(file).title;
      const name = typeof title === 'string' && /^[A-Za-z0-9._-]+$/.test(title) ? title : undefined;
      titles.set(file, name);
      if (name) titleCount.set(name, (titleCount.get(name) ?? 0) + 1);
    }
    for (const [file, title] of titles) {
      const unique = title !== undefined && titleCount.get(title) === 1 && title !== 'WireError';
      this.byFile.set(file, unique ? title : file.replace(/\.json$/, '').replace(/[^\w.-]/g, '.'));
    }
  }

  ref(file: string): Schema {
    const name = this.byFile.get(file);
    if (name === undefined) throw new Error(`no component schema for ${file}`);
    if (!this.bundled.has(name)) this.bundled.set(name, bundleSchema(this.catalog.registry, file));
    return { $ref: `#/components/schemas/${name}` };
  }

  schemas(): Record<string, Schema> {
    return Object.fromEntries([...this.bundled].sort(([a], [b]) => a.localeCompare(b)));
  }
}

import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { defaultCatalog } from '@crucible/contracts';
import { OPERATION_EXAMPLES, openApiDocument, SERVICE_VERSION } from '@crucible/gateway';
import { startRealPlatform, type PlatformStack } from '../platform/stack';
import { http } from '../support';
import { DocumentedValues } from './documented-reply';
import {
  OpenApiReader,
  documentedOperations,
  documentedRequest,
  type DocumentedOperation,
} from './openapi-document';

/** Validates a document with @hyperjump/json-schema (ESM-only: in a child process). */
function validateOpenApi(document: unknown): { valid: boolean; errors?: unknown[] } {
  const run = spawnSync(process.execPath, [join(__dirname, 'validate-openapi.mjs')], {
    input: JSON.stringify(document),
    encoding: 'utf8',
  });
  if (run.status !== 0) throw new Error(`validate-openapi.mjs failed: ${run.stderr}`);
  return JSON.parse(run.stdout) as { valid: boolean; errors?: unknown[] };
}

// The operations in the order their examples run (each may use what the ones
// before it stored), the route by name last.
const generated = openApiDocument(defaultCatalog(), SERVICE_VERSION);
const order = OPERATION_EXAMPLES.map((e) => e.operation as string);
const rank = (op: DocumentedOperation): number => {
  const at = order.indexOf(op.operation.operationId as string);
  return at < 0 ? order.length : at;
};
const WALK = documentedOperations(generated).sort((a, b) => rank(a) - rank(b));

describe('the OpenAPI document', () => {
  it('is valid OpenAPI 3.1, every schema in it valid JSON Schema 2020-12', () => {
    expect(validateOpenApi(generated)).toEqual({ valid: true });
  });

  it('would be refused by the validator if it were not (the check can fail)', () => {
    const broken = structuredClone(generated) as any;
    broken.paths['/v1/names'].get.parameters[0].in = 'body';
    broken.components.schemas.ListNamesReply.type = 'list';
    const output = validateOpenApi(broken);
    expect(output.valid).toBe(false);
    const where = JSON.stringify(output.errors);
    expect(where).toContain('#/paths/~1v1~1names/get/parameters/0');
    expect(where).toContain('#/components/schemas/ListNamesReply/type');
  });

  it('declares every path parameter of every path, and names each operation once', () => {
    const ids = new Set<string>();
    for (const { path, operation } of documentedOperations(generated)) {
      expect(ids.has(operation.operationId)).toBe(false);
      ids.add(operation.operationId);
      const declared = (operation.parameters as any[])
        .filter((p) => p.in === 'path')
        .map((p) => p.name)
        .sort();
      const inPath = [...path.matchAll(/\{([a-z_]+)\}/g)].map((m) => m[1]).sort();
      expect(declared).toEqual(inPath);
    }
    expect([...ids].sort()).toEqual(
      [
        ...defaultCatalog()
          .exposedOperations()
          .map((op) => op.name),
        'call_operation',
      ].sort(),
    );
  });
});

// Every operation called the way the document describes it, against a real
// platform: its example parameters where the document puts them, its
// example body; the reply must match the documented schema and the
// documented example (docs/api.md shows the same examples).
describe('calling every operation as the OpenAPI document describes it (real servers)', () => {
  let stack: PlatformStack;
  let reader: OpenApiReader;
  const values = new DocumentedValues();

  beforeAll(async () => {
    stack = await startRealPlatform();
    const served = await http(`${stack.url}/openapi.json`, 'GET');
    expect(served.status).toBe(200);
    // What the gateway serves is what this file walks.
    expect(served.body).toEqual(JSON.parse(JSON.stringify(generated)));
    reader = new OpenApiReader(served.body);
  }, 60_000);
  afterAll(async () => {
    await stack?.stop();
  });

  async function send(method: string, target: string, body?: unknown, type = 'application/json') {
    return http(
      `${stack.url}${target}`,
      method as 'GET',
      body === undefined || typeof body === 'string' ? body : JSON.stringify(body),
      body === undefined ? {} : { 'content-type': type },
    );
  }

  /** The documented schema of an operation's answer with this status. */
  function answerSchema(documented: DocumentedOperation, status: number): any {
    const response = documented.operation.responses[String(status)];
    expect(response).toBeDefined();
    return reader.resolve(response).content['application/json'].schema;
  }

  it.each(WALK.map((op) => [`${op.operation.operationId}: ${op.method} ${op.path}`, op] as const))(
    '%s',
    async (_title, documented) => {
      const request = documentedRequest(reader, documented, (example) =>
        values.substitute(example),
      );
      const answer = await send(request.method, request.target, request.body);
      expect({ status: answer.status, body: answer.body }).toEqual({
        status: 200,
        body: expect.anything(),
      });
      expect(answer.headers.get('x-request-id')).toEqual(expect.any(String));
      expect(reader.check(answerSchema(documented, 200), answer.body)).toEqual([]);
      const example = documented.operation.responses['200'].content['application/json'].example;
      expect(values.differences(example, answer.body)).toEqual([]);

      // A field the document does not have is refused with the documented 400.
      const bad = documented.operation.requestBody
        ? await send(request.method, request.target, {
            ...(request.body as object),
            x_undocumented: 1,
          })
        : await send(
            request.method,
            `${request.target}${request.target.includes('?') ? '&' : '?'}x_undocumented=1`,
          );
      expect(bad.status).toBe(400);
      // (unknown_field, or a rule on the whole request that fails first)
      expect(bad.body.error.code).toBe('invalid_argument');
      expect(reader.check(answerSchema(documented, 400), bad.body)).toEqual([]);

      if (documented.operation.requestBody) {
        // Another media type: the documented 415.
        const text = await send(request.method, request.target, 'x', 'text/plain');
        expect(text.status).toBe(415);
        expect(reader.check(answerSchema(documented, 415), text.body)).toEqual([]);
      }
    },
  );

  it('answers an unknown operation by name with the documented 404', async () => {
    const ops = WALK.find((op) => op.operation.operationId === 'call_operation')!;
    const answer = await send('POST', '/v1/ops/put_dragon', {});
    expect(answer.status).toBe(404);
    expect(answer.body.error.details.reason).toBe('unknown_operation');
    expect(reader.check(answerSchema(ops, 404), answer.body)).toEqual([]);
  });

  it('answers a refused legacy field naming its replacement, as documented', async () => {
    const assemble = OPERATION_EXAMPLES.find((e) => e.operation === 'assemble_scenario')!;
    const schema = generated as any;
    const fields = schema.components.schemas.AssembleScenarioRequest.properties;
    const refused = Object.entries(fields).filter(
      ([, s]: [string, any]) => s['x-crucible-replaced-by'],
    );
    expect(refused.map(([name]) => name)).toEqual([
      'cognition',
      'adjudicate_user_template',
      'adjudicate_corrective_template',
      'environment',
    ]);
    for (const [name, field] of refused as Array<[string, any]>) {
      const answer = await send('POST', '/v1/scenarios', { ...assemble.request, [name]: 'old' });
      expect(answer.status).toBe(400);
      expect(answer.body.error).toMatchObject({
        code: 'invalid_argument',
        message: `/${name}: no longer accepted; replaced by ${field['x-crucible-replaced-by']}`,
        details: {
          reason: 'legacy_field',
          path: `/${name}`,
          replaced_by: field['x-crucible-replaced-by'],
        },
      });
    }
  });
});

import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  Catalog,
  DEFAULT_SCHEMAS_DIR,
  SchemaRegistry,
  bundleSchema,
  defaultCatalog,
} from '@crucible/contracts';
import { apiReferenceMarkdown } from '../docs/api-reference';
import { openApiDocument } from './openapi';

type Json = Record<string, any>;

const document: Json = openApiDocument(defaultCatalog(), '0.0.0');

function parameters(path: string, method: string): Json[] {
  return (document.paths[path][method].parameters as Json[]).filter((p) => p.$ref === undefined);
}

describe('openApiDocument', () => {
  it('gives every GET operation its request fields as parameters: path ones in the path, the rest in the query', () => {
    const catalog = defaultCatalog();
    for (const spec of catalog.exposedOperations().filter((op) => op.http.method === 'GET')) {
      const request = bundleSchema(catalog.registry, spec.request) as Json;
      const required = new Set(request.required as string[]);
      const documented = parameters(spec.http.path, 'get');
      expect(documented.map((p) => p.name).sort()).toEqual(Object.keys(request.properties).sort());
      for (const parameter of documented) {
        const inPath = spec.http.path.includes(`{${parameter.name}}`);
        expect(parameter).toMatchObject({
          in: inPath ? 'path' : 'query',
          required: inPath || required.has(parameter.name),
          schema: request.properties[parameter.name],
        });
      }
    }
  });

  it('documents the query parameters a new user could not find', () => {
    const names = (path: string) => parameters(path, 'get').map((p) => [p.name, p.in, p.required]);
    expect(names('/v1/scenarios/lookup')).toEqual([
      ['name', 'query', false],
      ['hash', 'query', false],
    ]);
    expect(names('/v1/names')).toEqual([
      ['prefix', 'query', false],
      ['hash', 'query', false],
      ['limit', 'query', false],
      ['after', 'query', false],
    ]);
    expect(names('/v1/names/{name}/history')).toEqual([
      ['name', 'path', true],
      ['limit', 'query', false],
      ['before_id', 'query', false],
    ]);
    expect(names('/v1/names/{name}')).toEqual([
      ['name', 'path', true],
      ['at', 'query', false],
    ]);
    const limit = parameters('/v1/names', 'get').find((p) => p.name === 'limit')!;
    expect(limit.description).toBe('Most names in one page (default 100).');
    expect(limit.schema).toMatchObject({ type: 'integer', minimum: 1, maximum: 1000 });
    expect(document.paths['/v1/scenarios/lookup'].get.description).toContain(
      'Give exactly one of `name`, `hash`.',
    );
  });

  it('takes a body where the route does, required only when a field is', () => {
    const search = document.paths['/v1/scenarios/search'].post.requestBody;
    expect(search.required).toBe(false);
    expect(search.content['application/json'].schema).toEqual({
      $ref: '#/components/schemas/ListScenariosRequest',
    });
    const put = document.paths['/v1/names/{name}'].put;
    // The path parameter comes from the path: the body needs only the rest.
    expect(put.requestBody.required).toBe(true);
    expect(put.requestBody.content['application/json'].schema.required).toEqual(['hash']);
    expect(put.requestBody.content['application/json'].example).toEqual({
      hash: expect.stringMatching(/^[0-9a-f]{64}$/),
      note: 'First release.',
    });
    expect(document.paths['/v1/names/{name}'].get.requestBody).toBeUndefined();
  });

  it('answers with the reply schema, and each error status with the wire error of its code', () => {
    const responses = document.paths['/v1/components/environments'].post.responses;
    expect(responses['200'].content['application/json'].schema).toEqual({
      $ref: '#/components/schemas/PutComponentReply',
    });
    expect(Object.keys(responses)).toEqual([
      '200',
      '400',
      '401',
      '403',
      '404',
      '409',
      '413',
      '415',
      '429',
      '500',
      '503',
    ]);
    // Each operation names the scope its token needs.
    expect(document.paths['/v1/components/environments'].post.security).toEqual([
      { bearer: ['write'] },
    ]);
    expect(document.paths['/v1/names'].get.security).toEqual([{ bearer: ['read'] }]);
    expect(document.components.securitySchemes.bearer).toMatchObject({
      type: 'http',
      scheme: 'bearer',
    });
    expect(Object.keys(document.paths['/v1/names'].get.responses)).not.toContain('415');
    const error = (name: string) =>
      document.components.responses[name].content['application/json'].schema.properties.error;
    expect(error('conflict').properties.code).toEqual({ const: 'conflict' });
    expect(error('unsupported_media_type').properties).toEqual({
      code: { const: 'invalid_argument' },
      details: {
        required: ['reason'],
        properties: { reason: { enum: ['unsupported_media_type', 'unsupported_encoding'] } },
      },
    });
    expect(document.components.schemas.WireError.required).toEqual([
      'code',
      'message',
      'retryable',
      'details',
    ]);
  });

  it('describes POST /v1/ops/{operation}: any exposed operation, its request as the body', () => {
    const ops = document.paths['/v1/ops/{operation}'].post;
    const operations = defaultCatalog().exposedOperations();
    expect(ops.parameters[0].schema.enum).toEqual(operations.map((op) => op.name));
    expect(ops.parameters[0].schema.enum).not.toContain('resolve_components');
    expect(ops.requestBody.content['application/json'].schema.anyOf).toContainEqual({
      $ref: '#/components/schemas/AssembleScenarioRequest',
    });
    expect(ops.responses['404']).toEqual({ $ref: '#/components/responses/not_found' });
    expect(Object.keys(document.paths)).not.toContain('/v1/components/resolve');
  });

  it('shows a field added to a request schema later, in the document and in docs/api.md, with no code change', () => {
    const dir = mkdtempSync(join(tmpdir(), 'crucible-schemas-'));
    try {
      cpSync(DEFAULT_SCHEMAS_DIR, dir, { recursive: true });
      const file = join(dir, 'names/list_names.request.v1.json');
      const schema = JSON.parse(readFileSync(file, 'utf8')) as Json;
      schema.properties.cursor = {
        type: 'string',
        maxLength: 200,
        description: 'next_cursor of the previous page.',
      };
      schema.properties.page = {
        type: 'object',
        additionalProperties: false,
        properties: { size: { type: 'integer', minimum: 1 } },
      };
      writeFileSync(file, JSON.stringify(schema));
      const catalog = new Catalog(new SchemaRegistry(dir));
      const changed: Json = openApiDocument(catalog, '0.0.0', []);
      const listed = changed.paths['/v1/names'].get.parameters as Json[];
      expect(listed.find((p) => p.name === 'cursor')).toEqual({
        name: 'cursor',
        in: 'query',
        required: false,
        description: 'next_cursor of the previous page.',
        schema: schema.properties.cursor,
      });
      // An object travels as JSON text.
      expect(listed.find((p) => p.name === 'page')).toMatchObject({
        in: 'query',
        content: { 'application/json': { schema: schema.properties.page } },
      });
      const markdown = apiReferenceMarkdown(catalog, []);
      expect(markdown).toContain(
        '| `cursor` | query | `string` | no | next_cursor of the previous page. At most 200 characters. |',
      );
      expect(markdown).toContain('| `page` | query | `{ size?: integer }` | no |');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

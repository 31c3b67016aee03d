import { assertValid, type Catalog, type OperationSpec } from '@crucible/contracts';
import { OPERATION_EXAMPLES } from '@crucible/gateway';

/**
 * A malformed request for the gateway: exactly these bytes, with these
 * headers (the test adds its token and the framing).
 */
export interface FuzzCase {
  readonly name: string;
  readonly method: string;
  readonly path: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly body?: Buffer;
}

/** A call of the MCP endpoint: a JSON-RPC body, as raw JSON text. */
export interface McpFuzzCase {
  readonly name: string;
  readonly body: string;
}

const JSON_TYPE = { 'content-type': 'application/json' };

/** n arrays deep (`[[[…]]]`) and n objects deep (`{"a":{"a":…}}`), as JSON text. */
const deepArray = (n: number): string => '['.repeat(n) + ']'.repeat(n);
const deepObject = (n: number): string => '{"a":'.repeat(n) + '1' + '}'.repeat(n);

/**
 * Values put in place of a field, as raw JSON text (so that 1e400, lone
 * surrogates and NULs reach the parser as a client would send them): wrong
 * types, numbers past every range (double, bigint, safe integers), strings
 * no database stores, Unicode oddities, nesting past any stack, keys that
 * attack prototypes.
 */
const FIELD_VALUES: readonly string[] = [
  'null',
  'true',
  '0',
  '-1',
  '1.5',
  '-0',
  '1e308',
  '-1e308',
  '1e400',
  '9223372036854775807',
  '9223372036854775808',
  '-9223372036854775809',
  '123456789012345678901234567890',
  '""',
  '"\\u0000"',
  '"\\ud800"',
  '"a\\udc00b"',
  '"\\u202e\\u200b\\ufeff\\u0301"',
  '"\\ud83d\\ude00"',
  '"%00"',
  '[]',
  '{}',
  '[null]',
  deepArray(200),
  deepObject(10_000),
  deepArray(100_000),
  '{"\\u0000":1}',
  '{"__proto__":{"polluted":1}}',
  '{"constructor":{"prototype":{"polluted":1}}}',
];

/** The values tried at nested fields: fewer, one of each kind. */
const NESTED_VALUES: readonly string[] = [
  'null',
  '1e400',
  '9223372036854775808',
  '"\\u0000"',
  '"\\ud800"',
  '[]',
  '{}',
  deepArray(9_000),
];

/** Path and query values, as they appear in the URL (already percent-encoded). */
const URL_VALUES: readonly string[] = [
  '',
  '0',
  '-1',
  '1.5',
  '1e308',
  '9223372036854775807',
  '9223372036854775808',
  '99999999999999999999999',
  'NaN',
  'null',
  '%00',
  '%ZZ',
  '%ED%A0%80',
  '%C0%AF',
  '%FF%FE',
  '%F0%9F%98%80',
  '%E2%80%AE',
  '..%2F..%2Fetc',
  '%7B%22a%22%3A1%7D',
  'a'.repeat(2_000),
];

/** Cursors no service issued: not base64url, not JSON inside, JSON of the wrong shape, impossible dates. */
const FORGED_CURSORS: readonly string[] = [
  '!!!',
  'a'.repeat(300),
  Buffer.from('not json').toString('base64url'),
  Buffer.from('[]').toString('base64url'),
  Buffer.from('{"a":1}').toString('base64url'),
  Buffer.from(`["1","${'a'.repeat(64)}"]`).toString('base64url'),
  Buffer.from(`["2026-02-30 00:00:00+00","${'a'.repeat(64)}"]`).toString('base64url'),
  Buffer.from(`["99999-01-01 00:00:00+00","${'a'.repeat(64)}"]`).toString('base64url'),
  Buffer.from(`["2026-01-01 25:00:00+00","${'a'.repeat(64)}"]`).toString('base64url'),
  Buffer.from(`["2026-01-01 00:00:00+00",1]`).toString('base64url'),
  Buffer.from(`[1e400,"${'a'.repeat(64)}"]`).toString('base64url'),
];

/** Bodies that are not the JSON of any request, as bytes. */
const WHOLE_BODIES: ReadonlyArray<readonly [string, Buffer]> = [
  ['space', Buffer.from(' ')],
  ['open brace', Buffer.from('{')],
  ['open member', Buffer.from('{"a":')],
  ['null', Buffer.from('null')],
  ['string', Buffer.from('"x"')],
  ['number', Buffer.from('1')],
  ['array', Buffer.from('[1,2]')],
  ['two objects', Buffer.from('{}{}')],
  ['trailing garbage', Buffer.from('{"a":1} x')],
  ['single quotes', Buffer.from("{'a':1}")],
  ['comment', Buffer.from('{/* c */}')],
  ['NaN', Buffer.from('{"a":NaN}')],
  ['arrays 9000 deep', Buffer.from(deepArray(9_000))],
  ['objects 9000 deep', Buffer.from(deepObject(9_000))],
  ['arrays 100000 deep', Buffer.from(deepArray(100_000))],
  ['id 1e308', Buffer.from('{"id":1e308}')],
  ['invalid UTF-8', Buffer.from([0x7b, 0x22, 0x61, 0x22, 0x3a, 0x22, 0xc3, 0x28, 0x22, 0x7d])],
  ['overlong UTF-8', Buffer.from([0x7b, 0x22, 0xc0, 0xaf, 0x22, 0x3a, 0x31, 0x7d])],
  ['UTF-16', Buffer.from('{"a":1}', 'utf16le')],
  ['NUL bytes', Buffer.from('{"a":1}\u0000\u0000')],
];

/** Content types and codings that are not plain UTF-8 JSON, each with a body. */
const MEDIA: ReadonlyArray<readonly [string, Record<string, string>]> = [
  ['text/plain', { 'content-type': 'text/plain' }],
  ['form', { 'content-type': 'application/x-www-form-urlencoded' }],
  ['multipart', { 'content-type': 'multipart/form-data; boundary=x' }],
  ['xml', { 'content-type': 'application/xml' }],
  ['json latin1', { 'content-type': 'application/json; charset=latin1' }],
  ['json utf-16', { 'content-type': 'application/json; charset=utf-16' }],
  ['json unknown charset', { 'content-type': 'application/json; charset=klingon' }],
  ['merge-patch+json', { 'content-type': 'application/merge-patch+json' }],
  ['garbage type', { 'content-type': '%%%/;;;' }],
  ['gzip not gzip', { ...JSON_TYPE, 'content-encoding': 'gzip' }],
  ['deflate not deflate', { ...JSON_TYPE, 'content-encoding': 'deflate' }],
  ['unknown coding', { ...JSON_TYPE, 'content-encoding': 'zstd' }],
  ['no content type', {}],
];

/** A value with `text` put at `path` (top-level or nested), as JSON text. */
function withFieldText(request: unknown, path: readonly string[], text: string): string {
  const marker = '\u0001FUZZ\u0001';
  const copy = structuredClone(request) as Record<string, unknown>;
  let node: Record<string, unknown> = copy;
  for (const key of path.slice(0, -1)) node = node[key] as Record<string, unknown>;
  node[path[path.length - 1]!] = marker;
  return JSON.stringify(copy).replace(JSON.stringify(marker), text);
}

/** Paths of the fields of an example request, top-level first, down to `depth` levels. */
function fieldPaths(value: unknown, depth: number, prefix: string[] = []): string[][] {
  if (depth === 0 || typeof value !== 'object' || value === null) return [];
  const entries = Array.isArray(value)
    ? value.slice(0, 1).map((item, i) => [String(i), item] as const)
    : Object.entries(value);
  return entries.flatMap(([key, item]) => [
    [...prefix, key],
    ...fieldPaths(item, depth - 1, [...prefix, key]),
  ]);
}

/**
 * Whether the gateway refuses `text` for `spec` before it reaches a service
 * (its schema and JSON checks). Writes are only ever fuzzed with such
 * requests, so the corpus cannot store anything; reads get every case.
 */
function refusedUpFront(catalog: Catalog, spec: OperationSpec, text: string): boolean {
  try {
    assertValid(catalog.registry, spec.request, JSON.parse(text));
    return false;
  } catch {
    return true;
  }
}

function exampleOf(name: string): Record<string, unknown> {
  const found = OPERATION_EXAMPLES.find((e) => e.operation === name);
  if (found === undefined) throw new Error(`no documented example of ${name}`);
  return found.request as Record<string, unknown>;
}

/** The URL of an operation's route with these path and query values (raw, already encoded). */
function routePath(spec: OperationSpec, path: Record<string, string>, query: string): string {
  const filled = spec.http.path.replace(/\{([a-z_]+)\}/g, (_m, name: string) => path[name] ?? '');
  return query === '' ? filled : `${filled}?${query}`;
}

/** A path or query value as the router reads it: JSON text for objects, else the value's own text. */
const encode = (value: unknown): string =>
  encodeURIComponent(
    typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean'
      ? String(value)
      : JSON.stringify(value),
  );

/**
 * Every malformed request of the corpus, generated from the catalog and the
 * documented example of each operation, the same every run.
 */
export function httpFuzzCases(catalog: Catalog): FuzzCase[] {
  const cases: FuzzCase[] = [];
  for (const spec of catalog.exposedOperations()) {
    const example = exampleOf(spec.name);
    const pathNames = [...spec.http.path.matchAll(/\{([a-z_]+)\}/g)].map((m) => m[1]!);
    const hasBody = spec.http.method === 'POST' || spec.http.method === 'PUT';
    const pathValues = Object.fromEntries(pathNames.map((n) => [n, encode(example[n])]));
    const queryOf = (fields: Record<string, unknown>) =>
      Object.entries(fields)
        .filter(([k]) => !pathNames.includes(k))
        .flatMap(([k, v]) => (Array.isArray(v) ? v : [v]).map((one) => `${k}=${encode(one)}`))
        .join('&');
    const add = (name: string, c: Omit<FuzzCase, 'name'>) =>
      cases.push({ name: `${spec.name}: ${name}`, ...c });
    const bodyRequest = Object.fromEntries(
      Object.entries(example).filter(([k]) => !pathNames.includes(k)),
    );

    // Whether the schema refuses this URL value (path or query) as the field's
    // value in the example request: a write is fuzzed only with those ('0'
    // and 'null' are valid names to protect).
    const refusedAsField = (param: string, value: string): boolean => {
      let decoded: string;
      try {
        decoded = decodeURIComponent(value);
      } catch {
        return true;
      }
      return (
        decoded === '' ||
        refusedUpFront(catalog, spec, JSON.stringify({ ...example, [param]: decoded }))
      );
    };
    // Path parameters: each odd value in turn.
    for (const param of pathNames)
      for (const value of URL_VALUES.filter((v) => spec.readOnly || refusedAsField(param, v)))
        add(`path ${param}=${value.slice(0, 20)}`, {
          method: spec.http.method,
          path: routePath(spec, { ...pathValues, [param]: value }, hasBody ? '' : queryOf(example)),
          headers: hasBody ? JSON_TYPE : {},
          ...(hasBody && { body: Buffer.from(JSON.stringify(bodyRequest)) }),
        });

    if (!hasBody) {
      // Query parameters: each known one with odd values, repeated, and unknown ones.
      const fields = Object.keys(
        (catalog.registry.schema(spec.request).properties as object | undefined) ?? {},
      ).filter((f) => !pathNames.includes(f));
      for (const field of fields) {
        const values = field.includes('cursor') ? [...URL_VALUES, ...FORGED_CURSORS] : URL_VALUES;
        // A write (DELETE) gets only the values its schema refuses: any
        // text is a valid note to unprotect_name.
        for (const value of values.filter((v) => spec.readOnly || refusedAsField(field, v)))
          add(`query ${field}=${value.slice(0, 20)}`, {
            method: spec.http.method,
            path: routePath(
              spec,
              pathValues,
              `${queryOf({ ...example, [field]: undefined })}&${field}=${value}`,
            ),
            headers: {},
          });
        add(`query ${field} repeated`, {
          method: spec.http.method,
          path: routePath(spec, pathValues, `${field}=1&${field}=2`),
          headers: {},
        });
      }
      add('unknown query parameter', {
        method: spec.http.method,
        path: routePath(spec, pathValues, `${queryOf(example)}&no_such_field=1`),
        headers: {},
      });
      // Ignored on a GET or DELETE: a valid call of a write, so reads only.
      if (spec.readOnly)
        add('JSON body on a GET', {
          method: spec.http.method,
          path: routePath(spec, pathValues, queryOf(example)),
          headers: JSON_TYPE,
          body: Buffer.from(deepArray(9_000)),
        });
      continue;
    }

    // The request the gateway makes of a body: the body's fields and the path's.
    const withPath = (text: string): string => {
      try {
        const body: unknown = JSON.parse(text);
        if (typeof body !== 'object' || body === null || Array.isArray(body)) return text;
        return JSON.stringify({
          ...body,
          ...Object.fromEntries(pathNames.map((n) => [n, example[n]])),
        });
      } catch {
        return text;
      }
    };
    const send = (name: string, text: string) => {
      if (spec.readOnly || refusedUpFront(catalog, spec, withPath(text)))
        add(name, {
          method: spec.http.method,
          path: routePath(spec, pathValues, ''),
          headers: JSON_TYPE,
          body: Buffer.from(text),
        });
    };
    // Each field of the body, top-level with every value, nested with a few.
    for (const path of fieldPaths(bodyRequest, 3)) {
      const values = path.length === 1 ? FIELD_VALUES : NESTED_VALUES;
      for (const value of values)
        send(
          `body /${path.join('/')} = ${value.slice(0, 20)}`,
          withFieldText(bodyRequest, path, value),
        );
      if (path.join('/').endsWith('cursor'))
        for (const cursor of FORGED_CURSORS)
          send(
            `body /${path.join('/')} forged`,
            withFieldText(bodyRequest, path, JSON.stringify(cursor)),
          );
    }
    send('unknown field', JSON.stringify({ ...bodyRequest, no_such_field: 1 }));
    send('unknown field with NUL key', withFieldText(bodyRequest, ['\u0000'], '1'));
    const whole = JSON.stringify(bodyRequest);
    // A blank body is an empty one: a valid call of a write whose body
    // fields are all optional (unprotect_name), so not sent to those.
    const blankIsValid =
      !spec.readOnly &&
      !refusedUpFront(
        catalog,
        spec,
        JSON.stringify(Object.fromEntries(pathNames.map((n) => [n, example[n]]))),
      );
    for (const [name, bytes] of [
      ...WHOLE_BODIES.filter(([body]) => !(blankIsValid && body === 'space')),
      ['truncated example', Buffer.from(whole.slice(0, Math.floor(whole.length / 2)))] as const,
      ['BOM and garbage', Buffer.from(`\ufeff${whole}x`)] as const,
    ])
      add(`whole body: ${name}`, {
        method: spec.http.method,
        path: routePath(spec, pathValues, ''),
        headers: JSON_TYPE,
        body: bytes,
      });
    for (const [name, headers] of MEDIA)
      add(`media: ${name}`, {
        method: spec.http.method,
        path: routePath(spec, pathValues, ''),
        headers,
        body: Buffer.from(whole),
      });
  }
  // The generic route, with names that are no operation.
  for (const name of [
    '',
    'resolve_components',
    'check_scenarios',
    '..%2Fhealth',
    '%00',
    'a'.repeat(300),
  ])
    cases.push({
      name: `ops: ${name.slice(0, 20)}`,
      method: 'POST',
      path: `/v1/ops/${name}`,
      headers: JSON_TYPE,
      body: Buffer.from('{}'),
    });
  // Other methods on every route's path: those no other operation answers
  // there (DELETE on protect_name's path is unprotect_name, a valid call).
  const routes = new Set(catalog.exposedOperations().map((s) => `${s.http.method} ${s.http.path}`));
  for (const spec of catalog.exposedOperations())
    for (const method of ['PATCH', 'DELETE', 'OPTIONS', 'PUT', 'GET'].filter(
      (m) => m !== spec.http.method && !routes.has(`${m} ${spec.http.path}`),
    ))
      cases.push({
        name: `${spec.name}: method ${method}`,
        method,
        path: spec.http.path.replace(/\{[a-z_]+\}/g, 'x'),
        headers: JSON_TYPE,
        body: Buffer.from('{}'),
      });
  return cases;
}

/** Tool calls of every tool with odd arguments, and JSON-RPC that is not a valid call. */
export function mcpFuzzCases(catalog: Catalog): McpFuzzCase[] {
  const cases: McpFuzzCase[] = [];
  const call = (name: string, args: string) =>
    `{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":${JSON.stringify(name)},"arguments":${args}}}`;
  for (const spec of catalog.exposedOperations()) {
    const example = exampleOf(spec.name);
    for (const field of Object.keys(example))
      for (const value of FIELD_VALUES) {
        const args = withFieldText(example, [field], value);
        if (spec.readOnly || refusedUpFront(catalog, spec, args))
          cases.push({
            name: `${spec.name} /${field} = ${value.slice(0, 20)}`,
            body: call(spec.name, args),
          });
      }
    for (const args of [
      'null',
      '[]',
      '"x"',
      '1e400',
      deepArray(10_000),
      deepObject(10_000),
      '{"\\u0000":1}',
    ])
      cases.push({
        name: `${spec.name} arguments ${args.slice(0, 20)}`,
        body: call(spec.name, args),
      });
  }
  for (const body of [
    call('no_such_tool', '{}'),
    call('resolve_components', '{}'),
    call('\u0000', '{}'),
    '{}',
    '[]',
    'null',
    '{"jsonrpc":"2.0"}',
    '{"jsonrpc":"2.0","id":1,"method":"tools/call"}',
    '{"jsonrpc":"2.0","id":1,"method":"tools/call","params":null}',
    '{"jsonrpc":"2.0","id":{"a":1},"method":"tools/list"}',
    '{"jsonrpc":"2.0","id":1e400,"method":"tools/list"}',
    '{"jsonrpc":"1.0","id":1,"method":"tools/list"}',
    '{"jsonrpc":"2.0","id":1,"method":"no/such/method"}',
    `[${call('get_environment', '{}')},${call('put_environment', '{"content":1}')}]`,
    deepArray(9_000),
    '{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":1e400}}',
  ])
    cases.push({ name: `json-rpc ${body.slice(0, 30)}`, body });
  return cases;
}

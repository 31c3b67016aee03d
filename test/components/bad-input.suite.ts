import { countRows, rowCountChanges, settledRowCounts } from '../support';
import { http, type Stack } from './stack';

interface BadCase {
  name: string;
  path: string;
  method?: 'GET' | 'POST';
  /** A string is sent as is (raw body); anything else as JSON. */
  body?: unknown;
  headers?: Record<string, string>;
  status: number;
  code: string;
  reason: string;
  at?: string;
}

const H = 'a'.repeat(64);
const profile = {
  perceive_system: { inline: 'p' },
  intend_system: { inline: 'i' },
  adjudicate_system: { inline: 'a' },
  adjudication_schema: { inline: { type: 'object' } },
  adjudication_retry_budget: 1,
};

const CASES: BadCase[] = [
  {
    name: 'malformed JSON',
    path: 'environments',
    body: '{"content": "x"',
    status: 400,
    code: 'invalid_argument',
    reason: 'malformed_json',
    at: '',
  },
  {
    name: 'a JSON array instead of an object',
    path: 'environments',
    body: '["x"]',
    status: 400,
    code: 'invalid_argument',
    reason: 'wrong_type',
    at: '',
  },
  {
    name: 'a JSON string at the top level',
    path: 'environments',
    body: '"x"',
    status: 400,
    code: 'invalid_argument',
    reason: 'malformed_json',
    at: '',
  },
  {
    name: 'no body at all',
    path: 'environments',
    body: '',
    status: 400,
    code: 'invalid_argument',
    reason: 'missing_field',
    at: '/content',
  },
  {
    name: 'wrong type',
    path: 'environments',
    body: { content: 5 },
    status: 400,
    code: 'invalid_argument',
    reason: 'wrong_type',
    at: '/content',
  },
  {
    name: 'missing field',
    path: 'environments',
    body: {},
    status: 400,
    code: 'invalid_argument',
    reason: 'missing_field',
    at: '/content',
  },
  {
    name: 'unknown field',
    path: 'environments',
    body: { content: 'x', colour: 'red' },
    status: 400,
    code: 'invalid_argument',
    reason: 'unknown_field',
    at: '/colour',
  },
  {
    name: 'empty string',
    path: 'perceive-systems',
    body: { content: '' },
    status: 400,
    code: 'invalid_argument',
    reason: 'empty_text',
    at: '/content',
  },
  {
    name: 'blank string',
    path: 'intend-systems',
    body: { content: ' \n\t ' },
    status: 400,
    code: 'invalid_argument',
    reason: 'empty_text',
    at: '/content',
  },
  {
    name: 'component over the size limit',
    path: 'environments',
    body: { content: 'x'.repeat(70_000) },
    status: 400,
    code: 'invalid_argument',
    reason: 'too_large',
    at: '/content',
  },
  {
    name: 'body over the body limit',
    path: 'environments',
    body: { content: 'x'.repeat(1_100_000) },
    status: 413,
    code: 'payload_too_large',
    reason: 'payload_too_large',
    at: '',
  },
  {
    name: 'lone surrogate',
    path: 'environments',
    body: '{"content": "bad \\ud800 text"}',
    status: 400,
    code: 'invalid_argument',
    reason: 'invalid_unicode',
    at: '/content',
  },
  {
    name: 'lone surrogate in a key',
    path: 'adjudication-schemas',
    body: '{"content": {"type": "object", "\\udc00": 1}}',
    status: 400,
    code: 'invalid_argument',
    reason: 'invalid_unicode',
    at: '/content/\udc00',
  },
  {
    name: 'NUL character',
    path: 'environments',
    body: '{"content": "nul \\u0000 here"}',
    status: 400,
    code: 'invalid_argument',
    reason: 'nul_character',
    at: '/content',
  },
  {
    name: 'invalid UTF-8 bytes',
    path: 'environments',
    body: Buffer.from([0x7b, 0x22, 0x63, 0x22, 0x3a, 0x22, 0xff, 0xfe, 0x22, 0x7d]),
    status: 400,
    code: 'invalid_argument',
    reason: 'invalid_utf8',
    at: '',
  },
  {
    name: 'label grammar (entity id)',
    path: 'entities',
    body: { content: { id: 'Bad Id', name: 'X', environment: 'room' } },
    status: 400,
    code: 'invalid_argument',
    reason: 'invalid_label',
    at: '/content/id',
  },
  {
    name: 'label grammar (environment)',
    path: 'entities',
    body: { content: { id: 'ok', name: 'X', environment: '-room' } },
    status: 400,
    code: 'invalid_argument',
    reason: 'invalid_label',
    at: '/content/environment',
  },
  {
    name: 'label grammar (profile label)',
    path: 'entities',
    body: {
      content: {
        id: 'ok',
        name: 'X',
        environment: 'room',
        kind: { agent: { goal: 'g', cognition_profile: 'a'.repeat(65) } },
      },
    },
    status: 400,
    code: 'invalid_argument',
    reason: 'invalid_label',
    at: '/content/kind/agent/cognition_profile',
  },
  {
    name: 'entity kind neither prop nor agent',
    path: 'entities',
    body: { content: { id: 'ok', name: 'X', environment: 'room', kind: 'ghost' } },
    status: 400,
    code: 'invalid_argument',
    reason: 'invalid_value',
    at: '/content/kind',
  },
  {
    name: 'blank entity name',
    path: 'entities',
    body: { content: { id: 'ok', name: '   ', environment: 'room' } },
    status: 400,
    code: 'invalid_argument',
    reason: 'empty_text',
    at: '/content/name',
  },
  {
    name: 'schema that is not JSON Schema',
    path: 'adjudication-schemas',
    body: { content: { type: 'banana' } },
    status: 400,
    code: 'invalid_argument',
    reason: 'invalid_json_schema',
    at: '/content',
  },
  {
    name: 'schema with an unknown keyword',
    path: 'adjudication-schemas',
    body: { content: { type: 'object', colour: 'red' } },
    status: 400,
    code: 'invalid_argument',
    reason: 'invalid_json_schema',
    at: '/content',
  },
  {
    name: 'schema that is not an object',
    path: 'adjudication-schemas',
    body: { content: [1, 2] },
    status: 400,
    code: 'invalid_argument',
    reason: 'wrong_type',
    at: '/content',
  },
  {
    name: 'number JSON cannot carry',
    path: 'adjudication-schemas',
    body: '{"content": {"type": "number", "maximum": 1e400}}',
    status: 400,
    code: 'invalid_argument',
    reason: 'number_out_of_range',
    at: '/content/maximum',
  },
  {
    name: 'retry budget too high',
    path: 'cognition-profiles',
    body: { ...profile, adjudication_retry_budget: 11 },
    status: 400,
    code: 'invalid_argument',
    reason: 'retry_budget_out_of_range',
    at: '/adjudication_retry_budget',
  },
  {
    name: 'retry budget not an integer',
    path: 'cognition-profiles',
    body: { ...profile, adjudication_retry_budget: 1.5 },
    status: 400,
    code: 'invalid_argument',
    reason: 'wrong_type',
    at: '/adjudication_retry_budget',
  },
  {
    name: 'ref with both hash and inline',
    path: 'cognition-profiles',
    body: { ...profile, perceive_system: { hash: H, inline: 'p' } },
    status: 400,
    code: 'invalid_argument',
    reason: 'invalid_ref',
    at: '/perceive_system',
  },
  {
    name: 'ref with neither',
    path: 'cognition-profiles',
    body: { ...profile, intend_system: {} },
    status: 400,
    code: 'invalid_argument',
    reason: 'invalid_ref',
    at: '/intend_system',
  },
  {
    name: 'invalid hash in a ref',
    path: 'cognition-profiles',
    body: { ...profile, adjudicate_system: { hash: 'ABC' } },
    status: 400,
    code: 'invalid_argument',
    reason: 'invalid_hash',
    at: '/adjudicate_system/hash',
  },
  {
    name: 'uppercase hash in the path',
    method: 'GET',
    path: `environments/${H.toUpperCase()}`,
    status: 400,
    code: 'invalid_argument',
    reason: 'invalid_hash',
    at: '/hash',
  },
  {
    name: 'a malformed percent-escape in the path',
    method: 'GET',
    path: 'environments/%zz',
    status: 400,
    code: 'invalid_argument',
    reason: 'malformed_percent_encoding',
    at: '/hash',
  },
  {
    name: 'percent-encoded invalid UTF-8 in the path',
    method: 'GET',
    path: 'environments/%C3%28',
    status: 400,
    code: 'invalid_argument',
    reason: 'malformed_percent_encoding',
    at: '/hash',
  },
  {
    name: 'unknown query parameter',
    method: 'GET',
    path: `environments/${H}?expand=1`,
    status: 400,
    code: 'invalid_argument',
    reason: 'unknown_field',
    at: '/expand',
  },
  {
    name: 'batch lookup of an unknown kind',
    path: 'lookup',
    body: { items: [{ kind: 'dragon', hash: H }] },
    status: 400,
    code: 'invalid_argument',
    reason: 'invalid_enum',
    at: '/items/0/kind',
  },
  {
    name: 'empty batch lookup',
    path: 'lookup',
    body: { items: [] },
    status: 400,
    code: 'invalid_argument',
    reason: 'too_few_items',
    at: '/items',
  },
  {
    name: 'not JSON content type',
    path: 'environments',
    body: 'content=x',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    status: 415,
    code: 'invalid_argument',
    reason: 'unsupported_media_type',
    at: '',
  },
  {
    name: 'a JSON media type other than application/json',
    path: 'environments',
    body: '{"content":"x"}',
    headers: { 'content-type': 'application/merge-patch+json' },
    status: 415,
    code: 'invalid_argument',
    reason: 'unsupported_media_type',
    at: '',
  },
  {
    name: 'unknown route',
    path: 'dragons',
    body: {},
    status: 404,
    code: 'not_found',
    reason: 'unknown_route',
  },
];

/** Every kind of bad input at the gateway: a 4xx with a code, a reason and a JSON Pointer, and nothing written. */
export function describeBadInput(name: string, start: () => Promise<Stack>): void {
  describe(`bad input at the gateway (${name})`, () => {
    let stack: Stack;
    beforeAll(async () => {
      stack = await start();
    }, 60_000);
    afterAll(async () => {
      await stack?.stop();
    });

    it.each(CASES.map((c) => [c.name, c] as const))('%s', async (_name, c) => {
      const before = await settledRowCounts(stack.infra.knex);
      const headers =
        typeof c.body === 'string' || c.body instanceof Uint8Array
          ? { 'content-type': 'application/json', ...c.headers }
          : c.headers;
      const response = await http(
        `${stack.url}/v1/components/${c.path}`,
        c.method ?? 'POST',
        c.body,
        headers,
      );
      expect(response.status).toBe(c.status);
      expect(response.body.error).toMatchObject({
        code: c.code,
        retryable: false,
        details: { reason: c.reason },
      });
      if (c.at !== undefined) expect(response.body.error.details.path).toBe(c.at);
      expect(typeof response.body.error.message).toBe('string');
      expect(rowCountChanges(before, await countRows(stack.infra.knex))).toEqual({});
    });

    it('stores unusual but valid Unicode byte for byte', async () => {
      const nfc = 'caf\u00e9 \u{1F41C} \u202e rtl \u200d';
      const nfd = 'cafe\u0301 \u{1F41C} \u202e rtl \u200d';
      const a = await http(`${stack.url}/v1/components/environments`, 'POST', { content: nfc });
      const b = await http(`${stack.url}/v1/components/environments`, 'POST', { content: nfd });
      expect(a.status).toBe(200);
      expect(b.status).toBe(200);
      expect(a.body.hash).not.toBe(b.body.hash);
      expect(
        (await http(`${stack.url}/v1/components/environments/${a.body.hash}`, 'GET')).body.content,
      ).toBe(nfc);
    });
  });
}

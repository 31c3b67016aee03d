import type { ChatMessage, ResponseFormat } from './mind';
import {
  fallbackMode,
  isFormatRefusal,
  isStrictCompatible,
  schemaInstruction,
  weakerMode,
  wireFormat,
} from './structured-output';

const adjudication = {
  type: 'object',
  additionalProperties: false,
  properties: {
    narration: { type: 'string' },
    entity_mutations: {
      type: 'array',
      items: {
        type: 'object',
        additionalProperties: false,
        properties: { entity_id: { type: 'string' }, state: { type: 'string' } },
        required: ['entity_id', 'state'],
      },
    },
  },
  required: ['narration', 'entity_mutations'],
};
const json: ResponseFormat = { type: 'json_schema', name: 'adjudication', schema: adjudication };
const messages: ChatMessage[] = [
  { role: 'system', content: 'You are the director.' },
  { role: 'user', content: 'Decide.' },
];

describe('the structured output ladder', () => {
  it('goes json_schema, json_object, none, and never back up', () => {
    expect(fallbackMode('json_schema')).toBe('json_object');
    expect(fallbackMode('json_object')).toBe('none');
    expect(fallbackMode('none')).toBeUndefined();
    expect(weakerMode('json_schema', 'json_object')).toBe('json_object');
    expect(weakerMode('none', 'json_schema')).toBe('none');
    expect(weakerMode('json_object', 'json_object')).toBe('json_object');
  });
});

describe('wireFormat', () => {
  it('sends text requests as they are, whatever the mode', () => {
    expect(wireFormat({ type: 'text' }, 'json_schema', messages)).toEqual({ messages });
    expect(wireFormat({ type: 'text' }, 'none', messages)).toEqual({ messages });
  });

  it('asks for the schema, strictly when strict mode can take it', () => {
    expect(wireFormat(json, 'json_schema', messages)).toEqual({
      responseFormat: {
        type: 'json_schema',
        json_schema: { name: 'adjudication', schema: adjudication, strict: true },
      },
      messages,
    });
    const loose = {
      type: 'json_schema',
      name: 'my schema/v1',
      schema: { type: 'object' },
    } as const;
    expect(wireFormat(loose, 'json_schema', messages).responseFormat).toEqual({
      type: 'json_schema',
      json_schema: { name: 'my_schema_v1', schema: { type: 'object' }, strict: false },
    });
  });

  it('describes the schema in the system message when the server will not enforce it', () => {
    const object = wireFormat(json, 'json_object', messages);
    expect(object.responseFormat).toEqual({ type: 'json_object' });
    expect(object.messages).toEqual([
      { role: 'system', content: `You are the director.\n\n${schemaInstruction(json)}` },
      messages[1],
    ]);
    expect(schemaInstruction(json)).toContain(JSON.stringify(adjudication));
    expect(schemaInstruction(json)).toContain('JSON');

    const none = wireFormat(json, 'none', [{ role: 'user', content: 'Decide.' }]);
    expect(none.responseFormat).toBeUndefined();
    expect(none.messages).toEqual([
      { role: 'system', content: schemaInstruction(json) },
      { role: 'user', content: 'Decide.' },
    ]);
  });
});

describe('isStrictCompatible', () => {
  it('accepts schemas whose objects close and require every property', () => {
    expect(isStrictCompatible(adjudication)).toBe(true);
    expect(isStrictCompatible({ type: 'string' })).toBe(true);
    expect(
      isStrictCompatible({
        anyOf: [{ type: 'string' }, { $ref: '#/$defs/a' }],
        $defs: { a: { type: 'object', properties: {}, additionalProperties: false } },
      }),
    ).toBe(true);
  });

  it('refuses open objects and optional properties, however deep', () => {
    expect(isStrictCompatible({ type: 'object' })).toBe(false);
    expect(isStrictCompatible({ ...adjudication, required: ['narration'] })).toBe(false);
    const deep = structuredClone(adjudication);
    delete (deep.properties.entity_mutations.items as { additionalProperties?: boolean })
      .additionalProperties;
    expect(isStrictCompatible(deep)).toBe(false);
    expect(isStrictCompatible({ $defs: { a: { type: 'object', properties: { x: {} } } } })).toBe(
      false,
    );
  });
});

describe('isFormatRefusal', () => {
  it('recognises a refused response_format by param or wording', () => {
    expect(
      isFormatRefusal({
        status: 400,
        param: 'response_format',
        message:
          "400 Invalid parameter: 'response_format' of type 'json_schema' is not supported with this model.",
      }),
    ).toBe(true);
    expect(
      isFormatRefusal({
        status: 400,
        param: undefined,
        message: '400 guided decoding is not enabled',
      }),
    ).toBe(true);
    expect(
      isFormatRefusal({ status: 422, param: undefined, message: 'unsupported json_schema' }),
    ).toBe(true);
  });

  it('leaves other bad requests alone', () => {
    expect(
      isFormatRefusal({
        status: 400,
        param: 'messages',
        message: "400 This model's maximum context length is 8192 tokens",
      }),
    ).toBe(false);
    expect(isFormatRefusal({ status: 404, param: undefined, message: 'response_format' })).toBe(
      false,
    );
    expect(isFormatRefusal({ status: 500, param: undefined, message: 'json_schema' })).toBe(false);
  });
});

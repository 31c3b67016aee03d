import { canonicalJson } from './canonical-json';
import {
  canonicalJsonComponent,
  componentHash,
  JSON_COMPONENT_KINDS,
  jsonComponentHash,
  TEXT_COMPONENT_KINDS,
  textComponentHash,
} from './component-hashes';
import { InvalidHashInputError, NotJsonError } from './errors';
import { sha256Hex } from './sha256';

function thrownBy(run: () => unknown): unknown {
  try {
    run();
  } catch (error) {
    return error;
  }
  throw new Error('expected a throw');
}

describe('textComponentHash', () => {
  it('hashes the UTF-8 bytes of the text exactly as given', () => {
    const text = '  You perceive the room.\r\n';
    expect(textComponentHash(text)).toBe(sha256Hex(Buffer.from(text, 'utf8')));
  });

  it('does not normalize: NFC and NFD "café" are different components', () => {
    const nfc = 'caf\u00e9';
    const nfd = 'cafe\u0301';
    expect(nfc.normalize('NFC')).toBe(nfd.normalize('NFC'));
    expect(textComponentHash(nfc)).not.toBe(textComponentHash(nfd));
  });

  it('does not trim: surrounding whitespace is content', () => {
    expect(textComponentHash('rules')).not.toBe(textComponentHash('rules\n'));
    expect(textComponentHash('rules')).not.toBe(textComponentHash(' rules'));
  });

  it('is deterministic and byte-sensitive', () => {
    const text = 'Adjudicate the intent. Narrate what the agent perceives.';
    expect(textComponentHash(text)).toBe(textComponentHash(`${text}`));
    expect(textComponentHash(text.replace('N', 'n'))).not.toBe(textComponentHash(text));
  });

  it('refuses a non-string or a lone surrogate, naming the field', () => {
    expect(thrownBy(() => textComponentHash(42 as unknown as string))).toMatchObject({
      name: 'InvalidHashInputError',
      field: 'text',
      path: '/text',
    });
    // sha256Hex would hash it as U+FFFD; a content address must not.
    expect(() => textComponentHash('a\udc00')).toThrow(InvalidHashInputError);
    expect(() => componentHash('perceive_system', 'a\udc00')).toThrow(InvalidHashInputError);
  });
});

describe('jsonComponentHash', () => {
  const entity = {
    id: 'vending_machine',
    name: 'Vending machine',
    state: 'Humming. Button "C" sticks.',
    environment: 'vending_room',
    kind: 'prop',
  };

  it('is the SHA-256 of the canonical JSON', () => {
    expect(jsonComponentHash(entity)).toBe(sha256Hex(canonicalJson(entity)));
  });

  it('agrees with canonicalJsonComponent, which also returns the canonical JSON', () => {
    const reordered = { ...entity, state: 'Caf\u00e9 \u{1F41C} "quoted"\n' };
    expect(canonicalJsonComponent(reordered)).toEqual({
      canonical: canonicalJson(reordered),
      hash: jsonComponentHash(reordered),
    });
    expect(() => canonicalJsonComponent({ bad: Number.NaN })).toThrow(NotJsonError);
  });

  it('does not depend on key order', () => {
    const reordered = {
      kind: 'prop',
      environment: 'vending_room',
      state: 'Humming. Button "C" sticks.',
      name: 'Vending machine',
      id: 'vending_machine',
    };
    expect(jsonComponentHash(reordered)).toBe(jsonComponentHash(entity));
  });

  it('is sensitive to a one-character change anywhere', () => {
    const base = jsonComponentHash(entity);
    expect(jsonComponentHash({ ...entity, state: 'Humming. Button "D" sticks.' })).not.toBe(base);
    expect(jsonComponentHash({ ...entity, id: 'vending_machin' })).not.toBe(base);
    expect(jsonComponentHash({ ...entity, kind: ['prop'] })).not.toBe(base);
  });

  it('refuses what canonicalJson refuses', () => {
    expect(() => jsonComponentHash({ ...entity, memory: undefined })).toThrow(NotJsonError);
  });
});

describe('componentHash', () => {
  it('hashes text kinds as text and JSON kinds as canonical JSON', () => {
    for (const kind of TEXT_COMPONENT_KINDS) {
      expect(componentHash(kind, 'some text')).toBe(textComponentHash('some text'));
    }
    for (const kind of JSON_COMPONENT_KINDS) {
      expect(componentHash(kind, 'some text')).toBe(jsonComponentHash('some text'));
      expect(componentHash(kind, { b: 1, a: 2 })).toBe(jsonComponentHash({ a: 2, b: 1 }));
    }
  });

  it('refuses non-text content for a text kind', () => {
    expect(thrownBy(() => componentHash('environment', { text: 'room' }))).toMatchObject({
      code: 'INVALID_HASH_INPUT',
      field: 'content',
    });
  });

  it('refuses a kind it does not know (a caller outside the types), naming it', () => {
    expect(() => componentHash('scenario' as never, 'x')).toThrow(
      'unknown component kind "scenario"',
    );
  });
});

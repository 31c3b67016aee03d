import {
  type CrucibleError,
  cleanStringsIn,
  invalidArgument,
  type KnownOfValue,
  type WireError,
} from '@crucible/contracts';

const encoder = new TextEncoder();

/**
 * UTF-8 bytes of a text. Buffer.from, not TextEncoder: a message under 4 KB
 * is a slice of Node's shared pool instead of an ArrayBuffer of its own,
 * which every garbage collection must track (measured: the caller's GC time
 * per request halved in the peer bench).
 */
function utf8(text: string): Uint8Array {
  return Buffer.from(text, 'utf8');
}
const decoder = new TextDecoder('utf-8', { fatal: true });

/** Encodes a value as UTF-8 JSON bytes. */
export function encodeJson(value: unknown): Uint8Array {
  return utf8(JSON.stringify(value));
}

/**
 * Decodes UTF-8 JSON bytes. Invalid UTF-8 or JSON is invalid_argument with
 * reason `malformed_json` (path '' : the whole message).
 */
export function decodeJson(data: Uint8Array): unknown {
  return decodeMessage(data).value;
}

/** A message's value and what its text proves of it (to pass to `assertValid`). */
export interface DecodedMessage {
  value: unknown;
  known: KnownOfValue;
}

/** As `decodeJson`, with what the text proves: clean strings when it has no `\u` escape. */
export function decodeMessage(data: Uint8Array): DecodedMessage {
  let text: string;
  try {
    text = decoder.decode(data);
  } catch {
    throw invalidArgument('', 'malformed_json', 'message is not valid UTF-8');
  }
  try {
    return { value: JSON.parse(text) as unknown, known: { cleanStrings: cleanStringsIn(text) } };
  } catch (error) {
    throw invalidArgument(
      '',
      'malformed_json',
      `message is not valid JSON: ${(error as Error).message}`,
    );
  }
}

/** A value encoded, and what its text proves of it (to pass to `assertValid`). */
export interface EncodedMessage {
  bytes: Uint8Array;
  known: KnownOfValue;
}

/**
 * As `encodeJson`, with what the text proves (JSON.stringify escapes NULs
 * and lone surrogates, so a text without `\u` escapes had clean strings).
 * Undefined when the value cannot be encoded (a cycle, a BigInt): the
 * caller then checks it as before, whose error comes first.
 */
export function encodeMessage(value: unknown): EncodedMessage | undefined {
  let text: string;
  try {
    text = JSON.stringify(value);
  } catch {
    return undefined;
  }
  // undefined (and functions, symbols) encode to no text at all.
  if (typeof text !== 'string') return undefined;
  return { bytes: utf8(text), known: { cleanStrings: cleanStringsIn(text) } };
}

export type ReplyBody = { result: unknown } | { error: WireError };

const RESULT_PREFIX = encoder.encode('{"result":');

export function encodeResult(result: unknown): Uint8Array {
  return encodeJson({ result });
}

/**
 * The result's JSON inside a reply as `encodeResult` writes it
 * (`{"result":<json>}`), without decoding it; undefined for anything else
 * (an error reply, or one encoded another way).
 */
export function resultJson(reply: Uint8Array): Uint8Array | undefined {
  const end = reply.byteLength - 1;
  if (end < RESULT_PREFIX.byteLength || reply[end] !== 0x7d) return undefined;
  for (let i = 0; i < RESULT_PREFIX.byteLength; i++)
    if (reply[i] !== RESULT_PREFIX[i]) return undefined;
  return reply.subarray(RESULT_PREFIX.byteLength, end);
}

export function encodeError(error: CrucibleError): Uint8Array {
  return encodeJson({ error: error.toWire() });
}

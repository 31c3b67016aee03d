import { type CrucibleError, invalidArgument, type WireError } from '@crucible/contracts';

const encoder = new TextEncoder();
const decoder = new TextDecoder('utf-8', { fatal: true });

/** Encodes a value as UTF-8 JSON bytes. */
export function encodeJson(value: unknown): Uint8Array {
  return encoder.encode(JSON.stringify(value));
}

/**
 * Decodes UTF-8 JSON bytes. Invalid UTF-8 or JSON is invalid_argument with
 * reason `malformed_json` (path '' : the whole message).
 */
export function decodeJson(data: Uint8Array): unknown {
  let text: string;
  try {
    text = decoder.decode(data);
  } catch {
    throw invalidArgument('', 'malformed_json', 'message is not valid UTF-8');
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw invalidArgument(
      '',
      'malformed_json',
      `message is not valid JSON: ${(error as Error).message}`,
    );
  }
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

import type { Headers } from './bus';

// `NATS/1.0\r\n` before the headers, `\r\n` after them.
const HEADER_FRAME_BYTES = 'NATS/1.0\r\n'.length + '\r\n'.length;
// `: ` and `\r\n` around each value.
const HEADER_LINE_BYTES = ': \r\n'.length;

/**
 * Bytes a message counts against `maxPayload`: its data plus its headers as
 * NATS frames them (`NATS/1.0\r\n`, `key: value\r\n` each, `\r\n`), since the
 * server limits both together. Both buses use it, so a message the in-process
 * bus accepts is one NATS accepts too. Counted with Buffer.byteLength, which
 * encodes nothing (encoding each line to count it cost ~2% of a caller's CPU
 * per request).
 */
export function messageSize(data: Uint8Array, headers: Headers | undefined): number {
  if (headers === undefined) return data.byteLength;
  let framed = 0;
  for (const key of Object.keys(headers)) {
    framed += Buffer.byteLength(key, 'utf8') + Buffer.byteLength(headers[key]!, 'utf8');
    framed += HEADER_LINE_BYTES;
  }
  return framed === 0 ? data.byteLength : data.byteLength + HEADER_FRAME_BYTES + framed;
}

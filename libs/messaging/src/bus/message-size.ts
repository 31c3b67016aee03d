import type { Headers } from './bus';

const encoder = new TextEncoder();

/**
 * Bytes a message counts against `maxPayload`: its data plus its headers as
 * NATS frames them (`NATS/1.0\r\n`, `key: value\r\n` each, `\r\n`), since the
 * server limits both together. Both buses use it, so a message the in-process
 * bus accepts is one NATS accepts too.
 */
export function messageSize(data: Uint8Array, headers: Headers | undefined): number {
  const entries = Object.entries(headers ?? {});
  if (entries.length === 0) return data.byteLength;
  const framed = entries.reduce((n, [k, v]) => n + encoder.encode(`${k}: ${v}\r\n`).byteLength, 0);
  return data.byteLength + 'NATS/1.0\r\n'.length + framed + '\r\n'.length;
}

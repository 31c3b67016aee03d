import { messageSize } from './message-size';

const encoder = new TextEncoder();

/** What NATS puts on the wire for the headers and data (the count messageSize promises). */
function framedBytes(data: Uint8Array, headers: Record<string, string> | undefined): number {
  const entries = Object.entries(headers ?? {});
  if (entries.length === 0) return data.byteLength;
  const text = `NATS/1.0\r\n${entries.map(([k, v]) => `${k}: ${v}\r\n`).join('')}\r\n`;
  return encoder.encode(text).byteLength + data.byteLength;
}

describe('messageSize', () => {
  const data = encoder.encode('{"content":"“x”"}');
  it.each([
    ['no headers', undefined],
    ['empty headers', {}],
    ['ids', { 'crucible-request-id': 'a'.repeat(36), 'crucible-correlation-id': 'b' }],
    ['non-ASCII values', { baggage: 'k=“v”', traceparent: '00-é' }],
    ['empty value', { tracestate: '' }],
  ])('counts data and framed headers: %s', (_name, headers) => {
    expect(messageSize(data, headers)).toBe(framedBytes(data, headers));
  });
});

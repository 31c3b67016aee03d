import { headers as natsHeaders } from '@nats-io/nats-core';
import type { Headers } from './bus';
import { MsgHdrsImpl } from '@nats-io/nats-core/internal';
import { decodeHeaderBlock, encodeHeaders, fromNatsHeaders } from './header-block';

/** MsgHdrs's type leaves encode() out; nats.js's publish calls it. */
const bytesOf = (h: unknown): Buffer => Buffer.from((h as { encode(): Uint8Array }).encode());

/** The block nats.js's own MsgHdrs writes for the same headers. */
function natsBlock(h: Headers): Buffer {
  const out = natsHeaders();
  for (const [k, v] of Object.entries(h)) out.set(k, v);
  return bytesOf(out);
}

describe('encodeHeaders', () => {
  it.each<Headers>([
    { 'crucible-request-id': '6f1c2a9e-0000-4000-8000-000000000000' },
    {
      'crucible-request-id': 'a',
      'crucible-correlation-id': 'b',
      traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01',
      tracestate: 'k=v',
      baggage: 'user=“é”',
    },
    { 'Mixed-Case': 'kept as given' },
    // Not plain: trimmed, or a key nats.js keeps as it is, by nats.js itself.
    { 'crucible-request-id': '  padded  ' },
    { '': 'empty key' },
  ])('writes what nats.js writes: %j', (h) => {
    expect(Buffer.from(encodeHeaders(h)!)).toEqual(natsBlock(h));
  });

  it('none for no headers', () => {
    expect(encodeHeaders(undefined)).toBeUndefined();
    expect(encodeHeaders({})).toBeUndefined();
  });

  it('refuses what nats.js refuses', () => {
    expect(() => encodeHeaders({ k: 'a\r\nb' })).toThrow('values cannot contain');
    expect(() => encodeHeaders({ 'bad key': 'v' })).toThrow('not a valid character');
  });
});

describe('decodeHeaderBlock', () => {
  /** What the server read before: nats.js's MsgHdrs, then fromNatsHeaders. */
  const viaNats = (block: string): Headers =>
    fromNatsHeaders(MsgHdrsImpl.decode(Buffer.from(block, 'utf8')));

  it.each([
    'NATS/1.0\r\ncrucible-request-id: 6f1c2a9e-0000-4000-8000-000000000000\r\ncrucible-timeout-ms: 5000\r\n\r\n',
    'NATS/1.0\r\nA: 1\r\nA: 2\r\na: 3\r\nB:   spaced  \r\nC:\r\n\r\n',
    'NATS/1.0\r\nno colon here\r\nk: v: w\r\n\r\n',
    'NATS/1.0\r\n\r\n',
    'NATS/1.0\r\nMixed-Case: \t tabs and spaces \t\r\nmixed-case: later\r\nX-ONE:1\r\n\r\n',
    'NATS/1.0\r\nconstructor: c\r\n__proto__: p\r\nk:\x0b v \x0c\r\n\r\n',
    'NATS/1.0\r\nk: v\r\nlast: no end',
  ])('reads what nats.js reads: %j', (block) => {
    expect(decodeHeaderBlock(Buffer.from(block, 'utf8'))).toEqual(viaNats(block));
  });

  it.each([
    // A status line (no responders), non-ASCII and a key nats.js refuses: left to nats.js.
    'NATS/1.0 503\r\n\r\n',
    'NATS/1.0\r\nbaggage: user=“é”\r\n\r\n',
    'NATS/1.0\r\nbad key: v\r\n\r\n',
    'NATS/1.0\r\n: empty key\r\n\r\n',
  ])('leaves what is not plain to nats.js: %j', (block) => {
    expect(decodeHeaderBlock(Buffer.from(block, 'utf8'))).toBeUndefined();
  });
});

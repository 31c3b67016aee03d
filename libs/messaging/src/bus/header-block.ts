import { headers as natsHeaders, type MsgHdrs } from '@nats-io/nats-core';
import type { Headers } from './bus';

/**
 * Headers for nats.js's publish, encoded once. nats.js's own MsgHdrs checks
 * and canonicalises each key, keeps arrays in a Map, and at publish builds
 * the block as a string and encodes it; publish only calls `encode()`. For
 * headers it would keep as they are (keys of visible ASCII without `:`,
 * values without CR or LF and without surrounding space: every header we
 * send), the block is built here in one pass. Anything else goes through nats.js's MsgHdrs, which
 * refuses or trims it exactly as before.
 */
const HEADER_LINE = 'NATS/1.0\r\n';

/** What nc.publish takes as `headers`; undefined for none. */
export function encodeHeaders(h: Headers | undefined): MsgHdrs | undefined {
  if (h === undefined) return undefined;
  let block = HEADER_LINE;
  let any = false;
  for (const key of Object.keys(h)) {
    const value = h[key]!;
    if (!plainKey(key) || !plainValue(value)) return viaNats(h);
    block += `${key}: ${value}\r\n`;
    any = true;
  }
  if (!any) return undefined;
  const encoded: Uint8Array = Buffer.from(`${block}\r\n`, 'utf8');
  return { encode: () => encoded } as unknown as MsgHdrs;
}

function plainKey(key: string): boolean {
  if (key.length === 0) return false;
  for (let i = 0; i < key.length; i++) {
    const c = key.charCodeAt(i);
    if (c < 33 || c > 126 || c === 58) return false;
  }
  return true;
}

const CR_OR_LF = /[\r\n]/;

function plainValue(value: string): boolean {
  return !CR_OR_LF.test(value) && value.trim() === value;
}

/** As nats.js builds them (throws or trims as it does). */
function viaNats(h: Headers): MsgHdrs {
  const out = natsHeaders();
  for (const [k, v] of Object.entries(h)) out.set(k, v);
  return out;
}

// Canonical JSON written straight into UTF-8 bytes: hashing them needs no
// string flattening and no second encoding pass, which is most of why
// jsonComponentHash is cheaper than hashing the canonical string.
import { escapeJsonStringContent } from './json-string-escape';
import type { JsonSink } from './json-sink';

const INITIAL_SCRATCH_BYTES = 16 * 1024;
// A scratch buffer that grew past this is dropped after use rather than kept.
const MAX_RETAINED_SCRATCH_BYTES = 1024 * 1024;
// Strings up to this length are tried byte by byte in JavaScript first: for
// short ASCII (keys, labels, ids) that beats the native encoder's call cost.
const SHORT_STRING = 32;

/** Growable UTF-8 output; every write reserves the worst case first. */
export class ByteSink implements JsonSink {
  private buffer: Buffer;
  private written = 0;

  constructor(buffer: Buffer) {
    this.buffer = buffer;
  }

  /** The bytes written so far; a view, valid until the sink is reused. */
  view(): Buffer {
    return this.buffer.subarray(0, this.written);
  }

  /** The current backing buffer, to be kept as scratch for the next call. */
  backing(): Buffer {
    return this.buffer;
  }

  punctuation(code: number): void {
    this.reserve(1);
    this.buffer[this.written++] = code;
  }

  ascii(s: string): void {
    const length = s.length;
    this.reserve(length);
    const buffer = this.buffer;
    let at = this.written;
    for (let i = 0; i < length; i++) buffer[at++] = s.charCodeAt(i);
    this.written = at;
  }

  jsonString(s: string): boolean {
    const length = s.length;
    if (length <= SHORT_STRING) {
      this.reserve(length + 2);
      const buffer = this.buffer;
      let at = this.written;
      buffer[at++] = 0x22;
      let i = 0;
      for (; i < length; i++) {
        const code = s.charCodeAt(i);
        if (code < 0x20 || code === 0x22 || code === 0x5c || code >= 0x80) break;
        buffer[at++] = code;
      }
      if (i === length) {
        buffer[at++] = 0x22;
        this.written = at;
        return true;
      }
      // Not plain ASCII: nothing was committed, start over below.
    }
    const content = escapeJsonStringContent(s);
    if (content === undefined) return false;
    // A UTF-16 code unit never takes more than 3 UTF-8 bytes.
    this.reserve(3 * content.length + 2);
    const buffer = this.buffer;
    buffer[this.written++] = 0x22;
    this.written += buffer.write(content, this.written, 'utf8');
    buffer[this.written++] = 0x22;
    return true;
  }

  memberKey(key: string, first: boolean): boolean {
    if (!first) this.punctuation(0x2c); // ,
    const before = this.written;
    if (!this.jsonString(key)) {
      this.written = before - (first ? 0 : 1);
      return false;
    }
    this.punctuation(0x3a); // :
    return true;
  }

  private reserve(bytes: number): void {
    const needed = this.written + bytes;
    if (needed <= this.buffer.length) return;
    const grown = Buffer.allocUnsafeSlow(Math.max(needed, 2 * this.buffer.length));
    this.buffer.copy(grown, 0, 0, this.written);
    this.buffer = grown;
  }
}

let idleScratch: Buffer | undefined;

/**
 * Runs `use` with a sink over a reused scratch buffer. Re-entrant: a nested
 * call (say from a getter being serialized) finds no idle scratch and gets
 * a fresh buffer, so two calls never share bytes.
 */
export function withScratchSink<T>(use: (sink: ByteSink) => T): T {
  const scratch = idleScratch ?? Buffer.allocUnsafeSlow(INITIAL_SCRATCH_BYTES);
  idleScratch = undefined;
  const sink = new ByteSink(scratch);
  try {
    return use(sink);
  } finally {
    const backing = sink.backing();
    idleScratch = backing.length <= MAX_RETAINED_SCRATCH_BYTES ? backing : scratch;
  }
}

import { isSha256Hex, SHA256_HEX_PATTERN, sha256Hex } from './sha256';

describe('sha256Hex', () => {
  it('matches the FIPS 180-2 test vectors', () => {
    expect(sha256Hex('')).toBe('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
    expect(sha256Hex('abc')).toBe(
      'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad',
    );
    expect(sha256Hex('abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq')).toBe(
      '248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1',
    );
  });

  it('hashes a string as its UTF-8 bytes', () => {
    for (const text of ['café', '€ and 😀', 'line\r\n']) {
      expect(sha256Hex(text)).toBe(sha256Hex(Buffer.from(text, 'utf8')));
      expect(sha256Hex(text)).toBe(sha256Hex(new Uint8Array(Buffer.from(text, 'utf8'))));
    }
  });

  it('is byte-sensitive: one changed, added or removed byte changes the hash', () => {
    const base = sha256Hex('perceive the room');
    expect(sha256Hex('perceive the roon')).not.toBe(base);
    expect(sha256Hex('perceive the room ')).not.toBe(base);
    expect(sha256Hex('perceive the roo')).not.toBe(base);
  });

  it('encodes a lone surrogate as U+FFFD, as TextEncoder does (content hashing refuses it)', () => {
    expect(sha256Hex('a\ud800')).toBe(sha256Hex(new TextEncoder().encode('a\ud800')));
    expect(sha256Hex('a\ud800')).toBe(sha256Hex('a\ufffd'));
  });

  it('always returns 64 lowercase hex characters', () => {
    expect(sha256Hex('x')).toMatch(SHA256_HEX_PATTERN);
  });
});

describe('isSha256Hex', () => {
  it('accepts exactly 64 lowercase hex characters', () => {
    expect(isSha256Hex('a'.repeat(64))).toBe(true);
    expect(isSha256Hex('0123456789abcdef'.repeat(4))).toBe(true);
  });

  it.each([
    ['uppercase', 'A'.repeat(64)],
    ['63 characters', 'a'.repeat(63)],
    ['65 characters', 'a'.repeat(65)],
    ['a non-hex letter', `${'a'.repeat(63)}g`],
    ['a trailing newline', `${'a'.repeat(64)}\n`],
    ['a number', 42],
    ['undefined', undefined],
  ])('rejects %s', (_label, value) => {
    expect(isSha256Hex(value)).toBe(false);
  });
});

import { randomBytes } from 'node:crypto';
import { textComponentHash } from '@crucible/hashing';
import type { PagedReplyTest } from './paged-reply-test';

/** Text of `bytes` bytes, new for each call (so each put stores a new component). */
function bulkyText(bytes: number): string {
  const head = `Room ${randomBytes(8).toString('hex')}: `;
  return head + 'x'.repeat(bytes - head.length);
}

/**
 * Every paged operation's test that drives its reply past the bus limit
 * (docs/messaging.md#paged-replies). test/repo/paged-replies.test.ts fails
 * when a paged operation of the catalog has no entry here.
 */
export const PAGED_REPLY_TESTS: readonly PagedReplyTest[] = [
  {
    operation: 'get_components',
    title: '20 environments of 60 KB in one lookup: every one, in request order, over pages',
    async run(ctx) {
      const texts = Array.from({ length: 20 }, () => bulkyText(60_000));
      for (const content of texts) await ctx.ok('put_environment', { content });
      const missing = { kind: 'environment', hash: textComponentHash('never stored') };
      const keys = texts.map((t) => ({ kind: 'environment', hash: textComponentHash(t) }));
      // A missing key in the middle, and a duplicate: each key answered once.
      let items: unknown[] = [...keys.slice(0, 10), missing, ...keys.slice(10), keys[0]];
      const found: string[] = [];
      const missed: string[] = [];
      let pages = 0;
      for (;;) {
        const reply = await ctx.ok('get_components', { items });
        pages++;
        found.push(...reply.found.map((f: { hash: string; content: string }) => f.content));
        missed.push(...reply.missing.map((m: { hash: string }) => m.hash));
        if (!reply.remaining) break;
        expect(reply.remaining.length).toBeGreaterThan(0);
        items = reply.remaining;
      }
      expect(pages).toBeGreaterThan(1);
      expect(found).toEqual(texts);
      expect(missed).toEqual([missing.hash]);
    },
  },
];

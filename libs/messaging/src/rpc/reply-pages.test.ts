import { isCrucibleError } from '@crucible/contracts';
import {
  decodeCursor,
  encodeCursor,
  jsonBytes,
  pageBudget,
  pageBySize,
  replyBudget,
  REPLY_HEADROOM_BYTES,
} from './reply-pages';

describe('pageBySize', () => {
  const items = ['a'.repeat(8), 'b'.repeat(8), 'c'.repeat(8)]; // 10 bytes of JSON each, 11 with the comma

  it('keeps every item when they fit and no limit cuts', () => {
    expect(pageBySize(items, { budgetBytes: 33 })).toEqual({ items, more: false });
    expect(pageBySize(items, { budgetBytes: 33, encode: (s) => s })).toEqual({
      items,
      more: false,
    });
    expect(pageBySize(items, { budgetBytes: 32, encode: (s) => s }).items).toHaveLength(2);
  });

  it('stops before the item that would pass the budget', () => {
    expect(pageBySize(items, { budgetBytes: 32 })).toEqual({
      items: items.slice(0, 2),
      more: true,
    });
    expect(pageBySize(items, { budgetBytes: 22 })).toEqual({
      items: items.slice(0, 2),
      more: true,
    });
    expect(pageBySize(items, { budgetBytes: 21 })).toEqual({
      items: items.slice(0, 1),
      more: true,
    });
  });

  it('cuts by count too', () => {
    expect(pageBySize(items, { budgetBytes: 1000, limit: 2 })).toEqual({
      items: items.slice(0, 2),
      more: true,
    });
    expect(pageBySize(items, { budgetBytes: 1000, limit: 3 }).more).toBe(false);
    expect(pageBySize(items, { budgetBytes: 1000, limit: 50 }).more).toBe(false);
  });

  it('always takes one item, so paging moves on', () => {
    expect(pageBySize(items, { budgetBytes: 0 })).toEqual({ items: items.slice(0, 1), more: true });
    expect(pageBySize([], { budgetBytes: 0 })).toEqual({ items: [], more: false });
  });

  it('measures the encoded item, in UTF-8 bytes', () => {
    const wide = ['é'.repeat(4), 'é'.repeat(4)]; // 8 bytes + quotes each
    expect(pageBySize(wide, { budgetBytes: 21 }).items).toHaveLength(1);
    expect(pageBySize(wide, { budgetBytes: 22 }).items).toHaveLength(2);
    const encoded = pageBySize([1, 2], { budgetBytes: 4, encode: (n) => ({ n }) });
    expect(encoded.items).toEqual([1]); // {"n":1} is 7 bytes
  });

  it('counts three bytes for a code unit that takes three (the bound that skips counting)', () => {
    // 27 code units of JSON, 67 bytes: 3 bytes a euro sign, 10 a string.
    const euros = ['€'.repeat(10), '€'.repeat(10)];
    expect(pageBySize(euros, { budgetBytes: 65 }).items).toHaveLength(1);
    expect(pageBySize(euros, { budgetBytes: 66 }).items).toHaveLength(2);
    expect(pageBySize(euros, { budgetBytes: 81 }).items).toHaveLength(2);
  });
});

describe('budgets', () => {
  it('leaves the headroom and the result frame out of the bus limit', () => {
    expect(replyBudget(1024 * 1024)).toBe(1024 * 1024 - REPLY_HEADROOM_BYTES - 11);
  });

  it('counts the reply around the page and a cursor', () => {
    expect(pageBudget(10_000, { items: [] }, 0)).toBe(10_000 - jsonBytes({ items: [] }));
    expect(pageBudget(10_000, {})).toBeLessThan(10_000 - 1024);
  });
});

describe('cursors', () => {
  const isPair = (v: unknown): v is [number, string] =>
    Array.isArray(v) && v.length === 2 && typeof v[0] === 'number' && typeof v[1] === 'string';

  it('round-trips a position as base64url', () => {
    const cursor = encodeCursor([3, 'x/+']);
    expect(cursor).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(decodeCursor(cursor, '/cursor', isPair)).toEqual([3, 'x/+']);
  });

  it.each([['not json'], [encodeCursor({ other: 1 })], ['']])(
    'refuses %j as invalid_argument at the path',
    (cursor) => {
      let thrown: unknown;
      try {
        decodeCursor(cursor, '/cursor', isPair);
      } catch (error) {
        thrown = error;
      }
      expect(isCrucibleError(thrown)).toBe(true);
      expect(thrown).toMatchObject({
        code: 'invalid_argument',
        details: { path: '/cursor', reason: 'invalid_cursor' },
      });
    },
  );
});

// Every reply must fit the bus (docs/messaging.md#paged-replies): an
// operation whose reply holds a list that grows with stored content is
// paged, and proved so by a test that drives its reply past the bus limit.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PAGED_REPLY_TESTS } from '../paging/paged-reply-tests';

const SCHEMAS = join(__dirname, '..', '..', 'schemas');

interface OperationEntry {
  reply: string;
  paged?: boolean;
}

interface SchemaNode {
  $ref?: string;
  type?: string | string[];
  maxItems?: number;
  properties?: Record<string, SchemaNode>;
}

/**
 * Top-level lists that are neither paged nor bounded by maxItems, and why
 * that is acceptable for now. Each is a known gap, not a rule.
 */
const UNBOUNDED_KNOWN: Record<string, string> = {};

// Read from the file itself, not through the Catalog class, so an operation
// the class failed to load still counts.
function operations(): Record<string, OperationEntry> {
  return (
    JSON.parse(readFileSync(join(SCHEMAS, 'catalog.json'), 'utf8')) as {
      operations: Record<string, OperationEntry>;
    }
  ).operations;
}

function schemaAt(file: string): SchemaNode {
  return JSON.parse(readFileSync(join(SCHEMAS, file), 'utf8')) as SchemaNode;
}

/** The reply's top-level properties that are arrays without maxItems. */
function unboundedLists(replyFile: string): string[] {
  const reply = schemaAt(replyFile);
  return Object.entries(reply.properties ?? {})
    .filter(([, node]) => {
      const types = Array.isArray(node.type) ? node.type : [node.type];
      return types.includes('array') && node.maxItems === undefined;
    })
    .map(([name]) => `/${name}`);
}

describe('replies that grow with stored content are paged', () => {
  const ops = operations();

  it('marks paged every operation whose reply has a list without maxItems', () => {
    const unmarked = Object.entries(ops).flatMap(([name, op]) =>
      op.paged
        ? []
        : unboundedLists(op.reply)
            .map((list) => `${name} ${list}`)
            .filter((entry) => !(entry in UNBOUNDED_KNOWN)),
    );
    expect(unmarked).toEqual([]);
  });

  it('finds the lists it looks for', () => {
    // The check above would pass on a reader that finds nothing.
    expect(unboundedLists('components/get_components.reply.v1.json')).toEqual([
      '/found',
      '/missing',
    ]);
    expect(unboundedLists('names/list_names.reply.v1.json')).toEqual([]);
  });

  it('has a test past the bus limit (test/paging/paged-reply-tests.ts) for every paged operation', () => {
    const paged = Object.entries(ops)
      .filter(([, op]) => op.paged)
      .map(([name]) => name);
    expect(paged.length).toBeGreaterThan(0);
    const tested = new Set<string>(PAGED_REPLY_TESTS.map((test) => test.operation));
    expect(paged.filter((name) => !tested.has(name))).toEqual([]);
  });

  it('has no paged-reply test for an operation that is not paged', () => {
    expect(
      PAGED_REPLY_TESTS.map((test) => test.operation).filter((name) => !ops[name]?.paged),
    ).toEqual([]);
  });

  it('keeps its known gaps real', () => {
    for (const entry of Object.keys(UNBOUNDED_KNOWN)) {
      const [name, list] = entry.split(' ') as [string, string];
      const op = ops[name];
      expect(op && !op.paged && unboundedLists(op.reply).includes(list)).toBe(true);
    }
  });
});

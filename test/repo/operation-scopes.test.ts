import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { OPERATION_SCOPES, defaultCatalog, scopeGrants } from '@crucible/contracts';

// Every operation declares the scope its callers need (docs/security.md); the
// gateway refuses to build a route or tool without one. A read-only operation
// needs read; one that stores needs write or admin, never read alone.
const ROOT = join(__dirname, '..', '..');

describe('operation scopes', () => {
  const file = JSON.parse(readFileSync(join(ROOT, 'schemas', 'catalog.json'), 'utf8')) as {
    operations: Record<string, { scope?: unknown; readOnly: boolean }>;
  };

  it.each(Object.keys(file.operations))('%s declares a scope that fits what it does', (name) => {
    const entry = file.operations[name]!;
    expect(OPERATION_SCOPES).toContain(entry.scope);
    expect(entry.scope === 'read').toBe(entry.readOnly);
  });

  it('loads every scope into the catalog', () => {
    const catalog = defaultCatalog();
    for (const [name, entry] of Object.entries(file.operations))
      expect([name, catalog.operations.get(name as never)?.scope]).toEqual([name, entry.scope]);
  });

  it('orders scopes: each grants the ones before it and none after', () => {
    expect(scopeGrants(['read'], 'read')).toBe(true);
    expect(scopeGrants(['read'], 'write')).toBe(false);
    expect(scopeGrants(['write'], 'read')).toBe(true);
    expect(scopeGrants(['write'], 'admin')).toBe(false);
    expect(scopeGrants(['admin'], 'write')).toBe(true);
    expect(scopeGrants([], 'read')).toBe(false);
  });
});

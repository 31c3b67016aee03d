import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadServiceDefinitions, readRegistry } from './registry';

describe('services/registry.json', () => {
  const dir = mkdtempSync(join(tmpdir(), 'crucible-registry-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  function registry(content: unknown): string {
    const file = join(dir, `${Math.random().toString(36).slice(2)}.json`);
    writeFileSync(file, JSON.stringify(content));
    return file;
  }

  it('reads the repository list: names in start order, each with a summary', () => {
    const entries = readRegistry();
    expect(entries.map((e) => e.name)).toEqual([
      'components',
      'names',
      'scenarios',
      'worlds',
      'evaluation',
      'governance',
    ]);
    for (const entry of entries) expect(entry.summary.length).toBeGreaterThan(0);
  });

  it.each([
    ['no list', {}, /"services" must be a list/],
    ['a bad name', { services: [{ name: 'Worlds', summary: 's' }] }, /services\[0\]\.name/],
    ['no summary', { services: [{ name: 'worlds' }] }, /services\[0\]\.summary/],
    [
      'a name twice',
      {
        services: [
          { name: 'worlds', summary: 's' },
          { name: 'worlds', summary: 's' },
        ],
      },
      /worlds is listed twice/,
    ],
  ])('refuses %s', (_what, content, message) => {
    expect(() => readRegistry(registry(content))).toThrow(message);
  });

  it("loads each package's `service` export, named as registered", () => {
    const definitions = loadServiceDefinitions([
      { name: 'names', summary: '' },
      { name: 'components', summary: '' },
    ]);
    expect(definitions.map((d) => d.name)).toEqual(['names', 'components']);
  });

  it('refuses a package that exports no definition', () => {
    // @crucible/runtime is a package, but no service: it has no `service` export.
    expect(() => loadServiceDefinitions([{ name: 'runtime', summary: '' }])).toThrow(
      /@crucible\/runtime does not export its definition as `service`/,
    );
  });
});

import { readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import ts from 'typescript';

// A package's build (its tsconfig.json, what `tsc -b` emits into dist/) holds
// only what it ships; the unit tests beside the code and their fixtures are
// type-checked by tsconfig.tests.json instead (docs/testing.md, "Layout").
const ROOT = join(__dirname, '..', '..');
const TEST_ONLY = /(\.test\.ts|[/\\]test-fixtures\.ts)$/;

function filesOf(configPath: string): string[] {
  const parsed = ts.getParsedCommandLineOfConfigFile(
    configPath,
    {},
    {
      ...ts.sys,
      onUnRecoverableConfigFileDiagnostic: (diagnostic) => {
        throw new Error(ts.flattenDiagnosticMessageText(diagnostic.messageText, '\n'));
      },
    },
  );
  if (parsed === undefined) throw new Error(`cannot read ${configPath}`);
  return parsed.fileNames.map((file) => relative(ROOT, file).split('\\').join('/'));
}

const packages = ['libs', 'services'].flatMap((group) =>
  readdirSync(join(ROOT, group), { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .map((entry) => `${group}/${entry.name}`),
);

describe('build outputs', () => {
  const checkedByTests = new Set(filesOf(join(ROOT, 'tsconfig.tests.json')));

  it.each(packages)('%s builds no test files, and tsconfig.tests.json checks them all', (pkg) => {
    const built = filesOf(join(ROOT, pkg, 'tsconfig.json'));
    expect(built.length).toBeGreaterThan(0);
    expect(built.filter((file) => TEST_ONLY.test(file))).toEqual([]);

    const testFiles = ts.sys
      .readDirectory(join(ROOT, pkg, 'src'), ['.ts'])
      .map((file) => relative(ROOT, file).split('\\').join('/'))
      .filter((file) => TEST_ONLY.test(file));
    expect(testFiles.filter((file) => !checkedByTests.has(file))).toEqual([]);
  });

  it('tsconfig.tests.json names only test files (sources come in through their imports)', () => {
    expect(checkedByTests.size).toBeGreaterThan(0);
    expect([...checkedByTests].filter((file) => !TEST_ONLY.test(file))).toEqual([]);
  });
});

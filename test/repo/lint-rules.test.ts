import { execFileSync } from 'node:child_process';
import { join } from 'node:path';

// The package boundaries eslint.config.mjs enforces, proven on snippets
// linted as if they sat in real folders (test/repo/lint-probes.mjs).
const ROOT = join(__dirname, '..', '..');

interface Probe {
  file: string;
  code: string;
}

type Case = [what: string, file: string, from: string, fired: string[]];

const CASES: Case[] = [
  [
    'a deep import into a lib source',
    'services/names/src/probe.ts',
    '@crucible/contracts/src/errors',
    ['no-restricted-imports'],
  ],
  [
    'a deep import into a built lib',
    'test/probe.ts',
    '@crucible/messaging/dist/index',
    ['no-restricted-imports'],
  ],
  [
    'a relative path into another package',
    'services/gateway/src/probe.ts',
    '../../components/src/service',
    ['import/no-relative-packages'],
  ],
  [
    'a relative path from a lib into another lib',
    'libs/messaging/src/probe.ts',
    '../../contracts/src/errors',
    ['import/no-relative-packages'],
  ],
  [
    'the gateway importing a service',
    'services/gateway/src/probe.ts',
    '@crucible/components',
    ['no-restricted-imports'],
  ],
  [
    'a service importing another',
    'services/names/src/handlers/probe.ts',
    '@crucible/scenarios',
    ['no-restricted-imports'],
  ],
  [
    'a lib importing a service',
    'libs/runtime/src/probe.ts',
    '@crucible/components',
    ['no-restricted-imports'],
  ],
  ['the platform importing a service', 'services/platform/src/probe.ts', '@crucible/names', []],
  ['a service importing a lib', 'services/names/src/probe.ts', '@crucible/runtime', []],
  ['a test entry of a lib', 'test/probe.ts', '@crucible/contracts/testing', []],
  ['a relative import inside a package', 'services/names/src/probe.ts', './service', []],
];

describe('package boundaries (eslint.config.mjs)', () => {
  // One child process for every case: loading ESLint and its config is the slow part.
  const probes: Probe[] = CASES.map(([, file, from]) => ({
    file,
    code: `import * as probe from '${from}';\nexport const used = probe;\n`,
  }));
  const results = JSON.parse(
    execFileSync(
      process.execPath,
      [join(ROOT, 'test/repo/lint-probes.mjs'), JSON.stringify(probes)],
      {
        cwd: ROOT,
        encoding: 'utf8',
        env: { ...process.env, NODE_OPTIONS: '' },
      },
    ),
  ) as Array<{ fired: string[] }>;

  it.each(CASES.map((c, i) => [...c, i] as const))(
    '%s (%s: %s)',
    (_what, _file, _from, fired, i) => {
      expect(results[i]!.fired).toEqual(fired);
    },
  );
});

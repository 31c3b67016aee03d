// @ts-check
import { existsSync, readdirSync } from 'node:fs';
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import importPlugin from 'eslint-plugin-import';
import prettier from 'eslint-config-prettier';

/** The workspace packages in a folder (`libs`, `services`), by folder name. */
function packagesIn(dir) {
  return readdirSync(dir, { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && existsSync(`${dir}/${entry.name}/package.json`))
    .map((entry) => entry.name);
}

const SERVICES = packagesIn('services');

// A package is used through its exports map (its public entry, ./testing):
// never by its files, whose layout is its own business.
const DEEP_IMPORTS = {
  group: ['@crucible/*/src', '@crucible/*/src/**', '@crucible/*/dist', '@crucible/*/dist/**'],
  message: 'Import the package through its exports map (e.g. @crucible/x or @crucible/x/testing).',
};

/** no-restricted-imports: no deep imports, and none of `services` (with why). */
function restrictedImports(services = [], why = '') {
  const patterns = [DEEP_IMPORTS];
  if (services.length > 0)
    patterns.push({ group: services.map((name) => `@crucible/${name}`), message: why });
  return ['error', { patterns }];
}

// Services talk through messages only (docs/architecture.md): a service never
// imports another (the platform, which runs them all, may), and a lib none.
const packageBoundaries = [
  { files: ['**/*.ts'], rules: { 'no-restricted-imports': restrictedImports() } },
  {
    files: ['libs/**/*.ts'],
    rules: {
      'no-restricted-imports': restrictedImports(SERVICES, 'A lib never imports a service.'),
    },
  },
  ...SERVICES.filter((name) => name !== 'platform').map((name) => ({
    files: [`services/${name}/**/*.ts`],
    rules: {
      'no-restricted-imports': restrictedImports(
        SERVICES.filter((other) => other !== name),
        'A service never imports another: call it through the catalog (NATS) or read its events.',
      ),
    },
  })),
];

export default tseslint.config(
  {
    ignores: [
      '**/node_modules/**',
      '**/dist/**',
      '**/coverage/**',
      '.data/**',
      '.cache/**',
      'libs/contracts/src/generated/**',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    plugins: { import: importPlugin },
    settings: {
      // .ts too, so that import rules follow relative imports between sources.
      'import/resolver': { node: { extensions: ['.ts', '.js', '.mjs', '.json'] } },
      'import/ignore': ['node_modules'],
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      // Type-only imports say so, and vanish from the emitted JavaScript.
      '@typescript-eslint/consistent-type-imports': [
        'error',
        { fixStyle: 'inline-type-imports', disallowTypeAnnotations: false },
      ],
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/switch-exhaustiveness-check': 'error',
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_' },
      ],
      'import/no-cycle': 'error',
      // A relative path into another package skips its exports map.
      'import/no-relative-packages': 'error',
    },
  },
  {
    // Unit tests beside the code are outside the packages' own tsconfig.json
    // (dist/ ships no tests); tsconfig.tests.json is their project.
    files: [
      'libs/*/src/**/*.test.ts',
      'services/*/src/**/*.test.ts',
      'libs/*/src/**/test-fixtures.ts',
      'services/*/src/**/test-fixtures.ts',
    ],
    languageOptions: {
      parserOptions: {
        projectService: false,
        project: './tsconfig.tests.json',
        tsconfigRootDir: import.meta.dirname,
      },
    },
  },
  ...packageBoundaries,
  {
    files: ['**/*.test.ts', 'test/**/*.ts'],
    rules: {
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-non-null-assertion': 'off',
      // Response bodies under test are untyped JSON by nature.
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
      '@typescript-eslint/no-explicit-any': 'off',
    },
  },
  {
    files: ['**/*.js', '**/*.mjs', '**/*.cjs'],
    ...tseslint.configs.disableTypeChecked,
    languageOptions: {
      ...tseslint.configs.disableTypeChecked.languageOptions,
      globals: {
        process: 'readonly',
        console: 'readonly',
        __dirname: 'readonly',
        require: 'readonly',
        module: 'writable',
        URL: 'readonly',
        setTimeout: 'readonly',
        clearTimeout: 'readonly',
        setInterval: 'readonly',
        clearInterval: 'readonly',
        Buffer: 'readonly',
      },
    },
  },
  {
    // CommonJS configuration (jest.config.js): require is how it imports.
    files: ['**/*.js', '**/*.cjs'],
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  prettier,
);

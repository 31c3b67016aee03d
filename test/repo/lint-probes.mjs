// Lints small import snippets as if they sat in given files, with the rules
// eslint.config.mjs computes for those files (only the import rules: type
// information is not needed for them, and building it per package is slow).
// Prints, per probe, the ids of the rules that fired. Used by
// test/repo/lint-rules.test.ts; run from the repository's root.
import { ESLint } from 'eslint';
import importPlugin from 'eslint-plugin-import';
import tseslint from 'typescript-eslint';

const IMPORT_RULES = ['no-restricted-imports', 'import/no-relative-packages', 'import/no-cycle'];

const probes = JSON.parse(process.argv[2]);
const repo = new ESLint();
const results = [];
for (const { file, code } of probes) {
  const config = await repo.calculateConfigForFile(file);
  const rules = Object.fromEntries(
    IMPORT_RULES.filter((rule) => config.rules?.[rule]).map((rule) => [rule, config.rules[rule]]),
  );
  const eslint = new ESLint({
    overrideConfigFile: true,
    overrideConfig: {
      files: ['**/*.ts'],
      languageOptions: { parser: tseslint.parser },
      plugins: { import: importPlugin },
      settings: config.settings,
      rules,
    },
  });
  const [result] = await eslint.lintText(code, { filePath: file });
  results.push({
    file,
    code,
    fired: result.messages.map((message) => message.ruleId ?? message.message),
  });
}
process.stdout.write(JSON.stringify(results));

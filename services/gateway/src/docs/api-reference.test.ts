import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { defaultCatalog } from '@crucible/contracts';
import { apiReferenceMarkdown } from './api-reference';

const markdown = apiReferenceMarkdown(defaultCatalog());

/** The section of one operation. */
function section(operation: string): string {
  const start = markdown.indexOf(`### \`${operation}\``);
  const end = markdown.indexOf('\n### ', start + 1);
  return markdown.slice(start, end < 0 ? undefined : end);
}

describe('docs/api.md', () => {
  it('matches the catalog, the schemas and the examples (run `npm run docs` after changing one)', () => {
    const committed = readFileSync(join(__dirname, '../../../../docs/api.md'), 'utf8');
    expect(committed).toBe(markdown);
  });

  it('shows nested request shapes with types and required marks', () => {
    const assemble = section('assemble_scenario');
    for (const line of [
      '  scenario_slug: ScenarioSlug,',
      '  entities: Array<{',
      '      id: Label,',
      '      environment: Label,',
      '      kind?:',
      '              goal: string,',
      '              cognition_profile: Label,',
      '  name?: Label,',
    ]) {
      expect(assemble).toContain(`\n${line}`);
    }
  });

  it('lists the refused legacy fields apart, with what replaced them, never as optional fields', () => {
    const assemble = section('assemble_scenario');
    for (const field of [
      'cognition',
      'adjudicate_user_template',
      'adjudicate_corrective_template',
      'environment',
    ]) {
      expect(assemble).not.toMatch(new RegExp(`^  ${field}\\??:`, 'm')); // top level
      expect(assemble).toMatch(new RegExp(`^\\| \`${field}\` \\| [a-z]`, 'm'));
    }
    expect(assemble).toContain('| `environment` | environments |');
  });

  it('gives every operation an example: a curl command and the reply', () => {
    for (const op of defaultCatalog().exposedOperations()) {
      expect(section(op.name)).toMatch(/Example:\n\n```sh\ncurl -s [^\n]+\n(.|\n)*```json\n\{/);
    }
  });
});

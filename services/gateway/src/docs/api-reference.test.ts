import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { defaultCatalog } from '@crucible/contracts';
import { apiReferenceMarkdown } from './api-reference';

describe('docs/api.md', () => {
  it('matches the catalog (run `npm run docs` after changing an operation)', () => {
    const committed = readFileSync(join(__dirname, '../../../../docs/api.md'), 'utf8');
    expect(committed).toBe(apiReferenceMarkdown(defaultCatalog()));
  });
});

import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { markdownTable } from './markdown-table';

// docs/messaging.md's event catalog is the one page a consumer reads: it lists
// every event of schemas/catalog.json at the version producers write (the
// latest), on its stream's topic, with the service that owns the stream and
// the fields of that version's data.
const ROOT = join(__dirname, '..', '..');
const read = (file: string) => readFileSync(join(ROOT, file), 'utf8');

interface CatalogFile {
  streams: Record<
    string,
    { service?: string; events: Record<string, { versions: Record<string, string> }> }
  >;
}

/** An event's data schema, through a top-level `$ref` to a shape it shares (run_progressed). */
function dataSchema(file: string): { properties: Record<string, unknown> } {
  const schema = JSON.parse(read(file)) as { properties?: Record<string, unknown>; $ref?: string };
  if (schema.properties === undefined && schema.$ref !== undefined)
    return dataSchema(join(dirname(file), schema.$ref));
  return schema as { properties: Record<string, unknown> };
}

function expectedRows(): string[][] {
  const catalog = JSON.parse(read('schemas/catalog.json')) as CatalogFile;
  return Object.entries(catalog.streams).flatMap(([stream, { service, events }]) =>
    Object.entries(events).map(([name, { versions }]) => {
      const latest = Math.max(...Object.keys(versions).map(Number));
      const schema = dataSchema(join('schemas', versions[String(latest)]!));
      return [
        `\`${stream}.${name}\``,
        String(latest),
        `\`<prefix>.${stream}.events\``,
        service ?? stream,
        `\`{${Object.keys(schema.properties).join(', ')}}\``,
      ];
    }),
  );
}

describe('docs/messaging.md, event catalog', () => {
  it('lists every event at its latest version, with its data fields', () => {
    const rows = markdownTable(read('docs/messaging.md'), [
      'type',
      'version',
      'topic',
      'producer',
      'data',
    ]);
    expect(rows).toEqual(expectedRows());
  });
});

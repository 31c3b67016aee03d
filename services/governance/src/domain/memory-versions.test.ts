import { applyStep, readDatum, versionedSchemas, type VersionedSchema } from './memory-versions';
import { normalize, offlineEmbedding } from './offline-embedder';

const note: VersionedSchema = {
  name: 'note',
  latest: 3,
  files: new Map([
    [1, 'memories/note.v1.json'],
    [2, 'memories/note.v2.json'],
    [3, 'memories/note.v3.json'],
  ]),
  steps: new Map([
    [2, { from: 1, rename: { body: 'text' } }],
    [3, { from: 2, defaults: { importance: 5, tags: [] } }],
  ]),
};
const schemas = new Map([['note', note]]);

describe('reading versioned data', () => {
  it('upgrades an older version step by step to the latest', () => {
    expect(
      readDatum(schemas, { schema_name: 'note', schema_version: 1, data: { body: 'hi' } }),
    ).toEqual({
      kind: 'typed',
      data: { text: 'hi', importance: 5, tags: [] },
      version: 3,
      upgraded: true,
    });
    expect(
      readDatum(schemas, {
        schema_name: 'note',
        schema_version: 3,
        data: { text: 'x', importance: 1 },
      }),
    ).toEqual({ kind: 'typed', data: { text: 'x', importance: 1 }, version: 3, upgraded: false });
  });

  it('returns unknown schemas, versions and broken chains raw, never an error', () => {
    const data = { anything: true };
    expect(readDatum(schemas, { schema_name: 'other', schema_version: 1, data })).toEqual({
      kind: 'unknown',
      data,
    });
    expect(readDatum(schemas, { schema_name: 'note', schema_version: 4, data })).toEqual({
      kind: 'unknown',
      data,
    });
    const broken = new Map([['note', { ...note, steps: new Map([[3, { from: 2 }]]) }]]);
    expect(readDatum(broken, { schema_name: 'note', schema_version: 1, data })).toEqual({
      kind: 'unknown',
      data,
    });
    expect(readDatum(schemas, { schema_name: null, schema_version: null, data })).toEqual({
      kind: 'untyped',
      data,
    });
  });

  it('keeps present fields over defaults and copies default values', () => {
    const step = { from: 1, defaults: { list: [] as unknown[] } };
    const a = applyStep(step, {});
    (a.list as unknown[]).push(1);
    expect(applyStep(step, {})).toEqual({ list: [] });
    expect(applyStep(step, { list: [2] })).toEqual({ list: [2] });
  });

  it('finds datum schemas among the schema files', () => {
    const found = versionedSchemas(
      ['memories/note.v1.json', 'memories/note.v2.json', 'governance/memory.v1.json'],
      (file) =>
        file.endsWith('v2.json') ? { 'x-crucible-upgrade': { from: 1, defaults: { a: 1 } } } : {},
    );
    expect([...found.keys()]).toEqual(['note']);
    expect(found.get('note')?.latest).toBe(2);
    expect(found.get('note')?.steps.get(2)).toEqual({ from: 1, defaults: { a: 1 } });
  });
});

describe('offline embedding', () => {
  it('is deterministic, unit length, and nearer for shared words', () => {
    const a = offlineEmbedding('the locked room puzzle');
    expect(offlineEmbedding('the locked room puzzle')).toEqual(a);
    expect(Math.hypot(...a)).toBeCloseTo(1, 12);
    const dot = (x: number[], y: number[]) => x.reduce((s, v, i) => s + v * (y[i] ?? 0), 0);
    expect(dot(a, offlineEmbedding('a locked room'))).toBeGreaterThan(
      dot(a, offlineEmbedding('budget ceiling policy')),
    );
    expect(normalize([0, 0])).toEqual([0, 0]);
  });
});

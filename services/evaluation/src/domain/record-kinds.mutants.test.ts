import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { operationsOf, RECORD_KINDS, RECORD_SPECS, type RecordKind } from './record-kinds';

// Written against the surviving mutants of record-kinds.ts (docs/testing.md,
// "Scores"): the table is checked against what it must agree with, the
// schema of 0001_evaluation.sql (tables, columns, JSONB columns) and the
// "Records" table of docs/services/evaluation.md (mutable fields,
// references), and its defaults and list filters are pinned.

const sql = readFileSync(
  join(__dirname, '../../../../migrations/evaluation/0001_evaluation.sql'),
  'utf8',
);

/** Columns of each CREATE TABLE, with whether they are JSONB. */
function schemaTables(): Map<string, Map<string, { json: boolean }>> {
  const tables = new Map<string, Map<string, { json: boolean }>>();
  for (const m of sql.matchAll(/CREATE TABLE (\w+) \(([\s\S]*?)\n\);/g)) {
    const columns = new Map<string, { json: boolean }>();
    for (const line of m[2]!.split('\n')) {
      const c = /^\s{4}(\w+)\s+(\w+)/.exec(line);
      if (c) columns.set(c[1]!, { json: c[2] === 'JSONB' });
    }
    tables.set(m[1]!, columns);
  }
  return tables;
}

/** docs/services/evaluation.md, "Records": mutable fields and references checked at creation. */
const DOC: Record<RecordKind, { mutable: string[]; references: [string, RecordKind, boolean][] }> =
  {
    project: { mutable: ['name', 'description'], references: [] },
    chat_session: { mutable: ['title'], references: [['project_id', 'project', true]] },
    message: {
      mutable: ['content'],
      references: [['chat_session_id', 'chat_session', true]],
    },
    problem_spec: { mutable: ['spec', 'status'], references: [['project_id', 'project', true]] },
    world_model: { mutable: ['model'], references: [['project_id', 'project', true]] },
    run: {
      mutable: ['status'],
      references: [
        ['project_id', 'project', true],
        ['scenario_suite_id', 'scenario_suite', false],
      ],
    },
    candidate: { mutable: ['label'], references: [['run_id', 'run', true]] },
    scenario_suite: {
      mutable: ['name', 'scenarios'],
      references: [['project_id', 'project', true]],
    },
    evaluation: {
      mutable: ['scores'],
      references: [
        ['candidate_id', 'candidate', true],
        ['scenario_suite_id', 'scenario_suite', false],
      ],
    },
    issue: { mutable: ['title', 'body', 'status'], references: [['project_id', 'project', true]] },
  };

describe('RECORD_SPECS', () => {
  const tables = schemaTables();

  it('lists the ten kinds, each under its own name', () => {
    expect(RECORD_KINDS).toEqual(Object.keys(DOC));
    for (const kind of RECORD_KINDS) expect(RECORD_SPECS[kind].kind).toBe(kind);
  });

  it.each(Object.keys(DOC) as RecordKind[])(
    '%s: table, fields and JSON fields are the schema',
    (kind) => {
      const spec = RECORD_SPECS[kind];
      const columns = tables.get(spec.table);
      expect(columns).toBeDefined();
      // Every field is a column of its own name (no empty or invented names).
      for (const f of spec.fields) expect(columns!.has(f)).toBe(true);
      // The fields are the table's columns beside id, project_id, version and times.
      const own = [...columns!.keys()].filter(
        (c) => !['id', 'project_id', 'version', 'created_at', 'updated_at'].includes(c),
      );
      expect([...spec.fields].sort()).toEqual(own.sort());
      // The JSON fields are exactly its JSONB columns.
      const json = own.filter((c) => columns!.get(c)!.json);
      expect([...spec.jsonFields].sort()).toEqual(json.sort());
    },
  );

  it.each(Object.keys(DOC) as RecordKind[])(
    '%s: mutable fields and references are the doc',
    (kind) => {
      const spec = RECORD_SPECS[kind];
      expect(spec.mutable).toEqual(DOC[kind].mutable);
      expect(spec.references.map((r) => [r.field, r.kind, r.givesProject])).toEqual(
        DOC[kind].references,
      );
    },
  );

  it('fills in the optional fields not given at creation', () => {
    expect(Object.fromEntries(RECORD_KINDS.map((k) => [k, RECORD_SPECS[k].defaults]))).toEqual({
      project: { description: null },
      chat_session: { title: null },
      message: {},
      problem_spec: { status: 'draft' },
      world_model: {},
      run: { scenario_suite_id: null, config: {}, status: 'pending' },
      candidate: { parent_ids: [], label: null },
      scenario_suite: {},
      evaluation: { scenario_suite_id: null },
      issue: { body: null, status: 'open' },
    });
  });

  it('filters each list by the documented fields', () => {
    expect(Object.fromEntries(RECORD_KINDS.map((k) => [k, RECORD_SPECS[k].filters]))).toEqual({
      project: [],
      chat_session: ['project_id'],
      message: ['chat_session_id'],
      problem_spec: ['project_id'],
      world_model: ['project_id'],
      run: ['project_id'],
      candidate: ['project_id', 'run_id'],
      scenario_suite: ['project_id'],
      evaluation: ['project_id', 'candidate_id'],
      issue: ['project_id', 'target_kind', 'status'],
    });
  });

  it('names the operations after the kind and the list after the table', () => {
    expect(operationsOf(RECORD_SPECS.scenario_suite)).toEqual({
      create: 'create_scenario_suite',
      get: 'get_scenario_suite',
      update: 'update_scenario_suite',
      list: 'list_scenario_suites',
    });
    expect(RECORD_KINDS.map((k) => operationsOf(RECORD_SPECS[k]).list)).toEqual([
      'list_projects',
      'list_chat_sessions',
      'list_messages',
      'list_problem_specs',
      'list_world_models',
      'list_runs',
      'list_candidates',
      'list_scenario_suites',
      'list_evaluations',
      'list_issues',
    ]);
  });
});

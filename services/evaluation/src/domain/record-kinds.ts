/**
 * The record kinds of the evaluation domain, declared once: every CRUD
 * operation, table, filter and reference is read from here
 * (docs/services/evaluation.md, "Records"). What is particular to one kind
 * (lineage, scores against their config, issue targets) is in
 * record-rules.ts, called by name.
 */
export type RecordKind =
  | 'project'
  | 'chat_session'
  | 'message'
  | 'problem_spec'
  | 'world_model'
  | 'run'
  | 'candidate'
  | 'scenario_suite'
  | 'evaluation'
  | 'issue';

/** A field that names another record by id. */
export interface Reference {
  /** The request field (also the column). */
  readonly field: string;
  readonly kind: RecordKind;
  /** The record's project is its referent's (the first such reference of a kind gives it). */
  readonly givesProject: boolean;
}

export interface RecordSpec {
  readonly kind: RecordKind;
  /** Table in the evaluation schema; also the plural of the list operation. */
  readonly table: string;
  /** Fields stored in columns of their own name, beside id, project_id, version and times. */
  readonly fields: readonly string[];
  /** Fields stored as JSONB (objects and arrays). */
  readonly jsonFields: readonly string[];
  /** Fields an update may change. */
  readonly mutable: readonly string[];
  /** Values of optional fields not given at creation. */
  readonly defaults: Readonly<Record<string, unknown>>;
  /** References checked at creation (they never change afterwards). */
  readonly references: readonly Reference[];
  /** Request fields of the list operation that filter by equality. */
  readonly filters: readonly string[];
}

function ref(field: string, kind: RecordKind, givesProject = false): Reference {
  return { field, kind, givesProject };
}

export const RECORD_SPECS: Readonly<Record<RecordKind, RecordSpec>> = {
  project: {
    kind: 'project',
    table: 'projects',
    fields: ['name', 'description'],
    jsonFields: [],
    mutable: ['name', 'description'],
    defaults: { description: null },
    references: [],
    filters: [],
  },
  chat_session: {
    kind: 'chat_session',
    table: 'chat_sessions',
    fields: ['title'],
    jsonFields: [],
    mutable: ['title'],
    defaults: { title: null },
    references: [ref('project_id', 'project', true)],
    filters: ['project_id'],
  },
  message: {
    kind: 'message',
    table: 'messages',
    fields: ['chat_session_id', 'role', 'content'],
    jsonFields: [],
    mutable: ['content'],
    defaults: {},
    references: [ref('chat_session_id', 'chat_session', true)],
    filters: ['chat_session_id'],
  },
  problem_spec: {
    kind: 'problem_spec',
    table: 'problem_specs',
    fields: ['spec', 'status'],
    jsonFields: ['spec'],
    mutable: ['spec', 'status'],
    defaults: { status: 'draft' },
    references: [ref('project_id', 'project', true)],
    filters: ['project_id'],
  },
  world_model: {
    kind: 'world_model',
    table: 'world_models',
    fields: ['model'],
    jsonFields: ['model'],
    mutable: ['model'],
    defaults: {},
    references: [ref('project_id', 'project', true)],
    filters: ['project_id'],
  },
  run: {
    kind: 'run',
    table: 'runs',
    fields: ['scenario_suite_id', 'config', 'status'],
    jsonFields: ['config'],
    mutable: ['status'],
    defaults: { scenario_suite_id: null, config: {}, status: 'pending' },
    references: [ref('project_id', 'project', true), ref('scenario_suite_id', 'scenario_suite')],
    filters: ['project_id'],
  },
  candidate: {
    kind: 'candidate',
    table: 'candidates',
    fields: ['run_id', 'parent_ids', 'content', 'label'],
    jsonFields: ['parent_ids', 'content'],
    mutable: ['label'],
    defaults: { parent_ids: [], label: null },
    references: [ref('run_id', 'run', true)],
    filters: ['project_id', 'run_id'],
  },
  scenario_suite: {
    kind: 'scenario_suite',
    table: 'scenario_suites',
    fields: ['name', 'scenarios'],
    jsonFields: ['scenarios'],
    mutable: ['name', 'scenarios'],
    defaults: {},
    references: [ref('project_id', 'project', true)],
    filters: ['project_id'],
  },
  evaluation: {
    kind: 'evaluation',
    table: 'evaluations',
    fields: ['candidate_id', 'scenario_suite_id', 'score_config', 'scores'],
    jsonFields: ['score_config', 'scores'],
    mutable: ['scores'],
    defaults: { scenario_suite_id: null },
    references: [
      ref('candidate_id', 'candidate', true),
      ref('scenario_suite_id', 'scenario_suite'),
    ],
    filters: ['project_id', 'candidate_id'],
  },
  issue: {
    kind: 'issue',
    table: 'issues',
    fields: ['target_kind', 'target_id', 'title', 'body', 'status'],
    jsonFields: [],
    mutable: ['title', 'body', 'status'],
    defaults: { body: null, status: 'open' },
    references: [ref('project_id', 'project', true)],
    filters: ['project_id', 'target_kind', 'status'],
  },
};

export const RECORD_KINDS = Object.keys(RECORD_SPECS) as RecordKind[];

/** The operation names of a kind: create_x, get_x, update_x, list_<table>. */
export function operationsOf(spec: RecordSpec): {
  create: string;
  get: string;
  update: string;
  list: string;
} {
  return {
    create: `create_${spec.kind}`,
    get: `get_${spec.kind}`,
    update: `update_${spec.kind}`,
    list: `list_${spec.table}`,
  };
}

// The evaluation service's paged lists (docs/services/evaluation.md, "Paging"),
// each driven past the bus limit: one record made through the API, then
// copied in SQL into the evaluation schema (the API would take minutes for
// the thousands of small rows some lists need), shaped as the service writes
// them.
import { randomBytes } from 'node:crypto';
import type { OperationName } from '@crucible/contracts';
import type { Knex } from '@crucible/database';
import type { PagedReplyContext, PagedReplyTest } from './paged-reply-test';

const tag = () => randomBytes(4).toString('hex');

/** Bytes the copies of a template must make up together: past the 1 MiB bus. */
const TOTAL_BYTES = 1_300_000;

const big = (bytes: number) => `${tag()} `.padEnd(bytes, 'e');

/**
 * Inserts `count` copies of the rows of `table` (`schema.table`, evaluation
 * unless named) matched by `where`, every column as it is but the serial key
 * and those `overrides` sets (SQL over the template's columns `t.*` and `i`,
 * the copy's number from 1).
 */
export async function copyRows(
  knex: Knex,
  table: string,
  where: Record<string, string | number>,
  count: number,
  overrides: Record<string, string> = {},
  schema = 'evaluation',
): Promise<void> {
  const columns: string[] = (
    await knex('information_schema.columns')
      .where({ table_schema: schema, table_name: table })
      .orderBy('ordinal_position')
      .select('column_name', 'column_default')
  )
    .filter((c: { column_default: string | null }) => !c.column_default?.startsWith('nextval'))
    .map((c: { column_name: string }) => c.column_name);
  const conditions = Object.keys(where).map((column) => `t.${column} = ?`);
  await knex.raw(
    `insert into ${schema}.${table} (${columns.join(', ')})
     select ${columns.map((c) => overrides[c] ?? `t.${c}`).join(', ')}
       from ${schema}.${table} t, generate_series(1, ?) i
      where ${conditions.join(' and ')}`,
    [count, ...Object.values(where)],
  );
}

export const copiesFor = (item: unknown) =>
  Math.ceil(TOTAL_BYTES / Buffer.byteLength(JSON.stringify(item))) + 1;

/**
 * Pages through `operation` from `start`, returns the page count and each
 * item's position as `positionOf` reads it.
 */
export async function pageThrough(
  ctx: PagedReplyContext,
  operation: OperationName,
  request: Record<string, unknown>,
  list: string,
  positionOf: (item: any) => string | number,
  start?: string,
  limit = 100,
): Promise<{ listed: Array<string | number>; pages: number; cutBySize: boolean }> {
  const listed: Array<string | number> = [];
  let cursor = start;
  let pages = 0;
  let cutBySize = false;
  do {
    const reply: any = await ctx.ok(operation, {
      ...request,
      limit,
      ...(cursor === undefined ? {} : { cursor }),
    });
    pages++;
    const items = reply[list] as unknown[];
    if (reply.next_cursor !== undefined && items.length < limit) cutBySize = true;
    listed.push(...items.map(positionOf));
    cursor = reply.next_cursor;
  } while (cursor !== undefined);
  return { listed, pages, cutBySize };
}

interface RecordCase {
  readonly operation: OperationName;
  readonly table: string;
  /** Makes the record to copy; returns it and the list's filter that selects it and its copies. */
  make(
    ctx: PagedReplyContext,
    project: number,
  ): Promise<{ record: { id: number }; filter: Record<string, unknown>; bulky: boolean }>;
}

const project = async (ctx: PagedReplyContext) =>
  (await ctx.ok('create_project', { name: `paged ${tag()}` })).id as number;
const run = async (ctx: PagedReplyContext, projectId: number) =>
  (await ctx.ok('create_run', { project_id: projectId })).id as number;
const candidate = async (ctx: PagedReplyContext, projectId: number) =>
  (
    await ctx.ok('create_candidate', {
      run_id: await run(ctx, projectId),
      content: { design: 'a' },
    })
  ).id as number;

const make =
  (operation: string, request: (project: number) => Record<string, unknown>) =>
  async (ctx: PagedReplyContext, projectId: number) =>
    ctx.ok(operation as OperationName, request(projectId));

/** One case per record kind (services/evaluation/src/domain/record-kinds.ts). */
const RECORD_CASES: readonly RecordCase[] = [
  {
    operation: 'list_projects',
    table: 'projects',
    async make(ctx) {
      const record = await ctx.ok('create_project', {
        name: `paged ${tag()}`,
        description: big(60_000),
      });
      return { record, filter: {}, bulky: true };
    },
  },
  {
    operation: 'list_chat_sessions',
    table: 'chat_sessions',
    async make(ctx, p) {
      const record = await make('create_chat_session', (id) => ({
        project_id: id,
        title: big(200),
      }))(ctx, p);
      return { record, filter: { project_id: p }, bulky: false };
    },
  },
  {
    operation: 'list_messages',
    table: 'messages',
    async make(ctx, p) {
      const session = await ctx.ok('create_chat_session', { project_id: p });
      const record = await ctx.ok('create_message', {
        chat_session_id: session.id,
        role: 'user',
        content: big(60_000),
      });
      return { record, filter: { chat_session_id: session.id }, bulky: true };
    },
  },
  {
    operation: 'list_problem_specs',
    table: 'problem_specs',
    async make(ctx, p) {
      const record = await make('create_problem_spec', (id) => ({
        project_id: id,
        spec: { notes: big(60_000) },
      }))(ctx, p);
      return { record, filter: { project_id: p }, bulky: true };
    },
  },
  {
    operation: 'list_world_models',
    table: 'world_models',
    async make(ctx, p) {
      const record = await make('create_world_model', (id) => ({
        project_id: id,
        model: { notes: big(60_000) },
      }))(ctx, p);
      return { record, filter: { project_id: p }, bulky: true };
    },
  },
  {
    operation: 'list_runs',
    table: 'runs',
    async make(ctx, p) {
      const record = await make('create_run', (id) => ({
        project_id: id,
        config: { notes: big(60_000) },
      }))(ctx, p);
      return { record, filter: { project_id: p }, bulky: true };
    },
  },
  {
    operation: 'list_candidates',
    table: 'candidates',
    async make(ctx, p) {
      const runId = await run(ctx, p);
      const record = await ctx.ok('create_candidate', {
        run_id: runId,
        content: { notes: big(60_000) },
      });
      return { record, filter: { run_id: runId }, bulky: true };
    },
  },
  {
    operation: 'list_scenario_suites',
    table: 'scenario_suites',
    async make(ctx, p) {
      const scenarios = Array.from({ length: 1000 }, () => ({
        hash: randomBytes(32).toString('hex'),
      }));
      const record = await make('create_scenario_suite', (id) => ({
        project_id: id,
        name: `suite ${tag()}`,
        scenarios,
      }))(ctx, p);
      return { record, filter: { project_id: p }, bulky: true };
    },
  },
  {
    operation: 'list_evaluations',
    table: 'evaluations',
    async make(ctx, p) {
      const candidateId = await candidate(ctx, p);
      const record = await ctx.ok('create_evaluation', {
        candidate_id: candidateId,
        score_config: { scores: { s: { type: 'numeric', min: 0, max: 1 } } },
        scores: { s: 0.5 },
      });
      return { record, filter: { candidate_id: candidateId }, bulky: false };
    },
  },
  {
    operation: 'list_issues',
    table: 'issues',
    async make(ctx, p) {
      const record = await ctx.ok('create_issue', {
        project_id: p,
        target_kind: 'run',
        target_id: await run(ctx, p),
        title: 'paged',
        body: big(60_000),
      });
      return { record, filter: { project_id: p }, bulky: true };
    },
  },
];

const recordTests: PagedReplyTest[] = RECORD_CASES.map((c) => ({
  operation: c.operation,
  title: `a record copied past 1 MiB in all: every one once, in id order, over pages`,
  async run(ctx: PagedReplyContext) {
    const knex = ctx.stack.infra.knex;
    const p = await project(ctx);
    const { record, filter, bulky } = await c.make(ctx, p);
    await copyRows(knex, c.table, { id: record.id }, copiesFor(record));
    // Projects have no filter: the list starts after the ones made before.
    const where = c.table === 'projects' ? knex.raw('id >= ?', [record.id]) : filter;
    const expected = (
      await knex.withSchema('evaluation').table(c.table).where(where).orderBy('id').select('id')
    ).map((row: { id: string | number }) => Number(row.id));
    const start = record.id > 1 && c.table === 'projects' ? String(record.id - 1) : undefined;
    const { listed, pages, cutBySize } = await pageThrough(
      ctx,
      c.operation,
      filter,
      'items',
      (item: { id: number }) => item.id,
      start,
    );
    expect(pages).toBeGreaterThan(1);
    expect(listed).toEqual(expected);
    if (bulky) expect(cutBySize).toBe(true);
  },
}));

export const EVALUATION_PAGED_REPLY_TESTS: readonly PagedReplyTest[] = [
  ...recordTests,
  {
    operation: 'world_model_history',
    title: '22 versions of 60 KB: every version once, newest first, over pages',
    async run(ctx) {
      const p = await project(ctx);
      const model = await ctx.ok('create_world_model', {
        project_id: p,
        model: { notes: big(60_000) },
      });
      for (let i = 0; i < 21; i++)
        await ctx.ok('update_world_model', {
          id: model.id,
          model: { notes: big(60_000) },
        });
      const { listed, pages, cutBySize } = await pageThrough(
        ctx,
        'world_model_history',
        { id: model.id },
        'versions',
        (v: { version: number }) => v.version,
      );
      expect(pages).toBeGreaterThan(1);
      expect(cutBySize).toBe(true);
      expect(listed).toEqual(Array.from({ length: 22 }, (_, i) => 22 - i));
    },
  },
  {
    operation: 'list_experiments',
    title: 'an experiment copied past 1 MiB in all: every one once, in id order, over pages',
    async run(ctx) {
      const knex = ctx.stack.infra.knex;
      const p = await project(ctx);
      const stored = await ctx.ok('create_experiment', {
        project_id: p,
        experiment: {
          id: `exp_${tag()}`,
          backend: { id: 'b' },
          pipeline: Array.from({ length: 50 }, (_, i) => ({ name: `step_${i}` })),
        },
      });
      await copyRows(knex, 'experiments', { project_id: p }, copiesFor(stored), {
        experiment_id: `t.experiment_id || '_' || i`,
        experiment: `jsonb_set(t.experiment, '{id}', to_jsonb(t.experiment_id || '_' || i))`,
      });
      const expected = (
        await knex
          .withSchema('evaluation')
          .table('experiments')
          .where({ project_id: p })
          .orderBy('id')
          .select('experiment_id')
      ).map((row: { experiment_id: string }) => row.experiment_id);
      const { listed, pages } = await pageThrough(
        ctx,
        'list_experiments',
        { project_id: p },
        'items',
        (item: { experiment: { id: string } }) => item.experiment.id,
      );
      expect(pages).toBeGreaterThan(1);
      expect(listed).toEqual(expected);
    },
  },
  {
    operation: 'list_models',
    title: 'a model copied past 1 MiB in all: every one once, in id order, over pages',
    async run(ctx) {
      const knex = ctx.stack.infra.knex;
      const prefix = `paged_${tag()}`;
      const registered = await ctx.ok('register_model', {
        model: { id: prefix },
      });
      await copyRows(knex, 'models', { id: prefix }, copiesFor(registered), {
        id: `t.id || '_' || lpad(i::text, 6, '0')`,
        model: `jsonb_set(t.model, '{id}', to_jsonb(t.id || '_' || lpad(i::text, 6, '0')))`,
      });
      const expected = (
        await knex
          .withSchema('evaluation')
          .table('models')
          .where('id', 'like', `${prefix}%`)
          .orderBy('id')
          .select('id')
      ).map((row: { id: string }) => row.id);
      const { listed, pages } = await pageThrough(
        ctx,
        'list_models',
        {},
        'items',
        (item: { model: { id: string } }) => item.model.id,
      );
      expect(pages).toBeGreaterThan(1);
      expect(listed.filter((id) => String(id).startsWith(prefix))).toEqual(expected);
    },
  },
  {
    operation: 'list_model_versions',
    title: 'a version copied past 1 MiB in all: every one once, in registration order, over pages',
    async run(ctx) {
      const knex = ctx.stack.infra.knex;
      const modelId = `paged_${tag()}`;
      await ctx.ok('register_model', { model: { id: modelId } });
      const version = await ctx.ok('register_model_version', {
        model_version: {
          id: `${modelId}_v`,
          model_id: modelId,
          version: '1.0.0',
          description: big(900),
        },
      });
      await copyRows(knex, 'model_versions', { model_id: modelId }, copiesFor(version), {
        version: `'2.0.' || i`,
        version_id: `t.version_id || '_' || i`,
        model_version: `jsonb_set(jsonb_set(t.model_version, '{version}', to_jsonb('2.0.' || i)), '{id}', to_jsonb(t.version_id || '_' || i))`,
      });
      const expected = (
        await knex
          .withSchema('evaluation')
          .table('model_versions')
          .where({ model_id: modelId })
          .orderBy('seq')
          .select('version')
      ).map((row: { version: string }) => row.version);
      const { listed, pages } = await pageThrough(
        ctx,
        'list_model_versions',
        { model_id: modelId },
        'items',
        (item: { version: string }) => item.version,
      );
      expect(pages).toBeGreaterThan(1);
      expect(listed).toEqual(expected);
    },
  },
  {
    operation: 'model_alias_history',
    title: 'an alias move with a 1000-character note copied past 1 MiB: each once, newest first',
    async run(ctx) {
      const knex = ctx.stack.infra.knex;
      const modelId = `paged_${tag()}`;
      await ctx.ok('register_model', { model: { id: modelId } });
      await ctx.ok('register_model_version', {
        model_version: { id: `${modelId}_v`, model_id: modelId, version: '1.0.0' },
      });
      const moved = await ctx.ok('set_model_alias', {
        model_id: modelId,
        alias: 'champion',
        version: '1.0.0',
        note: big(1000),
      });
      await copyRows(
        knex,
        'model_alias_history',
        { model_id: modelId },
        copiesFor({ ...moved, note: big(1000) }),
      );
      const expected = (
        await knex
          .withSchema('evaluation')
          .table('model_alias_history')
          .where({ model_id: modelId, alias: 'champion' })
          .orderBy('id', 'desc')
          .select('id')
      ).map((row: { id: string | number }) => Number(row.id));
      const { listed, pages } = await pageThrough(
        ctx,
        'model_alias_history',
        { model_id: modelId, alias: 'champion' },
        'entries',
        (entry: { id: number }) => entry.id,
      );
      expect(pages).toBeGreaterThan(1);
      expect(listed).toEqual(expected);
    },
  },
  {
    operation: 'model_version_stage_history',
    title: 'a stage move with a 1000-character note copied past 1 MiB: each once, newest first',
    async run(ctx) {
      const knex = ctx.stack.infra.knex;
      const modelId = `paged_${tag()}`;
      await ctx.ok('register_model', { model: { id: modelId } });
      await ctx.ok('register_model_version', {
        model_version: { id: `${modelId}_v`, model_id: modelId, version: '1.0.0' },
      });
      const moved = await ctx.ok('set_model_version_stage', {
        model_id: modelId,
        version: '1.0.0',
        stage: 'staging',
        expected_stage: 'development',
        note: big(1000),
      });
      await copyRows(
        knex,
        'model_version_stage_history',
        { model_id: modelId },
        copiesFor({ ...moved, note: big(1000) }),
      );
      const expected = (
        await knex
          .withSchema('evaluation')
          .table('model_version_stage_history')
          .where({ model_id: modelId, version: '1.0.0' })
          .orderBy('id', 'desc')
          .select('id')
      ).map((row: { id: string | number }) => Number(row.id));
      const { listed, pages } = await pageThrough(
        ctx,
        'model_version_stage_history',
        { model_id: modelId, version: '1.0.0' },
        'entries',
        (entry: { id: number }) => entry.id,
      );
      expect(pages).toBeGreaterThan(1);
      expect(listed).toEqual(expected);
    },
  },
  {
    operation: 'lookup_results',
    title: '30 results of 60 KB among 40 keys: every key once, in the order asked, over pages',
    async run(ctx) {
      const base = {
        scenario_hash: randomBytes(32).toString('hex'),
        profile_hash: 'b'.repeat(64),
        mind_version: 'offline-1',
        model_version: '1.0.0',
        scorer_config_hash: 'c'.repeat(64),
        turns: 10,
        engine: 'kernel',
      };
      // Every fourth key has no result; the stored ones are 60 KB each.
      const keys = Array.from({ length: 40 }, (_, seed) => ({ ...base, seed }));
      const hashes: string[] = [];
      for (const key of keys) {
        if (key.seed % 4 === 3) continue;
        const put = await ctx.ok('put_result', { key, result: { notes: big(60_000) } });
        hashes[key.seed] = put.stored.key_hash;
      }
      const answered: Array<[number, boolean]> = [];
      let cursor: string | undefined;
      let pages = 0;
      do {
        const reply: any = await ctx.ok('lookup_results', {
          keys,
          ...(cursor === undefined ? {} : { cursor }),
        });
        pages++;
        // The counts are over every key asked, on every page.
        expect([reply.reused, reply.missing]).toEqual([30, 10]);
        for (const r of reply.results) {
          const seed = answered.length;
          answered.push([seed, r.found]);
          if (r.found) expect(r.key_hash).toBe(hashes[seed]);
        }
        cursor = reply.next_cursor;
      } while (cursor !== undefined);
      expect(pages).toBeGreaterThan(1);
      expect(answered).toEqual(keys.map((k) => [k.seed, k.seed % 4 !== 3]));
      // A count cut, and a cursor past the keys is refused at /cursor.
      const two = await ctx.ok('lookup_results', { keys: keys.slice(0, 3), limit: 2 });
      expect([two.results.length, two.next_cursor]).toEqual([2, '2']);
      const past = await ctx.call('lookup_results', { keys: keys.slice(0, 3), cursor: '3' });
      expect([past.status, past.body.error.details]).toEqual([
        400,
        expect.objectContaining({ path: '/cursor', reason: 'invalid_cursor' }),
      ]);
    },
  },
  {
    operation: 'list_run_results',
    title:
      'a run job copied past 1 MiB (its result stored): every one once, in id order, over pages',
    async run(ctx) {
      const knex = ctx.stack.infra.knex;
      const runId = await run(ctx, await project(ctx));
      const key = {
        scenario_hash: 'a'.repeat(64),
        profile_hash: 'b'.repeat(64),
        mind_version: `offline:${tag()}`,
        model_version: 'offline-default',
        scorer_config_hash: 'c'.repeat(64),
        turns: 1,
        engine: 'sequential',
        seed: 0,
      };
      const put = await ctx.ok('put_result', { key, result: { note: big(1000) } });
      await knex
        .withSchema('evaluation')
        .table('run_jobs')
        .insert({
          run_id: runId,
          candidate: 'paged',
          candidate_kind: 'mind',
          scenario_hash: key.scenario_hash,
          suite_scenario_hash: key.scenario_hash,
          seed: 0,
          turns: 1,
          key_hash: put.stored.key_hash,
          key: JSON.stringify(key),
          world_request: JSON.stringify({}),
          status: 'reused',
        });
      const one = await ctx.ok('list_run_results', { run_id: runId });
      await copyRows(knex, 'run_jobs', { run_id: runId }, copiesFor(one.items[0]), {
        seed: 'i',
      });
      const expected = (
        await knex
          .withSchema('evaluation')
          .table('run_jobs')
          .where({ run_id: runId })
          .orderBy('id')
          .select('id')
      ).map((row: { id: string | number }) => Number(row.id));
      const { listed, pages } = await pageThrough(
        ctx,
        'list_run_results',
        { run_id: runId },
        'items',
        (item: { job_id: number }) => item.job_id,
      );
      expect(pages).toBeGreaterThan(1);
      expect(listed).toEqual(expected);
    },
  },
  {
    operation: 'list_training_runs',
    title:
      'a training run with a 900-character description copied past 1 MiB: each once, in report order',
    async run(ctx) {
      const knex = ctx.stack.infra.knex;
      const modelId = `paged_${tag()}`;
      await ctx.ok('register_model', { model: { id: modelId } });
      const run = await ctx.ok('report_training_run', {
        training_run: {
          id: `${modelId}_run`,
          config: { id: 'cfg', model_ref: { id: modelId }, dataset_ref: { name: 'd' } },
          error_message: big(900),
        },
      });
      await copyRows(knex, 'training_runs', { model_id: modelId }, copiesFor(run), {
        id: `t.id || '_' || i`,
        training_run: `jsonb_set(t.training_run, '{id}', to_jsonb(t.id || '_' || i))`,
      });
      const expected = (
        await knex
          .withSchema('evaluation')
          .table('training_runs')
          .where({ model_id: modelId })
          .orderBy('seq')
          .select('id')
      ).map((row: { id: string }) => row.id);
      const { listed, pages } = await pageThrough(
        ctx,
        'list_training_runs',
        { model_id: modelId },
        'items',
        (item: { training_run: { id: string } }) => item.training_run.id,
      );
      expect(pages).toBeGreaterThan(1);
      expect(listed).toEqual(expected);
    },
  },
  {
    operation: 'list_deployments',
    title:
      'a deployment with 900 characters of metadata copied past 1 MiB: each once, in report order',
    async run(ctx) {
      const knex = ctx.stack.infra.knex;
      const modelId = `paged_${tag()}`;
      await ctx.ok('register_model', { model: { id: modelId } });
      await ctx.ok('register_model_version', {
        model_version: { id: `${modelId}_v`, model_id: modelId, version: '1.0.0' },
      });
      const deployment = await ctx.ok('report_deployment', {
        deployment: {
          id: `${modelId}_d`,
          model_version_id: `${modelId}_v`,
          metadata: { note: big(900) },
        },
      });
      await copyRows(
        knex,
        'deployments',
        { model_version_id: `${modelId}_v` },
        copiesFor(deployment),
        {
          id: `t.id || '_' || i`,
          config: `jsonb_set(t.config, '{id}', to_jsonb(t.id || '_' || i))`,
        },
      );
      const expected = (
        await knex
          .withSchema('evaluation')
          .table('deployments')
          .where({ model_version_id: `${modelId}_v` })
          .orderBy('seq')
          .select('id')
      ).map((row: { id: string }) => row.id);
      const { listed, pages } = await pageThrough(
        ctx,
        'list_deployments',
        { model_version_id: `${modelId}_v` },
        'items',
        (item: { deployment: { id: string } }) => item.deployment.id,
      );
      expect(pages).toBeGreaterThan(1);
      expect(listed).toEqual(expected);
    },
  },
  {
    operation: 'list_feedback',
    title:
      'a feedback event with a 900-character correction copied past 1 MiB: each once, in arrival order',
    async run(ctx) {
      const knex = ctx.stack.infra.knex;
      const modelId = `paged_${tag()}`;
      const deploymentId = `${modelId}_d`;
      await ctx.ok('register_model', { model: { id: modelId } });
      await ctx.ok('register_model_version', {
        model_version: { id: `${modelId}_v`, model_id: modelId, version: '1.0.0' },
      });
      await ctx.ok('report_deployment', {
        deployment: { id: deploymentId, model_version_id: `${modelId}_v` },
        feedback: { enabled: true },
      });
      const event = { id: 'f', feedback_type: 'correction', feedback_value: big(900) };
      await ctx.ok('ingest_feedback', { deployment_id: deploymentId, events: [event] });
      await copyRows(
        knex,
        'feedback_events',
        { deployment_id: deploymentId },
        copiesFor({ event }),
        {
          event_id: `t.event_id || '_' || i`,
          event: `jsonb_set(t.event, '{id}', to_jsonb(t.event_id || '_' || i))`,
        },
      );
      const expected = (
        await knex
          .withSchema('evaluation')
          .table('feedback_events')
          .where({ deployment_id: deploymentId })
          .orderBy('seq')
          .select('event_id')
      ).map((row: { event_id: string }) => row.event_id);
      const { listed, pages } = await pageThrough(
        ctx,
        'list_feedback',
        { deployment_id: deploymentId },
        'items',
        (item: { event: { id: string } }) => item.event.id,
      );
      expect(pages).toBeGreaterThan(1);
      expect(listed).toEqual(expected);
    },
  },
];

import { streamTopic } from '@crucible/contracts';
import { buildEvent } from '@crucible/messaging';
import type { Call, EventTest, EventTestContext } from './event-test';
import { feedbackDeployment, scenarioRequest, tag } from './fixtures';
import { expectedProgress, spendOf, type Spend, type Step } from './run-progress-steps';

/** The record_created/record_updated data a record reply announces. */
function announced(entity: string, call: Call) {
  return {
    entity,
    id: call.body.id,
    project_id: entity === 'project' ? call.body.id : call.body.project_id,
    version: call.body.version,
    // The principal of the tests' admin token.
    actor: 'admin',
  };
}

export const EVALUATION_EVENT_TESTS: readonly EventTest[] = [
  {
    type: 'evaluation.record_created',
    title: 'one per created record, keyed by kind and id, with its project; none for a refusal',
    async run(ctx) {
      const project = await ctx.ok('create_project', { name: `events ${tag()}` });
      const session = await ctx.ok('create_chat_session', { project_id: project.body.id });
      const model = await ctx.ok('create_world_model', {
        project_id: project.body.id,
        model: { actors: [] },
      });
      const refused = await ctx.call('create_chat_session', { project_id: 9_000_000_000 });
      expect([refused.status, refused.body.error?.details?.reason]).toEqual([
        404,
        'project_not_found',
      ]);
      const calls = new Map<string, [string, Call]>([
        [project.requestId, ['project', project]],
        [session.requestId, ['chat_session', session]],
        [model.requestId, ['world_model', model]],
        [refused.requestId, ['chat_session', refused]],
      ]);
      const events = await ctx.events('evaluation', (e) =>
        calls.has(e.envelope.causation_id ?? ''),
      );
      expect(
        events.map((e) => ({ key: e.record.key, type: e.envelope.type, data: e.envelope.data })),
      ).toEqual(
        [project, session, model].map((call) => {
          const [entity] = calls.get(call.requestId)!;
          return {
            key: `${entity}/${call.body.id}`,
            type: 'evaluation.record_created',
            data: announced(entity, call),
          };
        }),
      );
    },
  },
  {
    type: 'evaluation.record_updated',
    title: 'one per update with the new version, in order; none for a version mismatch',
    async run(ctx) {
      const project = await ctx.ok('create_project', { name: `events ${tag()}` });
      const model = await ctx.ok('create_world_model', {
        project_id: project.body.id,
        model: { v: 1 },
      });
      const second = await ctx.ok('update_world_model', { id: model.body.id, model: { v: 2 } });
      const stale = await ctx.call('update_world_model', {
        id: model.body.id,
        model: { v: 3 },
        expected_version: 1,
      });
      expect([stale.status, stale.body.error?.details?.reason]).toEqual([409, 'version_mismatch']);
      const third = await ctx.ok('update_world_model', {
        id: model.body.id,
        model: { v: 3 },
        expected_version: 2,
      });
      const ids = new Set([second.requestId, stale.requestId, third.requestId]);
      const events = await ctx.events('evaluation', (e) => ids.has(e.envelope.causation_id ?? ''));
      expect(
        events.map((e) => ({ key: e.record.key, type: e.envelope.type, data: e.envelope.data })),
      ).toEqual(
        [second, third].map((call) => ({
          key: `world_model/${model.body.id}`,
          type: 'evaluation.record_updated',
          data: announced('world_model', call),
        })),
      );
    },
  },
];

export const REGISTRY_EVENT_TESTS: readonly EventTest[] = [
  {
    type: 'evaluation.model_registry_changed',
    title:
      'one per registered model, version, alias move and stage move, keyed by model; none for a repeat or a lost compare-and-swap',
    async run(ctx) {
      const id = `m_${tag().replace(/-/g, '_')}`;
      const model = await ctx.ok('register_model', { model: { id } });
      const again = await ctx.ok('register_model', { model: { id } });
      const version = await ctx.ok('register_model_version', {
        model_version: { id: `${id}_v1`, model_id: id, version: '1.0.0' },
      });
      const moved = await ctx.ok('set_model_alias', {
        model_id: id,
        alias: 'champion',
        version: '1.0.0',
      });
      const same = await ctx.ok('set_model_alias', {
        model_id: id,
        alias: 'champion',
        version: '1.0.0',
      });
      const lost = await ctx.call('set_model_alias', {
        model_id: id,
        alias: 'champion',
        version: '1.0.0',
        expected_current_version: null,
      });
      const staged = await ctx.ok('set_model_version_stage', {
        model_id: id,
        version: '1.0.0',
        stage: 'staging',
        expected_stage: 'development',
      });
      const stale = await ctx.call('set_model_version_stage', {
        model_id: id,
        version: '1.0.0',
        stage: 'production',
        expected_stage: 'development',
      });
      expect(same.body.changed).toBe(false);
      expect([lost.status, lost.body.error?.details?.reason]).toEqual([409, 'cas_failed']);
      expect([stale.status, stale.body.error?.details?.reason]).toEqual([409, 'cas_failed']);
      const events = await ctx.events('evaluation', (e) => e.record.key === id);
      expect(events.map((e) => e.envelope.data)).toEqual([
        { model_id: id, change: 'model_registered', actor: 'admin' },
        { model_id: id, change: 'version_registered', version: '1.0.0', actor: 'admin' },
        {
          model_id: id,
          change: 'alias_moved',
          alias: 'champion',
          version: '1.0.0',
          previous_version: null,
          history_id: moved.body.history_id,
          actor: 'admin',
        },
        {
          model_id: id,
          change: 'stage_moved',
          version: '1.0.0',
          stage: 'staging',
          previous_stage: 'development',
          history_id: staged.body.history_id,
          actor: 'admin',
        },
      ]);
      expect(events.map((e) => e.envelope.causation_id)).toEqual([
        model.requestId,
        version.requestId,
        moved.requestId,
        staged.requestId,
      ]);
      expect(events.map((e) => e.envelope.schema_version)).toEqual([3, 3, 3, 3]);
      expect(again.body).toEqual(model.body);
    },
  },
];

export const RESULT_EVENT_TESTS: readonly EventTest[] = [
  {
    type: 'evaluation.result_stored',
    title:
      'one per new result key, keyed by its hash; none when a stored result is reused or a put refused',
    async run(ctx) {
      const key = {
        scenario_hash: 'a'.repeat(64),
        profile_hash: 'b'.repeat(64),
        mind_version: `mind-${tag()}`,
        model_version: '1.0.0',
        scorer_config_hash: 'c'.repeat(64),
        turns: 3,
        engine: 'kernel',
        seed: 1,
      };
      const first = await ctx.ok('put_result', { key, result: { score: 1 } });
      const again = await ctx.ok('put_result', { key, result: { score: 2 } });
      expect([first.body.reused, again.body.reused]).toEqual([false, true]);
      expect(again.body.stored.result).toEqual({ score: 1 });
      // A key never stored, but not a key: a run has at least one turn.
      const refused = await ctx.call('put_result', {
        key: { ...key, mind_version: `mind-${tag()}`, turns: 0 },
        result: { score: 3 },
      });
      expect([refused.status, refused.body.error?.code]).toEqual([400, 'invalid_argument']);
      const hash = first.body.stored.key_hash;
      const events = await ctx.events(
        'evaluation',
        (e) => e.record.key === hash || e.envelope.causation_id === refused.requestId,
      );
      expect(events.map((e) => [e.envelope.data, e.envelope.causation_id])).toEqual([
        [{ key_hash: hash, actor: 'admin' }, first.requestId],
      ]);
    },
  },
  {
    type: 'evaluation.run_progressed',
    title:
      'a run announces its start, each turn and world of it, and its end, keyed by run; none for a refused start',
    async run(ctx) {
      const t = tag();
      const scenario = await ctx.ok('assemble_scenario', scenarioRequest(t));
      const project = await ctx.ok('create_project', { name: `events ${t}` });
      const suite = await ctx.ok('create_scenario_suite', {
        project_id: project.body.id,
        name: 'one',
        scenarios: [{ hash: scenario.body.scenario_hash }],
      });
      // Two worlds (one per seed) of two turns each.
      const experiment = await ctx.ok('create_experiment', {
        project_id: project.body.id,
        experiment: {
          id: `events_${t}`,
          backend: { id: 'offline' },
          pipeline: [
            {
              name: 'evaluate',
              options: {
                suite_id: suite.body.id,
                candidates: [{ name: 'one' }],
                turns: 2,
                seeds: [1, 2],
              },
            },
          ],
        },
      });
      const draft = await ctx.ok('create_directive', {
        issued_by: 'events',
        objective: 'Never approved.',
        scope: 'development',
        role: 'builder',
        type: 'test',
        status: 'draft',
      });
      // Governance refuses a run under a directive not approved: no run, so no progress.
      const refused = await ctx.call('start_run', {
        experiment_id: experiment.body.id,
        directive_id: draft.body.directive.id,
      });
      expect([
        refused.status,
        refused.body.error?.code,
        refused.body.error?.details?.reason,
      ]).toEqual([409, 'conflict', 'directive_not_approved']);
      const started = await ctx.ok('start_run', { experiment_id: experiment.body.id });
      const runId = started.body.run.id;
      const done = await ctx.ok('get_run_progress', { id: runId, wait_ms: 30_000 });
      expect(done.body.status).toBe('completed');
      const jobs = (await ctx.ok('list_run_results', { run_id: runId })).body.items as Array<{
        job_id: number;
        world_slug: string;
        result: { usage: Spend; judge_usage: Spend };
      }>;
      expect(jobs).toHaveLength(2);
      const events = await ctx.events(
        'evaluation',
        (e) =>
          e.envelope.type === 'evaluation.run_progressed' &&
          (e.record.key === `run/${runId}` || e.envelope.causation_id === refused.requestId),
      );
      // What moved the run: each of its worlds' committed turns (the worlds
      // service's events, read by the evaluation consumer) and each job's end.
      const slugs = new Set(jobs.map((job) => job.world_slug));
      const turns = await ctx.events(
        'worlds',
        (e) => e.envelope.type === 'worlds.turn_committed' && slugs.has(e.record.key ?? ''),
      );
      const steps = new Map<string, Step>([
        ...turns.map((e): [string, Step] => [
          e.envelope.event_id,
          { kind: 'turn', label: `${e.record.key} turn ${e.envelope.data.turn}` },
        ]),
        ...jobs.map((job): [string, Step] => [
          `run_job/${job.job_id}`,
          { kind: 'world', label: `${job.world_slug} done`, spend: spendOf(job.result) },
        ]),
      ]);
      expect(steps.size).toBe(2 * 2 + 2);

      // The start, from start_run's request; then one event per step, each
      // once, in the order the run made them; the end (the last world done) last.
      expect(events[0]!.envelope.causation_id).toBe(started.requestId);
      const causes = events.slice(1).map((e) => e.envelope.causation_id ?? '');
      expect([...causes].sort()).toEqual([...steps.keys()].sort());
      // Each world's turns in turn order, then its end.
      const labels = causes.map((cause) => steps.get(cause)?.label ?? cause);
      for (const slug of slugs) {
        expect(labels.filter((label) => label.startsWith(`${slug} `))).toEqual([
          `${slug} turn 1`,
          `${slug} turn 2`,
          `${slug} done`,
        ]);
      }
      // Every event's figures: what the steps before it (and it) made.
      const expected = expectedProgress(
        runId,
        causes.map((cause) => steps.get(cause)!),
        { worlds: 2, turns: 4 },
      );
      expect(events.map((e) => e.envelope.data)).toEqual(expected);
      expect(expected[expected.length - 1]).toEqual(done.body);
    },
  },
  {
    type: 'evaluation.name_gate_changed',
    title: 'one per new gate version (bind, unbind), keyed by name; none for the same gate again',
    async run(ctx) {
      const { name, experimentId } = await gateFixture(ctx);
      const thresholds = [{ score: 'intents', kind: 'at_least', value: 1 }];
      const bound = await ctx.ok('bind_name_gate', {
        name,
        experiment_id: experimentId,
        thresholds,
      });
      const same = await ctx.ok('bind_name_gate', {
        name,
        experiment_id: experimentId,
        thresholds,
      });
      expect(same.body.changed).toBe(false);
      const unbound = await ctx.ok('unbind_name_gate', { name });
      const ids = new Set([bound.requestId, same.requestId, unbound.requestId]);
      const events = await ctx.events('evaluation', (e) => ids.has(e.envelope.causation_id ?? ''));
      expect(
        events.map((e) => ({ key: e.record.key, type: e.envelope.type, data: e.envelope.data })),
      ).toEqual(
        [bound.body.gate, unbound.body.gate].map((gate) => ({
          key: `name-gate/${name}`,
          type: 'evaluation.name_gate_changed',
          data: {
            name,
            version: gate.version,
            bound: gate.bound,
            experiment_id: gate.experiment_id,
            actor: 'admin',
            changed_at: gate.changed_at,
          },
        })),
      );
    },
  },
  {
    type: 'evaluation.gate_decided',
    title:
      'once per gate run, when its run finishes, keyed by name; the decision get_gate_run shows; none for a refused start',
    async run(ctx) {
      const { name, experimentId, projectId, current, candidate } = await gateFixture(ctx);
      await ctx.ok('bind_name_gate', {
        name,
        experiment_id: experimentId,
        thresholds: [{ score: 'intents', kind: 'non_inferior', margin: 0 }],
      });
      // Refused: the name points at that scenario already, so there is nothing to compare.
      const refused = await ctx.call('start_gate_run', { name, candidate_hash: current });
      expect([
        refused.status,
        refused.body.error?.code,
        refused.body.error?.details?.reason,
      ]).toEqual([400, 'invalid_argument', 'same_scenario']);
      const started = await ctx.ok('start_gate_run', { name, candidate_hash: candidate });
      const runId = started.body.gate_run.run_id;
      const decided = await ctx.ok('get_gate_run', { run_id: runId, wait_ms: 30_000 });
      expect(decided.body.decision).toBe('pass');
      // A gate run is decided when its run stops, maybe after the barrier: the
      // refused request started no run, so none is left to decide later.
      const runs = await ctx.ok('list_runs', { project_id: projectId });
      expect(runs.body.items.map((run: { id: number }) => run.id)).toEqual([runId]);
      const events = await ctx.events(
        'evaluation',
        (e) =>
          e.envelope.type === 'evaluation.gate_decided' &&
          (e.record.key === `name-gate/${name}` || e.envelope.causation_id === refused.requestId),
      );
      expect(events.map((e) => e.envelope.data)).toEqual([
        {
          run_id: runId,
          name,
          gate_version: 1,
          from_hash: decided.body.from_hash,
          to_hash: candidate,
          decision: 'pass',
          decided_at: decided.body.decided_at,
        },
      ]);
      // The move it lets through: the names service's event carries the gate run.
      const moved = await ctx.ok('set_scenario_name', { name, hash: candidate });
      const movedEvents = await ctx.events(
        'names',
        (e) => e.envelope.causation_id === moved.requestId,
      );
      expect(movedEvents.map((e) => e.envelope.data.gate)).toEqual([
        {
          run_id: runId,
          gate_version: 1,
          decision: 'pass',
          scores: [{ score: 'intents', current_mean: 1, candidate_mean: 1 }],
        },
      ]);
    },
  },
  ...(['evaluation_feedback', 'evaluation'] as const).map((stream): EventTest => ({
    type: `${stream}.feedback_submitted`,
    title:
      stream === 'evaluation_feedback'
        ? 'published by a collecting tool to the feedback stream, ingested once like ingest_feedback'
        : 'deprecated, on the evaluation stream: still ingested once, as before the feedback stream',
    async run(ctx) {
      const deploymentId = await feedbackDeployment((op, request) => ctx.ok(op, request), tag());
      const { infra } = ctx.stack;
      const envelope = buildEvent(
        infra.catalog,
        `${stream}.feedback_submitted`,
        { deployment_id: deploymentId, events: [{ id: 'f1', feedback_value: 'up' }] },
        { source: 'evaluation', key: deploymentId },
      );
      // Shaped as every record of the stream (docs/messaging.md): event id and type in headers.
      const record = {
        key: envelope.key,
        value: Buffer.from(JSON.stringify(envelope)),
        headers: { 'crucible-event-id': envelope.event_id, 'crucible-event-type': envelope.type },
      };
      // Delivered twice: applied once.
      await infra.eventLog.publish(streamTopic(infra.prefix, stream), [record, record]);
      const events = await ctx.events(stream, (e) => e.envelope.event_id === envelope.event_id);
      expect(events.map((e) => e.envelope.data)).toEqual([envelope.data, envelope.data]);
      const deadline = Date.now() + 20_000;
      let summary = await ctx.ok('get_feedback_summary', { deployment_id: deploymentId });
      while (summary.body.events === 0 && Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 100));
        summary = await ctx.ok('get_feedback_summary', { deployment_id: deploymentId });
      }
      expect(summary.body.by_type).toEqual([
        { feedback_type: 'thumbs', events: 1, scored: 1, mean_score: 1 },
      ]);
    },
  })),
];

/** A name set to a scenario, another scenario, and an experiment a gate can run (offline mind). */
async function gateFixture(ctx: EventTestContext) {
  const t = tag();
  const name = `gate-${t}`;
  const current = await ctx.ok('assemble_scenario', { ...scenarioRequest(t), name });
  const candidate = await ctx.ok('assemble_scenario', scenarioRequest(`${t}-next`));
  const project = await ctx.ok('create_project', { name: `events ${t}` });
  const suite = await ctx.ok('create_scenario_suite', {
    project_id: project.body.id,
    name: 'one',
    scenarios: [{ hash: current.body.scenario_hash }],
  });
  const experiment = await ctx.ok('create_experiment', {
    project_id: project.body.id,
    experiment: {
      id: `gate_${t}`,
      backend: { id: 'offline' },
      pipeline: [
        {
          name: 'evaluate',
          options: {
            suite_id: suite.body.id,
            candidates: [{ name: 'one' }],
            turns: 1,
            scorers: [{ name: 'intents', kind: 'count', event_kind: 'intent_formed' }],
          },
        },
      ],
    },
  });
  return {
    name,
    experimentId: experiment.body.id as number,
    projectId: project.body.id as number,
    current: current.body.scenario_hash as string,
    candidate: candidate.body.scenario_hash as string,
  };
}

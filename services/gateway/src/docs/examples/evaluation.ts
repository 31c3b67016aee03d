import type { FeedbackEvent, GateThreshold, ScenarioSuite, ScoreConfig } from '@crucible/contracts';
import { H } from './content';
import { example, type OperationExample } from './example';

// Stand-in instants, one per write (each a transaction of its own).
const T = (n: number): string => `2026-03-14T10:00:${String(n).padStart(2, '0')}.000Z`;

const project = {
  id: 1,
  name: 'Clinic triage',
  description: 'Triage policies for a walk-in clinic, nights included.',
  version: 2,
  created_at: T(1),
  updated_at: T(2),
};
const session = {
  id: 1,
  project_id: 1,
  title: 'Kick-off call',
  version: 2,
  created_at: T(3),
  updated_at: T(4),
};
const message = {
  id: 1,
  project_id: 1,
  chat_session_id: 1,
  role: 'user' as const,
  content: 'Patients wait too long at night (over two hours).',
  version: 2,
  created_at: T(5),
  updated_at: T(6),
};
const spec = { goal: 'Cut night waits below one hour', constraints: ['two nurses on shift'] };
const problemSpec = {
  id: 1,
  project_id: 1,
  spec,
  status: 'accepted' as const,
  version: 2,
  created_at: T(7),
  updated_at: T(8),
};
const modelV1 = { actors: ['nurse', 'patient'], rules: ['first come, first served'] };
const modelV2 = { actors: ['nurse', 'patient'], rules: ['most urgent first'] };
const worldModel = {
  id: 1,
  project_id: 1,
  model: modelV2,
  version: 2,
  created_at: T(9),
  updated_at: T(10),
};
const run = {
  id: 1,
  project_id: 1,
  config: { turns: 20, seed: 7 },
  status: 'running' as const,
  version: 2,
  created_at: T(11),
  updated_at: T(12),
};
const candidate = {
  id: 1,
  project_id: 1,
  run_id: 1,
  parent_ids: [],
  content: { policy: 'most urgent first' },
  label: 'urgency-first',
  version: 2,
  created_at: T(13),
  updated_at: T(14),
};
const suite: ScenarioSuite = {
  id: 1,
  project_id: 1,
  name: 'Night shifts, busy',
  scenarios: [{ name: 'locked-room' }, { hash: H.LOCKED_ROOM }],
  version: 2,
  created_at: T(15),
  updated_at: T(16),
};
const scoreConfig: ScoreConfig = {
  scores: {
    mean_wait_min: { type: 'numeric' as const, min: 0 },
    safe: { type: 'boolean' as const },
    verdict: { type: 'categorical' as const, values: ['better', 'same', 'worse'] },
  },
};
const evaluation = {
  id: 1,
  project_id: 1,
  candidate_id: 1,
  scenario_suite_id: 1,
  score_config: scoreConfig,
  scores: { mean_wait_min: 45, safe: true, verdict: 'better' },
  version: 2,
  created_at: T(17),
  updated_at: T(18),
};
const issue = {
  id: 1,
  project_id: 1,
  target_kind: 'world_model' as const,
  target_id: 1,
  title: 'Walk-outs missing',
  body: 'Patients who leave before being seen are not modelled.',
  status: 'resolved' as const,
  version: 2,
  created_at: T(19),
  updated_at: T(20),
};

const evaluateOptions = {
  suite_id: 1,
  candidates: [
    { name: 'calm' },
    { name: 'warm', mind: { provider: 'offline', params: { temperature: 1 } } },
  ],
  turns: 2,
  seeds: [7],
  scorers: [
    { name: 'intents', kind: 'count', event_kind: 'intent_formed' },
    { name: 'no_leak', kind: 'absent', event_kind: 'perception_emitted', contains: ['master key'] },
  ],
};
const experimentInput = {
  id: 'night_triage',
  description: 'Urgency-first triage on busy nights',
  backend: { id: 'gpt4o' },
  // The `evaluate` stage is what start_run runs (docs/services/evaluation.md, "Running an evaluation").
  pipeline: [{ name: 'simulate' }, { name: 'evaluate', options: evaluateOptions }] as [
    { name: string },
    { name: string; options: Record<string, unknown> },
  ],
  dataset: { name: 'night_shifts', split: 'test' },
  experiment_type: 'comparison' as const,
  baseline: { id: 'triage_fifo' },
  reliability: { stats: { alpha: 0.01 } },
};
const experimentStored = {
  ...experimentInput,
  backend: { id: 'gpt4o', profile: 'default' },
  pipeline: [
    { name: 'simulate', enabled: true },
    { name: 'evaluate', options: evaluateOptions, enabled: true },
  ] as [
    { name: string; enabled: boolean },
    { name: string; options: Record<string, unknown>; enabled: boolean },
  ],
  dataset: { name: 'night_shifts', split: 'test', provider: 'crucible_datasets' },
  baseline: { id: 'triage_fifo', provider: 'local', framework: 'nx' },
  reliability: {
    stats: {
      alpha: 0.01,
      tests: ['ttest', 'bootstrap'],
      confidence_level: 0.95,
      effect_size_type: 'cohens_d',
      bootstrap_iterations: 1000,
    },
  },
};
const storedExperiment = {
  id: 1,
  project_id: 1,
  experiment_id: 'night_triage',
  hash: '42eb61deab465c1f40065b7b36daf1c2f5eeb0a9ec305fdc8bad182a3656cac7',
  experiment: experimentStored,
  created_at: T(21),
};
const triageModel = {
  id: 'triage_policy',
  name: 'Triage policy',
  provider: 'local',
  framework: 'nx',
  task: 'text_classification',
};
// Registered at staging; set_model_version_stage's example promotes it.
const v1Staged = {
  id: 'triage_policy_1_0_0',
  model_id: 'triage_policy',
  version: '1.0.0',
  stage: 'staging' as const,
  metrics: { mean_wait_min: 45 },
};
const v1 = { ...v1Staged, stage: 'production' as const };

const trainingConfig = {
  id: 'triage_cfg',
  model_ref: { id: 'triage_policy', provider: 'local', framework: 'nx' },
  dataset_ref: { name: 'night_shifts', provider: 'crucible_datasets', split: 'train' },
  epochs: 3,
  batch_size: 32,
  learning_rate: 0.001,
  optimizer: 'adam',
  loss_function: 'cross_entropy',
  metrics: ['loss', 'accuracy'],
  device: 'cpu',
  mixed_precision: false,
};
const trainingRun = {
  training_run: {
    id: 'triage_train_1',
    config: trainingConfig,
    status: 'completed' as const,
    current_epoch: 3,
    best_metrics: { loss: 0.21 },
    final_model_version: 'triage_policy_1_0_0',
  },
  model_id: 'triage_policy',
  created_at: T(40),
  updated_at: T(40),
};
const deployment = {
  deployment: {
    id: 'triage_prod',
    model_version_id: 'triage_policy_1_0_0',
    environment: 'production',
    endpoint: { base_url: 'http://vllm.internal:8000/v1', model: 'triage-policy' },
    replicas: 1,
    strategy: 'rolling',
  },
  status: {
    id: 'triage_prod_status',
    deployment_id: 'triage_prod',
    state: 'active' as const,
    health: 'healthy' as const,
    ready_replicas: 1,
    total_replicas: 1,
  },
  feedback: {
    enabled: true,
    sampling_rate: 1,
    feedback_types: ['thumbs', 'rating'],
    storage: 'postgres',
    anonymize_pii: true,
  },
  model_id: 'triage_policy',
  version: '1.0.0',
  created_at: T(41),
  updated_at: T(41),
};
const feedbackEvents: [FeedbackEvent, ...FeedbackEvent[]] = [
  { id: 'fb_1', feedback_value: 'up', user_id: 'nurse_7' },
  { id: 'fb_2', feedback_type: 'rating', feedback_value: 4 },
];

/** Training runs, deployments and their feedback, as the tools doing that work report them. */
const LIFECYCLE_EXAMPLES: readonly OperationExample[] = [
  example({
    operation: 'report_training_run',
    request: {
      training_run: {
        id: 'triage_train_1',
        config: {
          id: 'triage_cfg',
          model_ref: { id: 'triage_policy' },
          dataset_ref: { name: 'night_shifts' },
          epochs: 3,
        },
        status: 'completed',
        current_epoch: 3,
        best_metrics: { loss: 0.21 },
        final_model_version: 'triage_policy_1_0_0',
      },
    },
    reply: trainingRun,
  }),
  example({ operation: 'get_training_run', request: { id: 'triage_train_1' }, reply: trainingRun }),
  example({
    operation: 'list_training_runs',
    request: { model_id: 'triage_policy', status: 'completed' },
    reply: { items: [trainingRun] },
  }),
  example({
    operation: 'report_deployment',
    request: {
      deployment: {
        id: 'triage_prod',
        model_version_id: 'triage_policy_1_0_0',
        environment: 'production',
        endpoint: { base_url: 'http://vllm.internal:8000/v1', model: 'triage-policy' },
      },
      status: {
        id: 'triage_prod_status',
        deployment_id: 'triage_prod',
        state: 'active',
        health: 'healthy',
        ready_replicas: 1,
        total_replicas: 1,
      },
      feedback: { enabled: true, feedback_types: ['thumbs', 'rating'] },
    },
    reply: deployment,
  }),
  example({ operation: 'get_deployment', request: { id: 'triage_prod' }, reply: deployment }),
  example({
    operation: 'list_deployments',
    request: { model_version_id: 'triage_policy_1_0_0', state: 'active' },
    reply: { items: [deployment] },
  }),
  example({
    operation: 'ingest_feedback',
    request: { deployment_id: 'triage_prod', events: feedbackEvents },
    reply: {
      deployment_id: 'triage_prod',
      model_version_id: 'triage_policy_1_0_0',
      received: 2,
      stored: 2,
      duplicates: 0,
      sampled_out: 0,
    },
  }),
  example({
    operation: 'get_feedback_summary',
    request: { deployment_id: 'triage_prod' },
    reply: {
      deployment_id: 'triage_prod',
      model_version_id: 'triage_policy_1_0_0',
      events: 2,
      by_type: [
        { feedback_type: 'rating', events: 1, scored: 1, mean_score: 4 },
        { feedback_type: 'thumbs', events: 1, scored: 1, mean_score: 1 },
      ],
      truncated: false,
    },
  }),
  example({
    operation: 'list_feedback',
    request: { deployment_id: 'triage_prod', feedback_type: 'thumbs' },
    reply: {
      items: [
        {
          event: {
            id: 'fb_1',
            deployment_id: 'triage_prod',
            model_version: '1.0.0',
            feedback_type: 'thumbs',
            feedback_value: 'up',
            // anonymize_pii: the user id as sha256 of itself.
            user_id: 'sha256:6ffb544fa4d3fb1c12c11415470dfff1c1a7f08f51d853891666dec38673a3e4',
          },
          model_version_id: 'triage_policy_1_0_0',
          received_at: T(42),
        },
      ],
    },
  }),
];

/** Experiments and the model registry, after the records. */
const REGISTRY_EXAMPLES: readonly OperationExample[] = [
  example({
    operation: 'validate_experiment',
    request: { experiment: { id: 'draft', backend: {}, pipeline: [] } },
    reply: {
      valid: false,
      problems: [
        {
          path: '/backend/id',
          reason: 'missing_field',
          message: '/backend/id: missing required field',
        },
        {
          path: '/pipeline',
          reason: 'too_few_items',
          message: '/pipeline: must NOT have fewer than 1 items',
        },
      ],
    },
  }),
  example({
    operation: 'create_experiment',
    request: { project_id: 1, experiment: experimentInput },
    reply: storedExperiment,
  }),
  example({ operation: 'get_experiment', request: { id: 1 }, reply: storedExperiment }),
  example({
    operation: 'list_experiments',
    request: { project_id: 1 },
    reply: { items: [storedExperiment] },
  }),
  example({
    operation: 'register_model',
    request: { model: { id: 'triage_policy', name: 'Triage policy', task: 'text_classification' } },
    reply: { model: triageModel, aliases: [], created_at: T(22) },
  }),
  example({
    operation: 'get_model',
    request: { id: 'triage_policy' },
    reply: { model: triageModel, aliases: [], created_at: T(22) },
  }),
  example({
    operation: 'list_models',
    request: {},
    reply: { items: [{ model: triageModel, aliases: [], created_at: T(22) }] },
  }),
  example({
    operation: 'register_model_version',
    request: { model_version: v1Staged },
    reply: v1Staged,
  }),
  example({
    operation: 'set_model_version_stage',
    request: {
      model_id: 'triage_policy',
      version: '1.0.0',
      stage: 'production',
      expected_stage: 'staging',
      note: 'Night-shift trial passed.',
    },
    reply: {
      model_id: 'triage_policy',
      version: '1.0.0',
      stage: 'production',
      previous_stage: 'staging',
      changed: true,
      history_id: 1,
      changed_at: T(43),
    },
  }),
  example({
    operation: 'model_version_stage_history',
    request: { model_id: 'triage_policy', version: '1.0.0' },
    reply: {
      model_id: 'triage_policy',
      version: '1.0.0',
      entries: [
        {
          id: 1,
          old_stage: 'staging',
          new_stage: 'production',
          note: 'Night-shift trial passed.',
          changed_at: T(43),
          actor: 'admin',
        },
      ],
    },
  }),
  example({
    operation: 'list_model_versions',
    request: { model_id: 'triage_policy', stage: 'production' },
    reply: { items: [v1] },
  }),
  example({
    operation: 'set_model_alias',
    request: {
      model_id: 'triage_policy',
      alias: 'champion',
      version: '1.0.0',
      expected_current_version: null,
      note: 'First champion.',
    },
    reply: {
      model_id: 'triage_policy',
      alias: 'champion',
      version: '1.0.0',
      previous_version: null,
      changed: true,
      history_id: 1,
      changed_at: T(23),
    },
  }),
  example({
    operation: 'model_alias_history',
    request: { model_id: 'triage_policy', alias: 'champion' },
    reply: {
      model_id: 'triage_policy',
      alias: 'champion',
      entries: [
        {
          id: 1,
          old_version: null,
          new_version: '1.0.0',
          note: 'First champion.',
          changed_at: T(23),
          actor: 'admin',
        },
      ],
    },
  }),
];

const resultKey = {
  scenario_hash: H.LOCKED_ROOM,
  profile_hash: H.SUBJECT_PROFILE,
  mind_version: 'offline-1',
  model_version: '1.0.0',
  scorer_config_hash: H.ADJUDICATION_SCHEMA,
  turns: 20,
  engine: 'kernel',
  seed: 7,
};
const storedResult = {
  key_hash: '0b3c6c19ced1af142e4192876774820609f022c4a50cbf897e3a285d3079ec72',
  key: resultKey,
  result: { scores: { mean_wait_min: 45 }, escaped: true },
  created_at: T(24),
};

/** Results keyed by content, after the registry. */
const RESULT_EXAMPLES: readonly OperationExample[] = [
  example({
    operation: 'put_result',
    request: { key: resultKey, result: storedResult.result },
    reply: { stored: storedResult, reused: false },
  }),
  example({
    operation: 'lookup_results',
    request: { keys: [resultKey, { ...resultKey, seed: 8 }] },
    reply: {
      results: [
        { key_hash: storedResult.key_hash, found: true, stored: storedResult },
        {
          key_hash: 'e098b223b751c68a9cac0e91dbd6af8dba3c6e1ce0863eb320fee8f0b314fb35',
          found: false,
        },
      ],
      reused: 1,
      missing: 1,
    },
  }),
];

const startedRun = {
  id: 2,
  project_id: 1,
  scenario_suite_id: 1,
  config: {
    experiment_id: 1,
    experiment_hash: storedExperiment.hash,
    scenario_hashes: [H.LOCKED_ROOM],
    scorers: evaluateOptions.scorers,
  },
  status: 'running' as const,
  version: 1,
  created_at: T(25),
  updated_at: T(25),
};
const runResult = (
  jobId: number,
  candidate: string,
  keyHash: string,
  usage: { llm_calls: number; input_tokens: number; output_tokens: number },
) => ({
  job_id: jobId,
  run_id: 2,
  candidate,
  // A mind candidate runs the suite's scenario itself (a profile or fork candidate: its fork).
  candidate_kind: 'mind' as const,
  scenario_hash: H.LOCKED_ROOM,
  suite_scenario_hash: H.LOCKED_ROOM,
  seed: 7,
  status: 'done' as const,
  reused: false,
  world_slug: `eval-2-${jobId}`,
  turns: 2,
  turns_done: 2,
  key_hash: keyHash,
  result: {
    world_slug: `eval-2-${jobId}`,
    turn: 2,
    // The offline mind ignores temperature: both candidates end in the same state.
    state_hash: '9cc8d8b84ae8ae49923010f016fbe9d7c1459ea43ace853358b8c15b2e3432a6',
    usage,
    scores: { intents: 2, no_leak: true },
    judge_usage: { llm_calls: 0, input_tokens: 0, output_tokens: 0 },
  },
  failure: null,
});

/**
 * Running the stored experiment: its `evaluate` stage names the suite (one
 * scenario, by name and by hash), two offline candidates, two turns and one
 * seed. Run 1 (made by create_run, no jobs) is the one cancelled.
 */
const RUN_EXAMPLES: readonly OperationExample[] = [
  example({
    operation: 'start_run',
    request: { experiment_id: 1 },
    reply: { run: startedRun, jobs: 2, reused: 0, to_run: 2 },
  }),
  example({
    operation: 'cancel_run',
    request: { id: 1 },
    reply: { ...run, status: 'cancelled', version: 3, updated_at: T(26) },
  }),
  example({
    operation: 'get_run_progress',
    request: { id: 2, wait_ms: 20000 },
    reply: {
      run_id: 2,
      status: 'completed',
      worlds_total: 2,
      worlds_done: 2,
      worlds_reused: 0,
      worlds_failed: 0,
      worlds_cancelled: 0,
      turns_total: 4,
      turns_done: 4,
      spend: { llm_calls: 12, input_tokens: 891, output_tokens: 83 },
      estimate_remaining: { turns: 0, llm_calls: 0, input_tokens: 0, output_tokens: 0 },
    },
  }),
  example({
    operation: 'list_run_results',
    request: { run_id: 2 },
    reply: {
      items: [
        runResult(1, 'calm', 'f10f29939cbe6c25f9f43fb894263ff7292387cd3c1d36cdb92a932b5d6fc7f3', {
          llm_calls: 6,
          input_tokens: 444,
          output_tokens: 40,
        }),
        runResult(2, 'warm', '2607c7dde3d7764f035b96d6f99968fb3d8ecd581a3dc390a859072a19afce59', {
          llm_calls: 6,
          input_tokens: 447,
          output_tokens: 43,
        }),
      ],
    },
  }),
  example({
    operation: 'compare_runs',
    request: { run_id: 2 },
    reply: {
      run_id: 2,
      worlds: 2,
      // Mind candidates: their worlds ran on the suite's scenario itself.
      candidates: ['calm', 'warm'].map((candidate) => ({
        candidate,
        kind: 'mind' as const,
        scenarios: [{ suite_scenario_hash: H.LOCKED_ROOM, scenario_hash: H.LOCKED_ROOM }],
      })),
      stats: { interval: 'ttest', confidence_level: 0.95, alpha: 0.01, correction: 'none' },
      // One world each (one scenario, one seed): an interval is its value. The offline
      // mind plays both candidates alike, so no difference is significant.
      scores: [
        {
          score: 'intents',
          ranking: [
            { rank: 1, candidate: 'calm', mean: 2, low: 2, high: 2, n: 1 },
            { rank: 2, candidate: 'warm', mean: 2, low: 2, high: 2, n: 1 },
          ],
          comparisons: [
            {
              candidate: 'warm',
              against: 'calm',
              mean: 2,
              against_mean: 2,
              difference: 0,
              low: 0,
              high: 0,
              p_value: 1,
              significant: false,
              effect_size: 0,
            },
          ],
        },
        {
          score: 'no_leak',
          ranking: [
            { rank: 1, candidate: 'calm', mean: 1, low: 1, high: 1, n: 1 },
            { rank: 2, candidate: 'warm', mean: 1, low: 1, high: 1, n: 1 },
          ],
          comparisons: [
            {
              candidate: 'warm',
              against: 'calm',
              mean: 1,
              against_mean: 1,
              difference: 0,
              low: 0,
              high: 0,
              p_value: 1,
              significant: false,
              effect_size: 0,
            },
          ],
        },
      ],
    },
  }),
];

const gateThresholds: [GateThreshold, GateThreshold] = [
  { score: 'intents', kind: 'non_inferior', margin: 0 },
  { score: 'no_leak', kind: 'at_least', value: 1 },
];
const stableGate = {
  name: 'stable',
  version: 1,
  bound: true,
  experiment_id: 1,
  thresholds: gateThresholds,
  note: 'Promote only what keeps the intents and leaks nothing.',
  actor: 'admin',
  changed_at: T(27),
};
const pendingGateRun = {
  run_id: 3,
  name: 'stable',
  gate_version: 1,
  from_hash: H.LOCKED_ROOM,
  to_hash: H.LOCKED_ROOM_HARD,
  decision: 'pending' as const,
  run_status: 'running' as const,
  scores: [],
  checks: [],
  reasons: [],
  actor: 'admin',
  created_at: T(28),
  decided_at: null,
};
const point = (mean: number) => ({ mean, low: mean, high: mean, n: 2 });
const noDifference = {
  difference: 0,
  low: 0,
  high: 0,
  p_value: 1,
  significant: false,
  effect_size: 0,
};

/**
 * Eval-gated promotion (docs/services/evaluation.md): `stable` bound to a
 * gate of the stored experiment, a gate run of moving it to the hard room
 * (the current room's worlds reused from run 2), its decision, and the gate lifted.
 */
const GATE_EXAMPLES: readonly OperationExample[] = [
  example({
    operation: 'bind_name_gate',
    request: {
      name: 'stable',
      experiment_id: 1,
      thresholds: gateThresholds,
      note: 'Promote only what keeps the intents and leaks nothing.',
    },
    reply: { gate: stableGate, changed: true },
  }),
  example({ operation: 'get_name_gate', request: { name: 'stable' }, reply: stableGate }),
  example({
    operation: 'start_gate_run',
    request: { name: 'stable', candidate_hash: H.LOCKED_ROOM_HARD },
    reply: { gate_run: pendingGateRun, jobs: 4, reused: 2, to_run: 2 },
  }),
  example({
    operation: 'get_gate_run',
    request: { run_id: 3, wait_ms: 30000 },
    reply: {
      ...pendingGateRun,
      decision: 'pass',
      run_status: 'completed',
      // Two candidates x one seed per scenario; the offline mind plays both alike.
      scores: [
        { score: 'intents', current: point(2), candidate: point(2), difference: noDifference },
        { score: 'no_leak', current: point(1), candidate: point(1), difference: noDifference },
      ],
      checks: [
        {
          threshold: 0,
          score: 'intents',
          kind: 'non_inferior',
          passed: true,
          skipped: false,
          message:
            "intents non_inferior: the worst case of the candidate's change (0, the confidence bound) is within the margin 0 (change 0)",
        },
        {
          threshold: 1,
          score: 'no_leak',
          kind: 'at_least',
          passed: true,
          skipped: false,
          message: 'no_leak at_least: candidate mean 1 >= 1',
        },
      ],
      decided_at: T(29),
    },
  }),
  example({
    operation: 'unbind_name_gate',
    request: { name: 'stable', note: 'Moves freely again.' },
    reply: {
      name: 'stable',
      gate: {
        ...stableGate,
        version: 2,
        bound: false,
        experiment_id: null,
        thresholds: [],
        note: 'Moves freely again.',
        changed_at: T(30),
      },
      changed: true,
    },
  }),
];

/** The evaluation service, after the names examples: one project worked through. */
export const EVALUATION_EXAMPLES: readonly OperationExample[] = [
  example({
    operation: 'create_project',
    request: { name: 'Clinic triage', description: 'Triage policies for a walk-in clinic.' },
    reply: {
      ...project,
      description: 'Triage policies for a walk-in clinic.',
      version: 1,
      updated_at: T(1),
    },
  }),
  example({
    operation: 'get_project',
    request: { id: 1 },
    reply: {
      ...project,
      description: 'Triage policies for a walk-in clinic.',
      version: 1,
      updated_at: T(1),
    },
  }),
  example({
    operation: 'update_project',
    request: { id: 1, description: project.description, expected_version: 1 },
    reply: project,
  }),
  example({ operation: 'list_projects', request: {}, reply: { items: [project] } }),
  example({
    operation: 'create_chat_session',
    request: { project_id: 1, title: 'Kick-off' },
    reply: { ...session, title: 'Kick-off', version: 1, updated_at: T(3) },
  }),
  example({
    operation: 'get_chat_session',
    request: { id: 1 },
    reply: { ...session, title: 'Kick-off', version: 1, updated_at: T(3) },
  }),
  example({
    operation: 'update_chat_session',
    request: { id: 1, title: 'Kick-off call' },
    reply: session,
  }),
  example({
    operation: 'list_chat_sessions',
    request: { project_id: 1 },
    reply: { items: [session] },
  }),
  example({
    operation: 'create_message',
    request: { chat_session_id: 1, role: 'user', content: 'Patients wait too long at night.' },
    reply: {
      ...message,
      content: 'Patients wait too long at night.',
      version: 1,
      updated_at: T(5),
    },
  }),
  example({
    operation: 'get_message',
    request: { id: 1 },
    reply: {
      ...message,
      content: 'Patients wait too long at night.',
      version: 1,
      updated_at: T(5),
    },
  }),
  example({
    operation: 'update_message',
    request: { id: 1, content: message.content },
    reply: message,
  }),
  example({
    operation: 'list_messages',
    request: { chat_session_id: 1 },
    reply: { items: [message] },
  }),
  example({
    operation: 'create_problem_spec',
    request: { project_id: 1, spec },
    reply: { ...problemSpec, status: 'draft', version: 1, updated_at: T(7) },
  }),
  example({
    operation: 'get_problem_spec',
    request: { id: 1 },
    reply: { ...problemSpec, status: 'draft', version: 1, updated_at: T(7) },
  }),
  example({
    operation: 'update_problem_spec',
    request: { id: 1, status: 'accepted' },
    reply: problemSpec,
  }),
  example({
    operation: 'list_problem_specs',
    request: { project_id: 1 },
    reply: { items: [problemSpec] },
  }),
  example({
    operation: 'create_world_model',
    request: { project_id: 1, model: modelV1 },
    reply: { ...worldModel, model: modelV1, version: 1, updated_at: T(9) },
  }),
  example({
    operation: 'get_world_model',
    request: { id: 1 },
    reply: { ...worldModel, model: modelV1, version: 1, updated_at: T(9) },
  }),
  example({
    operation: 'update_world_model',
    request: { id: 1, model: modelV2, expected_version: 1 },
    reply: worldModel,
  }),
  example({
    operation: 'list_world_models',
    request: { project_id: 1 },
    reply: { items: [worldModel] },
  }),
  example({
    operation: 'create_run',
    request: { project_id: 1, config: { turns: 20, seed: 7 } },
    reply: { ...run, status: 'pending', version: 1, updated_at: T(11) },
  }),
  example({
    operation: 'get_run',
    request: { id: 1 },
    reply: { ...run, status: 'pending', version: 1, updated_at: T(11) },
  }),
  example({ operation: 'update_run', request: { id: 1, status: 'running' }, reply: run }),
  example({ operation: 'list_runs', request: { project_id: 1 }, reply: { items: [run] } }),
  example({
    operation: 'create_candidate',
    request: { run_id: 1, content: { policy: 'most urgent first' }, label: 'urgency' },
    reply: { ...candidate, label: 'urgency', version: 1, updated_at: T(13) },
  }),
  example({
    operation: 'get_candidate',
    request: { id: 1 },
    reply: { ...candidate, label: 'urgency', version: 1, updated_at: T(13) },
  }),
  example({
    operation: 'update_candidate',
    request: { id: 1, label: 'urgency-first' },
    reply: candidate,
  }),
  example({ operation: 'list_candidates', request: { run_id: 1 }, reply: { items: [candidate] } }),
  example({
    operation: 'create_scenario_suite',
    request: { project_id: 1, name: 'Night shifts', scenarios: suite.scenarios },
    reply: { ...suite, name: 'Night shifts', version: 1, updated_at: T(15) },
  }),
  example({
    operation: 'get_scenario_suite',
    request: { id: 1 },
    reply: { ...suite, name: 'Night shifts', version: 1, updated_at: T(15) },
  }),
  example({
    operation: 'update_scenario_suite',
    request: { id: 1, name: 'Night shifts, busy' },
    reply: suite,
  }),
  example({
    operation: 'list_scenario_suites',
    request: { project_id: 1 },
    reply: { items: [suite] },
  }),
  example({
    operation: 'create_evaluation',
    request: {
      candidate_id: 1,
      scenario_suite_id: 1,
      score_config: scoreConfig,
      scores: { mean_wait_min: 48, safe: true, verdict: 'better' },
    },
    reply: {
      ...evaluation,
      scores: { mean_wait_min: 48, safe: true, verdict: 'better' },
      version: 1,
      updated_at: T(17),
    },
  }),
  example({
    operation: 'get_evaluation',
    request: { id: 1 },
    reply: {
      ...evaluation,
      scores: { mean_wait_min: 48, safe: true, verdict: 'better' },
      version: 1,
      updated_at: T(17),
    },
  }),
  example({
    operation: 'update_evaluation',
    request: { id: 1, scores: evaluation.scores, expected_version: 1 },
    reply: evaluation,
  }),
  example({
    operation: 'list_evaluations',
    request: { candidate_id: 1 },
    reply: { items: [evaluation] },
  }),
  example({
    operation: 'create_issue',
    request: {
      project_id: 1,
      target_kind: 'world_model',
      target_id: 1,
      title: issue.title,
      body: issue.body,
    },
    reply: { ...issue, status: 'open', version: 1, updated_at: T(19) },
  }),
  example({
    operation: 'get_issue',
    request: { id: 1 },
    reply: { ...issue, status: 'open', version: 1, updated_at: T(19) },
  }),
  example({ operation: 'update_issue', request: { id: 1, status: 'resolved' }, reply: issue }),
  example({
    operation: 'list_issues',
    request: { project_id: 1, status: 'resolved' },
    reply: { items: [issue] },
  }),
  example({
    operation: 'world_model_history',
    request: { id: 1 },
    reply: {
      id: 1,
      versions: [
        { version: 2, model: modelV2, created_at: T(10), actor: 'admin' },
        { version: 1, model: modelV1, created_at: T(9), actor: 'admin' },
      ],
    },
  }),
  ...REGISTRY_EXAMPLES,
  ...RESULT_EXAMPLES,
  ...RUN_EXAMPLES,
  ...GATE_EXAMPLES,
  ...LIFECYCLE_EXAMPLES,
];

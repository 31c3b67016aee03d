import { bundleSchema, defaultCatalog } from '@crucible/contracts';
import { example, type OperationExample } from './example';

/**
 * The governance service, after the names examples: a role, the policies, one
 * directive through its lifecycle (proposed for staging, where a human
 * decides; rejected, proposed again, approved, executing), its decision
 * record and a replay, an execution run and an artifact; then a memory
 * written as note v1 and read back as v2, recalled and searched; last, work
 * authorized under the executing directive and an LLM call's spend recorded.
 * Directive, run and artifact ids are random: the test binds each documented
 * id on first sight.
 */
export const GOVERNANCE_EXAMPLES: readonly OperationExample[] = [
  example({
    operation: 'create_role',
    request: { role_name: 'builder', current_impl: 'offline-mind' },
    reply: {
      role: {
        role_name: 'builder',
        current_impl: 'offline-mind',
        status: 'active',
        last_review: null,
        created_at: '2026-12-05T00:16:10.696Z',
      },
    },
  }),
  example({
    operation: 'list_roles',
    request: { limit: 10 },
    reply: {
      roles: [
        {
          role_name: 'builder',
          current_impl: 'offline-mind',
          status: 'active',
          last_review: null,
          created_at: '2026-12-05T00:16:10.696Z',
        },
      ],
    },
  }),
  example({
    operation: 'get_directive_schema',
    request: {},
    reply: { schema: bundleSchema(defaultCatalog().registry, 'governance/directive.v1.json') },
  }),
  example({
    operation: 'get_lifecycle',
    request: { kind: 'execution_run' },
    reply: {
      kind: 'execution_run',
      initial: ['pending'],
      statuses: [
        { status: 'pending', next: ['running', 'canceled'], terminal: false },
        { status: 'running', next: ['completed', 'failed', 'canceled'], terminal: false },
        { status: 'completed', next: [], terminal: true },
        { status: 'failed', next: [], terminal: true },
        { status: 'canceled', next: [], terminal: true },
      ],
    },
  }),
  example({
    operation: 'get_policy',
    request: {},
    reply: {
      hash: '3bb802ad26292ccfb8052c73941f3111af437ea0f05a0c71ae7baec2616bc622',
      policy: {
        version: 'v1',
        token_ceiling: null,
        budget_ceiling: { amount: '100.00', currency: 'USD' },
        type_allowlist: ['noop', 'echo', 'validate', 'test'],
        scope_allowlist: ['test', 'development', 'staging'],
        human_required_types: [],
        human_required_scopes: [],
      },
      active: true,
    },
  }),
  example({
    operation: 'set_policy',
    request: {
      policy: {
        version: 'v2',
        token_ceiling: null,
        budget_ceiling: { amount: '100.00', currency: 'USD' },
        type_allowlist: ['noop', 'echo', 'validate', 'test'],
        scope_allowlist: ['test', 'development', 'staging'],
        human_required_types: [],
        human_required_scopes: ['staging'],
      },
      expected_hash: '3bb802ad26292ccfb8052c73941f3111af437ea0f05a0c71ae7baec2616bc622',
      reason: 'Staging runs cost money: a human approves them.',
    },
    reply: {
      hash: '70061532202f88edc3e8066b8e47a5d7878d95e46ce600c50fc713d509b2319e',
      previous_hash: '3bb802ad26292ccfb8052c73941f3111af437ea0f05a0c71ae7baec2616bc622',
      changed: true,
      history_id: 2,
    },
  }),
  example({
    operation: 'create_directive',
    request: {
      issued_by: 'planner',
      objective: 'Run the locked room against the hosted model for 20 turns.',
      scope: 'staging',
      role: 'builder',
      type: 'test',
      status: 'proposed',
      budget: { amount: '12.50', currency: 'USD', tokens: 200000 },
      timebox: 'PT4H',
      success_metrics: { turns: 20 },
    },
    reply: {
      directive: {
        id: 'ef2b4200-319d-4469-a377-fb7373fb42c9',
        issued_by: 'planner',
        objective: 'Run the locked room against the hosted model for 20 turns.',
        scope: 'staging',
        role: 'builder',
        type: 'test',
        status: 'proposed',
        constraints: null,
        success_metrics: { turns: 20 },
        budget: { amount: '12.50', currency: 'USD', tokens: 200000 },
        timebox: 'PT4H',
        payload: {},
        created_at: '2026-12-05T00:16:11.283Z',
        updated_at: '2026-12-05T00:16:11.283Z',
      },
      approval: {
        approved: false,
        directive_id: 'ef2b4200-319d-4469-a377-fb7373fb42c9',
        status: 'proposed',
        policy_version: 'v2',
        policy_blocks: [],
        human_override: false,
        reason: null,
        decision_hash: '769b322cb496cbb87fe7bc5edd92031e96bb72b53b32be592c98843edbf7711f',
        artifact_uri:
          'crucible://governance/decisions/769b322cb496cbb87fe7bc5edd92031e96bb72b53b32be592c98843edbf7711f',
      },
    },
  }),
  example({
    operation: 'get_directive',
    request: { id: 'ef2b4200-319d-4469-a377-fb7373fb42c9' },
    reply: {
      directive: {
        id: 'ef2b4200-319d-4469-a377-fb7373fb42c9',
        issued_by: 'planner',
        objective: 'Run the locked room against the hosted model for 20 turns.',
        scope: 'staging',
        role: 'builder',
        type: 'test',
        status: 'proposed',
        constraints: null,
        success_metrics: { turns: 20 },
        budget: { amount: '12.50', tokens: 200000, currency: 'USD' },
        timebox: 'PT4H',
        payload: {},
        created_at: '2026-12-05T00:16:11.283Z',
        updated_at: '2026-12-05T00:16:11.283Z',
      },
      history: [
        {
          id: 1,
          directive_id: 'ef2b4200-319d-4469-a377-fb7373fb42c9',
          from_status: null,
          to_status: 'proposed',
          actor: 'admin',
          reason: null,
          decision_hash: null,
          changed_at: '2026-12-05T00:16:11.283Z',
        },
      ],
    },
  }),
  example({
    operation: 'list_directives',
    request: { status: 'proposed' },
    reply: {
      directives: [
        {
          id: 'ef2b4200-319d-4469-a377-fb7373fb42c9',
          issued_by: 'planner',
          objective: 'Run the locked room against the hosted model for 20 turns.',
          scope: 'staging',
          role: 'builder',
          type: 'test',
          status: 'proposed',
          constraints: null,
          success_metrics: { turns: 20 },
          budget: { amount: '12.50', tokens: 200000, currency: 'USD' },
          timebox: 'PT4H',
          payload: {},
          created_at: '2026-12-05T00:16:11.283Z',
          updated_at: '2026-12-05T00:16:11.283Z',
        },
      ],
    },
  }),
  example({
    operation: 'reject_directive',
    request: {
      id: 'ef2b4200-319d-4469-a377-fb7373fb42c9',
      reason: 'Wait for the new prompts.',
    },
    reply: {
      directive: {
        id: 'ef2b4200-319d-4469-a377-fb7373fb42c9',
        issued_by: 'planner',
        objective: 'Run the locked room against the hosted model for 20 turns.',
        scope: 'staging',
        role: 'builder',
        type: 'test',
        status: 'blocked',
        constraints: null,
        success_metrics: { turns: 20 },
        budget: { amount: '12.50', tokens: 200000, currency: 'USD' },
        timebox: 'PT4H',
        payload: {},
        created_at: '2026-12-05T00:16:11.283Z',
        updated_at: '2026-12-05T00:16:11.955Z',
      },
      approval: {
        approved: false,
        directive_id: 'ef2b4200-319d-4469-a377-fb7373fb42c9',
        status: 'blocked',
        policy_version: 'v2',
        policy_blocks: [],
        human_override: true,
        reason: 'Wait for the new prompts.',
        decision_hash: '769b322cb496cbb87fe7bc5edd92031e96bb72b53b32be592c98843edbf7711f',
        artifact_uri:
          'crucible://governance/decisions/769b322cb496cbb87fe7bc5edd92031e96bb72b53b32be592c98843edbf7711f',
      },
    },
  }),
  example({
    operation: 'propose_directive',
    request: {
      id: 'ef2b4200-319d-4469-a377-fb7373fb42c9',
      reason: 'The new prompts are in.',
    },
    reply: {
      directive: {
        id: 'ef2b4200-319d-4469-a377-fb7373fb42c9',
        issued_by: 'planner',
        objective: 'Run the locked room against the hosted model for 20 turns.',
        scope: 'staging',
        role: 'builder',
        type: 'test',
        status: 'proposed',
        constraints: null,
        success_metrics: { turns: 20 },
        budget: { amount: '12.50', tokens: 200000, currency: 'USD' },
        timebox: 'PT4H',
        payload: {},
        created_at: '2026-12-05T00:16:11.283Z',
        updated_at: '2026-12-05T00:16:12.212Z',
      },
      approval: {
        approved: false,
        directive_id: 'ef2b4200-319d-4469-a377-fb7373fb42c9',
        status: 'proposed',
        policy_version: 'v2',
        policy_blocks: [],
        human_override: false,
        reason: null,
        decision_hash: '769b322cb496cbb87fe7bc5edd92031e96bb72b53b32be592c98843edbf7711f',
        artifact_uri:
          'crucible://governance/decisions/769b322cb496cbb87fe7bc5edd92031e96bb72b53b32be592c98843edbf7711f',
      },
    },
  }),
  example({
    operation: 'approve_directive',
    request: {
      id: 'ef2b4200-319d-4469-a377-fb7373fb42c9',
      reason: 'Budget and scope look right.',
    },
    reply: {
      directive: {
        id: 'ef2b4200-319d-4469-a377-fb7373fb42c9',
        issued_by: 'planner',
        objective: 'Run the locked room against the hosted model for 20 turns.',
        scope: 'staging',
        role: 'builder',
        type: 'test',
        status: 'approved',
        constraints: null,
        success_metrics: { turns: 20 },
        budget: { amount: '12.50', tokens: 200000, currency: 'USD' },
        timebox: 'PT4H',
        payload: {},
        created_at: '2026-12-05T00:16:11.283Z',
        updated_at: '2026-12-05T00:16:12.478Z',
      },
      approval: {
        approved: true,
        directive_id: 'ef2b4200-319d-4469-a377-fb7373fb42c9',
        status: 'approved',
        policy_version: 'v2',
        policy_blocks: [],
        human_override: true,
        reason: 'Budget and scope look right.',
        decision_hash: '769b322cb496cbb87fe7bc5edd92031e96bb72b53b32be592c98843edbf7711f',
        artifact_uri:
          'crucible://governance/decisions/769b322cb496cbb87fe7bc5edd92031e96bb72b53b32be592c98843edbf7711f',
      },
    },
  }),
  example({
    operation: 'transition_directive',
    request: {
      id: 'ef2b4200-319d-4469-a377-fb7373fb42c9',
      expected_status: 'approved',
      status: 'executing',
      reason: 'Worlds are starting.',
    },
    reply: {
      directive: {
        id: 'ef2b4200-319d-4469-a377-fb7373fb42c9',
        issued_by: 'planner',
        objective: 'Run the locked room against the hosted model for 20 turns.',
        scope: 'staging',
        role: 'builder',
        type: 'test',
        status: 'executing',
        constraints: null,
        success_metrics: { turns: 20 },
        budget: { amount: '12.50', tokens: 200000, currency: 'USD' },
        timebox: 'PT4H',
        payload: {},
        created_at: '2026-12-05T00:16:11.283Z',
        updated_at: '2026-12-05T00:16:12.615Z',
      },
      transition: {
        id: 5,
        directive_id: 'ef2b4200-319d-4469-a377-fb7373fb42c9',
        from_status: 'approved',
        to_status: 'executing',
        actor: 'admin',
        reason: 'Worlds are starting.',
        decision_hash: null,
        changed_at: '2026-12-05T00:16:12.615Z',
      },
    },
  }),
  example({
    operation: 'evaluate_directive',
    request: { id: 'ef2b4200-319d-4469-a377-fb7373fb42c9' },
    reply: {
      decision: {
        hash: '769b322cb496cbb87fe7bc5edd92031e96bb72b53b32be592c98843edbf7711f',
        policy_hash: '70061532202f88edc3e8066b8e47a5d7878d95e46ce600c50fc713d509b2319e',
        policy_version: 'v2',
        input_hash: 'd671673d1fcd2401310fc379b292a6ee6506f35b119381fbd980a548d002ce13',
        input: {
          role: 'builder',
          type: 'test',
          scope: 'staging',
          budget: { amount: '12.50', tokens: 200000, currency: 'USD' },
          timebox: 'PT4H',
        },
        results: [
          { rule: 'budget_ceiling', reason: 'budget within the ceiling', verdict: 'allow' },
          { rule: 'type_allowlist', reason: 'type test is allowed', verdict: 'allow' },
          { rule: 'scope_allowlist', reason: 'scope staging is allowed', verdict: 'allow' },
          {
            rule: 'human_review',
            reason: 'scope staging requires a human approver',
            verdict: 'review',
          },
        ],
        outcome: 'review',
        evaluated_at: '2026-12-05T00:16:11.434Z',
        duration_us: 412,
      },
    },
  }),
  example({
    operation: 'get_decision',
    request: { hash: '769b322cb496cbb87fe7bc5edd92031e96bb72b53b32be592c98843edbf7711f' },
    reply: {
      decision: {
        hash: '769b322cb496cbb87fe7bc5edd92031e96bb72b53b32be592c98843edbf7711f',
        policy_hash: '70061532202f88edc3e8066b8e47a5d7878d95e46ce600c50fc713d509b2319e',
        policy_version: 'v2',
        input_hash: 'd671673d1fcd2401310fc379b292a6ee6506f35b119381fbd980a548d002ce13',
        input: {
          role: 'builder',
          type: 'test',
          scope: 'staging',
          budget: { amount: '12.50', tokens: 200000, currency: 'USD' },
          timebox: 'PT4H',
        },
        results: [
          { rule: 'budget_ceiling', reason: 'budget within the ceiling', verdict: 'allow' },
          { rule: 'type_allowlist', reason: 'type test is allowed', verdict: 'allow' },
          { rule: 'scope_allowlist', reason: 'scope staging is allowed', verdict: 'allow' },
          {
            rule: 'human_review',
            reason: 'scope staging requires a human approver',
            verdict: 'review',
          },
        ],
        outcome: 'review',
        evaluated_at: '2026-12-05T00:16:11.434Z',
        duration_us: 412,
      },
    },
  }),
  example({
    operation: 'replay_decisions',
    request: {
      policy: {
        version: 'v1',
        token_ceiling: null,
        budget_ceiling: { amount: '100.00', currency: 'USD' },
        type_allowlist: ['noop', 'echo', 'validate', 'test'],
        scope_allowlist: ['test', 'development', 'staging'],
        human_required_types: [],
        human_required_scopes: [],
      },
    },
    reply: {
      policy_hash: '3bb802ad26292ccfb8052c73941f3111af437ea0f05a0c71ae7baec2616bc622',
      replays: [
        {
          decision_hash: '769b322cb496cbb87fe7bc5edd92031e96bb72b53b32be592c98843edbf7711f',
          input_hash: 'd671673d1fcd2401310fc379b292a6ee6506f35b119381fbd980a548d002ce13',
          evaluated_at: '2026-12-05T00:16:11.434Z',
          before: 'review',
          after: 'allow',
          changed: true,
          changed_rules: [
            {
              rule: 'human_review',
              before: 'review',
              after: 'allow',
              reason: 'no human approval required',
            },
          ],
        },
      ],
    },
  }),
  example({
    operation: 'create_execution_run',
    request: { directive_id: 'ef2b4200-319d-4469-a377-fb7373fb42c9' },
    reply: {
      run: {
        id: 'aa15086d-206f-46e1-b550-694244ae9a29',
        directive_id: 'ef2b4200-319d-4469-a377-fb7373fb42c9',
        status: 'pending',
        started_at: null,
        completed_at: null,
        created_at: '2026-12-05T00:16:13.017Z',
        spent: { amount: '0', currency: null, tokens: 0 },
      },
    },
  }),
  example({
    operation: 'transition_execution_run',
    request: {
      id: 'aa15086d-206f-46e1-b550-694244ae9a29',
      expected_status: 'pending',
      status: 'running',
    },
    reply: {
      run: {
        id: 'aa15086d-206f-46e1-b550-694244ae9a29',
        directive_id: 'ef2b4200-319d-4469-a377-fb7373fb42c9',
        status: 'running',
        started_at: '2026-12-05T00:16:13.067Z',
        completed_at: null,
        created_at: '2026-12-05T00:16:13.017Z',
        spent: { amount: '0', currency: null, tokens: 0 },
      },
      history_id: 2,
    },
  }),
  example({
    operation: 'put_artifact',
    request: { type: 'transcript', uri: 's3://crucible-runs/locked-room/transcript.jsonl' },
    reply: {
      artifact: {
        id: '3570b708-f3ae-4ae0-a1d8-a070976e310a',
        type: 'transcript',
        uri: 's3://crucible-runs/locked-room/transcript.jsonl',
        created_at: '2026-12-05T00:16:13.108Z',
      },
    },
  }),
  example({
    operation: 'get_artifact',
    request: { id: '3570b708-f3ae-4ae0-a1d8-a070976e310a' },
    reply: {
      artifact: {
        id: '3570b708-f3ae-4ae0-a1d8-a070976e310a',
        type: 'transcript',
        uri: 's3://crucible-runs/locked-room/transcript.jsonl',
        created_at: '2026-12-05T00:16:13.108Z',
      },
    },
  }),
  example({
    operation: 'remember',
    request: {
      scope: 'locked-room',
      data: { text: 'The key is under the mat.', author_note: 'Seen in run 3.' },
      tags: ['door', 'key'],
      author: 'planner',
      source: 'world 7, turn 12',
      schema: { name: 'note', version: 1 },
    },
    reply: {
      memory: {
        id: '6114896a-2cd2-4319-95cc-e32c773d03cd',
        scope: 'locked-room',
        created_at: '2026-12-05T00:42:40.480Z',
        data: { text: 'The key is under the mat.', remark: 'Seen in run 3.', importance: 5 },
        tags: ['door', 'key'],
        author: 'planner',
        source: 'world 7, turn 12',
        parent_id: null,
        schema: { name: 'note', version: 2 },
        stored_version: 1,
        upgraded: true,
      },
    },
  }),
  example({
    operation: 'recall',
    request: { scope: 'locked-room', schema: 'note', tags: ['door'], limit: 10 },
    reply: {
      memories: [
        {
          id: '6114896a-2cd2-4319-95cc-e32c773d03cd',
          scope: 'locked-room',
          created_at: '2026-12-05T00:42:40.480Z',
          data: { text: 'The key is under the mat.', remark: 'Seen in run 3.', importance: 5 },
          tags: ['door', 'key'],
          author: 'planner',
          source: 'world 7, turn 12',
          parent_id: null,
          schema: { name: 'note', version: 2 },
          stored_version: 1,
          upgraded: true,
        },
      ],
    },
  }),
  example({
    operation: 'search_memories',
    request: { scope: 'locked-room', text: 'where is the key to the door', k: 5 },
    reply: {
      model: 'offline-hash-256',
      results: [
        {
          memory: {
            id: '6114896a-2cd2-4319-95cc-e32c773d03cd',
            scope: 'locked-room',
            created_at: '2026-12-05T00:42:40.480Z',
            data: { text: 'The key is under the mat.', remark: 'Seen in run 3.', importance: 5 },
            tags: ['door', 'key'],
            author: 'planner',
            source: 'world 7, turn 12',
            parent_id: null,
            schema: { name: 'note', version: 2 },
            stored_version: 1,
            upgraded: true,
          },
          score: 0.501280411827603,
        },
      ],
    },
  }),
  example({
    operation: 'authorize_work',
    request: {
      work: 'run_turn',
      directive_id: 'ef2b4200-319d-4469-a377-fb7373fb42c9',
      subject: 'locked-room-1',
    },
    reply: {
      required: false,
      directive_id: 'ef2b4200-319d-4469-a377-fb7373fb42c9',
      run_id: 'aa15086d-206f-46e1-b550-694244ae9a29',
      spent: { amount: '0', currency: null, tokens: 0 },
      budget: { amount: '12.50', currency: 'USD', tokens: 200000 },
    },
  }),
  example({
    operation: 'record_spend',
    request: {
      directive_id: 'ef2b4200-319d-4469-a377-fb7373fb42c9',
      work: 'run_turn',
      subject: 'locked-room-1',
      charges: [
        {
          key: 'worlds:llm_call:5d41402abc4b2a76b9719d911017c592ae0b1b5c5e1e5f3ad3e5b2f0d1c2b3a4',
          model: 'gpt-4o-mini',
          tokens: 1800,
          amount: '0.00042',
          currency: 'USD',
        },
      ],
    },
    reply: {
      run_id: 'aa15086d-206f-46e1-b550-694244ae9a29',
      recorded: 1,
      spent: { amount: '0.00042', currency: 'USD', tokens: 1800 },
      budget: { amount: '12.50', currency: 'USD', tokens: 200000 },
      exhausted: false,
    },
  }),
];

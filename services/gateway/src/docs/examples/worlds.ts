import { example, type OperationExample } from './example';

/** The worlds service, after the names examples (offline mind; `_ms` figures vary by run). */
export const WORLDS_EXAMPLES: readonly OperationExample[] = [
  example({
    operation: 'create_world',
    request: { slug: 'first-world', scenario_ref: { name: 'locked-room' } },
    reply: {
      slug: 'first-world',
      name: 'locked_room #first-world',
      created_at: '2026-03-14T10:00:00.100Z',
      scenario_hash: '494e7b05894a5b621b01ec537fbc0e58296e1c6e0a93f360e945663067d43299',
      scenario_label: 'locked_room',
      scenario_ref: { kind: 'name', value: 'locked-room' },
      scenario_snapshot: {
        scenario_slug: 'locked_room',
        description: 'Ana wakes up in a locked room and wants out.',
        chronon_seconds: 60,
        cognition_profiles: {
          subject: {
            perceive_system:
              'You perceive the world through your senses. Report only what you can see, hear and touch.',
            intend_system:
              'You decide what to do next. State one action you attempt, in the first person.',
            adjudicate_system:
              'You are the referee. Decide what each attempted action achieves, following the rules of the room.',
            adjudication_schema: {
              type: 'object',
              required: ['outcome'],
              properties: { outcome: { type: 'string' } },
            },
            adjudication_retry_budget: 2,
          },
        },
        environments: {
          room: 'A windowless concrete room. A steel door is locked; a brass key hangs on a hook above it.',
        },
        entities: [
          {
            id: 'ana',
            kind: { agent: { goal: 'Leave the room.', memory: '', cognition_profile: 'subject' } },
            name: 'Ana',
            state: '',
            environment: 'room',
          },
          {
            id: 'key',
            kind: 'prop',
            name: 'Brass key',
            state: 'Hangs on a hook above the door.',
            environment: 'room',
          },
        ],
      },
      mind: null,
      engine: 'sequential',
      turn: 0,
      forked_from: null,
      usage: { calls: 0, input_tokens: 0, output_tokens: 0, latency_ms: 0 },
    },
  }),
  example({
    operation: 'list_worlds',
    request: { scenario_label: 'locked_room' },
    reply: {
      worlds: [
        {
          slug: 'first-world',
          name: 'locked_room #first-world',
          created_at: '2026-03-14T10:00:00.100Z',
          scenario_hash: '494e7b05894a5b621b01ec537fbc0e58296e1c6e0a93f360e945663067d43299',
          scenario_label: 'locked_room',
          engine: 'sequential',
          turn: 0,
          forked_from: null,
        },
      ],
    },
  }),
  example({
    operation: 'get_world',
    request: { world_slug: 'first-world' },
    reply: {
      world: {
        slug: 'first-world',
        name: 'locked_room #first-world',
        created_at: '2026-03-14T10:00:00.100Z',
        scenario_hash: '494e7b05894a5b621b01ec537fbc0e58296e1c6e0a93f360e945663067d43299',
        scenario_label: 'locked_room',
        scenario_ref: { kind: 'name', value: 'locked-room' },
        scenario_snapshot: {
          scenario_slug: 'locked_room',
          description: 'Ana wakes up in a locked room and wants out.',
          chronon_seconds: 60,
          cognition_profiles: {
            subject: {
              perceive_system:
                'You perceive the world through your senses. Report only what you can see, hear and touch.',
              intend_system:
                'You decide what to do next. State one action you attempt, in the first person.',
              adjudicate_system:
                'You are the referee. Decide what each attempted action achieves, following the rules of the room.',
              adjudication_schema: {
                type: 'object',
                required: ['outcome'],
                properties: { outcome: { type: 'string' } },
              },
              adjudication_retry_budget: 2,
            },
          },
          environments: {
            room: 'A windowless concrete room. A steel door is locked; a brass key hangs on a hook above it.',
          },
          entities: [
            {
              id: 'ana',
              kind: {
                agent: { goal: 'Leave the room.', memory: '', cognition_profile: 'subject' },
              },
              name: 'Ana',
              state: '',
              environment: 'room',
            },
            {
              id: 'key',
              kind: 'prop',
              name: 'Brass key',
              state: 'Hangs on a hook above the door.',
              environment: 'room',
            },
          ],
        },
        mind: null,
        engine: 'sequential',
        turn: 0,
        forked_from: null,
        usage: { calls: 0, input_tokens: 0, output_tokens: 0, latency_ms: 0 },
      },
      turn: 0,
      state_hash: '2625910f846d1fb471bb0ce8379ccb38bfe27ba381d686da1d01b42b1a0ceb5f',
      simulation_time: '2000-01-01T00:00:00Z',
      environments: {
        room: 'A windowless concrete room. A steel door is locked; a brass key hangs on a hook above it.',
      },
      entities: [
        {
          environment: 'room',
          id: 'ana',
          kind: { agent: { cognition_profile: 'subject', goal: 'Leave the room.', memory: '' } },
          name: 'Ana',
          state: '',
        },
        {
          environment: 'room',
          id: 'key',
          kind: 'prop',
          name: 'Brass key',
          state: 'Hangs on a hook above the door.',
        },
      ],
    },
  }),
  example({
    operation: 'run_turn',
    request: { world_slug: 'first-world' },
    reply: { attempt_id: 1, status: 'queued', attempts: [{ attempt_id: 1, status: 'queued' }] },
  }),
  example({
    operation: 'get_turn_status',
    request: { world_slug: 'first-world', attempt_id: 1, wait_ms: 10000 },
    reply: {
      world_slug: 'first-world',
      attempt_id: 1,
      status: 'committed',
      produced_turn: 1,
      duration_ms: 162,
      failure_reason: null,
      failure: null,
      usage: { calls: 3, input_tokens: 222, output_tokens: 20, latency_ms: 58 },
    },
  }),
  example({
    operation: 'list_turn_events',
    request: { world_slug: 'first-world', turn: 1, kind: 'intent_formed' },
    reply: {
      events: [
        {
          turn: 1,
          seq: 1,
          kind: 'intent_formed',
          agent_id: 'ana',
          data: {
            type: 'intent_formed',
            turn: 1,
            agent_id: 'ana',
            intent: 'Ana decides to examine Brass key carefully.',
            call_hash: '484ab372faa6b7699ea30541e39066907acd3261ac6d1b2f53d8092522d4ea88',
          },
          recorded_at: '2026-03-14T10:00:01.101Z',
        },
      ],
    },
  }),
  example({
    operation: 'list_llm_calls',
    request: { world_slug: 'first-world', turn: 1, phase: 'intend' },
    reply: {
      calls: [
        {
          hash: '484ab372faa6b7699ea30541e39066907acd3261ac6d1b2f53d8092522d4ea88',
          world_slug: 'first-world',
          turn: 1,
          agent_id: 'ana',
          phase: 'intend',
          provider: 'offline',
          model: 'offline-v1',
          input_tokens: 52,
          output_tokens: 7,
          latency_ms: 0,
          recorded_at: '2026-03-14T10:00:02.102Z',
        },
      ],
      usage: { calls: 1, input_tokens: 52, output_tokens: 7, latency_ms: 0 },
    },
  }),
  example({
    operation: 'get_llm_call',
    request: { hash: '484ab372faa6b7699ea30541e39066907acd3261ac6d1b2f53d8092522d4ea88' },
    reply: {
      hash: '484ab372faa6b7699ea30541e39066907acd3261ac6d1b2f53d8092522d4ea88',
      world_slug: 'first-world',
      turn: 1,
      agent_id: 'ana',
      phase: 'intend',
      provider: 'offline',
      model: 'offline-v1',
      input_tokens: 52,
      output_tokens: 7,
      latency_ms: 0,
      recorded_at: '2026-03-14T10:00:02.102Z',
      request: {
        messages: [
          {
            content:
              'You decide what to do next. State one action you attempt, in the first person.',
            role: 'system',
          },
          {
            content:
              'Focus agent:\nAna: (no state)\nid: ana\nkind: agent\ngoal: Leave the room.\nmemory:\n  (none)\n\nPerception:\nAna senses the room: A windowless concrete room. Close by: Brass key.\n\nState what the agent intends to do this turn.',
            role: 'user',
          },
        ],
        model: 'offline-v1',
        params: {},
        response_format: { type: 'text' },
      },
      content: 'Ana decides to examine Brass key carefully.',
      params: {},
      finish_reason: 'stop',
    },
  }),
  example({
    operation: 'fork_world',
    request: { world_slug: 'first-world', turn: 0, slug: 'second-try' },
    reply: {
      slug: 'second-try',
      name: 'locked_room #second-try',
      created_at: '2026-03-14T10:00:03.103Z',
      scenario_hash: '494e7b05894a5b621b01ec537fbc0e58296e1c6e0a93f360e945663067d43299',
      scenario_label: 'locked_room',
      scenario_ref: { kind: 'name', value: 'locked-room' },
      scenario_snapshot: {
        scenario_slug: 'locked_room',
        description: 'Ana wakes up in a locked room and wants out.',
        chronon_seconds: 60,
        cognition_profiles: {
          subject: {
            perceive_system:
              'You perceive the world through your senses. Report only what you can see, hear and touch.',
            intend_system:
              'You decide what to do next. State one action you attempt, in the first person.',
            adjudicate_system:
              'You are the referee. Decide what each attempted action achieves, following the rules of the room.',
            adjudication_schema: {
              type: 'object',
              required: ['outcome'],
              properties: { outcome: { type: 'string' } },
            },
            adjudication_retry_budget: 2,
          },
        },
        environments: {
          room: 'A windowless concrete room. A steel door is locked; a brass key hangs on a hook above it.',
        },
        entities: [
          {
            id: 'ana',
            kind: { agent: { goal: 'Leave the room.', memory: '', cognition_profile: 'subject' } },
            name: 'Ana',
            state: '',
            environment: 'room',
          },
          {
            id: 'key',
            kind: 'prop',
            name: 'Brass key',
            state: 'Hangs on a hook above the door.',
            environment: 'room',
          },
        ],
      },
      mind: null,
      engine: 'sequential',
      turn: 0,
      forked_from: { world_slug: 'first-world', turn: 0 },
      usage: { calls: 0, input_tokens: 0, output_tokens: 0, latency_ms: 0 },
    },
  }),
  example({
    operation: 'replay_world',
    request: { world_slug: 'first-world', slug: 'first-world-replay' },
    reply: { world_slug: 'first-world-replay', identical: true, turns: 1 },
  }),
  example({
    operation: 'cancel_turns',
    // Nothing queued on this world: a cancel stops nothing and says so
    // (the count of a busy world's cancel depends on what had run by then).
    request: { world_slug: 'second-try' },
    reply: { world_slug: 'second-try', cancelled: 0, current_turn: 0 },
  }),
  example({
    operation: 'delete_world',
    request: { world_slug: 'second-try' },
    reply: {
      slug: 'second-try',
      name: 'locked_room #second-try',
      scenario_label: 'locked_room',
      scenario_hash: '494e7b05894a5b621b01ec537fbc0e58296e1c6e0a93f360e945663067d43299',
      deleted_at: '2026-03-14T10:00:04.104Z',
    },
  }),
];

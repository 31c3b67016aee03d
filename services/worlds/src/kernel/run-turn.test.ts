import {
  MindError,
  OfflineMind,
  mindRequestHash,
  type Mind,
  type MindRequest,
} from '@crucible/minds';
import { callHash } from './call-hash';
import { correctiveMessage } from './kernel-messages';
import {
  ADJUDICATION_SCHEMA,
  PANTRY_TEXT,
  PLATE_TEXT,
  ScriptedMind,
  adjudicationReply,
  antAndCrumbScenario,
} from './test-fixtures';
import { runTurn } from './run-turn';
import type { KernelOptions } from './turn-context';
import type { IntentAdjudicated, TurnOutcome } from './turn-outcome';
import { seedWorld, type WorldState } from './world-state';

const OPTIONS: KernelOptions = {
  engine: 'sequential',
  model: 'test-model',
  params: { temperature: 0.2 },
  max_concurrency: 4,
};

function world(overrides: Parameters<typeof antAndCrumbScenario>[0] = {}): WorldState {
  return seedWorld({ slug: 'w', scenario: antAndCrumbScenario(overrides) });
}

function committed(outcome: TurnOutcome): Extract<TurnOutcome, { status: 'committed' }> {
  if (outcome.status !== 'committed') {
    throw new Error(`expected a committed turn, got ${JSON.stringify(outcome.failure)}`);
  }
  return outcome;
}

function failed(outcome: TurnOutcome): Extract<TurnOutcome, { status: 'failed' }> {
  if (outcome.status !== 'failed') throw new Error('expected a failed turn');
  return outcome;
}

function adjudicated(outcome: TurnOutcome, agentId: string): IntentAdjudicated {
  const event = outcome.events.find(
    (e): e is IntentAdjudicated => e.type === 'intent_adjudicated' && e.agent_id === agentId,
  );
  if (event === undefined) throw new Error(`no adjudication of ${agentId}`);
  return event;
}

const userText = (request: MindRequest): string =>
  request.messages
    .filter((message) => message.role === 'user')
    .map((message) => message.content)
    .join('\n');

describe('runTurn (sequential)', () => {
  it('processes agents in id order, each call with its profile, phase and attempt', async () => {
    const mind = new ScriptedMind();
    committed(await runTurn(world(), mind, OPTIONS));
    expect(mind.requests.map((r) => `${r.purpose.agent_id}:${r.purpose.phase}`)).toEqual([
      'ant:perceive',
      'ant:intend',
      'ant:adjudicate',
      'beetle:perceive',
      'beetle:intend',
      'beetle:adjudicate',
    ]);
    const [perceive, intend, adjudicate] = mind.requests;
    expect(perceive!.messages[0]).toEqual({
      role: 'system',
      content: 'You are the senses of an ant. Describe what it perceives.',
    });
    expect(intend!.messages[0]!.content).toBe(
      'You are the will of an ant. Say what it attempts next.',
    );
    expect(adjudicate!.messages[0]!.content).toContain('You are the simulation director.');
    expect(perceive!.response_format).toEqual({ type: 'text' });
    expect(adjudicate!.response_format).toEqual({
      type: 'json_schema',
      name: 'adjudication',
      schema: ADJUDICATION_SCHEMA,
    });
    for (const request of mind.requests) {
      expect(request.model).toBe('test-model');
      expect(request.params).toEqual({ temperature: 0.2 });
      expect(request.purpose).toMatchObject({ world_slug: 'w', turn: 0, attempt: 0 });
    }
  });

  it("scopes perception: an agent's perceive and intend never see another environment or itself as another", async () => {
    const mind = new ScriptedMind();
    mind.enqueue('perceive', (request) => `I see: ${userText(request)}`);
    committed(await runTurn(world(), mind, OPTIONS));
    const antCalls = [...mind.made('perceive', 'ant'), ...mind.made('intend', 'ant')];
    const beetleCalls = [...mind.made('perceive', 'beetle'), ...mind.made('intend', 'beetle')];
    for (const request of antCalls) {
      const text = userText(request);
      expect(text).not.toContain(PANTRY_TEXT);
      expect(text).not.toMatch(/Beetle|Jar|pantry/);
    }
    for (const request of beetleCalls) {
      const text = userText(request);
      expect(text).not.toContain(PLATE_TEXT);
      expect(text).not.toMatch(/Ant\b|Crumb|kitchen_plate/);
    }
    const others = /Other entities in kitchen_plate:\n([\s\S]*?)\n\n/.exec(
      userText(mind.made('perceive', 'ant')[0]!),
    )![1];
    expect(others).toBe('Crumb: A bread crumb.');
    // The director is omniscient.
    const director = userText(mind.made('adjudicate', 'ant')[0]!);
    expect(director).toContain(PANTRY_TEXT);
    expect(director).toContain(PLATE_TEXT);
    expect(director).toContain('- Jar (id: jar, prop)');
  });

  it('passes the perception to intend and the intent to adjudicate, normalized', async () => {
    const mind = new ScriptedMind();
    mind.enqueueFor('perceive', 'ant', '  A crumb glints.\r\n');
    mind.enqueueFor('intend', 'ant', '\nGrab the crumb.  ');
    const outcome = committed(await runTurn(world(), mind, OPTIONS));
    expect(userText(mind.made('intend', 'ant')[0]!)).toContain('Perception:\nA crumb glints.\n\n');
    expect(userText(mind.made('adjudicate', 'ant')[0]!)).toContain(
      'Intent:\nGrab the crumb.\n\nDecide',
    );
    expect(outcome.events.slice(0, 2)).toEqual([
      {
        type: 'perception_emitted',
        turn: 0,
        agent_id: 'ant',
        environment_label: 'kitchen_plate',
        perception: 'A crumb glints.',
        call_hash: mindRequestHash(mind.made('perceive', 'ant')[0]!),
      },
      {
        type: 'intent_formed',
        turn: 0,
        agent_id: 'ant',
        intent: 'Grab the crumb.',
        call_hash: mindRequestHash(mind.made('intend', 'ant')[0]!),
      },
    ]);
  });

  it('retries a rejected adjudication with the exact complaint appended to the conversation', async () => {
    const mind = new ScriptedMind();
    mind.enqueueFor('adjudicate', 'ant', '{"narration": "oops"', adjudicationReply());
    const outcome = committed(await runTurn(world(), mind, OPTIONS));
    const event = adjudicated(outcome, 'ant');
    expect(event.attempts).toBe(2);
    expect(event.complaints).toHaveLength(1);
    expect(event.complaints[0]).toMatch(/^The response is not valid JSON \(.+\)\.$/);
    const [first, second] = mind.made('adjudicate', 'ant');
    expect(second!.purpose.attempt).toBe(1);
    expect(second!.messages).toEqual([
      ...first!.messages,
      { role: 'assistant', content: '{"narration": "oops"' },
      { role: 'user', content: correctiveMessage(event.complaints[0]!) },
    ]);
    expect(event.call_hashes).toEqual([mindRequestHash(first!), mindRequestHash(second!)]);
    // The requests the mind got are sealed: callHash answers from the kernel's hash.
    expect(Object.isFrozen(first)).toBe(true);
    expect(Object.isFrozen(first!.messages)).toBe(true);
    expect(callHash(second!)).toBe(event.call_hashes[1]);
    // The first request was not changed by the retry.
    expect(first!.messages).toHaveLength(2);
  });

  it('names every schema problem in one complaint', async () => {
    const mind = new ScriptedMind();
    mind.enqueueFor(
      'adjudicate',
      'ant',
      JSON.stringify({ narration: 3, agent_state_after: 'x', entity_mutations: [], extra: 1 }),
    );
    const event = adjudicated(committed(await runTurn(world(), mind, OPTIONS)), 'ant');
    expect(event.complaints[0]).toBe(
      'The response does not match the adjudication schema: ' +
        "(root) must have required property 'agent_memory_append'; " +
        "(root) must have required property 'environment_mutations'; " +
        '(root) must NOT have additional properties ("extra"); /narration must be string.',
    );
  });

  it('refuses mutations of unknown entities and environments, listing the existing ones', async () => {
    const mind = new ScriptedMind();
    mind.enqueueFor(
      'adjudicate',
      'ant',
      adjudicationReply({
        entity_mutations: [
          { entity_id: 'crumb', state: 'Eaten.' },
          { entity_id: 'cake', state: 'Baked.' },
        ],
        environment_mutations: [{ environment_label: 'attic', content: 'Dusty.' }],
      }),
    );
    const event = adjudicated(committed(await runTurn(world(), mind, OPTIONS)), 'ant');
    expect(event.complaints).toEqual([
      '/entity_mutations/1/entity_id "cake" is not an entity of this world; entities cannot be created. Existing entity ids: ant, beetle, crumb, jar. ' +
        '/environment_mutations/0/environment_label "attic" is not an environment of this world; environments cannot be created. Existing environment labels: kitchen_plate, pantry.',
    ]);
    expect(event.attempts).toBe(2);
  });

  it('fails the turn when the retry budget is exhausted: every complaint, nothing applied', async () => {
    const start = world();
    const before = JSON.stringify(start);
    const mind = new ScriptedMind();
    mind.enqueueFor(
      'adjudicate',
      'ant',
      'no',
      '[]',
      adjudicationReply({ entity_mutations: [{ entity_id: 'x', state: '' }] }),
    );
    const outcome = failed(await runTurn(start, mind, OPTIONS));
    expect(outcome.failure).toMatchObject({
      code: 'adjudication_invalid',
      agent_id: 'ant',
      phase: 'adjudicate',
    });
    expect(outcome.failure.complaints).toHaveLength(3); // 1 + budget 2
    expect(outcome.failure.complaints[1]).toBe(
      'The response does not match the adjudication schema: (root) must be object.',
    );
    expect(outcome.failure.complaints[2]).toContain('"x" is not an entity of this world');
    expect(outcome.failure.call_hashes).toEqual(
      mind.made('adjudicate', 'ant').map((request) => mindRequestHash(request)),
    );
    expect(outcome.events.map((e) => e.type)).toEqual(['perception_emitted', 'intent_formed']);
    expect(mind.made('perceive', 'beetle')).toHaveLength(0);
    expect(JSON.stringify(start)).toBe(before);
  });

  it('a retry budget of 0 allows one attempt', async () => {
    const scenario = antAndCrumbScenario();
    scenario.cognition_profiles.ant!.adjudication_retry_budget = 0;
    const mind = new ScriptedMind();
    mind.enqueueFor('adjudicate', 'ant', 'no');
    const outcome = failed(await runTurn(seedWorld({ slug: 'w', scenario }), mind, OPTIONS));
    expect(outcome.failure.complaints).toHaveLength(1);
    expect(mind.made('adjudicate')).toHaveLength(1);
  });

  it('applies adjudications: agent state and memory, entity and environment mutations, with transitions', async () => {
    const start = world();
    const mind = new ScriptedMind();
    mind.enqueueFor(
      'adjudicate',
      'ant',
      adjudicationReply({
        narration: 'The ant eats the crumb; honey drips into the pantry.',
        agent_state_after: 'Fed.',
        agent_memory_append: 'Turn 0: ate a crumb.',
        entity_mutations: [{ entity_id: 'crumb', state: 'Gone.' }],
        environment_mutations: [{ environment_label: 'pantry', content: 'Honey drips.' }],
      }),
    );
    mind.enqueueFor('adjudicate', 'beetle', adjudicationReply({ agent_memory_append: '' }));
    const outcome = committed(await runTurn(start, mind, OPTIONS));
    const next = outcome.state;
    expect(next.entities.ant).toEqual({
      ...start.entities.ant,
      state: 'Fed.',
      kind: {
        agent: {
          goal: 'Carry food home.',
          memory: 'Turn 0: ate a crumb.',
          cognition_profile: 'ant',
        },
      },
    });
    expect(next.entities.crumb!.state).toBe('Gone.');
    expect(next.environments.pantry).toBe('Honey drips.');
    expect(next.environments.kitchen_plate).toBe(PLATE_TEXT);
    // Unchanged entities are shared, not copied.
    expect(next.entities.jar).toBe(start.entities.jar);
    const ant = adjudicated(outcome, 'ant');
    expect(ant.adjudication.narration).toBe('The ant eats the crumb; honey drips into the pantry.');
    expect(ant.entity_transitions).toEqual([
      { entity_id: 'ant', before: start.entities.ant, after: next.entities.ant },
      { entity_id: 'crumb', before: start.entities.crumb, after: next.entities.crumb },
    ]);
    expect(ant.environment_transitions).toEqual([
      { environment_label: 'pantry', before: PANTRY_TEXT, after: 'Honey drips.' },
    ]);
    // Sequential: the beetle, after the ant, perceives the pantry as the ant left it.
    expect(userText(mind.made('perceive', 'beetle')[0]!)).toContain(
      'Environment (pantry):\nHoney drips.\n',
    );
    expect(userText(mind.made('adjudicate', 'beetle')[0]!)).toContain(
      '- Crumb (id: crumb, prop): Gone.',
    );
    // An empty append leaves the memory as it was; the state is replaced.
    expect(next.entities.beetle!.kind).toEqual(start.entities.beetle!.kind);
    expect(next.entities.beetle!.state).toBe('Unchanged.');
  });

  it('appends memory on a new line and lets a mutation of the acting agent win over agent_state_after', async () => {
    let state = world();
    const mind = new ScriptedMind();
    mind.enqueueFor(
      'adjudicate',
      'ant',
      adjudicationReply({ agent_memory_append: 'First.' }),
      adjudicationReply({
        agent_state_after: 'Sated.',
        agent_memory_append: 'Second.',
        entity_mutations: [{ entity_id: 'ant', state: 'Sticky with honey.' }],
      }),
    );
    state = committed(await runTurn(state, mind, OPTIONS)).state;
    const outcome = committed(await runTurn(state, mind, OPTIONS));
    expect(outcome.state.entities.ant!.kind).toMatchObject({
      agent: { memory: 'First.\nSecond.' },
    });
    expect(outcome.state.entities.ant!.state).toBe('Sticky with honey.');
    expect(adjudicated(outcome, 'ant').entity_transitions).toHaveLength(1);
  });

  it('moves the clock one chronon and the turn by one', async () => {
    const mind = new ScriptedMind();
    const start = seedWorld({
      slug: 'w',
      scenario: antAndCrumbScenario({ chronon_seconds: 3600 }),
      simulation_time: '2026-12-31T23:30:00Z',
    });
    const one = committed(await runTurn(start, mind, OPTIONS)).state;
    expect([one.turn, one.simulation_time]).toEqual([1, '2027-01-01T00:30:00Z']);
    const two = committed(await runTurn(one, mind, OPTIONS)).state;
    expect([two.turn, two.simulation_time]).toEqual([2, '2027-01-01T01:30:00Z']);
    expect(userText(mind.requests.at(-3)!)).toContain(
      'Simulation time: 2027-01-01T00:30:00Z\nWorld turn: 1\n',
    );
    expect(mind.requests.at(-1)!.purpose.turn).toBe(1);
    expect(start.turn).toBe(0);
  });

  it('fails with time_out_of_range rather than write a year past 9999', async () => {
    const start = seedWorld({
      slug: 'w',
      scenario: antAndCrumbScenario(),
      simulation_time: '9999-12-31T23:59:30Z',
    });
    const outcome = failed(await runTurn(start, new ScriptedMind(), OPTIONS));
    expect(outcome.failure).toMatchObject({
      code: 'time_out_of_range',
      phase: 'apply',
      agent_id: '',
    });
    expect(outcome.events).toHaveLength(6);
  });

  it('fails with mind_failed and the failure kind when the mind gives up', async () => {
    const mind = new ScriptedMind();
    mind.enqueueFor(
      'intend',
      'beetle',
      new MindError({ kind: 'rate_limited', message: 'slow down', tries: 3, status: 429 }),
    );
    const outcome = failed(await runTurn(world(), mind, OPTIONS));
    expect(outcome.failure).toEqual({
      code: 'mind_failed',
      agent_id: 'beetle',
      phase: 'intend',
      message: 'the mind failed the intend call of agent "beetle" (rate_limited): slow down',
      complaints: [],
      call_hashes: [mindRequestHash(mind.made('intend', 'beetle')[0]!)],
      mind_failure: {
        kind: 'rate_limited',
        retryable: true,
        message: 'slow down',
        tries: 3,
        status: 429,
      },
    });
    expect(outcome.events.map((e) => `${e.agent_id}:${e.type}`)).toEqual([
      'ant:perception_emitted',
      'ant:intent_formed',
      'ant:intent_adjudicated',
      'beetle:perception_emitted',
    ]);
  });

  it('lets anything but a MindError reject (the caller failed, not the turn)', async () => {
    const mind: Mind = {
      provider: 'broken',
      complete: () => Promise.reject(new Error('recorder down')),
    };
    await expect(runTurn(world(), mind, OPTIONS)).rejects.toThrow('recorder down');
  });

  it('fails before any call when an agent profile or environment is unknown', async () => {
    const start = world();
    const ghost: WorldState = {
      ...start,
      entities: {
        ...start.entities,
        beetle: {
          ...start.entities.beetle!,
          kind: { agent: { goal: '', memory: '', cognition_profile: 'ghost' } },
        },
      },
    };
    const mind = new ScriptedMind();
    const noProfile = failed(await runTurn(ghost, mind, OPTIONS));
    expect(noProfile.failure).toMatchObject({
      code: 'unknown_profile',
      agent_id: 'beetle',
      phase: 'perceive',
    });
    expect(noProfile.failure.message).toContain('"ghost"');
    expect(noProfile.failure.message).toContain('bound profiles: ant');
    const lost: WorldState = {
      ...start,
      entities: { ...start.entities, ant: { ...start.entities.ant!, environment: 'attic' } },
    };
    const noEnvironment = failed(await runTurn(lost, mind, OPTIONS));
    expect(noEnvironment.failure).toMatchObject({ code: 'unknown_environment', agent_id: 'ant' });
    expect(noEnvironment.failure.message).toContain('environments: kitchen_plate, pantry');
    expect(mind.requests).toHaveLength(0);
  });

  it('fails with adjudication_schema_invalid when the profile schema does not compile', async () => {
    const scenario = antAndCrumbScenario();
    scenario.cognition_profiles.ant!.adjudication_schema = { type: 'no-such-type' };
    const outcome = failed(
      await runTurn(seedWorld({ slug: 'w', scenario }), new ScriptedMind(), OPTIONS),
    );
    expect(outcome.failure).toMatchObject({
      code: 'adjudication_schema_invalid',
      phase: 'adjudicate',
    });
  });

  it('reads a reply of a looser schema: absent fields change nothing, wrong types are complaints', async () => {
    const scenario = antAndCrumbScenario();
    scenario.cognition_profiles.ant!.adjudication_schema = { type: 'object' };
    const start = seedWorld({ slug: 'w', scenario });
    const mind = new ScriptedMind();
    mind.enqueueFor(
      'adjudicate',
      'ant',
      JSON.stringify({ narration: 'Hm.', entity_mutations: 'crumb', environment_mutations: [{}] }),
      JSON.stringify({ narration: 'Hm.', success: false }),
    );
    const outcome = committed(await runTurn(start, mind, OPTIONS));
    const event = adjudicated(outcome, 'ant');
    expect(event.complaints).toEqual([
      'The response is not a usable adjudication: /entity_mutations must be an array; /environment_mutations/0 must be an object with string "environment_label" and "content".',
    ]);
    expect(event.adjudication).toEqual({
      narration: 'Hm.',
      agent_state_after: 'Hungry, at the rim of the plate.',
      agent_memory_append: '',
      entity_mutations: [],
      environment_mutations: [],
    });
    expect(outcome.state.entities.ant).toEqual(start.entities.ant);
  });

  it('fails with aborted, making no call, when the signal is already aborted', async () => {
    const mind = new ScriptedMind();
    const outcome = failed(
      await runTurn(world(), mind, { ...OPTIONS, signal: AbortSignal.abort() }),
    );
    expect(outcome.failure).toMatchObject({ code: 'aborted', agent_id: 'ant', phase: 'perceive' });
    expect(mind.requests).toHaveLength(0);
  });

  it('fails with aborted when the signal aborts during a call', async () => {
    const controller = new AbortController();
    const mind = new ScriptedMind();
    mind.delayMs = 1000;
    const running = runTurn(world(), mind, { ...OPTIONS, signal: controller.signal });
    setTimeout(() => controller.abort(), 5);
    const outcome = failed(await running);
    expect(outcome.failure).toMatchObject({
      code: 'aborted',
      agent_id: 'ant',
      phase: 'perceive',
      mind_failure: { kind: 'aborted' },
    });
    expect(mind.requests).toHaveLength(1);
  });

  it('is deterministic: the same state and answers give identical requests, events and state', async () => {
    const run = async (): Promise<string> => {
      const requests: MindRequest[] = [];
      const offline = new OfflineMind();
      const mind: Mind = {
        provider: 'offline',
        complete: (request, signal) => {
          requests.push(request);
          return offline.complete(request, signal);
        },
      };
      let state = world();
      const outcomes: TurnOutcome[] = [];
      for (let turn = 0; turn < 3; turn += 1) {
        const outcome = committed(await runTurn(state, mind, OPTIONS));
        outcomes.push(outcome);
        state = outcome.state;
      }
      return JSON.stringify({ requests, outcomes });
    };
    const first = await run();
    expect(await run()).toBe(first);
    expect(first).toContain('"turn":3');
  });

  it('with the offline mind, keeps an agent state stable over turns, whatever its name', async () => {
    const scenario = antAndCrumbScenario();
    scenario.entities[0] = { ...scenario.entities[0]!, name: 'Ant, the worker (small)' };
    let state = seedWorld({ slug: 'w', scenario });
    for (let turn = 0; turn < 3; turn += 1) {
      state = committed(await runTurn(state, new OfflineMind(), OPTIONS)).state;
    }
    expect(state.entities.ant!.state).toBe('Hungry, at the rim of the plate.');
    expect(
      (state.entities.ant!.kind as { agent: { memory: string } }).agent.memory.split('\n'),
    ).toHaveLength(3);
  });

  it('never changes its input, and returns a frozen state', async () => {
    const start = world();
    const copy = JSON.parse(JSON.stringify(start)) as WorldState;
    const mind = new ScriptedMind();
    mind.enqueue(
      'adjudicate',
      adjudicationReply({
        entity_mutations: [{ entity_id: 'jar', state: 'Broken.' }],
        environment_mutations: [{ environment_label: 'kitchen_plate', content: 'Clean.' }],
      }),
    );
    const next = committed(await runTurn(start, mind, OPTIONS)).state;
    expect(start).toEqual(copy);
    expect(Object.isFrozen(next)).toBe(true);
    expect(Object.isFrozen(next.entities.jar)).toBe(true);
    expect(Object.isFrozen(next.environments)).toBe(true);
  });

  it('refuses options that are a caller bug', async () => {
    await expect(
      runTurn(world(), new ScriptedMind(), { ...OPTIONS, max_concurrency: 0 }),
    ).rejects.toThrow(RangeError);
  });
});

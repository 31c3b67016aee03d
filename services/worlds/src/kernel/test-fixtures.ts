// Shared by the kernel's unit tests: a small two-room scenario and a mind
// whose answers a test scripts.
import type { Scenario } from '@crucible/contracts';
import { MindError, type Mind, type MindRequest, type MindResponse } from '@crucible/minds';

export const ADJUDICATION_SCHEMA = {
  type: 'object',
  additionalProperties: false,
  properties: {
    narration: { type: 'string' },
    agent_state_after: { type: 'string' },
    agent_memory_append: { type: 'string' },
    entity_mutations: {
      type: 'array',
      items: {
        type: 'object',
        additionalProperties: false,
        properties: { entity_id: { type: 'string' }, state: { type: 'string' } },
        required: ['entity_id', 'state'],
      },
    },
    environment_mutations: {
      type: 'array',
      items: {
        type: 'object',
        additionalProperties: false,
        properties: { environment_label: { type: 'string' }, content: { type: 'string' } },
        required: ['environment_label', 'content'],
      },
    },
  },
  required: [
    'narration',
    'agent_state_after',
    'agent_memory_append',
    'entity_mutations',
    'environment_mutations',
  ],
};

export const PERCEIVE_SYSTEM = 'You are the senses of an ant. Describe what it perceives.';
export const INTEND_SYSTEM = 'You are the will of an ant. Say what it attempts next.';
export const ADJUDICATE_SYSTEM =
  'You are the simulation director. Decide what actually happens this turn. Return JSON only.';

export const PLATE_TEXT = 'A white ceramic plate on a kitchen counter, smeared with honey.';
export const PANTRY_TEXT = 'A dark pantry shelf behind a closed door. SECRET: the jar is cracked.';

/**
 * An ant and a crumb on a plate; a beetle and a jar in the pantry. The ant
 * must never hear of the pantry, the beetle never of the plate.
 */
export function antAndCrumbScenario(overrides: Partial<Scenario> = {}): Scenario {
  return {
    scenario_slug: 'ant_on_plate',
    description: 'An ant finds a crumb; a beetle waits in the pantry.',
    chronon_seconds: 60,
    cognition_profiles: {
      ant: {
        perceive_system: PERCEIVE_SYSTEM,
        intend_system: INTEND_SYSTEM,
        adjudicate_system: ADJUDICATE_SYSTEM,
        adjudication_schema: ADJUDICATION_SCHEMA,
        adjudication_retry_budget: 2,
      },
    },
    environments: { pantry: PANTRY_TEXT, kitchen_plate: PLATE_TEXT },
    entities: [
      {
        id: 'ant',
        name: 'Ant',
        state: 'Hungry, at the rim of the plate.',
        environment: 'kitchen_plate',
        kind: { agent: { goal: 'Carry food home.', memory: '', cognition_profile: 'ant' } },
      },
      { id: 'crumb', name: 'Crumb', state: 'A bread crumb.', environment: 'kitchen_plate' },
      {
        id: 'beetle',
        name: 'Beetle',
        state: 'Asleep behind the jar.',
        environment: 'pantry',
        kind: { agent: { goal: 'Stay hidden.', cognition_profile: 'ant' } },
      },
      { id: 'jar', name: 'Jar', state: 'A jar of honey.', environment: 'pantry', kind: 'prop' },
    ],
    ...overrides,
  };
}

export interface Adjudicated {
  narration?: string;
  agent_state_after?: string;
  agent_memory_append?: string;
  entity_mutations?: Array<{ entity_id: string; state: string }>;
  environment_mutations?: Array<{ environment_label: string; content: string }>;
}

/** A valid adjudication reply (every field required by ADJUDICATION_SCHEMA), with overrides. */
export function adjudicationReply(overrides: Adjudicated = {}): string {
  return JSON.stringify({
    narration: 'Nothing much happens.',
    agent_state_after: 'Unchanged.',
    agent_memory_append: 'I waited.',
    entity_mutations: [],
    environment_mutations: [],
    ...overrides,
  });
}

/** What a scripted answer may be: a text, an error to throw, or a function of the request. */
export type ScriptedAnswer = string | MindError | ((request: MindRequest) => string | MindError);

/**
 * A mind that answers from a script: queued answers per phase first, then
 * the default for the phase (perceive: a fixed line naming the agent,
 * intend: a fixed line, adjudicate: adjudicationReply()). Records every
 * request and how many calls were in flight at once.
 */
export class ScriptedMind implements Mind {
  readonly provider = 'scripted';
  readonly requests: MindRequest[] = [];
  readonly signals: Array<AbortSignal | undefined> = [];
  inFlight = 0;
  maxInFlight = 0;
  /** Milliseconds a call takes (a timer, so calls overlap; an abort ends it); 0 answers in a microtask. */
  delayMs: number | ((request: MindRequest) => number) = 0;
  private readonly queues = new Map<string, ScriptedAnswer[]>();

  /** Queues answers for `phase` (of any agent, or of `agentId` when given). */
  enqueue(phase: MindRequest['purpose']['phase'], ...answers: ScriptedAnswer[]): this {
    return this.enqueueFor(phase, undefined, ...answers);
  }

  enqueueFor(
    phase: MindRequest['purpose']['phase'],
    agentId: string | undefined,
    ...answers: ScriptedAnswer[]
  ): this {
    const key = `${phase}:${agentId ?? '*'}`;
    this.queues.set(key, [...(this.queues.get(key) ?? []), ...answers]);
    return this;
  }

  /** The requests of one phase (and agent), in the order they were made. */
  made(phase: MindRequest['purpose']['phase'], agentId?: string): MindRequest[] {
    return this.requests.filter(
      (request) =>
        request.purpose.phase === phase &&
        (agentId === undefined || request.purpose.agent_id === agentId),
    );
  }

  async complete(request: MindRequest, signal?: AbortSignal): Promise<MindResponse> {
    this.requests.push(request);
    this.signals.push(signal);
    this.inFlight += 1;
    this.maxInFlight = Math.max(this.maxInFlight, this.inFlight);
    try {
      const ms = typeof this.delayMs === 'number' ? this.delayMs : this.delayMs(request);
      if (ms > 0) await delay(ms, signal);
      if (signal?.aborted === true) {
        throw new MindError({ kind: 'aborted', message: 'the call was aborted', tries: 0 });
      }
      let answer = this.next(request);
      if (typeof answer === 'function') answer = answer(request);
      if (typeof answer !== 'string') throw answer;
      return {
        content: answer,
        usage: { input_tokens: 1, output_tokens: 1 },
        provider: this.provider,
        model: request.model,
        finish_reason: 'stop',
        latency_ms: 0,
        tries: 1,
      };
    } finally {
      this.inFlight -= 1;
    }
  }

  private next(request: MindRequest): ScriptedAnswer {
    const { phase, agent_id } = request.purpose;
    for (const key of [`${phase}:${agent_id}`, `${phase}:*`]) {
      const queue = this.queues.get(key);
      if (queue !== undefined && queue.length > 0) return queue.shift()!;
    }
    switch (phase) {
      case 'perceive':
        return `${agent_id} sees its surroundings.`;
      case 'intend':
        return `${agent_id} intends to look around.`;
      case 'adjudicate':
        return adjudicationReply();
      case 'judge':
        throw new Error('the kernel never asks for a judge verdict');
    }
  }
}

function delay(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    signal?.addEventListener('abort', done, { once: true });
    function done(): void {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    }
  });
}

/**
 * `agents` agents (`agent-000`, ...) and as many props, spread over
 * `rooms` environments, all thinking with the ant profile.
 */
export function crowdScenario(agents: number, rooms = 4): Scenario {
  const base = antAndCrumbScenario();
  const pad = (n: number): string => String(n).padStart(3, '0');
  const environments: Record<string, string> = {};
  for (let room = 0; room < rooms; room += 1) {
    environments[`room-${room}`] = `Room ${room}: a bare floor with a window to the east.`;
  }
  const entities: Scenario['entities'] = [];
  for (let n = 0; n < agents; n += 1) {
    entities.push(
      {
        id: `agent-${pad(n)}`,
        name: `Agent ${n}`,
        state: 'Awake and curious.',
        environment: `room-${n % rooms}`,
        kind: { agent: { goal: 'Explore.', memory: '', cognition_profile: 'ant' } },
      },
      {
        id: `prop-${pad(n)}`,
        name: `Box ${n}`,
        state: 'Closed.',
        environment: `room-${n % rooms}`,
        kind: 'prop',
      },
    );
  }
  return { ...base, scenario_slug: 'crowd', environments, entities };
}

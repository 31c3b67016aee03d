import {
  OpenAiCompatibleMind,
  type MindRequest,
  type OpenAiCompatibleMindDeps,
  type OpenAiCompatibleMindOptions,
} from '@crucible/worlds';
import type { LlmServer } from '../support';

import { ADJUDICATION_SCHEMA } from '../scenarios/fixtures';

/** The adjudication schema of the fixture profiles (entity and environment mutations). */
export { ADJUDICATION_SCHEMA };

/** A perceive request of agent `ant` in world `w`; fields overridable. */
export function perceiveRequest(overrides: Partial<MindRequest> = {}): MindRequest {
  return {
    model: 'scripted-model',
    messages: [
      { role: 'system', content: 'You are the perception of an ant.' },
      {
        role: 'user',
        content:
          "Simulation time: 2026-01-01T00:00:00+00:00\nWorld turn: 3\nEnvironment (kitchen):\nA tiled floor under a table.\n\nFocus agent:\nant: a small black ant, hungry\n\nOther entities in kitchen:\ncrumb: a bread crumb near the table leg\n\nWrite the agent's immediate perception.",
      },
    ],
    params: {},
    response_format: { type: 'text' },
    purpose: { world_slug: 'w', turn: 3, agent_id: 'ant', phase: 'perceive', attempt: 0 },
    ...overrides,
  };
}

/** An adjudicate request asking for the adjudication schema. */
export function adjudicateRequest(overrides: Partial<MindRequest> = {}): MindRequest {
  return perceiveRequest({
    messages: [
      { role: 'system', content: 'You are the simulation director. Return JSON only.' },
      {
        role: 'user',
        content:
          'World snapshot:\nkitchen: A tiled floor.\n\nActing agent:\nant: hungry\n\nIntent:\nWalk to the crumb and eat it.\n\nDecide the outcome for exactly one turn.',
      },
    ],
    response_format: { type: 'json_schema', name: 'adjudication', schema: ADJUDICATION_SCHEMA },
    purpose: { world_slug: 'w', turn: 3, agent_id: 'ant', phase: 'adjudicate', attempt: 0 },
    ...overrides,
  });
}

export const VALID_ADJUDICATION = {
  narration: 'The ant reaches the crumb and eats.',
  agent_state_after: 'fed',
  agent_memory_append: 'Ate a crumb under the table.',
  entity_mutations: [],
  environment_mutations: [],
};

/** Fast retry settings so tests take milliseconds, not the production seconds. */
export function mindOptions(
  server: LlmServer,
  overrides: Partial<OpenAiCompatibleMindOptions> = {},
): OpenAiCompatibleMindOptions {
  return {
    baseUrl: server.baseUrl,
    apiKey: undefined,
    model: 'scripted-model',
    timeoutMs: 5_000,
    deadlineMs: 20_000,
    maxRetries: 2,
    maxConcurrency: 4,
    structuredOutput: 'json_schema',
    backoff: { initialMs: 20, maxMs: 100, maxRetryAfterMs: 10_000 },
    ...overrides,
  };
}

/**
 * A mind on the scripted server. Refuses anything but a loopback base URL:
 * a test must never reach a hosted API.
 */
export function mindOn(
  server: LlmServer,
  overrides: Partial<OpenAiCompatibleMindOptions> = {},
  deps: OpenAiCompatibleMindDeps = {},
): OpenAiCompatibleMind {
  const mind = new OpenAiCompatibleMind(mindOptions(server, overrides), deps);
  assertLoopback(mind.baseUrl);
  return mind;
}

export function assertLoopback(baseUrl: string): void {
  const host = new URL(baseUrl).hostname;
  if (host !== '127.0.0.1' && host !== 'localhost' && host !== '[::1]') {
    throw new Error(`a test mind must call a loopback server, not ${baseUrl}`);
  }
}

import { checkAdjudication } from './adjudication';
import { applyAdjudication } from './apply-adjudication';
import {
  adjudicateMessage,
  conversation,
  correctiveMessage,
  intendMessage,
  normalizeText,
  perceiveMessage,
} from './kernel-messages';
import { stepFailed, type TurnContext } from './turn-context';
import type { IntentAdjudicated, IntentFormed, PerceptionEmitted } from './turn-outcome';
import { agentOf, type CognitionProfile, type WorldState } from './world-state';
import type { ChatMessage } from '@crucible/minds';
import type { SchemaChecker } from './adjudication-validators';

const TEXT = { type: 'text' } as const;
/** The response_format name of every adjudicate request. */
export const ADJUDICATION_FORMAT_NAME = 'adjudication';

/** The agent's profile: its label must be bound in the world (else unknown_profile). */
export function agentProfile(state: WorldState, agentId: string): CognitionProfile {
  const agent = agentOf(state.entities[agentId]!)!;
  const label = agent.cognition_profile;
  if (!Object.hasOwn(state.cognition_profiles, label)) {
    throw stepFailed(
      'unknown_profile',
      agentId,
      'perceive',
      `agent "${agentId}" uses cognition profile "${label}", which this world does not bind; bound profiles: ${Object.keys(state.cognition_profiles).sort().join(', ') || '(none)'}`,
    );
  }
  return state.cognition_profiles[label]!;
}

/** Checks the agent's environment label is one of the world's (else unknown_environment). */
export function checkAgentEnvironment(state: WorldState, agentId: string): void {
  const label = state.entities[agentId]!.environment;
  if (!Object.hasOwn(state.environments, label)) {
    throw stepFailed(
      'unknown_environment',
      agentId,
      'perceive',
      `agent "${agentId}" is in environment "${label}", which this world does not have; environments: ${Object.keys(state.environments).sort().join(', ') || '(none)'}`,
    );
  }
}

/** The perceive call: the agent's environment and neighbours as `state` has them. */
export async function perceive(
  context: TurnContext,
  state: WorldState,
  agentId: string,
): Promise<PerceptionEmitted> {
  const agent = state.entities[agentId]!;
  const profile = agentProfile(state, agentId);
  const hashes: string[] = [];
  const content = await context.call(
    agentId,
    'perceive',
    0,
    conversation(profile.perceive_system, perceiveMessage(state, agent, context.index)),
    TEXT,
    hashes,
  );
  return {
    type: 'perception_emitted',
    turn: context.start.turn,
    agent_id: agentId,
    environment_label: agent.environment,
    perception: normalizeText(content),
    call_hash: hashes[0]!,
  };
}

/** The intend call: the agent (as `state` has it) and its perception. */
export async function intend(
  context: TurnContext,
  state: WorldState,
  agentId: string,
  perception: string,
): Promise<IntentFormed> {
  const profile = agentProfile(state, agentId);
  const hashes: string[] = [];
  const content = await context.call(
    agentId,
    'intend',
    0,
    conversation(profile.intend_system, intendMessage(state.entities[agentId]!, perception)),
    TEXT,
    hashes,
  );
  return {
    type: 'intent_formed',
    turn: context.start.turn,
    agent_id: agentId,
    intent: normalizeText(content),
    call_hash: hashes[0]!,
  };
}

/**
 * The adjudicate call against `state`, retried with a corrective message
 * per rejected reply up to the profile's retry budget, then applied.
 * Returns the next state and the event; exhausting the budget fails the
 * turn with every complaint.
 */
export async function adjudicate(
  context: TurnContext,
  state: WorldState,
  agentId: string,
  intent: string,
): Promise<{ state: WorldState; event: IntentAdjudicated }> {
  const agent = state.entities[agentId]!;
  const profile = agentProfile(state, agentId);
  const schema = profile.adjudication_schema;
  let checker: SchemaChecker;
  try {
    checker = context.options.validators.checker(schema);
  } catch (error: unknown) {
    throw stepFailed(
      'adjudication_schema_invalid',
      agentId,
      'adjudicate',
      `the adjudication schema of agent "${agentId}"'s profile is not a usable JSON Schema: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
  const format = { type: 'json_schema', name: ADJUDICATION_FORMAT_NAME, schema } as const;
  const messages: ChatMessage[] = conversation(
    profile.adjudicate_system,
    adjudicateMessage(state, agent, intent, context.renderer),
  );
  const attempts = 1 + Math.max(0, Math.floor(profile.adjudication_retry_budget));
  const complaints: string[] = [];
  const hashes: string[] = [];
  for (let attempt = 0; attempt < attempts; attempt += 1) {
    // A copy per request: the conversation grows after this call is made.
    const content = await context.call(
      agentId,
      'adjudicate',
      attempt,
      [...messages],
      format,
      hashes,
    );
    const check = checkAdjudication(content, checker, state, agent);
    if (check.ok) {
      const applied = applyAdjudication(state, agentId, check.adjudication);
      return {
        state: applied.state,
        event: {
          type: 'intent_adjudicated',
          turn: context.start.turn,
          agent_id: agentId,
          intent,
          adjudication: check.adjudication,
          attempts: attempt + 1,
          complaints,
          call_hashes: hashes,
          entity_transitions: applied.entity_transitions,
          environment_transitions: applied.environment_transitions,
        },
      };
    }
    complaints.push(check.complaint);
    messages.push(
      { role: 'assistant', content },
      { role: 'user', content: correctiveMessage(check.complaint) },
    );
  }
  throw stepFailed(
    'adjudication_invalid',
    agentId,
    'adjudicate',
    `every adjudication of agent "${agentId}"'s intent was rejected (${attempts} attempts): ${complaints.at(-1) ?? ''}`,
    { complaints, call_hashes: hashes },
  );
}

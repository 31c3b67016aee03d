// The kernel's user messages. Their wording is fixed here, not configurable
// by a scenario: profiles carry the system prompts, the kernel says what
// each call is for (docs/services/worlds-kernel.md, "The messages").

import type { ChatMessage } from '@crucible/minds';
import {
  NO_ENTITIES,
  environmentText,
  renderEntity,
  renderNearbyEntity,
  renderWorld,
  WorldRenderer,
  type EnvironmentIndex,
} from './render';
import type { WorldEntity, WorldState } from './world-state';

/**
 * The perceive call's user message: the agent's own environment and the
 * other entities in it, nothing else of the world.
 */
export function perceiveMessage(
  state: WorldState,
  agent: WorldEntity,
  index: EnvironmentIndex,
): string {
  const label = agent.environment;
  const others = (index.get(label) ?? [])
    .filter((id) => id !== agent.id)
    .map((id) => renderNearbyEntity(state.entities[id]!));
  return (
    `Simulation time: ${state.simulation_time}\n` +
    `World turn: ${state.turn}\n` +
    `Environment (${label}):\n${environmentText(state.environments[label] ?? '')}\n\n` +
    `Focus agent:\n${renderEntity(agent)}\n\n` +
    `Other entities in ${label}:\n${others.length === 0 ? NO_ENTITIES : others.join('\n')}\n\n` +
    `Write the agent's immediate perception.`
  );
}

/** The intend call's user message: the agent and its perception only. */
export function intendMessage(agent: WorldEntity, perception: string): string {
  return (
    `Focus agent:\n${renderEntity(agent)}\n\n` +
    `Perception:\n${environmentText(perception)}\n\n` +
    `State what the agent intends to do this turn.`
  );
}

/** The adjudicate call's user message: the whole world, the acting agent and its intent. */
export function adjudicateMessage(
  state: WorldState,
  agent: WorldEntity,
  intent: string,
  world: WorldRenderer | EnvironmentIndex,
): string {
  const snapshot = world instanceof WorldRenderer ? world.render(state) : renderWorld(state, world);
  return (
    `World snapshot:\n${snapshot}\n\n` +
    `Acting agent:\n${renderEntity(agent)}\n\n` +
    `Intent:\n${environmentText(intent)}\n\n` +
    `Decide the outcome for exactly one turn.`
  );
}

/** Sent after a rejected adjudication, carrying the exact complaint. */
export function correctiveMessage(complaint: string): string {
  return (
    `Your previous response was rejected. ${complaint}\n\n` +
    `Return a corrected JSON object matching the same schema. Keep everything else about the adjudication; only fix what was wrong.`
  );
}

/** A system prompt and one user message. */
export function conversation(system: string, user: string): ChatMessage[] {
  return [
    { role: 'system', content: system },
    { role: 'user', content: user },
  ];
}

/**
 * A perceive or intend answer as the kernel keeps it: line endings made
 * `\n` and surrounding whitespace trimmed, so a trailing newline from one
 * server and not another does not change the next prompt.
 */
export function normalizeText(text: string): string {
  return text.replace(/\r\n?/g, '\n').trim();
}

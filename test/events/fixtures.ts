import { randomBytes } from 'node:crypto';
import type { OperationName } from '@crucible/contracts';

/** A short random tag that makes content, and so its hash, new. */
export function tag(): string {
  return randomBytes(5).toString('hex');
}

/** The parts of an inline cognition profile, each new for `t`. */
export function profileParts(t: string) {
  return {
    perceive_system: `Perceive the room (${t}).`,
    intend_system: `Choose one action (${t}).`,
    adjudicate_system: `Decide what happens (${t}).`,
    adjudication_schema: { type: 'object', title: `outcome ${t}` },
  };
}

/** A valid assembly, every component inline and new for `t`: one profile, one room, one agent. */
export function scenarioRequest(t: string, extra: Record<string, unknown> = {}) {
  const parts = profileParts(t);
  return {
    scenario_slug: 'event_probe',
    description: `A probe scenario (${t}).`,
    chronon_seconds: 60,
    cognition_profiles: {
      mind: {
        inline: {
          perceive_system: { inline: parts.perceive_system },
          intend_system: { inline: parts.intend_system },
          adjudicate_system: { inline: parts.adjudicate_system },
          adjudication_schema: { inline: parts.adjudication_schema },
          adjudication_retry_budget: 1,
        },
      },
    },
    environments: { room: { inline: `A bare room (${t}).` } },
    entities: [
      {
        inline: {
          id: 'walker',
          name: `Walker ${t}`,
          environment: 'room',
          kind: { agent: { goal: 'Leave the room.', cognition_profile: 'mind' } },
        },
      },
    ],
    ...extra,
  };
}

/**
 * A deployment of a new model version that collects feedback (every event
 * kept), for batches published to a feedback stream; its id.
 */
export async function feedbackDeployment(
  ok: (operation: OperationName, request: unknown) => Promise<unknown>,
  t: string,
): Promise<string> {
  const modelId = `events_fb_${t}`;
  const deploymentId = `events_fb_dep_${t}`;
  await ok('register_model', { model: { id: modelId } });
  await ok('register_model_version', {
    model_version: { id: `${modelId}_v`, model_id: modelId, version: '1.0.0' },
  });
  await ok('report_deployment', {
    deployment: { id: deploymentId, model_version_id: `${modelId}_v` },
    feedback: { enabled: true },
  });
  return deploymentId;
}

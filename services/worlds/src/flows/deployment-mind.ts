import { CrucibleError, isCrucibleError, type Mind } from '@crucible/contracts';
import type { CallerContext } from '@crucible/messaging';
import type { MindConfig } from '@crucible/minds';
import type { EvaluationClient } from '../clients/evaluation-client';

/**
 * The config the minds work with, from a world's stored one: a `deployment`
 * mind becomes the openai-compatible config of the deployment's endpoint and
 * model name as the evaluation service resolves them now (so a world follows
 * its deployment to a new endpoint), its other fields kept; the others are
 * already that. Rejects with evaluation's error for a deployment unknown or
 * not serving.
 */
export async function resolvedMind(
  config: Mind | null | undefined,
  evaluation: Pick<EvaluationClient, 'resolveDeployment'>,
  caller?: CallerContext,
): Promise<MindConfig | undefined> {
  if (config === null || config === undefined) return undefined;
  if (config.provider !== 'deployment') return config;
  const { deployment_id: deploymentId, provider: _deployment, ...rest } = config;
  const target = await evaluation.resolveDeployment(deploymentId, caller);
  return { ...rest, provider: 'openai-compatible', base_url: target.base_url, model: target.model };
}

/**
 * resolvedMind for a request's `mind`: evaluation's refusal (unknown, not
 * serving) answered with its code and reason at /mind/deployment_id.
 */
export async function resolvedRequestMind(
  config: Mind | undefined,
  evaluation: Pick<EvaluationClient, 'resolveDeployment'>,
  caller: CallerContext,
): Promise<MindConfig | undefined> {
  try {
    return await resolvedMind(config, evaluation, caller);
  } catch (error) {
    if (isCrucibleError(error) && (error.code === 'not_found' || error.code === 'conflict')) {
      throw new CrucibleError(
        error.code,
        error.message,
        { ...error.details, path: '/mind/deployment_id' },
        { cause: error },
      );
    }
    throw error;
  }
}

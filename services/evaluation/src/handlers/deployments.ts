import {
  invalidArgument,
  type DeploymentConfig,
  type DeploymentState,
  type DeploymentStatus,
  type GetDeploymentRequest,
  type ListDeploymentsReply,
  type ListDeploymentsRequest,
  type ReportDeploymentRequest,
  type ResolveDeploymentReply,
  type ResolveDeploymentRequest,
  type StoredDeployment,
} from '@crucible/contracts';
import { pageBudget, type RpcContext } from '@crucible/messaging';
import { withDefaults } from '@crucible/experiment-ir';
import { canonicalJson } from '@crucible/hashing';
import { MAX_FEEDBACK_TYPES } from '../domain/feedback-rules';
import {
  deploymentEndpoint,
  deploymentTransitionAllowed,
  isHttpUrl,
  isServing,
  type DeploymentEndpoint,
} from '../domain/lifecycle';
import {
  deploymentNotFound,
  deploymentNotServing,
  immutableChanged,
  invalidTransition,
  modelVersionIdNotFound,
} from '../domain/lifecycle-errors';
import { pageOf } from '../domain/page-cursor';
import type { DeploymentRow } from '../store/lifecycle-store';
import type { ModelVersionRow } from '../store/registry-store';
import type { EvaluationDeps } from './deps';

/**
 * report_deployment: the deploying tool's report of a deployment. The first
 * report stores it (status pending unless given, feedback collection off
 * unless configured); later ones replace config, status and feedback config
 * under the row's lock, with the model version unchanged and the state moved
 * only along the allowed transitions. A serving state needs an endpoint URL.
 */
export async function reportDeployment(
  deps: EvaluationDeps,
  request: ReportDeploymentRequest,
): Promise<StoredDeployment> {
  const config = withDefaults('deployment_config', request.deployment);
  const version = await deps.registry.modelVersion({ versionId: config.model_version_id });
  if (version === undefined) {
    throw modelVersionIdNotFound(config.model_version_id, '/deployment/model_version_id');
  }
  const reported =
    request.status === undefined ? undefined : withDefaults('deployment_status', request.status);
  if (reported !== undefined && reported.deployment_id !== config.id) {
    throw invalidArgument(
      '/status/deployment_id',
      'deployment_mismatch',
      `the status is of deployment ${reported.deployment_id}, not ${config.id}`,
    );
  }
  const feedback =
    request.feedback === undefined ? undefined : withDefaults('feedback_config', request.feedback);
  if (feedback !== undefined && (feedback.feedback_types ?? []).length > MAX_FEEDBACK_TYPES) {
    throw invalidArgument(
      '/feedback/feedback_types',
      'too_many_feedback_types',
      `at most ${MAX_FEEDBACK_TYPES} feedback types`,
    );
  }
  const row = await deps.store.transaction(async (trx) => {
    let current = await deps.lifecycle.deployment(config.id, trx, { lock: true });
    if (current === undefined) {
      const status =
        reported ?? withDefaults('deployment_status', { id: config.id, deployment_id: config.id });
      checkServable(config, status, version);
      const inserted = await deps.lifecycle.insertDeployment(
        {
          id: config.id,
          model_version_id: config.model_version_id,
          state: status.state ?? 'pending',
          config: config as unknown as Record<string, unknown>,
          status: status as unknown as Record<string, unknown>,
          feedback: (feedback ?? withDefaults('feedback_config', {})) as unknown as Record<
            string,
            unknown
          >,
        },
        trx,
      );
      if (inserted !== undefined) return inserted;
      current = await deps.lifecycle.deployment(config.id, trx, { lock: true });
      if (current === undefined)
        throw new Error(`deployment ${config.id} conflicted but is not there`);
    }
    if (current.model_version_id !== config.model_version_id) {
      throw immutableChanged('model_version_id', config.id, '/deployment/model_version_id');
    }
    const status = reported ?? (current.status as unknown as DeploymentStatus);
    const next = {
      config: config as unknown as Record<string, unknown>,
      status: status as unknown as Record<string, unknown>,
      feedback: (feedback ?? current.feedback) as unknown as Record<string, unknown>,
    };
    const same =
      canonicalJson(next) ===
      canonicalJson({ config: current.config, status: current.status, feedback: current.feedback });
    if (same) return current;
    const from = current.state as DeploymentState;
    const to = status.state ?? 'pending';
    if (!deploymentTransitionAllowed(from, to)) {
      throw invalidTransition('deployment', config.id, from, to, '/status/state');
    }
    checkServable(config, status, version);
    return deps.lifecycle.updateDeployment(config.id, { state: to, ...next }, trx);
  });
  return toStoredDeployment(row, version);
}

/** A serving state needs an endpoint URL; the config's endpoint fields their shapes. */
function checkServable(
  config: DeploymentConfig,
  status: DeploymentStatus,
  version: ModelVersionRow,
): DeploymentEndpoint {
  const found = deploymentEndpoint(config, status, version.model_id);
  if ('problem' in found) {
    throw invalidArgument(found.problem.path, 'invalid_endpoint', found.problem.message);
  }
  if (isServing(status.state ?? 'pending') && found.endpoint.base_url === undefined) {
    throw invalidArgument(
      '/status/endpoint_url',
      'endpoint_missing',
      `a deployment ${status.state ?? ''} needs status.endpoint_url or deployment.endpoint.base_url`,
    );
  }
  return found.endpoint;
}

export async function getDeployment(
  deps: EvaluationDeps,
  request: GetDeploymentRequest,
): Promise<StoredDeployment> {
  const row = await deps.lifecycle.deployment(request.id);
  if (row === undefined) throw deploymentNotFound(request.id, '/id');
  return toStoredDeployment(row, await versionOf(deps, row));
}

export async function listDeployments(
  deps: EvaluationDeps,
  request: ListDeploymentsRequest,
  ctx: RpcContext,
): Promise<ListDeploymentsReply> {
  const limit = request.limit ?? deps.settings.defaultPageLimit;
  const rows = await deps.lifecycle.listDeployments({
    modelVersionId: request.model_version_id,
    state: request.state,
    afterSeq: request.cursor === undefined ? undefined : Number(request.cursor),
    limit: limit + 1,
  });
  const versions = new Map<string, ModelVersionRow>();
  for (const row of rows) {
    if (!versions.has(row.model_version_id))
      versions.set(row.model_version_id, await versionOf(deps, row));
  }
  return pageOf(rows, {
    limit,
    budgetBytes: pageBudget(ctx.replyBudgetBytes, { items: [] }),
    encode: (row) => toStoredDeployment(row, versions.get(row.model_version_id)!),
    position: (row) => Number(row.seq),
  });
}

/**
 * resolve_deployment (for the worlds service): where a serving deployment
 * answers. One that is not active or degraded, or whose endpoint is no
 * http(s) URL, is refused with `deployment_not_serving`.
 */
export async function resolveDeployment(
  deps: EvaluationDeps,
  request: ResolveDeploymentRequest,
): Promise<ResolveDeploymentReply> {
  const row = await deps.lifecycle.deployment(request.id);
  if (row === undefined) throw deploymentNotFound(request.id, '/id');
  const state = row.state as DeploymentState;
  if (!isServing(state)) throw deploymentNotServing(row.id, state, '/id');
  const version = await versionOf(deps, row);
  const found = deploymentEndpoint(row.config, row.status, version.model_id);
  if (
    'problem' in found ||
    found.endpoint.base_url === undefined ||
    !isHttpUrl(found.endpoint.base_url)
  ) {
    throw deploymentNotServing(row.id, `${state} with no http(s) endpoint`, '/id');
  }
  return {
    deployment_id: row.id,
    model_version_id: row.model_version_id,
    model_id: version.model_id,
    version: version.version,
    state,
    base_url: found.endpoint.base_url,
    model: found.endpoint.model,
  };
}

async function versionOf(deps: EvaluationDeps, row: DeploymentRow): Promise<ModelVersionRow> {
  const version = await deps.registry.modelVersion({ versionId: row.model_version_id });
  // A foreign key keeps it; versions are never deleted.
  if (version === undefined) throw new Error(`deployment ${row.id} has no model version`);
  return version;
}

function toStoredDeployment(row: DeploymentRow, version: ModelVersionRow): StoredDeployment {
  return {
    deployment: row.config as unknown as DeploymentConfig,
    status: row.status as unknown as DeploymentStatus,
    feedback: row.feedback,
    model_id: version.model_id,
    version: version.version,
    created_at: row.created_at.toISOString(),
    updated_at: row.updated_at.toISOString(),
  };
}

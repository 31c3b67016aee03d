import type { DeploymentState, ModelStage, TrainingRunStatus } from '@crucible/contracts';

/**
 * Where a training run's status may go next. It moves forward only; a
 * running run may be reported running again (progress: epoch, metrics), and
 * the three ends are final.
 */
const TRAINING_NEXT: Readonly<Record<TrainingRunStatus, readonly TrainingRunStatus[]>> = {
  pending: ['pending', 'running', 'failed', 'cancelled'],
  running: ['running', 'completed', 'failed', 'cancelled'],
  completed: [],
  failed: [],
  cancelled: [],
};

/** Whether a reported training run may move from `from` to `to` (a final status only to itself, unchanged). */
export function trainingTransitionAllowed(from: TrainingRunStatus, to: TrainingRunStatus): boolean {
  return TRAINING_NEXT[from].includes(to);
}

/** Whether a training run in this status changes no more. */
export function trainingFinal(status: TrainingRunStatus): boolean {
  return TRAINING_NEXT[status].length === 0;
}

/**
 * Where a deployment's state may go next: a rollout (deploying) may start
 * again from a serving or failed state; any live state may fail or be
 * terminated; terminated is final. The same state again is an update (health,
 * replicas, traffic), allowed but for terminated.
 */
const DEPLOYMENT_NEXT: Readonly<Record<DeploymentState, readonly DeploymentState[]>> = {
  pending: ['pending', 'deploying', 'active', 'failed', 'terminated'],
  deploying: ['deploying', 'active', 'degraded', 'failed', 'terminated'],
  active: ['active', 'deploying', 'degraded', 'failed', 'terminated'],
  degraded: ['degraded', 'deploying', 'active', 'failed', 'terminated'],
  failed: ['failed', 'deploying', 'terminated'],
  terminated: [],
};

export function deploymentTransitionAllowed(from: DeploymentState, to: DeploymentState): boolean {
  return DEPLOYMENT_NEXT[from].includes(to);
}

/**
 * Where a model version's stage may go next. The IR (seed 001) names the
 * stages but no order, so any stage may follow any other (a rollback from
 * production to staging included) except archived: it is final, the one
 * stage the seed's list marks as an end of life.
 */
const STAGE_NEXT: Readonly<Record<ModelStage, readonly ModelStage[]>> = {
  development: ['staging', 'production', 'archived'],
  staging: ['development', 'production', 'archived'],
  production: ['development', 'staging', 'archived'],
  archived: [],
};

/** Whether a version may move from stage `from` to another stage `to` (staying put is no move). */
export function stageTransitionAllowed(from: ModelStage, to: ModelStage): boolean {
  return STAGE_NEXT[from].includes(to);
}

/** The states in which a deployment answers requests (resolve_deployment resolves only these). */
export const SERVING_STATES: readonly DeploymentState[] = ['active', 'degraded'];

export function isServing(state: DeploymentState): state is 'active' | 'degraded' {
  return SERVING_STATES.includes(state);
}

/** Where a deployment answers: `base_url` absent when neither its status nor its config says. */
export interface DeploymentEndpoint {
  readonly base_url: string | undefined;
  readonly model: string;
}

/**
 * A deployment's endpoint: the status's endpoint_url, else the config's
 * endpoint.base_url; the model name its config's endpoint.model, else the
 * model's id. `null` in `problem` names a config field of the wrong shape.
 */
export function deploymentEndpoint(
  config: { endpoint?: { [key: string]: unknown } },
  status: { endpoint_url?: string },
  modelId: string,
): { endpoint: DeploymentEndpoint } | { problem: { path: string; message: string } } {
  const configured = config.endpoint?.['base_url'];
  if (configured !== undefined && (typeof configured !== 'string' || !isHttpUrl(configured))) {
    return {
      problem: {
        path: '/deployment/endpoint/base_url',
        message: 'endpoint.base_url must be an http(s) URL',
      },
    };
  }
  const model = config.endpoint?.['model'];
  if (
    model !== undefined &&
    (typeof model !== 'string' || model.length === 0 || model.length > 256)
  ) {
    return {
      problem: {
        path: '/deployment/endpoint/model',
        message: 'endpoint.model must be a name of 1 to 256 characters',
      },
    };
  }
  return {
    endpoint: {
      base_url: status.endpoint_url ?? configured,
      model: model ?? modelId,
    },
  };
}

/** Whether a URL is one an OpenAI-compatible client can call. */
export function isHttpUrl(url: string): boolean {
  return /^https?:\/\/[^\s]+$/.test(url) && url.length <= 2048;
}

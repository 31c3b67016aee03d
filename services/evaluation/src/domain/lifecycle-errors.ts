import { conflict, invalidArgument, notFound, type CrucibleError } from '@crucible/contracts';

/** `not_found`/`training_run_not_found`. */
export function trainingRunNotFound(id: string, path: string): CrucibleError {
  return notFound(`no training run ${id}`, { reason: 'training_run_not_found', path, id });
}

/** `not_found`/`deployment_not_found`. */
export function deploymentNotFound(id: string, path: string): CrucibleError {
  return notFound(`no deployment ${id}`, { reason: 'deployment_not_found', path, id });
}

/** `conflict`/`invalid_transition`: a status may not move that way (nothing written). */
export function invalidTransition(
  what: 'training run' | 'deployment' | 'model version',
  id: string,
  from: string,
  to: string,
  path: string,
): CrucibleError {
  return conflict(`${what} ${id} cannot go from ${from} to ${to}`, {
    reason: 'invalid_transition',
    path,
    id,
    from,
    to,
  });
}

/** `conflict`/`immutable_field_changed`: a field that never changes was reported different (nothing written). */
export function immutableChanged(what: string, id: string, path: string): CrucibleError {
  return conflict(`${what} of ${id} cannot change once reported`, {
    reason: 'immutable_field_changed',
    path,
    id,
  });
}

/** `conflict`/`deployment_not_serving`: resolve_deployment of one not active or degraded. */
export function deploymentNotServing(id: string, state: string, path: string): CrucibleError {
  return conflict(`deployment ${id} is ${state}, not serving`, {
    reason: 'deployment_not_serving',
    path,
    id,
    state,
  });
}

/** `conflict`/`feedback_disabled`: the deployment's feedback config does not collect feedback. */
export function feedbackDisabled(id: string, path: string): CrucibleError {
  return conflict(`deployment ${id} does not collect feedback (feedback.enabled is false)`, {
    reason: 'feedback_disabled',
    path,
    id,
  });
}

/** `invalid_argument`/`feedback_type_not_collected`: a type the deployment's config does not list. */
export function feedbackTypeNotCollected(
  type: string,
  allowed: readonly string[],
  path: string,
): CrucibleError {
  return invalidArgument(
    path,
    'feedback_type_not_collected',
    `feedback type ${type} is not collected here (${allowed.join(', ')})`,
    {
      feedback_type: type,
      allowed: [...allowed],
    },
  );
}

/** `not_found`/`model_version_not_found`, of a version named by its id. */
export function modelVersionIdNotFound(versionId: string, path: string): CrucibleError {
  return notFound(`no model version ${versionId}`, {
    reason: 'model_version_not_found',
    path,
    version_id: versionId,
  });
}

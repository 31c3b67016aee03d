import type { GetLifecycleReply, GetLifecycleRequest } from '@crucible/contracts';
import { assertNever } from '@crucible/contracts';
import {
  DIRECTIVE_LIFECYCLE,
  EXECUTION_RUN_LIFECYCLE,
  isTerminalStatus,
  validNextStatuses,
  type Lifecycle,
} from '../domain/lifecycles';

/** get_lifecycle: the pure lifecycle helpers as an operation. */
export function getLifecycle(request: GetLifecycleRequest): GetLifecycleReply {
  switch (request.kind) {
    case 'directive':
      return describe(DIRECTIVE_LIFECYCLE);
    case 'execution_run':
      return describe(EXECUTION_RUN_LIFECYCLE);
    default:
      return assertNever(request.kind);
  }
}

function describe<S extends string>(lifecycle: Lifecycle<S>): GetLifecycleReply {
  const statuses = Object.keys(lifecycle.edges) as S[];
  return {
    kind: lifecycle.kind,
    initial: [...lifecycle.initial],
    statuses: statuses.map((status) => ({
      status,
      next: [...validNextStatuses(lifecycle, status)],
      terminal: isTerminalStatus(lifecycle, status),
    })),
  };
}

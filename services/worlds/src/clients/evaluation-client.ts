import type { ResolveDeploymentReply } from '@crucible/contracts';
import { type CallerContext, type RpcClient, callerOptions } from '@crucible/messaging';

/**
 * The worlds service's call to the evaluation service (declared in the
 * catalog: resolve_deployment). Errors come back as evaluation sent them
 * (deployment_not_found, deployment_not_serving).
 */
export class EvaluationClient {
  constructor(private readonly rpc: RpcClient) {}

  /** resolve_deployment: the endpoint and model name of a serving deployment. */
  resolveDeployment(id: string, caller?: CallerContext): Promise<ResolveDeploymentReply> {
    return this.rpc.call(
      'resolve_deployment',
      { id },
      caller === undefined ? {} : callerOptions(caller),
    );
  }
}

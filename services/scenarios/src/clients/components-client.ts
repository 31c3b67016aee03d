import type {
  ComponentKey,
  ResolveComponentsReply,
  ResolveComponentsRequest,
  StoredComponent,
} from '@crucible/contracts';
import { type RpcClient, type RpcContext, callerOptions } from '@crucible/messaging';

/** get_components takes at most this many keys. */
const GET_COMPONENTS_BATCH = 1000;

/**
 * The scenarios service's calls to the components service (declared in the
 * catalog: resolve_components, get_components). Its errors come back as the
 * components service sent them, pointing into its own request.
 */
export class ComponentsClient {
  constructor(private readonly rpc: RpcClient) {}

  /** resolve_components: one request for every reference of a draft. */
  resolve(request: ResolveComponentsRequest, ctx: RpcContext): Promise<ResolveComponentsReply> {
    // The caller's principal goes on: components it stores name it as their actor.
    return this.rpc.call('resolve_components', request, {
      ...callerOptions(ctx),
      ...(ctx.principal !== undefined && { principal: ctx.principal }),
    });
  }

  /**
   * The contents of components by key, in batches of get_components; throws
   * when one is missing (components are never deleted: a broken invariant,
   * not bad input). `what` names the scenario in that error.
   */
  async contents(
    keys: readonly ComponentKey[],
    what: string,
    ctx: RpcContext,
  ): Promise<Map<string, StoredComponent['content']>> {
    const contents = new Map<string, StoredComponent['content']>();
    for (let start = 0; start < keys.length; start += GET_COMPONENTS_BATCH) {
      let [first, ...rest] = keys.slice(start, start + GET_COMPONENTS_BATCH);
      // A reply cut to fit the bus names the keys it did not reach: ask again for those.
      while (first) {
        const reply = await this.rpc.call(
          'get_components',
          { items: [first, ...rest] },
          callerOptions(ctx),
        );
        for (const found of reply.found) contents.set(`${found.kind}:${found.hash}`, found.content);
        const missing = reply.missing[0];
        if (missing)
          throw new Error(`${what} binds ${missing.kind} ${missing.hash}, which is missing`);
        [first, ...rest] = reply.remaining ?? [];
      }
    }
    return contents;
  }
}

import type {
  CancelTurnsReply,
  CreateWorldReply,
  CreateWorldRequest,
  GetTurnStatusReply,
  GetWorldReply,
  ListTurnEventsReply,
  RunTurnReply,
} from '@crucible/contracts';
import { type RpcClient, type CallerContext, callerOptions } from '@crucible/messaging';

/**
 * The evaluation service's calls to the worlds service (declared in the
 * catalog: create_world, run_turn, cancel_turns, get_world, get_turn_status,
 * list_turn_events). Errors come back as the worlds service sent them.
 */
export class WorldsClient {
  constructor(private readonly rpc: RpcClient) {}

  createWorld(request: CreateWorldRequest, caller: CallerContext): Promise<CreateWorldReply> {
    return this.rpc.call('create_world', request, callerOptions(caller));
  }

  /**
   * run_turn: queues `turns` turns, under a directive when given (worlds
   * checks and charges them), once per `requestKey`: a repeat with the key
   * (a retry) queues nothing more and answers the same attempts.
   */
  runTurns(
    worldSlug: string,
    turns: number,
    requestKey: string,
    caller: CallerContext,
    directiveId?: string,
  ): Promise<RunTurnReply> {
    return this.rpc.call(
      'run_turn',
      {
        world_slug: worldSlug,
        turns,
        request_key: requestKey,
        ...(directiveId !== undefined && { directive_id: directiveId }),
      },
      callerOptions(caller),
    );
  }

  /** cancel_turns: fails the world's queued and running turns (a cancelled run's world). */
  cancelTurns(worldSlug: string, caller: CallerContext): Promise<CancelTurnsReply> {
    return this.rpc.call('cancel_turns', { world_slug: worldSlug }, callerOptions(caller));
  }

  /**
   * get_world at a turn, whole: a state whose environments and entities do
   * not fit one reply comes in pages (`next_cursor`), read here one after
   * another and joined, so scorers and judges see the whole final state.
   */
  async getWorld(worldSlug: string, turn: number, caller: CallerContext): Promise<GetWorldReply> {
    const first = await this.rpc.call(
      'get_world',
      { world_slug: worldSlug, turn },
      callerOptions(caller),
    );
    const environments = { ...first.environments };
    const entities = [...first.entities];
    let cursor = first.next_cursor;
    while (cursor !== undefined) {
      const page = await this.rpc.call(
        'get_world',
        { world_slug: worldSlug, turn, cursor },
        callerOptions(caller),
      );
      Object.assign(environments, page.environments);
      entities.push(...page.entities);
      cursor = page.next_cursor;
    }
    const { next_cursor: _last, ...whole } = first;
    return { ...whole, environments, entities };
  }

  /** A page of a world's audit events (all turns, in order). */
  turnEvents(
    worldSlug: string,
    cursor: string | undefined,
    caller: CallerContext,
  ): Promise<ListTurnEventsReply> {
    return this.rpc.call(
      'list_turn_events',
      { world_slug: worldSlug, limit: 100, ...(cursor !== undefined && { cursor }) },
      callerOptions(caller),
    );
  }

  turnStatus(
    worldSlug: string,
    attemptId: number,
    caller: CallerContext,
  ): Promise<GetTurnStatusReply> {
    return this.rpc.call(
      'get_turn_status',
      { world_slug: worldSlug, attempt_id: attemptId },
      callerOptions(caller),
    );
  }
}

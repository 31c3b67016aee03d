import type { RpcClient } from '@crucible/messaging';
import { WorldsClient } from './worlds-client';

/** get_world as the worlds service pages it: each reply one environment and one entity, `next_cursor` to the next. */
function pagedWorlds(pages: number): { rpc: RpcClient; requests: unknown[] } {
  const requests: unknown[] = [];
  const rpc = {
    call: (operation: string, request: { cursor?: string }) => {
      if (operation !== 'get_world') throw new Error(`unexpected ${operation}`);
      requests.push(request);
      const at = request.cursor === undefined ? 0 : Number(request.cursor);
      return Promise.resolve({
        world: { slug: 'w' },
        turn: 3,
        state_hash: 'h',
        simulation_time: 't',
        environments: { [`room${at}`]: `Room ${at}.` },
        entities: [{ id: `e${at}` }],
        ...(at + 1 < pages && { next_cursor: String(at + 1) }),
      });
    },
  } as unknown as RpcClient;
  return { rpc, requests };
}

describe('WorldsClient.getWorld', () => {
  it('reads every page of a world at a turn and joins them, in order', async () => {
    const { rpc, requests } = pagedWorlds(3);
    const world = await new WorldsClient(rpc).getWorld('w', 3, { correlationId: 'c' });

    expect(world.entities).toEqual([{ id: 'e0' }, { id: 'e1' }, { id: 'e2' }]);
    expect(world.environments).toEqual({ room0: 'Room 0.', room1: 'Room 1.', room2: 'Room 2.' });
    expect(world).not.toHaveProperty('next_cursor');
    expect(requests).toEqual([
      { world_slug: 'w', turn: 3 },
      { world_slug: 'w', turn: 3, cursor: '1' },
      { world_slug: 'w', turn: 3, cursor: '2' },
    ]);
  });

  it('asks once for a world that fits one reply', async () => {
    const { rpc, requests } = pagedWorlds(1);
    const world = await new WorldsClient(rpc).getWorld('w', 3, { correlationId: 'c' });

    expect(world.entities).toEqual([{ id: 'e0' }]);
    expect(requests).toHaveLength(1);
  });
});

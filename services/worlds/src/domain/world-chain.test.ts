import { ownerOfTurn, turnSegments } from './world-chain';

describe('world chains', () => {
  const root = { id: 1, fork_turn: null };
  const fork = { id: 2, fork_turn: 5 };
  const forkOfFork = { id: 3, fork_turn: 8 };

  it('reads a turn from the world that committed it', () => {
    expect(ownerOfTurn([root], 0)).toBe(1);
    expect(ownerOfTurn([fork, root], 5)).toBe(1);
    expect(ownerOfTurn([fork, root], 6)).toBe(2);
    expect(ownerOfTurn([forkOfFork, fork, root], 8)).toBe(2);
    expect(ownerOfTurn([forkOfFork, fork, root], 9)).toBe(3);
    expect(ownerOfTurn([forkOfFork, fork, root], 3)).toBe(1);
  });

  it('splits the history into the segments each world holds', () => {
    expect(turnSegments([root])).toEqual([{ world_id: 1, from: 0, to: null }]);
    expect(turnSegments([forkOfFork, fork, root])).toEqual([
      { world_id: 3, from: 9, to: null },
      { world_id: 2, from: 6, to: 8 },
      { world_id: 1, from: 0, to: 5 },
    ]);
    // A fork of a fork taken before the first fork's own turns reads none of them.
    expect(turnSegments([{ id: 3, fork_turn: 2 }, fork, root])).toEqual([
      { world_id: 3, from: 3, to: null },
      { world_id: 1, from: 0, to: 2 },
    ]);
  });
});

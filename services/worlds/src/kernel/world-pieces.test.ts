import { canonicalJson, jsonComponentHash, sha256Hex } from '@crucible/hashing';
import { ScriptedMind, adjudicationReply, antAndCrumbScenario } from './test-fixtures';
import { runTurn } from './run-turn';
import {
  assembleWorld,
  isWorldAssemblyError,
  stateHashOf,
  worldPieces,
  type PieceRef,
} from './world-pieces';
import { seedWorld, type WorldState } from './world-state';

function world(): WorldState {
  return seedWorld({ slug: 'w', scenario: antAndCrumbScenario() });
}

async function nextTurn(state: WorldState, mind: ScriptedMind): Promise<WorldState> {
  const outcome = await runTurn(state, mind, {
    engine: 'sequential',
    model: 'm',
    params: {},
    max_concurrency: 1,
  });
  if (outcome.status !== 'committed') throw new Error(outcome.failure.message);
  return outcome.state;
}

describe('worldPieces', () => {
  it('lists the header, environments, entities and profiles in key order', () => {
    const { refs, pieces, manifest, state_hash } = worldPieces(world());
    expect(refs.map((ref) => `${ref.kind}:${ref.key}`)).toEqual([
      'header:header',
      'environment:kitchen_plate',
      'environment:pantry',
      'entity:ant',
      'entity:beetle',
      'entity:crumb',
      'entity:jar',
      'profile:ant',
    ]);
    expect(manifest).toBe(canonicalJson(refs));
    expect(state_hash).toBe(sha256Hex(manifest));
    expect(stateHashOf(refs)).toBe(state_hash);
    for (const piece of pieces) expect(piece.hash).toBe(sha256Hex(piece.json));
    expect(pieces[0]!.json).toBe(
      '{"chronon_seconds":60,"simulation_time":"2000-01-01T00:00:00Z","turn":0}',
    );
    expect(pieces[1]!.json).toBe(
      JSON.stringify('A white ceramic plate on a kitchen counter, smeared with honey.'),
    );
  });

  it('gives an entity the hash of its entity component (the normalized entity)', () => {
    const scenario = antAndCrumbScenario();
    const { refs } = worldPieces(seedWorld({ slug: 'w', scenario }));
    const crumb = refs.find((ref) => ref.key === 'crumb')!;
    expect(crumb.hash).toBe(
      jsonComponentHash({
        id: 'crumb',
        name: 'Crumb',
        state: 'A bread crumb.',
        environment: 'kitchen_plate',
        kind: 'prop',
      }),
    );
  });

  it('keeps the hash of every piece a turn did not change', async () => {
    const start = world();
    const mind = new ScriptedMind();
    mind.enqueueFor(
      'adjudicate',
      'ant',
      adjudicationReply({
        environment_mutations: [{ environment_label: 'pantry', content: 'Wet.' }],
      }),
    );
    const next = await nextTurn(start, mind);
    const before = new Map(
      worldPieces(start).refs.map((ref) => [`${ref.kind}:${ref.key}`, ref.hash]),
    );
    const after = new Map(
      worldPieces(next).refs.map((ref) => [`${ref.kind}:${ref.key}`, ref.hash]),
    );
    const changed = [...after]
      .filter(([key, hash]) => before.get(key) !== hash)
      .map(([key]) => key);
    expect(changed).toEqual(['header:header', 'environment:pantry', 'entity:ant', 'entity:beetle']);
    expect(worldPieces(next).state_hash).not.toBe(worldPieces(start).state_hash);
  });

  it('leaves the slug out: a fork at the same turn has the same state hash', () => {
    const state = world();
    expect(worldPieces({ ...state, slug: 'fork' }).state_hash).toBe(worldPieces(state).state_hash);
  });

  it('lists a piece once when two keys share content', () => {
    const scenario = antAndCrumbScenario({
      environments: { kitchen_plate: 'Same.', pantry: 'Same.' },
    });
    const { refs, pieces } = worldPieces(seedWorld({ slug: 'w', scenario }));
    expect(refs.filter((ref) => ref.kind === 'environment')).toHaveLength(2);
    expect(pieces.filter((piece) => piece.kind === 'environment')).toHaveLength(1);
  });

  it('hashes a state built by hand the same as the kernel-made one', () => {
    const state = world();
    const copy = JSON.parse(JSON.stringify(state)) as WorldState;
    expect(worldPieces(copy)).toEqual(worldPieces(state));
  });
});

describe('assembleWorld', () => {
  it('round-trips a state through its pieces', async () => {
    const mind = new ScriptedMind();
    mind.enqueue('adjudicate', adjudicationReply({ agent_memory_append: 'Line one.' }));
    const state = await nextTurn(world(), mind);
    const { refs, pieces, state_hash } = worldPieces(state);
    const fromArray = assembleWorld({ slug: 'w', refs, pieces });
    expect(fromArray).toEqual(state);
    expect(JSON.stringify(fromArray)).toBe(JSON.stringify(state));
    const fromMap = assembleWorld({
      slug: 'w',
      refs,
      pieces: new Map(pieces.map((piece) => [piece.hash, piece.json])),
    });
    expect(worldPieces(fromMap).state_hash).toBe(state_hash);
    expect(Object.isFrozen(fromMap.entities.ant)).toBe(true);
  });

  it('runs a turn on an assembled state exactly as on the original', async () => {
    const start = world();
    const assembled = assembleWorld({ slug: 'w', ...worldPieces(start) });
    const [a, b] = [new ScriptedMind(), new ScriptedMind()];
    const [left, right] = [await nextTurn(start, a), await nextTurn(assembled, b)];
    expect(JSON.stringify(right)).toBe(JSON.stringify(left));
    expect(JSON.stringify(b.requests)).toBe(JSON.stringify(a.requests));
  });

  it('refuses a missing piece, an altered piece and refs without a header', () => {
    const { refs, pieces } = worldPieces(world());
    const catchError = (fn: () => unknown): unknown => {
      try {
        fn();
      } catch (error: unknown) {
        return error;
      }
      throw new Error('expected a throw');
    };
    const missing = catchError(() =>
      assembleWorld({ slug: 'w', refs, pieces: pieces.filter((p) => p.key !== 'crumb') }),
    );
    expect(isWorldAssemblyError(missing)).toBe(true);
    expect((missing as Error).message).toMatch(/is missing/);
    const altered = pieces.map((p) =>
      p.key === 'crumb' ? { ...p, json: p.json.replace('A bread crumb.', 'A cake.') } : p,
    );
    expect(
      (catchError(() => assembleWorld({ slug: 'w', refs, pieces: altered })) as Error).message,
    ).toMatch(/does not hash to its address/);
    const headless: PieceRef[] = refs.filter((ref) => ref.kind !== 'header');
    expect(
      isWorldAssemblyError(catchError(() => assembleWorld({ slug: 'w', refs: headless, pieces }))),
    ).toBe(true);
  });
});

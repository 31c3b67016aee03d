import type { Scenario } from '@crucible/contracts';
import fc from 'fast-check';
import { ScriptedMind, adjudicationReply, antAndCrumbScenario } from './test-fixtures';
import { runTurn } from './run-turn';
import type { Engine } from './turn-context';
import { assembleWorld, worldPieces } from './world-pieces';
import { seedWorld, type WorldState } from './world-state';

// Worlds of random shape: labels and ids from the label grammar (digit-only
// ones included, which JavaScript objects order first), texts with
// newlines, quotes and non-ASCII.
const label = fc.stringMatching(/^[a-z0-9]([a-z0-9_-]{0,6}[a-z0-9])?$/);
const text = fc.string({ unit: 'grapheme', maxLength: 40 });

const scenarioArbitrary: fc.Arbitrary<Scenario> = fc
  .record({
    rooms: fc.uniqueArray(label, { minLength: 1, maxLength: 4 }),
    ids: fc.uniqueArray(label, { minLength: 1, maxLength: 8 }),
    texts: fc.array(text, { minLength: 12, maxLength: 12 }),
    agents: fc.array(fc.boolean(), { minLength: 8, maxLength: 8 }),
  })
  .map(({ rooms, ids, texts, agents }) => {
    const base = antAndCrumbScenario();
    return {
      ...base,
      environments: Object.fromEntries(rooms.map((room, i) => [room, texts[i]!])),
      entities: ids.map((id, i) => ({
        id,
        name: `Entity ${id}`,
        state: texts[(i + 4) % 12]!,
        environment: rooms[i % rooms.length]!,
        kind:
          i === 0 || agents[i]
            ? { agent: { goal: texts[(i + 2) % 12]!, cognition_profile: 'ant' } }
            : ('prop' as const),
      })),
    };
  });

/** Every adjudication mutates one existing entity and one existing environment, chosen from the request. */
function mutatingMind(state: WorldState, pick: number): ScriptedMind {
  const mind = new ScriptedMind();
  const ids = Object.keys(state.entities).sort();
  const rooms = Object.keys(state.environments).sort();
  let n = pick;
  mind.enqueue(
    'adjudicate',
    ...Array.from({ length: ids.length }, () => (): string => {
      n += 1;
      return adjudicationReply({
        agent_memory_append: `Note ${n}.`,
        entity_mutations: [{ entity_id: ids[n % ids.length]!, state: `Changed ${n}.` }],
        environment_mutations: [
          { environment_label: rooms[n % rooms.length]!, content: `Room ${n}.` },
        ],
      });
    }),
  );
  return mind;
}

async function turn(state: WorldState, engine: Engine, pick: number): Promise<WorldState> {
  const outcome = await runTurn(state, mutatingMind(state, pick), {
    engine,
    model: 'm',
    params: {},
    max_concurrency: 3,
  });
  if (outcome.status !== 'committed') throw new Error(outcome.failure.message);
  return outcome.state;
}

describe('kernel properties', () => {
  it('a state survives its pieces, before and after a turn', async () => {
    await fc.assert(
      fc.asyncProperty(
        scenarioArbitrary,
        fc.constantFrom<Engine>('sequential', 'simultaneous'),
        fc.nat(50),
        async (scenario, engine, pick) => {
          const start = seedWorld({ slug: 'w', scenario });
          for (const state of [start, await turn(start, engine, pick)]) {
            const pieces = worldPieces(state);
            const back = assembleWorld({ slug: 'w', ...pieces });
            expect(JSON.stringify(back)).toBe(JSON.stringify(state));
            expect(worldPieces(back).state_hash).toBe(pieces.state_hash);
          }
        },
      ),
      { numRuns: 60 },
    );
  });

  it('a turn changes the hashes of what it changed and of nothing else', async () => {
    await fc.assert(
      fc.asyncProperty(scenarioArbitrary, fc.nat(50), async (scenario, pick) => {
        const start = seedWorld({ slug: 'w', scenario });
        const next = await turn(start, 'sequential', pick);
        const hashes = (state: WorldState): Map<string, string> =>
          new Map(worldPieces(state).refs.map((ref) => [`${ref.kind}:${ref.key}`, ref.hash]));
        const [before, after] = [hashes(start), hashes(next)];
        for (const [key, hash] of after) {
          const [kind, name] = key.split(/:(.*)/s) as [string, string];
          const same =
            kind === 'entity'
              ? JSON.stringify(start.entities[name]) === JSON.stringify(next.entities[name])
              : kind === 'environment'
                ? start.environments[name] === next.environments[name]
                : kind === 'profile';
          expect(before.get(key) === hash).toBe(same);
        }
      }),
      { numRuns: 60 },
    );
  });

  it('the same state and answers give the same outcome, whatever the engine concurrency', async () => {
    await fc.assert(
      fc.asyncProperty(scenarioArbitrary, fc.nat(50), async (scenario, pick) => {
        const start = seedWorld({ slug: 'w', scenario });
        const run = async (maxConcurrency: number): Promise<string> => {
          const mind = mutatingMind(start, pick);
          const outcome = await runTurn(start, mind, {
            engine: 'simultaneous',
            model: 'm',
            params: {},
            max_concurrency: maxConcurrency,
          });
          // Calls arrive in another order under concurrency; what is asked does not change.
          const requests = mind.requests.map((request) => JSON.stringify(request)).sort();
          return JSON.stringify({ outcome, requests });
        };
        expect(await run(1)).toBe(await run(4));
      }),
      { numRuns: 40 },
    );
  });
});

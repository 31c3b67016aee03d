import {
  adjudicateMessage,
  correctiveMessage,
  intendMessage,
  normalizeText,
  perceiveMessage,
} from './kernel-messages';
import { antAndCrumbScenario } from './test-fixtures';
import { WorldRenderer, indexByEnvironment, renderEntity, renderWorld } from './render';
import { seedWorld, type WorldState } from './world-state';

function world(): WorldState {
  return seedWorld({
    slug: 'w',
    scenario: antAndCrumbScenario(),
    simulation_time: '2026-01-01T08:30:00+02:00',
  });
}

describe('the kernel messages', () => {
  it('perceive: time, turn, the agent environment, the agent, the others there', () => {
    const state = world();
    expect(perceiveMessage(state, state.entities.ant!, indexByEnvironment(state))).toBe(
      'Simulation time: 2026-01-01T06:30:00Z\n' +
        'World turn: 0\n' +
        'Environment (kitchen_plate):\n' +
        'A white ceramic plate on a kitchen counter, smeared with honey.\n' +
        '\n' +
        'Focus agent:\n' +
        'Ant: Hungry, at the rim of the plate.\n' +
        'id: ant\n' +
        'kind: agent\n' +
        'goal: Carry food home.\n' +
        'memory:\n' +
        '  (none)\n' +
        '\n' +
        'Other entities in kitchen_plate:\n' +
        'Crumb: A bread crumb.\n' +
        '\n' +
        "Write the agent's immediate perception.",
    );
  });

  it('perceive: an empty environment is (empty), an agent alone sees (none)', () => {
    const scenario = antAndCrumbScenario({
      environments: { kitchen_plate: '  \n', pantry: 'P' },
    });
    scenario.entities = scenario.entities.filter((entity) => entity.id !== 'crumb');
    const state = seedWorld({ slug: 'w', scenario });
    const text = perceiveMessage(state, state.entities.ant!, indexByEnvironment(state));
    expect(text).toContain('Environment (kitchen_plate):\n(empty)\n\nFocus agent:\n');
    expect(text).toContain('Other entities in kitchen_plate:\n(none)\n\nWrite');
  });

  it('intend: the agent and its perception only', () => {
    const state = world();
    expect(intendMessage(state.entities.beetle!, 'A jar looms.')).toBe(
      'Focus agent:\n' +
        'Beetle: Asleep behind the jar.\n' +
        'id: beetle\n' +
        'kind: agent\n' +
        'goal: Stay hidden.\n' +
        'memory:\n' +
        '  (none)\n' +
        '\n' +
        'Perception:\n' +
        'A jar looms.\n' +
        '\n' +
        'State what the agent intends to do this turn.',
    );
  });

  it('adjudicate: the whole world, the acting agent, the intent', () => {
    const state = world();
    expect(
      adjudicateMessage(state, state.entities.ant!, 'Eat the crumb.', indexByEnvironment(state)),
    ).toBe(
      'World snapshot:\n' +
        'Environment (kitchen_plate):\n' +
        'A white ceramic plate on a kitchen counter, smeared with honey.\n' +
        'Entities in kitchen_plate:\n' +
        '- Ant (id: ant, agent): Hungry, at the rim of the plate.\n' +
        '  goal: Carry food home.\n' +
        '- Crumb (id: crumb, prop): A bread crumb.\n' +
        '\n' +
        'Environment (pantry):\n' +
        'A dark pantry shelf behind a closed door. SECRET: the jar is cracked.\n' +
        'Entities in pantry:\n' +
        '- Beetle (id: beetle, agent): Asleep behind the jar.\n' +
        '  goal: Stay hidden.\n' +
        '- Jar (id: jar, prop): A jar of honey.\n' +
        '\n' +
        'Acting agent:\n' +
        'Ant: Hungry, at the rim of the plate.\n' +
        'id: ant\n' +
        'kind: agent\n' +
        'goal: Carry food home.\n' +
        'memory:\n' +
        '  (none)\n' +
        '\n' +
        'Intent:\n' +
        'Eat the crumb.\n' +
        '\n' +
        'Decide the outcome for exactly one turn.',
    );
  });

  it('corrective: the exact complaint inside the fixed wording', () => {
    expect(correctiveMessage('The response is not valid JSON (Unexpected end).')).toBe(
      'Your previous response was rejected. The response is not valid JSON (Unexpected end).\n\n' +
        'Return a corrected JSON object matching the same schema. Keep everything else about the adjudication; only fix what was wrong.',
    );
  });

  it('normalizes answers: CRLF to LF, trimmed', () => {
    expect(normalizeText('  A crumb.\r\nA plate.\r\n\n')).toBe('A crumb.\nA plate.');
  });
});

describe('rendering', () => {
  it('indents memory lines and continuation lines of multi-line values', () => {
    const scenario = antAndCrumbScenario();
    scenario.entities[0] = {
      id: 'ant',
      name: 'Ant',
      state: 'Hungry.\nTired.',
      environment: 'kitchen_plate',
      kind: {
        agent: { goal: 'Eat.', memory: 'Turn 0: walked.\nTurn 1: ate.', cognition_profile: 'ant' },
      },
    };
    const state = seedWorld({ slug: 'w', scenario });
    expect(renderEntity(state.entities.ant!)).toBe(
      'Ant: Hungry.\n  Tired.\nid: ant\nkind: agent\ngoal: Eat.\nmemory:\n  Turn 0: walked.\n  Turn 1: ate.',
    );
    expect(renderEntity(state.entities.crumb!)).toBe(
      'Crumb: A bread crumb.\nid: crumb\nkind: prop',
    );
  });

  it('lists an entity whose environment the world lacks under its own section', () => {
    const state = world();
    const stray: WorldState = {
      ...state,
      entities: {
        ...state.entities,
        moth: { id: 'moth', name: 'Moth', state: '', environment: 'attic', kind: 'prop' },
      },
    };
    expect(renderWorld(stray, indexByEnvironment(stray))).toMatch(
      /^Environment \(attic\):\n\(not an environment of this world\)\nEntities in attic:\n- Moth \(id: moth, prop\): \(no state\)\n\nEnvironment \(kitchen_plate\):/,
    );
  });

  it('renders from the current entity, not a stale cached one', () => {
    const state = world();
    const before = renderEntity(state.entities.ant!);
    const changed = { ...state.entities.ant!, state: 'Fed.' };
    expect(renderEntity(changed)).toBe(before.replace('Hungry, at the rim of the plate.', 'Fed.'));
  });
});

describe('WorldRenderer', () => {
  it('renders each later state exactly as renderWorld does, reusing unchanged sections', () => {
    const state = world();
    const index = indexByEnvironment(state);
    const renderer = new WorldRenderer(index);
    expect(renderer.render(state)).toBe(renderWorld(state, index));
    const fed: WorldState = {
      ...state,
      entities: { ...state.entities, crumb: { ...state.entities.crumb!, state: 'Gone.' } },
    };
    expect(renderer.render(fed)).toBe(renderWorld(fed, index));
    expect(renderer.render(fed)).toContain('- Crumb (id: crumb, prop): Gone.');
    const wet: WorldState = { ...fed, environments: { ...fed.environments, pantry: 'Wet.' } };
    expect(renderer.render(wet)).toBe(renderWorld(wet, index));
    expect(renderer.render(state)).toBe(renderWorld(state, index));
  });

  it('does not trust an entity changed in place (not frozen)', () => {
    const state = JSON.parse(JSON.stringify(world())) as {
      entities: Record<string, { state: string }>;
    };
    const live = state as unknown as WorldState;
    const index = indexByEnvironment(live);
    const renderer = new WorldRenderer(index);
    renderer.render(live);
    state.entities.jar!.state = 'Shattered.';
    expect(renderer.render(live)).toContain('- Jar (id: jar, prop): Shattered.');
  });
});

import { adjudicationText, kernelFacts, messageSections, offlineText } from './offline-text';
import { seededRandom } from './seeded-random';

const perceiveUser =
  "Simulation time: 2026-01-01T00:00:00+00:00\nWorld turn: 3\nEnvironment (kitchen):\nA tiled floor under a table. Crumbs everywhere.\n\nFocus agent:\nant: a small black ant, hungry\n\nOther entities in kitchen:\ncrumb: a bread crumb near the table leg\nspider (resting): in the corner\n\nWrite the agent's immediate perception.";
const adjudicateUser =
  'World snapshot:\nkitchen: A tiled floor.\n\nActing agent:\nant: hungry, near the wall\n\nIntent:\nThe ant decides to walk to the crumb and eat it. Then rest.\n\nDecide the outcome for exactly one turn.';

describe('messageSections', () => {
  it('reads one-line fields and blocks, with the label in parentheses', () => {
    const sections = messageSections(perceiveUser);
    expect([...sections.keys()]).toEqual([
      'Simulation time',
      'World turn',
      'Environment',
      'Focus agent',
      'Other entities in kitchen',
    ]);
    expect(sections.get('World turn')).toEqual({ body: '3' });
    expect(sections.get('Environment')).toEqual({
      label: 'kitchen',
      body: 'A tiled floor under a table. Crumbs everywhere.',
    });
    expect(sections.get('Other entities in kitchen')!.body).toContain('spider (resting)');
  });

  it('reads a header naming a label with digits, underscores and hyphens', () => {
    const sections = messageSections(
      'Environment (kitchen_plate-2):\nA plate.\n\nOther entities in kitchen_plate-2:\ncrumb: a crumb',
    );
    expect([...sections.keys()]).toEqual(['Environment', 'Other entities in kitchen_plate-2']);
    expect(sections.get('Other entities in kitchen_plate-2')).toEqual({ body: 'crumb: a crumb' });
  });
});

describe('kernelFacts', () => {
  it('keeps an agent name with commas and parentheses whole, and its state as written', () => {
    const facts = kernelFacts([
      {
        role: 'user',
        content:
          'World snapshot:\nx\n\nActing agent:\nAnt, the worker (small): Hungry, at the rim.\nid: ant\n\nIntent:\nEat.\n\nDecide the outcome for exactly one turn.',
      },
    ]);
    expect(facts).toMatchObject({
      agent: 'Ant, the worker (small)',
      agentState: 'Hungry, at the rim.',
    });
  });

  it('finds the agent, its environment and the others', () => {
    expect(
      kernelFacts([
        { role: 'system', content: 'x' },
        { role: 'user', content: perceiveUser },
      ]),
    ).toEqual({
      agent: 'ant',
      agentState: 'a small black ant, hungry',
      environmentLabel: 'kitchen',
      environment: 'A tiled floor under a table. Crumbs everywhere.',
      others: ['crumb', 'spider'],
      perception: undefined,
      intent: undefined,
      turn: '3',
      instruction: "Write the agent's immediate perception.",
    });
  });

  it('copes with a message it does not recognise', () => {
    const facts = kernelFacts([{ role: 'user', content: 'hello there' }]);
    expect(facts).toMatchObject({ agent: 'The agent', others: [], instruction: 'hello there' });
  });
});

describe('offlineText', () => {
  it('writes a perception from the environment and the entities in it', () => {
    const text = offlineText(
      kernelFacts([{ role: 'user', content: perceiveUser }]),
      seededRandom('00000001'),
    );
    expect(text).toMatch(
      /^ant (takes in|looks over|senses) the kitchen: A tiled floor under a table\. /,
    );
    expect(text).toMatch(/(Nearby|Close by|Within reach): crumb, spider\.$/);
  });

  it('writes an intention from the perception', () => {
    const facts = kernelFacts([
      {
        role: 'user',
        content:
          "Focus agent:\nant: hungry\n\nPerception:\nant senses the kitchen. Nearby: crumb.\n\nWrite the agent's intent for this turn.",
      },
    ]);
    expect(offlineText(facts, seededRandom('00000002'))).toMatch(
      /^ant (decides|intends|resolves) to (approach|examine|investigate) crumb (carefully|without haste|at once)\.$/,
    );
  });

  it('varies with the random source and repeats with the same one', () => {
    const facts = kernelFacts([{ role: 'user', content: perceiveUser }]);
    const texts = new Set(
      Array.from({ length: 20 }, (_, i) =>
        offlineText(facts, seededRandom(i.toString(16).padStart(8, '0'))),
      ),
    );
    expect(texts.size).toBeGreaterThan(1);
    expect(offlineText(facts, seededRandom('abc00000'))).toBe(
      offlineText(facts, seededRandom('abc00000')),
    );
  });
});

describe('adjudicationText', () => {
  it('narrates the attempt, keeps the state and remembers it', () => {
    const facts = kernelFacts([{ role: 'user', content: adjudicateUser }]);
    const text = adjudicationText(facts, seededRandom('00000003'));
    expect(text('narration')).toMatch(
      /^ant tries to walk to the crumb and eat it\. .+; nothing else in the world changes\.$/,
    );
    expect(text('agent_state_after')).toBe('hungry, near the wall');
    expect(text('agent_memory_append')).toBe('I tried to walk to the crumb and eat it.');
    expect(text('something_else')).toBeUndefined();
    expect(text(undefined)).toBeUndefined();
  });
});

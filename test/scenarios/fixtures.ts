// The smoke scenario's content: an observatory at night, two rooms, two
// keepers sharing one cognition profile, four props. Our own fixture, in the
// shape of schemas/scenarios/scenario.v1.json.

export const PERCEIVE_SYSTEM =
  'You are the senses of one keeper of an old observatory. Describe only what the keeper can see, hear, smell or feel from where they stand, in the present tense, in at most four sentences.';

export const INTEND_SYSTEM =
  'You are the will of one keeper. Given what the keeper perceives and remembers, state in one sentence the single action the keeper now attempts.';

export const ADJUDICATE_SYSTEM =
  'You are the simulation director. Decide what actually happens this turn. Return JSON only. Never create or delete entities. Only mutate the acting agent, existing entities listed in the snapshot, or existing environments listed in the snapshot. If the intent is physically impossible, narrate the failed attempt and leave unreachable targets unchanged.';

/** Appended to the adjudicate system by the fork (the leak fix of the seed's smoke, step 7). */
export const LEAK_FIX_SENTENCE =
  ' The narration is what the acting agent will perceive and remember; never include information marked DIRECTOR-ONLY (hidden mechanisms, which lens is cracked, what the logbook hides) in the narration, even when the action succeeds.';

export const ADJUDICATION_SCHEMA = {
  type: 'object',
  additionalProperties: false,
  properties: {
    narration: { type: 'string' },
    agent_state_after: { type: 'string' },
    agent_memory_append: { type: 'string' },
    entity_mutations: {
      type: 'array',
      items: {
        type: 'object',
        additionalProperties: false,
        properties: { entity_id: { type: 'string' }, state: { type: 'string' } },
        required: ['entity_id', 'state'],
      },
    },
    environment_mutations: {
      type: 'array',
      items: {
        type: 'object',
        additionalProperties: false,
        properties: { environment_label: { type: 'string' }, content: { type: 'string' } },
        required: ['environment_label', 'content'],
      },
    },
  },
  required: [
    'narration',
    'agent_state_after',
    'agent_memory_append',
    'entity_mutations',
    'environment_mutations',
  ],
};

export const RETRY_BUDGET = 2;

export const ENVIRONMENTS = {
  dome: 'A round stone room under a copper dome, open to the night through a long slit. The great telescope points at the zenith. Cold air, the smell of oil and dust.',
  stairwell:
    'A narrow spiral stair of worn steps, lit by one oil lamp in a niche. The iron door at the bottom is locked from outside.',
};

export const ENTITIES = [
  {
    id: 'elder_keeper',
    name: 'The elder keeper',
    state: 'Tired, careful, holding the logbook.',
    environment: 'dome',
    kind: {
      agent: { goal: 'Record the comet before dawn.', memory: '', cognition_profile: 'keeper' },
    },
  },
  {
    id: 'young_keeper',
    name: 'The young keeper',
    state: 'Restless, carrying a lamp.',
    environment: 'stairwell',
    kind: {
      agent: { goal: 'Find the key to the iron door.', memory: '', cognition_profile: 'keeper' },
    },
  },
  {
    id: 'telescope',
    name: 'Great telescope',
    state: 'Pointed at the zenith. DIRECTOR-ONLY: the second lens is cracked.',
    environment: 'dome',
    kind: 'prop' as const,
  },
  {
    id: 'logbook',
    name: 'Logbook',
    state: 'Open at last night. DIRECTOR-ONLY: a key is taped inside the back cover.',
    environment: 'dome',
    kind: 'prop' as const,
  },
  {
    id: 'oil_lamp',
    name: 'Oil lamp',
    state: 'Burning low.',
    environment: 'stairwell',
    kind: 'prop' as const,
  },
  {
    id: 'iron_door',
    name: 'Iron door',
    state: 'Locked.',
    environment: 'stairwell',
    kind: 'prop' as const,
  },
];

export const SLUG = 'night_observatory';
export const DESCRIPTION =
  'Two keepers of an old observatory on the night a comet returns; one is locked in the stairwell.';
export const CHRONON_SECONDS = 600;

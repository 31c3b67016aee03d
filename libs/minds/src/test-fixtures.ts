// Shared by the minds' unit tests: the kernel's adjudication schema (a copy of
// the worlds kernel's fixture), the structured answer the offline mind builds most.

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

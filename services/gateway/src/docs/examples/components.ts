import { example, type OperationExample } from './example';
import { H, TEXT } from './content';

/** The components service: puts, gets and the batch lookup. */
export const COMPONENTS_EXAMPLES: readonly OperationExample[] = [
  example({
    operation: 'put_perceive_system',
    request: { content: TEXT.PERCEIVE_SYSTEM },
    reply: { hash: H.PERCEIVE_SYSTEM, was_new: true },
  }),
  example({
    operation: 'put_intend_system',
    request: { content: TEXT.INTEND_SYSTEM },
    reply: { hash: H.INTEND_SYSTEM, was_new: true },
  }),
  example({
    operation: 'put_adjudicate_system',
    request: { content: TEXT.ADJUDICATE_SYSTEM },
    reply: { hash: H.ADJUDICATE_SYSTEM, was_new: true },
  }),
  example({
    operation: 'put_adjudication_schema',
    request: {
      content: {
        type: 'object',
        required: ['outcome'],
        properties: { outcome: { type: 'string' } },
      },
    },
    reply: { hash: H.ADJUDICATION_SCHEMA, was_new: true },
  }),
  example({
    operation: 'put_environment',
    request: { content: TEXT.ROOM },
    reply: { hash: H.ROOM, was_new: true },
  }),
  example({
    operation: 'put_entity',
    request: {
      content: {
        id: 'ana',
        name: 'Ana',
        environment: 'room',
        kind: { agent: { goal: 'Leave the room.', cognition_profile: 'subject' } },
      },
    },
    reply: { hash: H.ANA, was_new: true },
  }),
  example({
    operation: 'put_cognition_profile',
    request: {
      perceive_system: { hash: H.PERCEIVE_SYSTEM },
      intend_system: { hash: H.INTEND_SYSTEM },
      adjudicate_system: { hash: H.ADJUDICATE_SYSTEM },
      adjudication_schema: { hash: H.ADJUDICATION_SCHEMA },
      adjudication_retry_budget: 2,
    },
    reply: {
      hash: H.SUBJECT_PROFILE,
      was_new: true,
      perceive_system_hash: H.PERCEIVE_SYSTEM,
      intend_system_hash: H.INTEND_SYSTEM,
      adjudicate_system_hash: H.ADJUDICATE_SYSTEM,
      adjudication_schema_hash: H.ADJUDICATION_SCHEMA,
      new_components: {
        perceive_systems: 0,
        intend_systems: 0,
        adjudicate_systems: 0,
        adjudication_schemas: 0,
        cognition_profiles: 1,
        environments: 0,
        entities: 0,
      },
    },
  }),
  example({
    operation: 'get_perceive_system',
    request: { hash: H.PERCEIVE_SYSTEM },
    reply: {
      hash: H.PERCEIVE_SYSTEM,
      content: TEXT.PERCEIVE_SYSTEM,
      created_at: '2026-03-14T09:30:00.000Z',
    },
  }),
  example({
    operation: 'get_intend_system',
    request: { hash: H.INTEND_SYSTEM },
    reply: {
      hash: H.INTEND_SYSTEM,
      content: TEXT.INTEND_SYSTEM,
      created_at: '2026-03-14T09:30:07.137Z',
    },
  }),
  example({
    operation: 'get_adjudicate_system',
    request: { hash: H.ADJUDICATE_SYSTEM },
    reply: {
      hash: H.ADJUDICATE_SYSTEM,
      content: TEXT.ADJUDICATE_SYSTEM,
      created_at: '2026-03-14T09:30:14.274Z',
    },
  }),
  example({
    operation: 'get_adjudication_schema',
    request: { hash: H.ADJUDICATION_SCHEMA },
    reply: {
      hash: H.ADJUDICATION_SCHEMA,
      content: {
        type: 'object',
        required: ['outcome'],
        properties: { outcome: { type: 'string' } },
      },
      created_at: '2026-03-14T09:30:21.411Z',
    },
  }),
  example({
    operation: 'get_environment',
    request: { hash: H.ROOM },
    reply: { hash: H.ROOM, content: TEXT.ROOM, created_at: '2026-03-14T09:30:28.548Z' },
  }),
  example({
    operation: 'get_entity',
    request: { hash: H.ANA },
    reply: {
      hash: H.ANA,
      content: {
        id: 'ana',
        kind: { agent: { goal: 'Leave the room.', memory: '', cognition_profile: 'subject' } },
        name: 'Ana',
        state: '',
        environment: 'room',
      },
      created_at: '2026-03-14T09:30:35.685Z',
    },
  }),
  example({
    operation: 'get_cognition_profile',
    request: { hash: H.SUBJECT_PROFILE },
    reply: {
      hash: H.SUBJECT_PROFILE,
      perceive_system_hash: H.PERCEIVE_SYSTEM,
      intend_system_hash: H.INTEND_SYSTEM,
      adjudicate_system_hash: H.ADJUDICATE_SYSTEM,
      adjudication_schema_hash: H.ADJUDICATION_SCHEMA,
      adjudication_retry_budget: 2,
      created_at: '2026-03-14T09:30:42.822Z',
    },
  }),
  example({
    operation: 'get_components',
    request: {
      items: [
        { kind: 'environment', hash: H.ROOM },
        { kind: 'entity', hash: H.ANA },
        {
          kind: 'entity',
          hash: '0000000000000000000000000000000000000000000000000000000000000000',
        },
      ],
    },
    reply: {
      found: [
        {
          kind: 'environment',
          hash: H.ROOM,
          content: TEXT.ROOM,
          created_at: '2026-03-14T09:30:28.548Z',
        },
        {
          kind: 'entity',
          hash: H.ANA,
          content: {
            id: 'ana',
            kind: { agent: { goal: 'Leave the room.', memory: '', cognition_profile: 'subject' } },
            name: 'Ana',
            state: '',
            environment: 'room',
          },
          created_at: '2026-03-14T09:30:35.685Z',
        },
      ],
      missing: [
        {
          kind: 'entity',
          hash: '0000000000000000000000000000000000000000000000000000000000000000',
        },
      ],
    },
  }),
];

import { example, type OperationExample } from './example';
import { H } from './content';

/** The names service, after the scenarios examples. */
export const NAMES_EXAMPLES: readonly OperationExample[] = [
  example({
    operation: 'set_scenario_name',
    request: { name: 'latest', hash: H.LOCKED_ROOM, note: 'First release.' },
    reply: {
      name: 'latest',
      hash: H.LOCKED_ROOM,
      previous_hash: null,
      changed: true,
      history_id: 3,
      changed_at: '2026-03-14T09:31:17.507Z',
    },
  }),
  example({
    operation: 'unset_scenario_name',
    request: { name: 'latest', expected_current_hash: H.LOCKED_ROOM, note: 'Withdrawn for now.' },
    reply: {
      name: 'latest',
      hash: null,
      previous_hash: H.LOCKED_ROOM,
      changed: true,
      history_id: 4,
      changed_at: '2026-03-14T09:31:24.644Z',
    },
  }),
  example({
    operation: 'resolve_name',
    request: { name: 'latest', at: '2026-03-14T09:31:17.507Z' },
    reply: {
      name: 'latest',
      hash: H.LOCKED_ROOM,
      history_id: 3,
      since: '2026-03-14T09:31:17.507Z',
      protected: false,
    },
  }),
  example({
    operation: 'name_history',
    request: { name: 'latest', limit: 10 },
    reply: {
      name: 'latest',
      entries: [
        {
          id: 4,
          name: 'latest',
          old_hash: H.LOCKED_ROOM,
          new_hash: null,
          note: 'Withdrawn for now.',
          actor: 'admin',
          changed_at: '2026-03-14T09:31:24.644Z',
        },
        {
          id: 3,
          name: 'latest',
          old_hash: null,
          new_hash: H.LOCKED_ROOM,
          note: 'First release.',
          actor: 'admin',
          changed_at: '2026-03-14T09:31:17.507Z',
        },
      ],
      next_before_id: null,
    },
  }),
  example({
    operation: 'list_names',
    request: { prefix: 'locked' },
    reply: {
      names: [
        {
          name: 'locked-room',
          hash: H.LOCKED_ROOM,
          updated_at: '2026-03-14T09:30:56.096Z',
          protected: false,
        },
        {
          name: 'locked-room-hard',
          hash: H.LOCKED_ROOM_HARD,
          updated_at: '2026-03-14T09:31:10.370Z',
          protected: false,
        },
      ],
      next_after: null,
    },
  }),
  example({
    operation: 'update_scenario_names',
    request: {
      updates: [
        { name: 'latest', hash: H.LOCKED_ROOM_HARD, expected_current_hash: null },
        { name: 'stable', hash: H.LOCKED_ROOM },
      ],
      note: 'Release the hard room; the first one is stable.',
    },
    reply: {
      changes: [
        {
          name: 'latest',
          hash: H.LOCKED_ROOM_HARD,
          previous_hash: null,
          changed: true,
          history_id: 5,
          changed_at: '2026-03-14T09:31:31.781Z',
        },
        {
          name: 'stable',
          hash: H.LOCKED_ROOM,
          previous_hash: null,
          changed: true,
          history_id: 6,
          changed_at: '2026-03-14T09:31:31.781Z',
        },
      ],
    },
  }),
  example({
    operation: 'protect_name',
    request: { name: 'stable', note: 'What users run: it moves under a directive.' },
    reply: { name: 'stable', protected: true, changed: true },
  }),
  example({
    operation: 'unprotect_name',
    request: { name: 'stable' },
    reply: { name: 'stable', protected: false, changed: true },
  }),
];

import { op, ok, type PlatformStack } from '../platform/stack';
import { countRows, rowCountChanges, settledRowCounts, type RowCountChanges } from '../support';
import {
  ADJUDICATE_SYSTEM,
  ADJUDICATION_SCHEMA,
  ENTITIES,
  ENVIRONMENTS,
  INTEND_SYSTEM,
  PERCEIVE_SYSTEM,
} from './fixtures';

const H = 'c'.repeat(64);

const inlineProfile = {
  inline: {
    perceive_system: { inline: PERCEIVE_SYSTEM },
    intend_system: { inline: INTEND_SYSTEM },
    adjudicate_system: { inline: ADJUDICATE_SYSTEM },
    adjudication_schema: { inline: ADJUDICATION_SCHEMA },
    adjudication_retry_budget: 2,
  },
};

/** A valid inline assembly request; each case below breaks one rule of it. */
export function validRequest(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    scenario_slug: 'night_observatory',
    description: 'Two keepers.',
    chronon_seconds: 600,
    cognition_profiles: { keeper: inlineProfile },
    environments: {
      dome: { inline: ENVIRONMENTS.dome },
      stairwell: { inline: ENVIRONMENTS.stairwell },
    },
    entities: ENTITIES.map((e) => ({ inline: e })),
    ...overrides,
  };
}

const [elder, young, telescope, logbook] = ENTITIES;

interface Case {
  name: string;
  request: Record<string, unknown>;
  status: number;
  code: string;
  reason: string;
  path: string;
}

const CASES: Case[] = [
  {
    name: 'slug grammar',
    request: validRequest({ scenario_slug: 'Night Observatory' }),
    status: 400,
    code: 'invalid_argument',
    reason: 'invalid_slug',
    path: '/scenario_slug',
  },
  {
    name: 'chronon zero',
    request: validRequest({ chronon_seconds: 0 }),
    status: 400,
    code: 'invalid_argument',
    reason: 'chronon_out_of_range',
    path: '/chronon_seconds',
  },
  {
    name: 'chronon over a year',
    request: validRequest({ chronon_seconds: 31_536_001 }),
    status: 400,
    code: 'invalid_argument',
    reason: 'chronon_out_of_range',
    path: '/chronon_seconds',
  },
  {
    name: 'chronon not an integer',
    request: validRequest({ chronon_seconds: 1.5 }),
    status: 400,
    code: 'invalid_argument',
    reason: 'wrong_type',
    path: '/chronon_seconds',
  },
  {
    name: 'empty description',
    request: validRequest({ description: '' }),
    status: 400,
    code: 'invalid_argument',
    reason: 'empty_description',
    path: '/description',
  },
  {
    name: 'blank description',
    request: validRequest({ description: '   ' }),
    status: 400,
    code: 'invalid_argument',
    reason: 'empty_description',
    path: '/description',
  },
  {
    name: 'no cognition profiles',
    request: validRequest({ cognition_profiles: {} }),
    status: 400,
    code: 'invalid_argument',
    reason: 'no_cognition_profiles',
    path: '/cognition_profiles',
  },
  {
    name: 'profile label grammar',
    request: validRequest({ cognition_profiles: { 'Keeper!': inlineProfile } }),
    status: 400,
    code: 'invalid_argument',
    reason: 'invalid_label',
    path: '/cognition_profiles/Keeper!',
  },
  {
    name: 'no environments',
    request: validRequest({ environments: {} }),
    status: 400,
    code: 'invalid_argument',
    reason: 'no_environments',
    path: '/environments',
  },
  {
    name: 'environment label grammar',
    request: validRequest({ environments: { _dome: { inline: 'x' } } }),
    status: 400,
    code: 'invalid_argument',
    reason: 'invalid_label',
    path: '/environments/_dome',
  },
  {
    name: 'empty environment',
    request: validRequest({ environments: { dome: { inline: '' }, stairwell: { inline: 'x' } } }),
    status: 400,
    code: 'invalid_argument',
    reason: 'empty_text',
    path: '/environments/dome/inline',
  },
  {
    name: 'blank environment',
    request: validRequest({ environments: { dome: { inline: '  ' }, stairwell: { inline: 'x' } } }),
    status: 400,
    code: 'invalid_argument',
    reason: 'empty_text',
    path: '/environments/dome/inline',
  },
  {
    name: 'empty profile part',
    request: validRequest({
      cognition_profiles: {
        keeper: { inline: { ...inlineProfile.inline, intend_system: { inline: ' ' } } },
      },
    }),
    status: 400,
    code: 'invalid_argument',
    reason: 'empty_text',
    path: '/cognition_profiles/keeper/inline/intend_system/inline',
  },
  {
    name: 'schema that is not JSON Schema',
    request: validRequest({
      cognition_profiles: {
        keeper: {
          inline: { ...inlineProfile.inline, adjudication_schema: { inline: { type: 'nope' } } },
        },
      },
    }),
    status: 400,
    code: 'invalid_argument',
    reason: 'invalid_json_schema',
    path: '/cognition_profiles/keeper/inline/adjudication_schema/inline',
  },
  {
    name: 'retry budget over 10',
    request: validRequest({
      cognition_profiles: {
        keeper: { inline: { ...inlineProfile.inline, adjudication_retry_budget: 11 } },
      },
    }),
    status: 400,
    code: 'invalid_argument',
    reason: 'retry_budget_out_of_range',
    path: '/cognition_profiles/keeper/inline/adjudication_retry_budget',
  },
  {
    name: 'no entities',
    request: validRequest({ entities: [] }),
    status: 400,
    code: 'invalid_argument',
    reason: 'no_entities',
    path: '/entities',
  },
  {
    name: 'no agent',
    request: validRequest({ entities: [{ inline: telescope }, { inline: logbook }] }),
    status: 400,
    code: 'invalid_argument',
    reason: 'no_agent',
    path: '/entities',
  },
  {
    name: 'entity id grammar',
    request: validRequest({ entities: [{ inline: { ...elder, id: 'Elder Keeper' } }] }),
    status: 400,
    code: 'invalid_argument',
    reason: 'invalid_label',
    path: '/entities/0/inline/id',
  },
  {
    name: 'blank entity name',
    request: validRequest({ entities: [{ inline: { ...elder, name: ' ' } }] }),
    status: 400,
    code: 'invalid_argument',
    reason: 'empty_text',
    path: '/entities/0/inline/name',
  },
  {
    name: 'entity in an unbound environment',
    request: validRequest({
      entities: [{ inline: elder }, { inline: { ...telescope, environment: 'cellar' } }],
    }),
    status: 400,
    code: 'invalid_argument',
    reason: 'unknown_environment',
    path: '/entities/1/inline/environment',
  },
  {
    name: 'agent with an unbound profile',
    request: validRequest({
      entities: [
        { inline: { ...young, kind: { agent: { goal: 'x', cognition_profile: 'ghost' } } } },
      ],
    }),
    status: 400,
    code: 'invalid_argument',
    reason: 'unknown_cognition_profile',
    path: '/entities/0/inline/kind/agent/cognition_profile',
  },
  {
    name: 'prop with a profile',
    request: validRequest({
      entities: [
        { inline: elder },
        { inline: { ...telescope, kind: { prop: { cognition_profile: 'keeper' } } } },
      ],
    }),
    status: 400,
    code: 'invalid_argument',
    reason: 'prop_with_profile',
    path: '/entities/1/inline/kind',
  },
  {
    name: 'duplicate entity ids',
    request: validRequest({
      entities: [
        { inline: elder },
        { inline: telescope },
        { inline: { ...logbook, id: 'telescope' } },
      ],
    }),
    status: 400,
    code: 'invalid_argument',
    reason: 'duplicate_entity_id',
    path: '/entities/2',
  },
  {
    name: 'over 256 KB',
    request: validRequest({
      environments: {
        dome: { inline: 'd'.repeat(60_000) },
        stairwell: { inline: 's'.repeat(60_000) },
        vault: { inline: 'v'.repeat(60_000) },
        attic: { inline: 'a'.repeat(60_000) },
        cellar: { inline: 'c'.repeat(60_000) },
      },
    }),
    status: 400,
    code: 'invalid_argument',
    reason: 'scenario_too_large',
    path: '',
  },
  {
    name: 'legacy cognition block',
    request: validRequest({ cognition: { perceive_system: 'x' } }),
    status: 400,
    code: 'invalid_argument',
    reason: 'legacy_field',
    path: '/cognition',
  },
  {
    name: 'legacy singular environment',
    request: validRequest({ environment: 'A room.' }),
    status: 400,
    code: 'invalid_argument',
    reason: 'legacy_field',
    path: '/environment',
  },
  {
    name: 'legacy user template',
    request: validRequest({ adjudicate_user_template: '{world}' }),
    status: 400,
    code: 'invalid_argument',
    reason: 'legacy_field',
    path: '/adjudicate_user_template',
  },
  {
    name: 'legacy corrective template',
    request: validRequest({ adjudicate_corrective_template: '{complaint}' }),
    status: 400,
    code: 'invalid_argument',
    reason: 'legacy_field',
    path: '/adjudicate_corrective_template',
  },
  {
    name: 'unknown field',
    request: validRequest({ colour: 'red' }),
    status: 400,
    code: 'invalid_argument',
    reason: 'unknown_field',
    path: '/colour',
  },
  {
    name: 'ref with both hash and inline',
    request: validRequest({ environments: { dome: { hash: H, inline: 'x' } } }),
    status: 400,
    code: 'invalid_argument',
    reason: 'invalid_ref',
    path: '/environments/dome',
  },
  {
    name: 'malformed hash',
    request: validRequest({ environments: { dome: { hash: 'xyz' }, stairwell: { inline: 'x' } } }),
    status: 400,
    code: 'invalid_argument',
    reason: 'invalid_hash',
    path: '/environments/dome/hash',
  },
  {
    name: 'unknown entity hash',
    request: validRequest({ entities: [{ inline: elder }, { hash: H }] }),
    status: 404,
    code: 'not_found',
    reason: 'component_not_found',
    path: '/entities/1/hash',
  },
  {
    name: 'unknown profile hash',
    request: validRequest({ cognition_profiles: { keeper: { hash: H } } }),
    status: 404,
    code: 'not_found',
    reason: 'component_not_found',
    path: '/cognition_profiles/keeper/hash',
  },
  {
    name: 'unknown part hash in an inline profile',
    request: validRequest({
      cognition_profiles: {
        keeper: { inline: { ...inlineProfile.inline, perceive_system: { hash: H } } },
      },
    }),
    status: 404,
    code: 'not_found',
    reason: 'component_not_found',
    path: '/cognition_profiles/keeper/inline/perceive_system/hash',
  },
  {
    name: 'name grammar',
    request: validRequest({ name: 'Night Observatory' }),
    status: 400,
    code: 'invalid_argument',
    reason: 'invalid_label',
    path: '/name',
  },
];

const FORK_CASES: Array<{
  name: string;
  request: (parent: string) => Record<string, unknown>;
  status: number;
  code: string;
  reason: string;
  path: string;
}> = [
  {
    name: 'unknown parent hash',
    request: () => ({ primary_parent: { hash: H }, changes: {} }),
    status: 404,
    code: 'not_found',
    reason: 'scenario_not_found',
    path: '/primary_parent/hash',
  },
  {
    name: 'unknown parent name',
    request: () => ({ primary_parent: { name: 'no-such-name' }, changes: {} }),
    status: 404,
    code: 'not_found',
    reason: 'name_not_found',
    path: '/primary_parent/name',
  },
  {
    name: 'malformed parent hash',
    request: () => ({ primary_parent: { hash: 'zz' }, changes: {} }),
    status: 400,
    code: 'invalid_argument',
    reason: 'invalid_hash',
    path: '/primary_parent/hash',
  },
  {
    name: 'parent by both name and hash',
    request: (p) => ({ primary_parent: { hash: p, name: 'x' }, changes: {} }),
    status: 400,
    code: 'invalid_argument',
    reason: 'invalid_ref',
    path: '/primary_parent',
  },
  {
    name: 'unknown additional parent',
    request: (p) => ({
      primary_parent: { hash: p },
      changes: {},
      additional_parents: [{ parent_hash: H, role: 'donor' }],
    }),
    status: 404,
    code: 'not_found',
    reason: 'scenario_not_found',
    path: '/additional_parents/0/parent_hash',
  },
  {
    name: 'label upserted and removed',
    request: (p) => ({
      primary_parent: { hash: p },
      changes: {
        environment_upserts: { dome: { inline: 'New dome.' } },
        environment_removals: ['dome'],
      },
    }),
    status: 400,
    code: 'invalid_argument',
    reason: 'conflicting_label_ops',
    path: '/changes/environment_removals/0',
  },
  {
    name: 'removing an unbound label',
    request: (p) => ({
      primary_parent: { hash: p },
      changes: { cognition_profile_removals: ['ghost'] },
    }),
    status: 400,
    code: 'invalid_argument',
    reason: 'label_not_found',
    path: '/changes/cognition_profile_removals/0',
  },
  {
    name: 'removing an inhabited environment',
    request: (p) => ({
      primary_parent: { hash: p },
      changes: { environment_removals: ['stairwell'] },
    }),
    status: 400,
    code: 'invalid_argument',
    reason: 'unknown_environment',
    path: '/changes/environment_removals/0',
  },
  {
    name: 'removing the only profile',
    request: (p) => ({
      primary_parent: { hash: p },
      changes: { cognition_profile_removals: ['keeper'] },
    }),
    status: 400,
    code: 'invalid_argument',
    reason: 'unknown_cognition_profile',
    path: '/changes/cognition_profile_removals/0',
  },
  {
    name: 'chronon out of range',
    request: (p) => ({ primary_parent: { hash: p }, changes: { chronon_seconds: -5 } }),
    status: 400,
    code: 'invalid_argument',
    reason: 'chronon_out_of_range',
    path: '/changes/chronon_seconds',
  },
  {
    name: 'unknown change field',
    request: (p) => ({ primary_parent: { hash: p }, changes: { environment: 'x' } }),
    status: 400,
    code: 'invalid_argument',
    reason: 'unknown_field',
    path: '/changes/environment',
  },
];

// Tables a valid assembly or fork writes: the helper must see them all (a
// guard against a count that silently misses a schema; the counts themselves
// cover every table the catalog lists, these included).
const WRITTEN_BY_A_STORE = [
  'components.perceive_systems',
  'components.intend_systems',
  'components.adjudicate_systems',
  'components.adjudication_schemas',
  'components.cognition_profiles',
  'components.environments',
  'components.entities',
  'components.outbox',
  'scenarios.scenarios',
  'scenarios.scenario_cognition_profiles',
  'scenarios.scenario_environments',
  'scenarios.scenario_entities',
  'scenarios.profile_parts',
  'scenarios.scenario_component_uses',
  'scenarios.scenario_derivations',
  'scenarios.outbox',
];

/** Status, code, reason and path of a refusal, as one comparable value. */
function refusal(status: number, body: any): Record<string, unknown> {
  return {
    status,
    code: body.error?.code,
    reason: body.error?.details?.reason,
    path: body.error?.details?.path,
  };
}

/** Every validation rule and bad reference, each failing with its own reason and path, writing nothing anywhere. */
export function describeValidation(name: string, start: () => Promise<PlatformStack>): void {
  describe(`scenario validation (${name})`, () => {
    let stack: PlatformStack;
    let parent = '';
    let parentWrote: RowCountChanges = {};
    beforeAll(async () => {
      stack = await start();
      const before = await settledRowCounts(stack.infra.knex);
      parent = (await ok(stack, 'assemble_scenario', validRequest())).scenario_hash as string;
      parentWrote = rowCountChanges(before, await settledRowCounts(stack.infra.knex));
    }, 90_000);
    afterAll(async () => {
      await stack?.stop();
    });

    it('counts every table a store writes (the counts below can see a write)', () => {
      // The embedded event log keeps its records in Postgres too.
      const expected =
        stack.kind === 'embedded'
          ? [...WRITTEN_BY_A_STORE, 'eventlog.records']
          : [...WRITTEN_BY_A_STORE];
      expect(Object.keys(parentWrote).sort()).toEqual(expected.sort());
    });

    it.each(CASES.map((c) => [c.name, c] as const))('assemble: %s', async (_name, c) => {
      const before = await settledRowCounts(stack.infra.knex);
      const { status, body } = await op(stack, 'assemble_scenario', c.request);
      expect(refusal(status, body)).toEqual({
        status: c.status,
        code: c.code,
        reason: c.reason,
        path: c.path,
      });
      expect(rowCountChanges(before, await countRows(stack.infra.knex))).toEqual({});
    });

    it.each(FORK_CASES.map((c) => [c.name, c] as const))('fork: %s', async (_name, c) => {
      const before = await settledRowCounts(stack.infra.knex);
      const { status, body } = await op(stack, 'fork_scenario', c.request(parent));
      expect(refusal(status, body)).toEqual({
        status: c.status,
        code: c.code,
        reason: c.reason,
        path: c.path,
      });
      expect(rowCountChanges(before, await countRows(stack.infra.knex))).toEqual({});
    });

    it('reads: unknown and malformed references are 4xx', async () => {
      expect((await op(stack, 'get_scenario', { hash: H })).status).toBe(404);
      expect((await op(stack, 'get_scenario', { hash: 'nope' })).body.error.details).toMatchObject({
        reason: 'invalid_hash',
      });
      expect((await op(stack, 'get_scenario', { name: 'nobody' })).status).toBe(404);
      expect((await op(stack, 'get_scenario', {})).body.error.details).toMatchObject({
        reason: 'invalid_ref',
      });
      expect((await op(stack, 'lineage_of', { hash: H })).status).toBe(404);
      expect((await op(stack, 'lineage_of', {})).body.error.details).toMatchObject({
        reason: 'invalid_ref',
      });
      expect((await op(stack, 'get_derivation', { id: 999_999 })).body.error.details).toMatchObject(
        { reason: 'derivation_not_found' },
      );
      expect(
        (await op(stack, 'list_scenarios', { page: { cursor: 'garbage' } })).body.error.details,
      ).toMatchObject({
        reason: 'invalid_cursor',
        path: '/page/cursor',
      });
      expect(
        (await op(stack, 'list_scenarios', { filter: { uses_entity_hash: 'x' } })).body.error
          .details,
      ).toMatchObject({
        reason: 'invalid_hash',
        path: '/filter/uses_entity_hash',
      });
    });
  });
}

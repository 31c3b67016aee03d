import { randomUUID } from 'node:crypto';
import {
  CrucibleError,
  type CognitionProfileInput,
  type NewComponents,
  type ResolveComponentsReply,
  type ResolveComponentsRequest,
} from '@crucible/contracts';
import { rejectedWith } from '@crucible/contracts/testing';
import {
  canonicalJson,
  cognitionProfileHash,
  jsonComponentHash,
  textComponentHash,
} from '@crucible/hashing';
import { RpcClient, decodeJson, encodeJson } from '@crucible/messaging';
import { statementsDuring } from '../support';
import { countAll, type RowCounts, type Stack } from './stack';

const NO_NEW_COMPONENTS: NewComponents = {
  perceive_systems: 0,
  intend_systems: 0,
  adjudicate_systems: 0,
  adjudication_schemas: 0,
  cognition_profiles: 0,
  environments: 0,
  entities: 0,
};

/** Bytes a text takes as a JSON string literal, the way the reply's json_bytes counts. */
const literalBytes = (text: string) => Buffer.byteLength(JSON.stringify(text), 'utf8');

/** Row count changes between two countAll() snapshots (tables that did not change left out). */
function delta(before: RowCounts, after: RowCounts): Partial<RowCounts> {
  const out: Partial<RowCounts> = {};
  for (const table of Object.keys(after) as Array<keyof RowCounts>) {
    const change = after[table] - before[table];
    if (change !== 0) out[table] = change;
  }
  return out;
}

/**
 * resolve_components end to end over the bus (it has no HTTP route): the
 * scenarios service's way in. Runs on real Postgres/NATS/Kafka and on the
 * embedded default.
 */
export function describeResolveComponents(name: string, start: () => Promise<Stack>): void {
  describe(`resolve_components (${name})`, () => {
    let stack: Stack;
    let client: RpcClient;
    beforeAll(async () => {
      stack = await start();
      client = new RpcClient({
        bus: stack.infra.bus,
        catalog: stack.infra.catalog,
        prefix: stack.infra.prefix,
        timeoutMs: 20_000,
      });
    }, 60_000);
    afterAll(async () => {
      await stack?.stop();
    });

    const resolve = (request: ResolveComponentsRequest) =>
      client.call('resolve_components', request);
    /** A text no other test uses, so every test starts from rows that do not exist. */
    const fresh = (label: string) => `${label} ${randomUUID()}`;

    /** A profile with every part inline, all new. */
    function inlineProfile(tag: string, budget = 2): CognitionProfileInput {
      return {
        perceive_system: { inline: fresh(`perceive ${tag}`) },
        intend_system: { inline: fresh(`intend ${tag}`) },
        adjudicate_system: { inline: fresh(`adjudicate ${tag}`) },
        adjudication_schema: { inline: { type: 'object', title: fresh(`schema ${tag}`) } },
        adjudication_retry_budget: budget,
      };
    }

    function expectedProfileHashes(input: CognitionProfileInput) {
      const parts = {
        perceive_system_hash: textComponentHash(input.perceive_system.inline ?? ''),
        intend_system_hash: textComponentHash(input.intend_system.inline ?? ''),
        adjudicate_system_hash: textComponentHash(input.adjudicate_system.inline ?? ''),
        adjudication_schema_hash: jsonComponentHash(input.adjudication_schema.inline ?? {}),
        adjudication_retry_budget: input.adjudication_retry_budget,
      };
      return { hash: cognitionProfileHash(parts), ...parts };
    }

    /** Outbox rows keyed by each hash (the event key is the component hash). */
    async function eventsFor(hashes: string[]): Promise<Map<string, number>> {
      const keys: string[] = await stack.infra.knex
        .withSchema('components')
        .table<{ key: string }>('outbox')
        .whereIn('key', hashes)
        .pluck('key');
      const counts = new Map<string, number>();
      for (const key of keys) counts.set(key, (counts.get(key) ?? 0) + 1);
      return counts;
    }

    it('with store=false writes nothing and answers the hashes store=true then stores', async () => {
      const profile = inlineProfile('dry run');
      const environment = fresh('A dry-run room.');
      const entity = { id: 'dry', name: fresh('Dry'), environment: 'room' };
      const request = {
        cognition_profiles: [{ inline: profile }],
        environments: [{ inline: environment }],
        entities: [{ inline: entity }],
      };
      const before = await countAll(stack);
      const dry = await resolve({ store: false, ...request });
      expect(await countAll(stack)).toEqual(before);
      expect(dry.new_components).toEqual(NO_NEW_COMPONENTS);
      const profileHashes = expectedProfileHashes(profile);
      expect(dry.cognition_profiles).toEqual([
        {
          ...profileHashes,
          was_new: false,
          json_bytes: {
            perceive_system: literalBytes(profile.perceive_system.inline ?? ''),
            intend_system: literalBytes(profile.intend_system.inline ?? ''),
            adjudicate_system: literalBytes(profile.adjudicate_system.inline ?? ''),
            adjudication_schema: Buffer.byteLength(
              canonicalJson(profile.adjudication_schema.inline),
            ),
          },
        },
      ]);
      const normalized = { ...entity, state: '', kind: 'prop' };
      expect(dry.environments).toEqual([
        {
          hash: textComponentHash(environment),
          was_new: false,
          json_bytes: literalBytes(environment),
        },
      ]);
      expect(dry.entities).toEqual([
        { hash: jsonComponentHash(normalized), was_new: false, content: normalized },
      ]);

      // A dry run leaves nothing behind: a {hash} reference to it is still missing.
      const missing = await rejectedWith(
        resolve({ store: false, environments: [{ hash: textComponentHash(environment) }] }),
        CrucibleError,
      );
      expect(missing.code).toBe('not_found');

      const stored = await resolve({ store: true, ...request });
      const wasNew = (reply: ResolveComponentsReply) => ({
        ...reply,
        cognition_profiles: reply.cognition_profiles.map((p) => ({ ...p, was_new: true })),
        environments: reply.environments.map((e) => ({ ...e, was_new: true })),
        entities: reply.entities.map((e) => ({ ...e, was_new: true })),
      });
      expect(stored).toEqual({
        ...wasNew(dry),
        new_components: {
          perceive_systems: 1,
          intend_systems: 1,
          adjudicate_systems: 1,
          adjudication_schemas: 1,
          cognition_profiles: 1,
          environments: 1,
          entities: 1,
        },
      });
      const after = await countAll(stack);
      expect(delta(before, after)).toEqual({
        perceive_systems: 1,
        intend_systems: 1,
        adjudicate_systems: 1,
        adjudication_schemas: 1,
        cognition_profiles: 1,
        environments: 1,
        entities: 1,
        outbox: 7,
      });

      // Again: all reused, nothing written, the same answer with was_new false;
      // known to be stored, so no insert is even tried.
      const { result: again, statements } = await statementsDuring(() =>
        resolve({ store: true, ...request }),
      );
      expect(again).toEqual(dry);
      expect(statements.filter((sql) => sql.includes('insert into "components"'))).toEqual([]);
      expect(await countAll(stack)).toEqual(after);
    });

    it('resolves mixed {hash} and {inline} lists in request order', async () => {
      const envText = fresh('A stored room.');
      const storedEnv = await client.call('put_environment', { content: envText });
      const storedEntity = await client.call('put_entity', {
        content: {
          id: 'ant',
          name: fresh('Ant'),
          environment: 'room',
          kind: { agent: { goal: 'eat', cognition_profile: 'ant' } },
        },
      });
      const storedProfileInput = inlineProfile('stored');
      const storedProfile = await client.call('put_cognition_profile', storedProfileInput);
      const storedPerceive = storedProfileInput.perceive_system.inline ?? '';
      const storedSchema = storedProfileInput.adjudication_schema.inline ?? {};

      const newIntend = fresh('A new intend text.');
      const mixedProfile: CognitionProfileInput = {
        perceive_system: { hash: storedProfile.perceive_system_hash },
        intend_system: { inline: newIntend },
        adjudicate_system: { hash: storedProfile.adjudicate_system_hash },
        adjudication_schema: { hash: storedProfile.adjudication_schema_hash },
        adjudication_retry_budget: 7,
      };
      const newEnv = fresh('A new room.');
      const newEntity = { id: 'crumb', name: fresh('Crumb'), environment: 'room', state: 'dry' };
      const before = await countAll(stack);
      const reply = await resolve({
        store: true,
        cognition_profiles: [{ inline: mixedProfile }, { hash: storedProfile.hash }],
        environments: [{ hash: storedEnv.hash }, { inline: newEnv }],
        entities: [{ inline: newEntity }, { hash: storedEntity.hash }],
      });

      const mixedRow = {
        perceive_system_hash: storedProfile.perceive_system_hash,
        intend_system_hash: textComponentHash(newIntend),
        adjudicate_system_hash: storedProfile.adjudicate_system_hash,
        adjudication_schema_hash: storedProfile.adjudication_schema_hash,
        adjudication_retry_budget: 7,
      };
      expect(reply.cognition_profiles).toEqual([
        {
          hash: cognitionProfileHash(mixedRow),
          was_new: true,
          ...mixedRow,
          json_bytes: {
            perceive_system: literalBytes(storedPerceive),
            intend_system: literalBytes(newIntend),
            adjudicate_system: literalBytes(storedProfileInput.adjudicate_system.inline ?? ''),
            adjudication_schema: Buffer.byteLength(canonicalJson(storedSchema)),
          },
        },
        {
          hash: storedProfile.hash,
          was_new: false,
          perceive_system_hash: storedProfile.perceive_system_hash,
          intend_system_hash: storedProfile.intend_system_hash,
          adjudicate_system_hash: storedProfile.adjudicate_system_hash,
          adjudication_schema_hash: storedProfile.adjudication_schema_hash,
          adjudication_retry_budget: 2,
          json_bytes: {
            perceive_system: literalBytes(storedPerceive),
            intend_system: literalBytes(storedProfileInput.intend_system.inline ?? ''),
            adjudicate_system: literalBytes(storedProfileInput.adjudicate_system.inline ?? ''),
            adjudication_schema: Buffer.byteLength(canonicalJson(storedSchema)),
          },
        },
      ]);
      expect(reply.environments).toEqual([
        { hash: storedEnv.hash, was_new: false, json_bytes: literalBytes(envText) },
        { hash: textComponentHash(newEnv), was_new: true, json_bytes: literalBytes(newEnv) },
      ]);
      const normalizedNew = { ...newEntity, kind: 'prop' };
      expect(reply.entities).toEqual([
        { hash: jsonComponentHash(normalizedNew), was_new: true, content: normalizedNew },
        {
          hash: storedEntity.hash,
          was_new: false,
          content: expect.objectContaining({
            id: 'ant',
            state: '',
            kind: { agent: { goal: 'eat', memory: '', cognition_profile: 'ant' } },
          }),
        },
      ]);
      expect(reply.new_components).toEqual({
        ...NO_NEW_COMPONENTS,
        intend_systems: 1,
        cognition_profiles: 1,
        environments: 1,
        entities: 1,
      });
      expect(delta(before, await countAll(stack))).toEqual({
        intend_systems: 1,
        cognition_profiles: 1,
        environments: 1,
        entities: 1,
        outbox: 4,
      });

      // By hash only (no transaction), and a second time from the read cache: same answer.
      const byHash: ResolveComponentsRequest = {
        store: true,
        cognition_profiles: [{ hash: reply.cognition_profiles[0]!.hash }],
        environments: [{ hash: textComponentHash(newEnv) }],
        entities: [{ hash: jsonComponentHash(normalizedNew) }],
      };
      const expected = {
        cognition_profiles: [{ ...reply.cognition_profiles[0], was_new: false }],
        environments: [{ ...reply.environments[1], was_new: false }],
        entities: [{ ...reply.entities[0], was_new: false }],
        new_components: NO_NEW_COMPONENTS,
      };
      expect(await resolve(byHash)).toEqual(expected);
      expect(await resolve(byHash)).toEqual(expected);
      // The stored rows read back as the put operations would have stored them.
      const read = await client.call('get_entity', { hash: jsonComponentHash(normalizedNew) });
      expect(read.content).toEqual(normalizedNew);
    });

    it('answers every duplicate, inserting and counting each row once', async () => {
      const env = fresh('A twice-given room.');
      const entity = { id: 'twin', name: fresh('Twin'), environment: 'room' };
      const profile = inlineProfile('twice');
      // Another profile sharing three parts with the first: only its budget differs.
      const sibling = { ...profile, adjudication_retry_budget: 9 };
      const before = await countAll(stack);
      const reply = await resolve({
        store: true,
        cognition_profiles: [{ inline: profile }, { inline: sibling }, { inline: profile }],
        environments: [{ inline: env }, { inline: env }, { inline: env }],
        entities: [{ inline: entity }, { inline: { ...entity, state: '', kind: 'prop' } }],
      });
      expect(reply.cognition_profiles.map((p) => [p.hash, p.was_new])).toEqual([
        [expectedProfileHashes(profile).hash, true],
        [expectedProfileHashes(sibling).hash, true],
        [expectedProfileHashes(profile).hash, false],
      ]);
      expect(reply.environments.map((e) => e.was_new)).toEqual([true, false, false]);
      expect(new Set(reply.environments.map((e) => e.hash)).size).toBe(1);
      // The same entity written with and without its defaults is one component.
      expect(reply.entities.map((e) => e.was_new)).toEqual([true, false]);
      expect(reply.entities[0]?.hash).toBe(reply.entities[1]?.hash);
      expect(reply.new_components).toEqual({
        perceive_systems: 1,
        intend_systems: 1,
        adjudicate_systems: 1,
        adjudication_schemas: 1,
        cognition_profiles: 2,
        environments: 1,
        entities: 1,
      });
      expect(delta(before, await countAll(stack))).toEqual({
        perceive_systems: 1,
        intend_systems: 1,
        adjudicate_systems: 1,
        adjudication_schemas: 1,
        cognition_profiles: 2,
        environments: 1,
        entities: 1,
        outbox: 8,
      });
    });

    it('reports a {hash} reference that is missing at its path and writes nothing', async () => {
      const stored = await client.call('put_environment', { content: fresh('Known room.') });
      const storedProfile = await client.call('put_cognition_profile', inlineProfile('known'));
      const absent = 'f'.repeat(64);
      // Inline items everywhere, all new: any of them written would show in the counts.
      const base = () => ({
        store: true,
        cognition_profiles: [{ inline: inlineProfile('never') }, { hash: storedProfile.hash }],
        environments: [{ inline: fresh('Never room.') }, { hash: stored.hash }],
        entities: [
          { inline: { id: 'never', name: fresh('Never'), environment: 'room' } },
          { inline: { id: 'never2', name: fresh('Never 2'), environment: 'room' } },
          { inline: { id: 'never3', name: fresh('Never 3'), environment: 'room' } },
        ],
      });
      const partMissing = (): ResolveComponentsRequest => {
        const request = base();
        request.cognition_profiles[0] = {
          inline: { ...inlineProfile('never'), intend_system: { hash: absent } },
        };
        return request;
      };
      const inlineHere = textComponentHash('Given inline here.');
      const cases: Array<[string, ResolveComponentsRequest, string, string, string]> = [
        [
          'an entity',
          { ...base(), entities: [...base().entities, { hash: absent }] },
          '/entities/3/hash',
          'entity',
          absent,
        ],
        [
          'an environment',
          { ...base(), environments: [{ hash: stored.hash }, { hash: absent }] },
          '/environments/1/hash',
          'environment',
          absent,
        ],
        [
          'a profile',
          { ...base(), cognition_profiles: [{ inline: inlineProfile('x') }, { hash: absent }] },
          '/cognition_profiles/1/hash',
          'cognition_profile',
          absent,
        ],
        [
          'a part of an inline profile',
          partMissing(),
          '/cognition_profiles/0/inline/intend_system/hash',
          'intend_system',
          absent,
        ],
        [
          'several: the first in request order (profiles, environments, entities)',
          { ...partMissing(), environments: [{ hash: absent }], entities: [{ hash: absent }] },
          '/cognition_profiles/0/inline/intend_system/hash',
          'intend_system',
          absent,
        ],
        [
          'a hash whose content is given inline only in this same request',
          {
            store: true,
            environments: [{ inline: 'Given inline here.' }, { hash: inlineHere }],
          },
          '/environments/1/hash',
          'environment',
          inlineHere,
        ],
        [
          'the hash of a component of another kind',
          { store: true, entities: [{ hash: stored.hash }] },
          '/entities/0/hash',
          'entity',
          stored.hash,
        ],
      ];
      const before = await countAll(stack);
      for (const [what, request, path, kind, hash] of cases) {
        for (const store of [true, false]) {
          const error = await rejectedWith(resolve({ ...request, store }), CrucibleError);
          expect({
            what,
            code: error.code,
            retryable: error.retryable,
            details: error.details,
          }).toEqual({
            what,
            code: 'not_found',
            retryable: false,
            details: { path, reason: 'component_not_found', kind, hash },
          });
        }
      }
      expect(await countAll(stack)).toEqual(before);
    });

    it('refuses every invalid inline item at its path and writes nothing', async () => {
      const good = () => ({
        cognition_profiles: [{ inline: inlineProfile('valid') }],
        environments: [{ inline: fresh('Valid room.') }],
        entities: [{ inline: { id: 'ok', name: fresh('Ok'), environment: 'room' } }],
      });
      const big = 'é'.repeat(32 * 1024 + 1); // 64 KiB + 2 bytes of UTF-8
      const withProfile = (change: Partial<CognitionProfileInput>) => ({
        ...good(),
        cognition_profiles: [
          { inline: inlineProfile('valid') },
          { inline: { ...inlineProfile('bad'), ...change } },
        ],
      });
      const cases: Array<[string, Omit<ResolveComponentsRequest, 'store'>, string, string]> = [
        [
          'a blank environment',
          { ...good(), environments: [{ inline: 'ok' }, { inline: 'ok' }, { inline: ' \n\t' }] },
          '/environments/2/inline',
          'empty_text',
        ],
        [
          'an environment over 64 KiB',
          { ...good(), environments: [{ inline: big }] },
          '/environments/0/inline',
          'too_large',
        ],
        [
          'an entity with a blank name',
          {
            ...good(),
            entities: [
              { inline: { id: 'a', name: 'A', environment: 'room' } },
              { inline: { id: 'b', name: '   ', environment: 'room' } },
            ],
          },
          '/entities/1/inline/name',
          'empty_text',
        ],
        [
          'an entity over 64 KiB',
          {
            ...good(),
            entities: [{ inline: { id: 'a', name: 'A', environment: 'r', state: big } }],
          },
          '/entities/0/inline',
          'too_large',
        ],
        [
          'a blank prompt text in an inline profile',
          withProfile({ perceive_system: { inline: ' ' } }),
          '/cognition_profiles/1/inline/perceive_system/inline',
          'empty_text',
        ],
        [
          'a prompt text over 64 KiB in an inline profile',
          withProfile({ adjudicate_system: { inline: big } }),
          '/cognition_profiles/1/inline/adjudicate_system/inline',
          'too_large',
        ],
        [
          'an adjudication schema that is not JSON Schema',
          withProfile({ adjudication_schema: { inline: { type: 'banana' } } }),
          '/cognition_profiles/1/inline/adjudication_schema/inline',
          'invalid_json_schema',
        ],
        [
          'an adjudication schema of an unsupported draft',
          withProfile({
            adjudication_schema: {
              inline: { $schema: 'http://json-schema.org/draft-04/schema#' },
            },
          }),
          '/cognition_profiles/1/inline/adjudication_schema/inline/$schema',
          'invalid_json_schema',
        ],
      ];
      const before = await countAll(stack);
      for (const [what, request, path, reason] of cases) {
        for (const store of [true, false]) {
          const error = await rejectedWith(resolve({ store, ...request }), CrucibleError);
          expect({
            what,
            code: error.code,
            path: error.details.path,
            reason: error.details.reason,
          }).toEqual({ what, code: 'invalid_argument', path, reason });
        }
      }
      expect(await countAll(stack)).toEqual(before);
    });

    it('answers schema violations from the service too (raw bus request)', async () => {
      // RpcClient checks requests before sending; a raw request shows the server's own check.
      const subject = `${stack.infra.prefix}.components.resolve_components`;
      const send = async (request: unknown) => {
        const reply = await stack.infra.bus.request(subject, encodeJson(request), {
          timeoutMs: 20_000,
          headers: {},
        });
        return decodeJson(reply.data) as { error?: { code: string; details: unknown } };
      };
      const before = await countAll(stack);
      expect(
        await send({ store: true, entities: [{ hash: 'a'.repeat(64), inline: {} }] }),
      ).toMatchObject({
        error: {
          code: 'invalid_argument',
          details: { path: '/entities/0', reason: 'invalid_ref' },
        },
      });
      expect(await send({ store: true, environments: [{ hash: 'NOT-A-HASH' }] })).toMatchObject({
        error: {
          code: 'invalid_argument',
          details: { path: '/environments/0/hash', reason: 'invalid_hash' },
        },
      });
      expect(
        await send({
          store: true,
          environments: Array.from({ length: 1001 }, () => ({ inline: 'x' })),
        }),
      ).toMatchObject({
        error: {
          code: 'invalid_argument',
          details: { path: '/environments', reason: 'too_many_items' },
        },
      });
      expect(await send({ environments: [] })).toMatchObject({
        error: { code: 'invalid_argument', details: { path: '/store', reason: 'missing_field' } },
      });
      expect(await countAll(stack)).toEqual(before);
    });

    it('counts json_bytes exactly for escapes, controls, non-ASCII and emoji', async () => {
      const tag = randomUUID();
      const texts = [
        `quotes "double" and 'single' ${tag}`,
        `back\\slash \\\\ and \\u0041 as text ${tag}`,
        `controls \b\t\n\f\r \u0001 \u001f \u007f end ${tag}`,
        `non-ASCII café, naïve, € and \u2028 \u2029 דּ ${tag}`,
        `emoji 🐜😀 👩‍👩‍👧 and 🇫🇷 ${tag}`,
      ];
      const schema = {
        title: `"quoted" \\ \n ✓ 😀 ${tag}`,
        type: 'object',
        properties: { b: { type: 'string' }, a: { type: 'number', minimum: 1.5e-7 } },
      };
      const profileOf = (i: number): CognitionProfileInput => ({
        perceive_system: { inline: texts[i % texts.length]! },
        intend_system: { inline: texts[(i + 1) % texts.length]! },
        adjudicate_system: { inline: texts[(i + 2) % texts.length]! },
        adjudication_schema: { inline: schema },
        adjudication_retry_budget: i,
      });
      const request = {
        cognition_profiles: texts.map((_, i) => ({ inline: profileOf(i) })),
        environments: texts.map((inline) => ({ inline })),
      };
      const check = (reply: ResolveComponentsReply) => {
        texts.forEach((text, i) => {
          const bytes = reply.environments[i]!.json_bytes;
          expect(bytes).toBe(Buffer.byteLength(JSON.stringify(text), 'utf8'));
          // What the text adds to a canonical document around it.
          expect(bytes).toBe(
            Buffer.byteLength(canonicalJson({ x: text })) - Buffer.byteLength('{"x":}'),
          );
          const profile = reply.cognition_profiles[i]!.json_bytes;
          expect(profile).toEqual({
            perceive_system: literalBytes(texts[i % texts.length]!),
            intend_system: literalBytes(texts[(i + 1) % texts.length]!),
            adjudicate_system: literalBytes(texts[(i + 2) % texts.length]!),
            adjudication_schema:
              Buffer.byteLength(canonicalJson({ x: schema })) - Buffer.byteLength('{"x":}'),
          });
        });
      };
      const inline = await resolve({ store: true, ...request });
      check(inline);
      // The same figures from the stored rows (read back from Postgres).
      const byHash = await resolve({
        store: false,
        cognition_profiles: inline.cognition_profiles.map((p) => ({ hash: p.hash })),
        environments: inline.environments.map((e) => ({ hash: e.hash })),
      });
      check(byHash);
    });

    it('inserts each row once under 20 concurrent identical calls', async () => {
      const request: ResolveComponentsRequest = {
        store: true,
        cognition_profiles: [{ inline: inlineProfile('race') }, { inline: inlineProfile('race2') }],
        environments: [{ inline: fresh('Race room.') }, { inline: fresh('Race room 2.') }],
        entities: [
          { inline: { id: 'racer', name: fresh('Racer'), environment: 'room' } },
          { inline: { id: 'racer2', name: fresh('Racer 2'), environment: 'room' } },
        ],
      };
      const before = await countAll(stack);
      const replies = await Promise.all(Array.from({ length: 20 }, () => resolve(request)));
      const totals = { ...NO_NEW_COMPONENTS };
      for (const reply of replies)
        for (const key of Object.keys(totals) as Array<keyof NewComponents>)
          totals[key] += reply.new_components[key];
      expect(totals).toEqual({
        perceive_systems: 2,
        intend_systems: 2,
        adjudicate_systems: 2,
        adjudication_schemas: 2,
        cognition_profiles: 2,
        environments: 2,
        entities: 2,
      });
      // Every item is new for exactly one call, and every call answers the same hashes.
      for (const list of ['cognition_profiles', 'environments', 'entities'] as const) {
        for (let i = 0; i < 2; i++) {
          expect(replies.filter((r) => r[list][i]!.was_new)).toHaveLength(1);
          expect(new Set(replies.map((r) => r[list][i]!.hash)).size).toBe(1);
        }
      }
      const after = await countAll(stack);
      expect(delta(before, after)).toEqual({ ...totals, outbox: 14 });
      // One component_stored event per new row, keyed by its hash.
      const first = replies[0]!;
      const hashes = [
        ...first.cognition_profiles.flatMap((p) => [
          p.hash,
          p.perceive_system_hash,
          p.intend_system_hash,
          p.adjudicate_system_hash,
          p.adjudication_schema_hash,
        ]),
        ...first.environments.map((e) => e.hash),
        ...first.entities.map((e) => e.hash),
      ];
      expect(new Set(hashes).size).toBe(14);
      const events = await eventsFor(hashes);
      expect(hashes.map((hash) => events.get(hash))).toEqual(hashes.map(() => 1));
    }, 60_000);

    it('does not deadlock when concurrent calls list the same new items in other orders', async () => {
      const profiles = [
        inlineProfile('order a'),
        inlineProfile('order b'),
        inlineProfile('order c'),
      ];
      const environments = [fresh('Order room A.'), fresh('Order room B.'), fresh('Order room C.')];
      const entities = ['a', 'b', 'c'].map((id) => ({ id, name: fresh(id), environment: 'room' }));
      // Rotations of each list: every pair of calls disagrees on which item comes first.
      const rotate = <T>(list: T[], by: number) => [...list.slice(by), ...list.slice(0, by)];
      const before = await countAll(stack);
      const replies = await Promise.all(
        Array.from({ length: 12 }, (_, i) =>
          resolve({
            store: true,
            cognition_profiles: rotate(profiles, i % 3).map((inline) => ({ inline })),
            environments: rotate(environments, (i + 1) % 3).map((inline) => ({ inline })),
            entities: (i % 2 ? [...entities].reverse() : entities).map((inline) => ({ inline })),
          }),
        ),
      );
      const inserted = (key: keyof NewComponents) =>
        replies.reduce((sum, reply) => sum + reply.new_components[key], 0);
      expect(inserted('cognition_profiles')).toBe(3);
      expect(inserted('perceive_systems')).toBe(3);
      expect(inserted('environments')).toBe(3);
      expect(inserted('entities')).toBe(3);
      expect(delta(before, await countAll(stack))).toEqual({
        perceive_systems: 3,
        intend_systems: 3,
        adjudicate_systems: 3,
        adjudication_schemas: 3,
        cognition_profiles: 3,
        environments: 3,
        entities: 3,
        outbox: 21,
      });
    }, 60_000);
  });
}

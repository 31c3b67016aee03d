import { cognitionProfileHash, jsonComponentHash, textComponentHash } from '@crucible/hashing';
import { countAll, http, type Stack } from './stack';

/**
 * The components API end to end through the gateway's HTTP routes: the same
 * suite runs on real Postgres/NATS/Kafka and on the embedded default.
 */
export function describeComponentsApi(name: string, start: () => Promise<Stack>): void {
  describe(`components API (${name})`, () => {
    let stack: Stack;
    beforeAll(async () => {
      stack = await start();
    }, 60_000);
    afterAll(async () => {
      await stack?.stop();
    });

    const put = (path: string, body: unknown) =>
      http(`${stack.url}/v1/components/${path}`, 'POST', body);
    const get = (path: string) => http(`${stack.url}/v1/components/${path}`, 'GET');

    it('stores each text kind once and reads it back', async () => {
      for (const path of [
        'perceive-systems',
        'intend-systems',
        'adjudicate-systems',
        'environments',
      ]) {
        const content = `A text for ${path} \u{1F41C}`;
        const first = await put(path, { content });
        expect(first).toMatchObject({
          status: 200,
          body: { hash: textComponentHash(content), was_new: true },
        });
        const again = await put(path, { content });
        expect(again.body).toEqual({ hash: first.body.hash, was_new: false });
        const read = await get(`${path}/${first.body.hash}`);
        expect(read.status).toBe(200);
        expect(read.body).toMatchObject({ hash: first.body.hash, content });
        expect(new Date(read.body.created_at).toISOString()).toBe(read.body.created_at);
      }
    });

    it('stores JSON components by canonical hash, whatever the key order', async () => {
      const schema = {
        type: 'object',
        required: ['narration'],
        properties: { narration: { type: 'string' } },
      };
      const first = await put('adjudication-schemas', { content: schema });
      expect(first.body).toEqual({ hash: jsonComponentHash(schema), was_new: true });
      const reordered = {
        properties: { narration: { type: 'string' } },
        required: ['narration'],
        type: 'object',
      };
      expect((await put('adjudication-schemas', { content: reordered })).body).toEqual({
        hash: first.body.hash,
        was_new: false,
      });
      expect((await get(`adjudication-schemas/${first.body.hash}`)).body.content).toEqual(schema);

      const entity = { id: 'crumb', name: 'Crumb', environment: 'plate' };
      const stored = await put('entities', { content: entity });
      const normalized = { ...entity, state: '', kind: 'prop' };
      expect(stored.body).toEqual({ hash: jsonComponentHash(normalized), was_new: true });
      expect((await put('entities', { content: normalized })).body.was_new).toBe(false);
      expect((await get(`entities/${stored.body.hash}`)).body.content).toEqual(normalized);
    });

    it('assembles a cognition profile from hashes and inline parts', async () => {
      const perceive = await put('perceive-systems', { content: 'Perceive like an ant.' });
      const before = await countAll(stack);
      const request = {
        perceive_system: { hash: perceive.body.hash },
        intend_system: { inline: 'Intend like an ant.' },
        adjudicate_system: { inline: 'Adjudicate fairly.' },
        adjudication_schema: { inline: { type: 'object' } },
        adjudication_retry_budget: 2,
      };
      const first = await put('cognition-profiles', request);
      expect(first.status).toBe(200);
      const expected = {
        perceive_system_hash: perceive.body.hash,
        intend_system_hash: textComponentHash('Intend like an ant.'),
        adjudicate_system_hash: textComponentHash('Adjudicate fairly.'),
        adjudication_schema_hash: jsonComponentHash({ type: 'object' }),
      };
      expect(first.body).toEqual({
        hash: cognitionProfileHash({ ...expected, adjudication_retry_budget: 2 }),
        was_new: true,
        ...expected,
        new_components: {
          perceive_systems: 0,
          intend_systems: 1,
          adjudicate_systems: 1,
          adjudication_schemas: 1,
          cognition_profiles: 1,
          environments: 0,
          entities: 0,
        },
      });
      const after = await countAll(stack);
      expect(after.cognition_profiles - before.cognition_profiles).toBe(1);
      expect(after.outbox - before.outbox).toBe(4); // one event per new row

      const again = await put('cognition-profiles', request);
      expect(again.body.was_new).toBe(false);
      expect(
        Object.values(again.body.new_components as Record<string, number>).every((n) => n === 0),
      ).toBe(true);
      expect(await countAll(stack)).toEqual(after);

      const read = await get(`cognition-profiles/${first.body.hash}`);
      expect(read.body).toMatchObject({
        hash: first.body.hash,
        ...expected,
        adjudication_retry_budget: 2,
      });

      // Only the budget differs: a different profile, reusing all four parts.
      const other = await put('cognition-profiles', { ...request, adjudication_retry_budget: 3 });
      expect(other.body.hash).not.toBe(first.body.hash);
      expect(other.body.new_components.cognition_profiles).toBe(1);
      expect(other.body.new_components.intend_systems).toBe(0);
    });

    it('writes nothing when a part given by hash does not exist', async () => {
      const before = await countAll(stack);
      const missing = 'f'.repeat(64);
      const response = await put('cognition-profiles', {
        perceive_system: { inline: 'A brand new perceive text that must not be stored.' },
        intend_system: { hash: missing },
        adjudicate_system: { inline: 'Another new text.' },
        adjudication_schema: { inline: { type: 'object', title: 'never stored' } },
        adjudication_retry_budget: 1,
      });
      expect(response.status).toBe(404);
      expect(response.body.error).toMatchObject({
        code: 'not_found',
        retryable: false,
        details: {
          path: '/intend_system/hash',
          reason: 'component_not_found',
          kind: 'intend_system',
          hash: missing,
        },
      });
      expect(await countAll(stack)).toEqual(before);
    });

    it('answers unknown hashes with 404 and bad hashes with 400', async () => {
      const unknown = await get(`environments/${'0'.repeat(64)}`);
      expect(unknown.status).toBe(404);
      expect(unknown.body.error).toMatchObject({
        code: 'not_found',
        details: { path: '/hash', reason: 'component_not_found' },
      });
      const bad = await get('environments/NOT-A-HASH');
      expect(bad.status).toBe(400);
      expect(bad.body.error).toMatchObject({
        code: 'invalid_argument',
        details: { path: '/hash', reason: 'invalid_hash' },
      });
    });

    it('looks up many components in one request', async () => {
      const env = await put('environments', { content: 'Batch room' });
      const entity = await put('entities', {
        content: { id: 'batch', name: 'Batch', environment: 'room' },
      });
      const absent = 'e'.repeat(64);
      const response = await http(`${stack.url}/v1/components/lookup`, 'POST', {
        items: [
          { kind: 'entity', hash: entity.body.hash },
          { kind: 'environment', hash: absent },
          { kind: 'environment', hash: env.body.hash },
          { kind: 'entity', hash: entity.body.hash },
        ],
      });
      expect(response.status).toBe(200);
      expect(
        response.body.found.map((c: { kind: string; hash: string }) => [c.kind, c.hash]),
      ).toEqual([
        ['entity', entity.body.hash],
        ['environment', env.body.hash],
      ]);
      expect(response.body.found[1].content).toBe('Batch room');
      expect(response.body.missing).toEqual([{ kind: 'environment', hash: absent }]);
    });

    it('reports exactly one new row under 50 concurrent identical puts', async () => {
      const content = `Concurrent room ${Date.now()}`;
      const before = await countAll(stack);
      const replies = await Promise.all(
        Array.from({ length: 50 }, () => put('environments', { content })),
      );
      expect(replies.every((r) => r.status === 200)).toBe(true);
      expect(replies.filter((r) => r.body.was_new === true)).toHaveLength(1);
      expect(new Set(replies.map((r) => r.body.hash)).size).toBe(1);
      const after = await countAll(stack);
      expect(after.environments - before.environments).toBe(1);
      expect(after.outbox - before.outbox).toBe(1);
    });

    it('serves the operation routes as POST /v1/ops/{operation} too', async () => {
      const response = await http(`${stack.url}/v1/ops/put_environment`, 'POST', {
        content: 'Ops room',
      });
      expect(response.body).toEqual({ hash: textComponentHash('Ops room'), was_new: true });
      const unknown = await http(`${stack.url}/v1/ops/launch_missiles`, 'POST', {});
      expect(unknown.status).toBe(404);
      expect(unknown.body.error.details.reason).toBe('unknown_operation');
    });

    it('publishes component_stored once per new component', async () => {
      const content = `Evented room ${Date.now()}`;
      const hash = textComponentHash(content);
      const seen: Array<{ type: string; data: { hash: string; kind: string } }> = [];
      const topic = `${stack.infra.prefix}.components.events`;
      const consumer = await stack.infra.eventLog.subscribe(
        {
          groupId: `${stack.infra.prefix}.test.${Date.now()}`,
          topics: [topic],
          fromBeginning: true,
        },
        (record) => {
          const event = JSON.parse(
            Buffer.from(record.value).toString('utf8'),
          ) as (typeof seen)[number];
          if (event.data.hash === hash) seen.push(event);
          return Promise.resolve();
        },
      );
      try {
        await put('environments', { content });
        await put('environments', { content });
        const deadline = Date.now() + 30_000;
        while (seen.length === 0 && Date.now() < deadline)
          await new Promise((r) => setTimeout(r, 100));
        // Give a duplicate time to show up if one were (wrongly) published.
        await new Promise((r) => setTimeout(r, 1000));
        expect(seen).toHaveLength(1);
        expect(seen[0]).toMatchObject({
          type: 'components.component_stored',
          schema_version: 2,
          source: 'components',
          key: hash,
          data: {
            kind: 'environment',
            hash,
            size_bytes: Buffer.byteLength(content),
            actor: 'admin',
          },
        });
      } finally {
        await consumer.stop();
      }
    }, 60_000);
  });
}

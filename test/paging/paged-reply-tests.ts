import { createHash, randomBytes } from 'node:crypto';
import { textComponentHash } from '@crucible/hashing';
import { validRequest } from '../scenarios/validation.suite';
import { EVALUATION_PAGED_REPLY_TESTS } from './evaluation-paged-tests';
import type { PagedReplyTest } from './paged-reply-test';
import { seedChain, seedProjectedNames } from './seed';
import { WORLDS_PAGED_REPLY_TESTS } from './worlds-paged-tests';

const tag = () => randomBytes(4).toString('hex');

/** Text of `bytes` bytes, new for each call (so each put stores a new component). */
function bulkyText(bytes: number): string {
  const head = `Room ${randomBytes(8).toString('hex')}: `;
  return head + 'x'.repeat(bytes - head.length);
}

/**
 * Every paged operation's test that drives its reply past the bus limit
 * (docs/messaging.md#paged-replies). test/repo/paged-replies.test.ts fails
 * when a paged operation of the catalog has no entry here.
 */
export const PAGED_REPLY_TESTS: readonly PagedReplyTest[] = [
  {
    operation: 'get_components',
    title: '20 environments of 60 KB in one lookup: every one, in request order, over pages',
    async run(ctx) {
      const texts = Array.from({ length: 20 }, () => bulkyText(60_000));
      for (const content of texts) await ctx.ok('put_environment', { content });
      const missing = { kind: 'environment', hash: textComponentHash('never stored') };
      const keys = texts.map((t) => ({ kind: 'environment', hash: textComponentHash(t) }));
      // A missing key in the middle, and a duplicate: each key answered once.
      let items: unknown[] = [...keys.slice(0, 10), missing, ...keys.slice(10), keys[0]];
      const found: string[] = [];
      const missed: string[] = [];
      let pages = 0;
      for (;;) {
        const reply = await ctx.ok('get_components', { items });
        pages++;
        found.push(...reply.found.map((f: { hash: string; content: string }) => f.content));
        missed.push(...reply.missing.map((m: { hash: string }) => m.hash));
        if (!reply.remaining) break;
        expect(reply.remaining.length).toBeGreaterThan(0);
        items = reply.remaining;
      }
      expect(pages).toBeGreaterThan(1);
      expect(found).toEqual(texts);
      expect(missed).toEqual([missing.hash]);
    },
  },
  {
    operation: 'lineage_of',
    title: 'a chain of 6,000 forks: every ancestor once, oldest first, over pages',
    async run(ctx) {
      const chain = await seedChain(ctx.stack.infra.knex, tag(), 6000);
      const tip = chain[chain.length - 1];
      const listed: Array<[string, number]> = [];
      let cursor: string | undefined;
      let pages = 0;
      do {
        const reply = await ctx.ok('lineage_of', {
          hash: tip,
          ...(cursor === undefined ? {} : { cursor }),
        });
        pages++;
        expect(reply).toMatchObject({ hash: tip, descendants: [], truncated: false });
        for (const node of reply.lineage) listed.push([node.hash, node.distance]);
        cursor = reply.next_cursor;
      } while (cursor !== undefined);
      expect(pages).toBeGreaterThan(1);
      expect(listed).toEqual(chain.map((hash, i) => [hash, chain.length - 1 - i]));

      // A count cut too, and the descendants after the lineage.
      const first = await ctx.ok('lineage_of', { hash: chain[2], limit: 2 });
      expect(first.lineage.map((n: { hash: string }) => n.hash)).toEqual([chain[0], chain[1]]);
      const second = await ctx.ok('lineage_of', {
        hash: chain[2],
        limit: 2,
        cursor: first.next_cursor,
      });
      expect(second.lineage.map((n: { hash: string }) => n.hash)).toEqual([chain[2]]);
      expect(second.descendants.map((n: { hash: string }) => n.hash)).toEqual([chain[3]]);
      // Another operation's cursor, or none of ours, is refused at /cursor.
      const foreign = await ctx.call('lineage_of', { hash: tip, cursor: 'WzEsMl0' });
      expect(foreign.status).toBe(400);
      expect(foreign.body.error.details).toMatchObject({
        path: '/cursor',
        reason: 'invalid_cursor',
      });
    },
  },
  {
    operation: 'list_scenarios',
    title: '400 scenarios with 45 names each: every one once, newest first, over pages',
    async run(ctx) {
      const knex = ctx.stack.infra.knex;
      const t = tag();
      const hashes = await seedChain(knex, t, 400);
      for (const [i, hash] of hashes.entries())
        await seedProjectedNames(knex, hash, `n${t}-${i}`, i === 0 ? 1001 : 45);
      const listed: string[] = [];
      let cursor: string | null = null;
      let pages = 0;
      do {
        const reply: any = await ctx.ok('list_scenarios', {
          filter: { scenario_slug: `chain_${t}` },
          page: { limit: 500, ...(cursor === null ? {} : { cursor }) },
        });
        pages++;
        for (const s of reply.scenarios) {
          listed.push(s.hash);
          expect(s.names).toHaveLength(s.hash === hashes[0] ? 1000 : 45);
          expect(s.names_truncated).toBe(s.hash === hashes[0] ? true : undefined);
        }
        cursor = reply.next_cursor;
      } while (cursor !== null);
      expect(pages).toBeGreaterThan(1);
      expect(listed).toEqual([...hashes].reverse());
    },
  },
  {
    operation: 'name_history',
    title: '110 moves with notes of 10,000 characters: every move once, newest first, over pages',
    async run(ctx) {
      const a = await ctx.ok('assemble_scenario', validRequest({ scenario_slug: `h_${tag()}` }));
      const b = await ctx.ok('assemble_scenario', validRequest({ scenario_slug: `h_${tag()}` }));
      const name = `history-${tag()}`;
      const moves: number[] = [];
      for (let i = 0; i < 110; i++) {
        const hash = i % 2 === 0 ? a.scenario_hash : b.scenario_hash;
        const note = `${i} `.padEnd(10_000, 'n');
        moves.push((await ctx.ok('set_scenario_name', { name, hash, note })).history_id);
      }
      const listed: number[] = [];
      let before: number | null = null;
      let pages = 0;
      do {
        const reply: any = await ctx.ok('name_history', {
          name,
          limit: 1000,
          ...(before === null ? {} : { before_id: before }),
        });
        pages++;
        listed.push(...reply.entries.map((e: { id: number }) => e.id));
        before = reply.next_before_id;
      } while (before !== null);
      expect(pages).toBeGreaterThan(1);
      expect(listed).toEqual([...moves].reverse());
    },
  },
  {
    operation: 'list_directives',
    title: '20 directives with payloads of 60 KB: every one once, newest first, over pages',
    async run(ctx) {
      const role = `paged-${tag()}`;
      const ids: string[] = [];
      for (let i = 0; i < 20; i++) {
        const reply = await ctx.ok('create_directive', {
          issued_by: 'paging',
          objective: `Directive ${i}.`,
          scope: 'test',
          role,
          type: 'noop',
          status: 'draft',
          payload: { notes: `${i} `.padEnd(60_000, 'p') },
        });
        ids.push(reply.directive.id as string);
      }
      const listed: string[] = [];
      let cursor: string | undefined;
      let pages = 0;
      do {
        const reply: any = await ctx.ok('list_directives', {
          role,
          limit: 1000,
          ...(cursor ? { cursor } : {}),
        });
        pages++;
        listed.push(...reply.directives.map((d: { id: string }) => d.id));
        cursor = reply.next_cursor;
      } while (cursor !== undefined);
      expect(pages).toBeGreaterThan(1);
      expect(listed).toEqual([...ids].reverse());
    },
  },
  {
    operation: 'recall',
    title: '20 memories of 60 KB: every one once, newest first, over pages',
    async run(ctx) {
      const scope = `paged-${tag()}`;
      const ids: string[] = [];
      for (let i = 0; i < 20; i++) {
        const reply = await ctx.ok('remember', {
          scope,
          data: { text: `${i} `.padEnd(60_000, 'm') },
        });
        ids.push(reply.memory.id as string);
      }
      const listed: string[] = [];
      let cursor: string | undefined;
      let pages = 0;
      do {
        const reply: any = await ctx.ok('recall', {
          scope,
          limit: 1000,
          ...(cursor ? { cursor } : {}),
        });
        pages++;
        listed.push(...reply.memories.map((m: { id: string }) => m.id));
        cursor = reply.next_cursor;
      } while (cursor !== undefined);
      expect(pages).toBeGreaterThan(1);
      expect(listed).toEqual([...ids].reverse());
    },
  },
  {
    operation: 'replay_decisions',
    title:
      '1200 recorded decisions replayed under a policy that changes every rule: each once, over pages',
    async run(ctx) {
      // Seeded in SQL: 1600 evaluations through the service would take minutes.
      const knex = ctx.stack.infra.knex;
      const active = await ctx.ok('get_policy', {});
      const since = new Date(Date.now() + 60_000);
      const t = tag();
      const rows = Array.from({ length: 1600 }, (_, i) => {
        const hash = createHash('sha256').update(`${t}-${i}`).digest('hex');
        return {
          hash,
          policy_hash: active.hash,
          policy_version: active.policy.version,
          input_hash: hash,
          input: JSON.stringify({
            type: `type-${i}`.padEnd(64, 't'),
            scope: `scope-${i}`.padEnd(64, 's'),
            role: 'builder',
            budget: { amount: '1', currency: 'USD' },
            timebox: null,
          }),
          results: JSON.stringify([
            { rule: 'budget_ceiling', verdict: 'allow', reason: 'budget within the ceiling' },
            { rule: 'type_allowlist', verdict: 'allow', reason: 'allowed' },
            { rule: 'scope_allowlist', verdict: 'allow', reason: 'allowed' },
            { rule: 'human_review', verdict: 'review', reason: 'a human approves' },
          ]),
          outcome: 'review',
          evaluated_at: new Date(since.getTime() + i),
          duration_us: 1,
        };
      });
      for (let i = 0; i < rows.length; i += 200)
        await knex
          .withSchema('governance')
          .table('decisions')
          .insert(rows.slice(i, i + 200));
      // Every rule's verdict changes, so every replay lists four changed rules.
      const candidate = {
        ...active.policy,
        version: 'paged',
        budget_ceiling: { amount: '0', currency: 'USD' },
        type_allowlist: [],
        scope_allowlist: [],
        human_required_scopes: [],
        human_required_types: [],
      };
      const replayed: string[] = [];
      let cursor: string | undefined;
      let pages = 0;
      do {
        const reply: any = await ctx.ok('replay_decisions', {
          policy: candidate,
          since: since.toISOString(),
          limit: 1000,
          ...(cursor ? { cursor } : {}),
        });
        pages++;
        replayed.push(...reply.replays.map((r: { decision_hash: string }) => r.decision_hash));
        cursor = reply.next_cursor;
      } while (cursor !== undefined);
      expect(pages).toBeGreaterThan(1);
      expect(replayed).toEqual(rows.map((r) => r.hash));
    },
  },
  ...EVALUATION_PAGED_REPLY_TESTS,
  ...WORLDS_PAGED_REPLY_TESTS,
];

import { randomBytes } from 'node:crypto';
import { countRows, rowCountChanges, settledRowCounts } from '../support';
import { http, label, type NamesStack } from './stack';

interface BadCase {
  name: string;
  method: 'GET' | 'POST' | 'PUT';
  /** Under /v1. */
  path: string;
  body?: unknown;
  status: number;
  code: string;
  reason: string;
  at: string;
}

/**
 * Bad references and bad input through the gateway: each is a 4xx with code,
 * reason and path, and writes nothing. Then the scenarios service not
 * answering: 503, nothing written.
 */
export function describeNamesBadInput(stack: () => NamesStack): void {
  describe('names: bad input writes nothing', () => {
    let s: NamesStack;
    let cases: BadCase[];
    beforeAll(async () => {
      s = stack();
      const [a, b] = [s.scenario(), s.scenario()];
      const unknownHash = randomBytes(32).toString('hex');
      const existing = label('there');
      const fresh = label('fresh');
      await s.rpc.call('set_scenario_name', { name: existing, hash: a });
      cases = [
        {
          name: 'a malformed hash',
          method: 'PUT',
          path: `/names/${fresh}`,
          body: { hash: 'xyz' },
          status: 400,
          code: 'invalid_argument',
          reason: 'invalid_hash',
          at: '/hash',
        },
        {
          name: 'an upper-case hash',
          method: 'PUT',
          path: `/names/${fresh}`,
          body: { hash: a.toUpperCase() },
          status: 400,
          code: 'invalid_argument',
          reason: 'invalid_hash',
          at: '/hash',
        },
        {
          name: 'an unknown hash',
          method: 'PUT',
          path: `/names/${fresh}`,
          body: { hash: unknownHash },
          status: 404,
          code: 'not_found',
          reason: 'scenario_not_found',
          at: '/hash',
        },
        {
          name: 'an unknown hash, whatever the expectation',
          method: 'PUT',
          path: `/names/${existing}`,
          body: { hash: unknownHash, expected_current_hash: a },
          status: 404,
          code: 'not_found',
          reason: 'scenario_not_found',
          at: '/hash',
        },
        {
          name: 'an upper-case name',
          method: 'PUT',
          path: '/names/Leak-Fix',
          body: { hash: a },
          status: 400,
          code: 'invalid_argument',
          reason: 'invalid_label',
          at: '/name',
        },
        {
          name: 'a name starting with a dash',
          method: 'PUT',
          path: '/names/-leak',
          body: { hash: a },
          status: 400,
          code: 'invalid_argument',
          reason: 'invalid_label',
          at: '/name',
        },
        {
          name: 'a name of 65 characters',
          method: 'PUT',
          path: `/names/${'a'.repeat(65)}`,
          body: { hash: a },
          status: 400,
          code: 'invalid_argument',
          reason: 'invalid_label',
          at: '/name',
        },
        {
          name: 'an unknown field',
          method: 'PUT',
          path: `/names/${fresh}`,
          body: { hash: a, colour: 'red' },
          status: 400,
          code: 'invalid_argument',
          reason: 'unknown_field',
          at: '/colour',
        },
        {
          name: 'a missing hash',
          method: 'PUT',
          path: `/names/${fresh}`,
          body: {},
          status: 400,
          code: 'invalid_argument',
          reason: 'missing_field',
          at: '/hash',
        },
        {
          name: 'a malformed expected hash',
          method: 'PUT',
          path: `/names/${existing}`,
          body: { hash: b, expected_current_hash: 'nope' },
          status: 400,
          code: 'invalid_argument',
          reason: 'invalid_hash',
          at: '/expected_current_hash',
        },
        {
          name: 'resolving an unknown name',
          method: 'GET',
          path: `/names/${fresh}`,
          status: 404,
          code: 'not_found',
          reason: 'name_not_found',
          at: '/name',
        },
        {
          name: 'resolving a name at a time it was not set',
          method: 'GET',
          path: `/names/${existing}?at=2000-01-01T00:00:00Z`,
          status: 404,
          code: 'not_found',
          reason: 'name_not_set_at',
          at: '/at',
        },
        {
          name: 'resolving at something that is not a time',
          method: 'GET',
          path: `/names/${existing}?at=yesterday`,
          status: 400,
          code: 'invalid_argument',
          reason: 'invalid_format',
          at: '/at',
        },
        {
          name: 'unsetting an unknown name',
          method: 'POST',
          path: `/names/${fresh}/unset`,
          body: {},
          status: 404,
          code: 'not_found',
          reason: 'name_not_found',
          at: '/name',
        },
        {
          name: 'unsetting with an expected hash of null',
          method: 'POST',
          path: `/names/${existing}/unset`,
          body: { expected_current_hash: null },
          status: 400,
          code: 'invalid_argument',
          reason: 'wrong_type',
          at: '/expected_current_hash',
        },
        {
          name: 'a batch naming one name twice',
          method: 'POST',
          path: '/name-updates',
          body: {
            updates: [
              { name: fresh, hash: a },
              { name: existing, hash: b },
              { name: fresh, hash: b },
            ],
          },
          status: 400,
          code: 'invalid_argument',
          reason: 'duplicate_name',
          at: '/updates/2/name',
        },
        {
          name: 'a batch with one unknown hash',
          method: 'POST',
          path: '/name-updates',
          body: {
            updates: [
              { name: fresh, hash: a },
              { name: existing, hash: unknownHash },
            ],
          },
          status: 404,
          code: 'not_found',
          reason: 'scenario_not_found',
          at: '/updates/1/hash',
        },
        {
          name: 'a batch removing an unknown name',
          method: 'POST',
          path: '/name-updates',
          body: {
            updates: [
              { name: existing, hash: null },
              { name: fresh, hash: null },
            ],
          },
          status: 404,
          code: 'not_found',
          reason: 'name_not_found',
          at: '/updates/1/name',
        },
        {
          name: 'an empty batch',
          method: 'POST',
          path: '/name-updates',
          body: { updates: [] },
          status: 400,
          code: 'invalid_argument',
          reason: 'too_few_items',
          at: '/updates',
        },
        {
          name: 'a batch with a bad label',
          method: 'POST',
          path: '/name-updates',
          body: {
            updates: [
              { name: fresh, hash: a },
              { name: 'x_', hash: a },
            ],
          },
          status: 400,
          code: 'invalid_argument',
          reason: 'invalid_label',
          at: '/updates/1/name',
        },
        {
          name: 'a list prefix outside the label alphabet',
          method: 'GET',
          path: '/names?prefix=UP',
          status: 400,
          code: 'invalid_argument',
          reason: 'invalid_label',
          at: '/prefix',
        },
        {
          name: 'a history page of size 0',
          method: 'GET',
          path: `/names/${existing}/history?limit=0`,
          status: 400,
          code: 'invalid_argument',
          reason: 'out_of_range',
          at: '/limit',
        },
      ];
    });

    it('answers each bad request with its 4xx, reason and path, and writes nothing', async () => {
      const before = await settledRowCounts(s.infra.knex);
      const problems: string[] = [];
      for (const c of cases) {
        const response = await http(`${s.url}/v1${c.path}`, c.method, c.body);
        const error = response.body?.error;
        const got = `${response.status} ${error?.code} ${error?.details?.reason} ${error?.details?.path}`;
        const want = `${c.status} ${c.code} ${c.reason} ${c.at}`;
        if (got !== want) problems.push(`${c.name}: got ${got}, want ${want}`);
      }
      expect(problems).toEqual([]);
      expect(rowCountChanges(before, await countRows(s.infra.knex))).toEqual({});
    });

    it('answers 503 and writes nothing when the scenarios service does not answer', async () => {
      const name = label('down');
      const hash = s.scenario();
      const before = await settledRowCounts(s.infra.knex);
      await s.scenarios.stop();
      try {
        const set = await http(`${s.url}/v1/names/${name}`, 'PUT', { hash });
        expect(set.status).toBe(503);
        expect(set.body.error).toMatchObject({
          code: 'unavailable',
          retryable: true,
          details: { reason: 'no_responders', service: 'scenarios' },
        });
        const batch = await http(`${s.url}/v1/name-updates`, 'POST', {
          updates: [{ name, hash }],
        });
        expect(batch.status).toBe(503);
      } finally {
        await s.scenarios.start();
      }

      let release = (): void => undefined;
      s.scenarios.hold = new Promise<void>((resolve) => (release = resolve));
      try {
        const slow = await http(`${s.url}/v1/names/${name}`, 'PUT', { hash });
        expect(slow.status).toBe(503);
        expect(slow.body.error.details).toMatchObject({ reason: 'timeout', service: 'scenarios' });
      } finally {
        s.scenarios.hold = undefined;
        release();
      }
      expect(rowCountChanges(before, await countRows(s.infra.knex))).toEqual({});

      // Once it answers again, the same request goes through.
      expect((await http(`${s.url}/v1/names/${name}`, 'PUT', { hash })).body).toMatchObject({
        name,
        hash,
        changed: true,
      });
    });
  });
}

// The catalog our side of the peer bench runs on: the repository's schemas
// plus one operation, `hash_content` of service `peer`, whose request is
// put_environment's (`{content: <non-empty text>}`) and whose reply is
// `{hash: <sha256 hex>}`. Written to a folder of its own, so the real
// catalog (and the types generated from it) is not touched by a bench.
import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEFAULT_SCHEMAS_DIR, SCHEMA_BASE_URI } from '@crucible/contracts';

/** The bench operation (not in the generated types: callers cast it to OperationName). */
export const PEER_OPERATION = 'hash_content';
export const PEER_SERVICE = 'peer';
const REPLY_SCHEMA = 'peer/hash_content.reply.v1.json';

/** Creates the folder; `remove()` deletes it. */
export function writeBenchCatalog(): { dir: string; remove(): void } {
  const dir = mkdtempSync(join(tmpdir(), 'crucible-peer-bench-'));
  cpSync(DEFAULT_SCHEMAS_DIR, dir, { recursive: true });
  mkdirSync(join(dir, 'peer'));
  writeFileSync(
    join(dir, REPLY_SCHEMA),
    JSON.stringify({
      $schema: 'http://json-schema.org/draft-07/schema#',
      $id: SCHEMA_BASE_URI + REPLY_SCHEMA,
      title: 'HashContentReply',
      type: 'object',
      additionalProperties: false,
      required: ['hash'],
      properties: { hash: { $ref: '../common/defs.v1.json#/definitions/sha256' } },
    }),
  );
  writeFileSync(
    join(dir, 'catalog.json'),
    JSON.stringify({
      operations: {
        [PEER_OPERATION]: {
          service: PEER_SERVICE,
          request: 'components/put_environment.request.v1.json',
          reply: REPLY_SCHEMA,
          http: { method: 'POST', path: '/v1/peer/hash' },
          readOnly: true,
          idempotent: true,
          scope: 'read',
          summary: 'The sha256 of a text (peer bench).',
        },
      },
      streams: {},
    }),
  );
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

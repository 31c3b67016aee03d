import { unavailable, type OperationName } from '@crucible/contracts';
import {
  cognitionProfileHash,
  componentHash,
  type CognitionProfileHashInput,
  type ComponentKind,
} from '@crucible/hashing';

/**
 * Reads by content address: the operations whose reply holds content that
 * the request names by its hash, and the kind of that content. A reply is
 * only as trustworthy as the bus it came over (anyone able to answer on a
 * subject can answer anything), but content read by hash can be checked by
 * whoever reads it: docs/security.md, "NATS".
 */
const READS_BY_HASH: Partial<Record<OperationName, ComponentKind | 'cognition_profile'>> = {
  get_perceive_system: 'perceive_system',
  get_intend_system: 'intend_system',
  get_adjudicate_system: 'adjudicate_system',
  get_environment: 'environment',
  get_adjudication_schema: 'adjudication_schema',
  get_entity: 'entity',
  get_cognition_profile: 'cognition_profile',
};

/** The hash of a component of any kind, as the components service computes it when storing. */
function hashOf(kind: ComponentKind | 'cognition_profile', content: unknown): string | undefined {
  try {
    return kind === 'cognition_profile'
      ? cognitionProfileHash(content as CognitionProfileHashInput)
      : componentHash(kind, content);
  } catch {
    return undefined; // content that cannot be hashed cannot match
  }
}

function forged(operation: OperationName, expected: string, actual: string | undefined): Error {
  return unavailable(
    `the reply to ${operation} does not hold the content of ${expected} ` +
      `(it hashes to ${actual ?? 'nothing'}); refused as forged or corrupt`,
    { reason: 'content_hash_mismatch', hash: expected },
  );
}

/**
 * Throws `unavailable` (reason `content_hash_mismatch`) when `result`, the
 * reply to a read by hash, holds content whose hash is not the one asked
 * for; does nothing for other operations. Retryable: another replica (or the
 * honest one) may answer the next attempt.
 */
export function checkContentReply(
  operation: OperationName,
  request: unknown,
  result: unknown,
): void {
  if (operation === 'get_components') {
    checkComponentsBatch(request, result);
    return;
  }
  const kind = READS_BY_HASH[operation];
  if (kind === undefined) return;
  const expected = (request as { hash: string }).hash;
  const reply = result as { hash: string; content?: unknown };
  // A cognition profile's content is the reply itself (its four hashes and budget).
  const actual = hashOf(kind, kind === 'cognition_profile' ? reply : reply.content);
  if (reply.hash !== expected || actual !== expected) throw forged(operation, expected, actual);
}

/** get_components: every found item must be one asked for, and hash to its key. */
function checkComponentsBatch(request: unknown, result: unknown): void {
  const asked = new Set(
    (request as { items: Array<{ kind: string; hash: string }> }).items.map(
      (item) => `${item.kind}:${item.hash}`,
    ),
  );
  const { found } = result as {
    found: Array<{ kind: ComponentKind | 'cognition_profile'; hash: string; content: unknown }>;
  };
  for (const item of found) {
    const actual = hashOf(item.kind, item.content);
    if (!asked.has(`${item.kind}:${item.hash}`) || actual !== item.hash)
      throw forged('get_components', item.hash, actual);
  }
}

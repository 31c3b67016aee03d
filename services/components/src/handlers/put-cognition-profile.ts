import { canonicalJson, cognitionProfileHash } from '@crucible/hashing';
import {
  notFound,
  type NewComponents,
  type PutCognitionProfileReply,
  type PutCognitionProfileRequest,
} from '@crucible/contracts';
import type { RpcContext } from '@crucible/messaging';
import { KINDS, zeroCounts, type ContentKind } from '../domain/component-kinds';
import { prepareJson, prepareText, type PreparedComponent } from '../domain/prepared-component';
import { componentStoredEvent } from './component-events';
import type { ComponentsDeps } from './deps';

type PartName = 'perceive_system' | 'intend_system' | 'adjudicate_system' | 'adjudication_schema';
const PARTS: readonly PartName[] = [
  'perceive_system',
  'intend_system',
  'adjudicate_system',
  'adjudication_schema',
];

type ResolvedPart = { kind: ContentKind; path: string; hash: string; inline?: PreparedComponent };

/**
 * put_cognition_profile: each part by {hash} (must exist) or {inline}
 * (store-or-reuse). All checks happen before any write, and everything is
 * written in one transaction, so a missing {hash} writes nothing.
 */
export async function putCognitionProfile(
  deps: ComponentsDeps,
  request: PutCognitionProfileRequest,
  ctx: RpcContext,
): Promise<PutCognitionProfileReply> {
  const parts = PARTS.map((name) => resolvePart(name, request));
  const profile = {
    perceive_system_hash: hashOf(parts, 'perceive_system'),
    intend_system_hash: hashOf(parts, 'intend_system'),
    adjudicate_system_hash: hashOf(parts, 'adjudicate_system'),
    adjudication_schema_hash: hashOf(parts, 'adjudication_schema'),
    adjudication_retry_budget: request.adjudication_retry_budget,
  };
  const hash = cognitionProfileHash(profile);
  const counts: NewComponents = zeroCounts();

  const wasNew = await deps.store.transaction(async (trx) => {
    for (const part of parts.filter((p) => !p.inline)) {
      const found = await deps.store.existing(part.kind, [part.hash], trx);
      if (!found.has(part.hash)) {
        throw notFound(`${part.path}: no ${part.kind} with hash ${part.hash}`, {
          path: part.path,
          reason: 'component_not_found',
          kind: part.kind,
          hash: part.hash,
        });
      }
    }
    // Fixed order (the parts, then the profile) so concurrent puts lock alike.
    for (const part of parts) {
      if (!part.inline) continue;
      const event = componentStoredEvent(deps, ctx, part.kind, part.hash, part.inline.sizeBytes);
      if (await deps.store.insertComponent(part.inline, event, trx))
        counts[KINDS[part.kind].counter]++;
    }
    const size = Buffer.byteLength(canonicalJson(profile), 'utf8');
    const event = componentStoredEvent(deps, ctx, 'cognition_profile', hash, size);
    const inserted = await deps.store.insertProfile({ hash, ...profile }, event, trx);
    if (inserted) counts.cognition_profiles++;
    return inserted;
  });
  if (Object.values(counts).some((n) => n > 0)) deps.onEventsWritten();
  return { hash, was_new: wasNew, ...withoutBudget(profile), new_components: counts };
}

function resolvePart(name: PartName, request: PutCognitionProfileRequest): ResolvedPart {
  const ref = request[name];
  const path = `/${name}`;
  if (ref.hash !== undefined) return { kind: name, path: `${path}/hash`, hash: ref.hash };
  // The schema guarantees exactly one of hash and inline.
  const inline =
    name === 'adjudication_schema'
      ? prepareJson(name, request.adjudication_schema.inline ?? {}, `${path}/inline`)
      : prepareText(name, (ref.inline as string | undefined) ?? '', `${path}/inline`);
  return { kind: name, path: `${path}/inline`, hash: inline.hash, inline };
}

function hashOf(parts: ResolvedPart[], kind: PartName): string {
  const part = parts.find((p) => p.kind === kind);
  if (!part) throw new Error(`missing part ${kind}`);
  return part.hash;
}

function withoutBudget<T extends { adjudication_retry_budget: number }>(
  profile: T,
): Omit<T, 'adjudication_retry_budget'> {
  const { adjudication_retry_budget: _budget, ...rest } = profile;
  return rest;
}

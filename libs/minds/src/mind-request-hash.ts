import { canonicalJson, sha256Hex } from '@crucible/hashing';
import type { MindRequest } from './mind';

/**
 * The canonical JSON of what a request asks (model, messages, sampling
 * parameters, response format), without `purpose`: two requests that ask
 * the same thing have the same text, whichever turn or agent asked.
 * Unset parameters are left out rather than written as null.
 */
export function mindRequestCanonicalJson(request: MindRequest): string {
  return memo(request).canonical;
}

/** sha256 (lower-case hex) of `mindRequestCanonicalJson`: the request's hash. */
export function mindRequestHash(request: MindRequest): string {
  const entry = memo(request);
  entry.hash ??= sha256Hex(entry.canonical);
  return entry.hash;
}

// A request the kernel built is frozen (sealRequest) and asked for its text
// and hash several times (the kernel, the recording mind, the offline
// mind's seed, the record): an adjudicate request holds the whole world, so
// each is computed once per frozen request. Others are computed afresh.
const memos = new WeakMap<MindRequest, { canonical: string; hash?: string }>();

function memo(request: MindRequest): { canonical: string; hash?: string } {
  const known = memos.get(request);
  if (known !== undefined) return known;
  const entry: { canonical: string; hash?: string } = { canonical: canonicalText(request) };
  if (Object.isFrozen(request) && Object.isFrozen(request.messages)) memos.set(request, entry);
  return entry;
}

function canonicalText(request: MindRequest): string {
  const params = Object.fromEntries(
    Object.entries(request.params).filter(([, value]) => value !== undefined),
  );
  return canonicalJson({
    model: request.model,
    messages: request.messages.map(({ role, content }) => ({ role, content })),
    params,
    response_format: request.response_format,
  });
}

import { mindRequestHash, type MindRequest } from '@crucible/minds';

// Hashes of the requests the kernel made, by request object. An adjudicate
// request holds the whole world, so hashing it costs as much as rendering
// it; a recording mind that asks callHash for the kernel's request gets the
// hash the kernel already took instead of taking it again.
const known = new WeakMap<MindRequest, string>();

/**
 * mindRequestHash of `request`, computed once for a request the kernel made
 * (the kernel freezes its requests, so the hash cannot go stale); any other
 * request is hashed afresh.
 */
export function callHash(request: MindRequest): string {
  const cached = known.get(request);
  if (cached !== undefined) return cached;
  const hash = mindRequestHash(request);
  if (Object.isFrozen(request) && Object.isFrozen(request.messages)) known.set(request, hash);
  return hash;
}

/** Freezes a request the kernel built (its messages too) and remembers its hash. */
export function sealRequest(request: MindRequest): { request: MindRequest; hash: string } {
  for (const message of request.messages) Object.freeze(message);
  Object.freeze(request.messages);
  Object.freeze(request.purpose);
  Object.freeze(request);
  return { request, hash: callHash(request) };
}

import { canonicalJson, sha256Hex } from '@crucible/hashing';
import type { MindRequest } from './mind';

/**
 * The canonical JSON of what a request asks (model, messages, sampling
 * parameters, response format), without `purpose`: two requests that ask
 * the same thing have the same text, whichever turn or agent asked.
 * Unset parameters are left out rather than written as null.
 */
export function mindRequestCanonicalJson(request: MindRequest): string {
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

/** sha256 (lower-case hex) of `mindRequestCanonicalJson`: the request's hash. */
export function mindRequestHash(request: MindRequest): string {
  return sha256Hex(mindRequestCanonicalJson(request));
}

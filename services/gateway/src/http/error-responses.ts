import { ERROR_CODES, assertNever, httpStatusFor, type ErrorCode } from '@crucible/contracts';

/** One kind of error answer: its HTTP status, its wire code, and when it comes. */
export interface ErrorResponse {
  /** Its name in the OpenAPI document's components.responses. */
  readonly name: string;
  readonly status: number;
  readonly code: ErrorCode;
  /** The only `details.reason` values it carries, when it is one reason's status. */
  readonly reasons?: readonly string[];
  readonly description: string;
  /** Whether only requests with a body can get it (415). */
  readonly bodyOnly: boolean;
}

/** What each code means to a caller (docs/api.md and the OpenAPI document). */
function meaning(code: ErrorCode): string {
  switch (code) {
    case 'invalid_argument':
      return 'The request breaks its schema or a rule: `details.path` points at the field, `details.reason` names the rule. Nothing was written.';
    case 'not_found':
      return 'What the request names does not exist (`details.reason`: e.g. `component_not_found`, `name_not_found`, `unknown_route`).';
    case 'conflict':
      return 'A compare-and-swap did not hold (`details.reason`: `cas_failed`); nothing was written.';
    case 'payload_too_large':
      return 'The body is over the gateway limit (BODY_LIMIT_BYTES, `details.limit_bytes`), or a message between services would be over the bus limit.';
    case 'unauthenticated':
      return 'No bearer token, or one the gateway does not accept (`details.reason`: `missing_token`, `invalid_token`, `expired_token`); `WWW-Authenticate` says how to authenticate (docs/security.md).';
    case 'permission_denied':
      return 'The token is valid but lacks the scope the operation needs (`details.reason` `insufficient_scope`, `details.required_scope`), or the Host or Origin is not allowed (`host_not_allowed`, `origin_not_allowed`).';
    case 'resource_exhausted':
      return 'Too many requests from this caller (`details.reason` `rate_limited`): wait `Retry-After` seconds; retrying then is safe.';
    case 'unavailable':
      return 'A service did not answer in time or is not running, or its database could not complete the request (`details.reason` `database_conflict`: a concurrent request won; `database_unavailable`); retrying the same request is safe.';
    case 'internal':
      return 'A bug: logged with the request id; the message says nothing more.';
    default:
      return assertNever(code);
  }
}

/**
 * Every error answer an operation's route can give: one per wire code at its
 * status, and 415 for a body that is not JSON (the gateway's own refusal,
 * `invalid_argument` with reason `unsupported_media_type` or
 * `unsupported_encoding`). 405 (a known path, another method) is per path,
 * not per operation: the OpenAPI document's description says it.
 */
export const ERROR_RESPONSES: readonly ErrorResponse[] = [
  ...ERROR_CODES.map((code) => ({
    name: code,
    status: httpStatusFor(code),
    code,
    description: meaning(code),
    bodyOnly: false,
  })),
  {
    name: 'unsupported_media_type',
    status: 415,
    code: 'invalid_argument' as const,
    reasons: ['unsupported_media_type', 'unsupported_encoding'],
    description:
      'The body is not `application/json` in UTF-8 (another media type, charset or content coding). An empty body needs no media type.',
    bodyOnly: true,
  },
].sort((a, b) => a.status - b.status);

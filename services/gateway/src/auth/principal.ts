import type { OperationScope } from '@crucible/contracts';

/** Who is calling, as the gateway authenticated them. */
export interface Principal {
  /** The name recorded as the actor of what they write (an API key's principal, a JWT's `sub`). */
  readonly id: string;
  readonly scopes: ReadonlySet<OperationScope>;
  readonly via: 'api_key' | 'jwt';
}

/**
 * What a principal id may be: printable ASCII without spaces, up to 128
 * characters (identity providers' subjects: `auth0|5f…`, UUIDs, emails). It
 * travels in a message header and lands in history rows as it is.
 */
export const PRINCIPAL_ID = /^[\x21-\x7e]{1,128}$/;

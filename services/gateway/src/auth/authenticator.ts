import type { IncomingMessage } from 'node:http';
import { unauthenticated } from '@crucible/contracts';
import type { AuthSettings } from '../config';
import { ApiKeys, tokenHash } from './api-keys';
import { createJwtVerifier, type JwtVerifier } from './jwt';
import type { Principal } from './principal';

/** Names the caller of a request from its bearer token; throws `unauthenticated` otherwise. */
export interface Authenticator {
  authenticate(req: IncomingMessage): Promise<Principal>;
}

// RFC 6750: `Bearer` (any case), one space, a b64token.
const BEARER = /^bearer +([A-Za-z0-9\-._~+/]+=*)\s*$/i;
// A JWT's compact form: three base64url parts.
const JWT_FORM = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/;

/**
 * The gateway's authenticator: API keys (the admin token, the keys file) by
 * hash, and JWTs (three dot-separated parts) against the identity provider's
 * key set when one is configured. Reads the keys file and loads the key set
 * now, so a broken configuration refuses the start.
 */
export async function createAuthenticator(settings: AuthSettings): Promise<Authenticator> {
  const keys = new ApiKeys(
    settings.adminToken === undefined ? undefined : tokenHash(settings.adminToken),
    settings.apiKeysFile,
  );
  const jwt: JwtVerifier | undefined =
    settings.jwt === undefined ? undefined : await createJwtVerifier(settings.jwt);
  return {
    async authenticate(req) {
      const header = req.headers.authorization;
      if (header === undefined || header === '')
        throw unauthenticated(
          'missing_token',
          'send a bearer token: Authorization: Bearer <token>',
        );
      const token = BEARER.exec(header)?.[1];
      if (token === undefined)
        throw unauthenticated('invalid_token', 'the Authorization header must be `Bearer <token>`');
      const key = keys.lookup(token);
      if (key !== undefined) return key;
      if (jwt !== undefined && JWT_FORM.test(token)) return jwt(token);
      throw unauthenticated('invalid_token', 'the token is not valid for this gateway');
    },
  };
}

import { readFileSync } from 'node:fs';
import {
  OPERATION_SCOPES,
  unauthenticated,
  unavailable,
  type OperationScope,
} from '@crucible/contracts';
import type { JwtSettings } from '../config';
import { PRINCIPAL_ID, type Principal } from './principal';

/**
 * Only asymmetric signatures: the gateway holds public keys, never a shared
 * secret, and a token whose header names `none` or an HMAC algorithm (the
 * classic key-confusion attack) is refused before its signature is looked at.
 */
const ALGORITHMS = [
  'RS256',
  'RS384',
  'RS512',
  'PS256',
  'PS384',
  'PS512',
  'ES256',
  'ES384',
  'ES512',
  'EdDSA',
];

/** Verifies a JWT and names its principal; throws `unauthenticated` for any token it refuses. */
export type JwtVerifier = (token: string) => Promise<Principal>;

/**
 * A verifier for tokens of one identity provider: signed by a key of its set
 * (a JWKS URL, fetched and cached by jose and refetched when a token names a
 * new key id, so the provider's key rotation needs nothing here; or a file),
 * with the configured issuer and audience, not expired. Scopes come from the
 * `scope` claim (space-separated, RFC 9068) or `scp` (a list or a string);
 * only `read`, `write` and `admin` count.
 *
 * jose is ESM only: it is loaded with import(), which this CommonJS package
 * keeps as a real dynamic import (module Node16).
 */
export async function createJwtVerifier(settings: JwtSettings): Promise<JwtVerifier> {
  const jose = await import('jose');
  const keys =
    settings.jwksUrl !== undefined
      ? jose.createRemoteJWKSet(new URL(settings.jwksUrl))
      : jose.createLocalJWKSet(
          JSON.parse(readFileSync(settings.jwksFile!, 'utf8')) as Parameters<
            typeof jose.createLocalJWKSet
          >[0],
        );
  return async (token) => {
    let payload;
    try {
      ({ payload } = await jose.jwtVerify(token, keys, {
        issuer: settings.issuer,
        audience: settings.audience,
        algorithms: ALGORITHMS,
        // Clocks of the provider and of this machine differ a little.
        clockTolerance: 30,
      }));
    } catch (error) {
      const code = (error as { code?: unknown }).code;
      if (code === 'ERR_JWT_EXPIRED')
        throw unauthenticated('expired_token', 'the token has expired');
      // The provider's key set could not be fetched (fetch's TypeError, by name: it may come from
      // another realm): not the token's fault, and retrying may work.
      if (
        code === 'ERR_JWKS_TIMEOUT' ||
        (code === undefined && (error as Error).name === 'TypeError')
      )
        throw unavailable("the identity provider's key set could not be fetched", {
          reason: 'jwks_unavailable',
        });
      throw unauthenticated('invalid_token', 'the token is not valid for this gateway');
    }
    if (typeof payload.sub !== 'string' || !PRINCIPAL_ID.test(payload.sub))
      throw unauthenticated('invalid_token', 'the token has no usable subject (sub)');
    return { id: payload.sub, scopes: scopesOf(payload), via: 'jwt' };
  };
}

function scopesOf(payload: Record<string, unknown>): Set<OperationScope> {
  const claimed = [payload.scope, payload.scp].flatMap((claim) =>
    typeof claim === 'string'
      ? claim.split(' ')
      : Array.isArray(claim)
        ? claim.filter((s): s is string => typeof s === 'string')
        : [],
  );
  return new Set(
    claimed.filter((s): s is OperationScope => OPERATION_SCOPES.includes(s as OperationScope)),
  );
}

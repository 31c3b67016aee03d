#!/usr/bin/env node
// `npm run api-key -- <principal> <scope>`: a new API key for the gateway
// (docs/security.md). Prints the key, to give to its client once, and the
// entry to add to CRUCIBLE_API_KEYS_FILE, which holds only its SHA-256.
import { createHash, randomBytes } from 'node:crypto';

const SCOPES = ['read', 'write', 'admin'];
const [principal, scope] = process.argv.slice(2);
if (!principal || !/^[\x21-\x7e]{1,128}$/.test(principal) || !SCOPES.includes(scope)) {
  console.error(`usage: npm run api-key -- <principal> <${SCOPES.join('|')}>`);
  process.exit(2);
}
const key = `crucible_${randomBytes(32).toString('base64url')}`;
const sha256 = createHash('sha256').update(key, 'utf8').digest('hex');
console.log(`key (give it to the client; it is not stored anywhere):\n  ${key}`);
console.log(
  `entry for CRUCIBLE_API_KEYS_FILE's "keys":\n  ${JSON.stringify({ principal, sha256, scopes: [scope] })}`,
);

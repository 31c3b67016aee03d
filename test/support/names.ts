import { randomBytes } from 'node:crypto';
import { testInfra } from './infra';

const PREFIX = /^[a-z][a-z0-9_]{0,39}$/;
const ALPHABET = 'abcdefghijklmnopqrstuvwxyz0123456789';
let issued = 0;

function randomSuffix(length: number): string {
  return [...randomBytes(length)].map((byte) => ALPHABET[byte % ALPHABET.length]).join('');
}

/**
 * A name no other call, test file or concurrent run gets: `<prefix>_<runId>_<random>_<n>`,
 * only [a-z0-9_], so it is valid as a NATS subject token, a Kafka topic or
 * consumer group, and a Postgres identifier. `prefix` must already be
 * lowercase [a-z0-9_] starting with a letter (at most 40 characters).
 */
export function uniqueName(prefix: string): string {
  if (!PREFIX.test(prefix))
    throw new Error(
      `uniqueName: prefix must match ${String(PREFIX)}, got ${JSON.stringify(prefix)}`,
    );
  // Jest gives every test file its own module registry, so the counter alone
  // is only unique within a file; the random part separates files and workers.
  issued += 1;
  return `${prefix}_${testInfra().runId}_${randomSuffix(8)}_${issued}`;
}

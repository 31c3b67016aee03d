import { canonicalJson } from './canonical-json';
import { requireInteger, requireRecord, requireSha256Hex } from './input-checks';
import { sha256Hex } from './sha256';

/** Bounds of adjudication_retry_budget, as the cognition_profiles table checks them. */
export const MIN_ADJUDICATION_RETRY_BUDGET = 0;
export const MAX_ADJUDICATION_RETRY_BUDGET = 10;

/** The four component hashes and the retry budget that make a cognition profile. */
export interface CognitionProfileHashInput {
  readonly perceive_system_hash: string;
  readonly intend_system_hash: string;
  readonly adjudicate_system_hash: string;
  readonly adjudication_schema_hash: string;
  readonly adjudication_retry_budget: number;
}

/**
 * The exact canonical JSON a cognition profile hash is taken over: an object
 * of these five members and no others, keys in canonical order:
 * {"adjudicate_system_hash":h,"adjudication_retry_budget":n,
 *  "adjudication_schema_hash":h,"intend_system_hash":h,"perceive_system_hash":h}.
 * Extra members of `input` are ignored. Throws InvalidHashInputError naming
 * the field when a hash is not lowercase SHA-256 hex or the budget is not an
 * integer from 0 to 10.
 */
export function cognitionProfileCanonicalJson(input: CognitionProfileHashInput): string {
  const record = requireRecord(input, []);
  return canonicalJson({
    perceive_system_hash: requireSha256Hex(record.perceive_system_hash, ['perceive_system_hash']),
    intend_system_hash: requireSha256Hex(record.intend_system_hash, ['intend_system_hash']),
    adjudicate_system_hash: requireSha256Hex(record.adjudicate_system_hash, [
      'adjudicate_system_hash',
    ]),
    adjudication_schema_hash: requireSha256Hex(record.adjudication_schema_hash, [
      'adjudication_schema_hash',
    ]),
    adjudication_retry_budget: requireInteger(
      record.adjudication_retry_budget,
      ['adjudication_retry_budget'],
      { min: MIN_ADJUDICATION_RETRY_BUDGET, max: MAX_ADJUDICATION_RETRY_BUDGET },
    ),
  });
}

/**
 * Content address of a cognition profile: SHA-256 of
 * cognitionProfileCanonicalJson(input). The same four component hashes and
 * budget always give the same hash; changing any one of the five changes it.
 */
export function cognitionProfileHash(input: CognitionProfileHashInput): string {
  return sha256Hex(cognitionProfileCanonicalJson(input));
}

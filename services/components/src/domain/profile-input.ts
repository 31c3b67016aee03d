import { canonicalJson, cognitionProfileHash } from '@crucible/hashing';
import type { CognitionProfileInput } from '@crucible/contracts';
import { prepareJson, prepareText, type PreparedComponent } from './prepared-component';

/** The four parts of a cognition profile, in the order they are checked, reported and stored. */
export type PartName =
  'perceive_system' | 'intend_system' | 'adjudicate_system' | 'adjudication_schema';
export const PARTS: readonly PartName[] = [
  'perceive_system',
  'intend_system',
  'adjudicate_system',
  'adjudication_schema',
];

/** One part of a profile: given by {hash} (must exist) or {inline} (checked and hashed here). */
export interface ProfilePart {
  readonly kind: PartName;
  /** JSON Pointer of the `hash` member, or of the `inline` member, in the request. */
  readonly path: string;
  readonly hash: string;
  readonly inline?: PreparedComponent;
}

/** The row of a profile: its hash, the four part hashes and the retry budget. */
export interface ProfileHashes {
  readonly hash: string;
  readonly perceive_system_hash: string;
  readonly intend_system_hash: string;
  readonly adjudicate_system_hash: string;
  readonly adjudication_schema_hash: string;
  readonly adjudication_retry_budget: number;
}

/** A profile input checked and hashed, ready for the existence checks and the writes. */
export interface PreparedProfile {
  readonly hash: string;
  readonly row: ProfileHashes;
  /** In PARTS order. */
  readonly parts: readonly ProfilePart[];
  /** Bytes of the canonical JSON the hash is taken over (the event's size_bytes). */
  readonly sizeBytes: number;
}

/**
 * Checks and hashes a cognition profile input (put_cognition_profile's
 * request, or an inline profile of resolve_components). `path` is the JSON
 * Pointer of the input in the request ('' for put_cognition_profile), so a
 * bad part is reported at e.g. `/cognition_profiles/0/inline/intend_system/inline`.
 * Throws invalid_argument for the first bad inline part, in PARTS order.
 */
export function prepareProfile(input: CognitionProfileInput, path: string): PreparedProfile {
  const parts = PARTS.map((name) => preparePart(name, input, `${path}/${name}`));
  const [perceive, intend, adjudicate, schema] = parts as [
    ProfilePart,
    ProfilePart,
    ProfilePart,
    ProfilePart,
  ];
  const hashInput = {
    perceive_system_hash: perceive.hash,
    intend_system_hash: intend.hash,
    adjudicate_system_hash: adjudicate.hash,
    adjudication_schema_hash: schema.hash,
    adjudication_retry_budget: input.adjudication_retry_budget,
  };
  const hash = cognitionProfileHash(hashInput);
  return {
    hash,
    row: { hash, ...hashInput },
    parts,
    sizeBytes: Buffer.byteLength(canonicalJson(hashInput), 'utf8'),
  };
}

function preparePart(name: PartName, input: CognitionProfileInput, path: string): ProfilePart {
  if (name === 'adjudication_schema') {
    const ref = input.adjudication_schema;
    if (ref.hash !== undefined) return { kind: name, path: `${path}/hash`, hash: ref.hash };
    // The schema guarantees exactly one of hash and inline.
    const inline = prepareJson(name, ref.inline ?? {}, `${path}/inline`);
    return { kind: name, path: `${path}/inline`, hash: inline.hash, inline };
  }
  const ref = input[name];
  if (ref.hash !== undefined) return { kind: name, path: `${path}/hash`, hash: ref.hash };
  const inline = prepareText(name, ref.inline ?? '', `${path}/inline`);
  return { kind: name, path: `${path}/inline`, hash: inline.hash, inline };
}

import { canonicalJson, withCanonicalJsonBytes } from './canonical-json';
import { requireText } from './input-checks';
import { sha256Hex } from './sha256';

/** Components stored as text: hashed as the UTF-8 bytes of the text. */
export const TEXT_COMPONENT_KINDS = [
  'perceive_system',
  'intend_system',
  'adjudicate_system',
  'environment',
] as const;

/** Components stored as JSON: hashed as their RFC 8785 canonical JSON. */
export const JSON_COMPONENT_KINDS = ['adjudication_schema', 'entity'] as const;

export type TextComponentKind = (typeof TEXT_COMPONENT_KINDS)[number];
export type JsonComponentKind = (typeof JSON_COMPONENT_KINDS)[number];
export type ComponentKind = TextComponentKind | JsonComponentKind;

/**
 * Hash of a text component (perceive_system, intend_system,
 * adjudicate_system, environment): SHA-256 of the UTF-8 bytes of `text`
 * exactly as given. No normalization and no trimming: "café" written with
 * U+00E9 (NFC) and with e + U+0301 (NFD) are different components. Throws
 * InvalidHashInputError (field 'text') for a non-string or a lone surrogate.
 */
export function textComponentHash(text: string): string {
  return sha256Hex(requireText(text, ['text']));
}

/**
 * Hash of a JSON component (adjudication_schema, entity): SHA-256 of the
 * UTF-8 bytes of `canonicalJson(value)`. Key order in the input does not
 * matter; anything canonicalJson rejects throws its NotJsonError.
 */
export function jsonComponentHash(value: unknown): string {
  // Hash the canonical bytes in place: no string, no copy.
  return withCanonicalJsonBytes(value, sha256Hex);
}

/**
 * A JSON component's canonical JSON and its hash (`jsonComponentHash`) from
 * one serialization, for a caller that stores the canonical JSON too. Throws
 * what canonicalJson throws.
 */
export function canonicalJsonComponent(value: unknown): { canonical: string; hash: string } {
  const canonical = canonicalJson(value);
  return { canonical, hash: sha256Hex(canonical) };
}

function assertNever(kind: never): never {
  throw new Error(`unknown component kind ${JSON.stringify(kind)}`);
}

/**
 * Hash of a component of the given kind: textComponentHash for the text
 * kinds, jsonComponentHash for the JSON kinds. One place that knows which is
 * which, so a store never hashes an entity as text.
 */
export function componentHash(kind: ComponentKind, content: unknown): string {
  switch (kind) {
    case 'perceive_system':
    case 'intend_system':
    case 'adjudicate_system':
    case 'environment':
      return sha256Hex(requireText(content, ['content']));
    case 'adjudication_schema':
    case 'entity':
      return jsonComponentHash(content);
    default:
      return assertNever(kind);
  }
}

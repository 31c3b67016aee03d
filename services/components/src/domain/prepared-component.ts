import { NotJsonError, canonicalJsonComponent, textComponentHash } from '@crucible/hashing';
import { invalidArgument, type Entity } from '@crucible/contracts';
import type { ContentKind, JsonKind, TextKind } from './component-kinds';
import { CompiledSchemas } from './adjudication-schema';
import { normalizeEntity } from './entity';

/** Largest content of one component: UTF-8 bytes of the text, or of the canonical JSON. */
export const MAX_COMPONENT_BYTES = 64 * 1024;

/** A component checked against its rules and hashed, ready to store. */
export interface PreparedComponent {
  readonly kind: ContentKind;
  readonly hash: string;
  /** The text, or the JSON value in the form that was hashed. */
  readonly content: string | Record<string, unknown>;
  /** What the database stores: the text, or the canonical JSON. */
  readonly stored: string;
  readonly sizeBytes: number;
}

/**
 * Checks and hashes a text component. Texts are hashed byte for byte as given
 * (no trimming, no Unicode normalization), but a blank text is refused.
 */
export function prepareText(kind: TextKind, text: string, path: string): PreparedComponent {
  if (text.trim() === '') {
    throw invalidArgument(path, 'empty_text', `${path}: ${kind} must not be empty or blank`);
  }
  const sizeBytes = Buffer.byteLength(text, 'utf8');
  checkSize(kind, sizeBytes, path);
  return { kind, hash: textComponentHash(text), content: text, stored: text, sizeBytes };
}

/** Adjudication schemas known to compile, by content hash (per process). */
const compiledSchemas = new CompiledSchemas();

/** Checks and hashes a JSON component (an adjudication schema or an entity). */
export function prepareJson(
  kind: JsonKind,
  value: Record<string, unknown>,
  path: string,
): PreparedComponent {
  const content: Record<string, unknown> =
    kind === 'entity' ? normalizeEntity(value as unknown as Entity, path) : value;
  // Serialized once: what is stored is what is hashed.
  const { canonical: stored, hash } = canonicalOrInvalid(content, path);
  const sizeBytes = Buffer.byteLength(stored, 'utf8');
  checkSize(kind, sizeBytes, path);
  if (kind === 'adjudication_schema') compiledSchemas.check(content, hash, path);
  return { kind, hash, content, stored, sizeBytes };
}

function checkSize(kind: ContentKind, sizeBytes: number, path: string): void {
  if (sizeBytes > MAX_COMPONENT_BYTES) {
    throw invalidArgument(
      path,
      'too_large',
      `${path}: ${kind} is ${sizeBytes} bytes; the limit is ${MAX_COMPONENT_BYTES}`,
      { limit_bytes: MAX_COMPONENT_BYTES, actual_bytes: sizeBytes },
    );
  }
}

/** Canonical JSON, or invalid_argument naming the value that is not JSON (e.g. 1e400, which parses as Infinity). */
function canonicalOrInvalid(value: unknown, path: string): { canonical: string; hash: string } {
  try {
    return canonicalJsonComponent(value);
  } catch (error) {
    if (error instanceof NotJsonError) {
      const at = path + error.path;
      throw invalidArgument(at, 'not_json', `${at}: ${error.message}`);
    }
    throw error;
  }
}

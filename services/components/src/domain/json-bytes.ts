import { canonicalJson } from '@crucible/hashing';

/**
 * How many UTF-8 bytes `value` takes inside a canonical JSON document: a text
 * as its JSON string literal (quotes and escapes included, escaped as
 * JSON.stringify does), a JSON value as its canonical JSON. Lets another
 * service compute the exact canonical size of a document that embeds the
 * component without receiving its content.
 */
export function jsonBytes(value: string | Record<string, unknown>): number {
  return Buffer.byteLength(canonicalJson(value), 'utf8');
}

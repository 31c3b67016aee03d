/**
 * A LIKE pattern (with `\` as the escape character) matching every string
 * that starts with `prefix` literally: `_` and `%` match only themselves.
 */
export function likePrefix(prefix: string): string {
  return `${prefix.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

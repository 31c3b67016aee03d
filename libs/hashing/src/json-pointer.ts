/** One step into a JSON value: an object key or an array index. */
export type PathSegment = string | number;

/**
 * Builds an RFC 6901 JSON Pointer from segments ordered root first: `~` is
 * written `~0` and `/` is written `~1`; the root itself is ''.
 */
export function jsonPointer(segments: readonly PathSegment[]): string {
  let pointer = '';
  for (const segment of segments) {
    pointer +=
      '/' +
      (typeof segment === 'number'
        ? String(segment)
        : segment.replace(/~/g, '~0').replace(/\//g, '~1'));
  }
  return pointer;
}

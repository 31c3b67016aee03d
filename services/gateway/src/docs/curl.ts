import type { OperationSpec } from '@crucible/contracts';
import type { HttpRequestParts } from '../http/request-layout';

/** Where `npm start` serves the API by default (README.md). */
export const DEFAULT_BASE = 'localhost:8080';

/**
 * The bearer token header of every example, double-quoted so that a shell
 * expands the variable `npm start` tells how to set (README.md, docs/security.md).
 */
export const AUTH_HEADER_WORD = '"authorization: Bearer $CRUCIBLE_TOKEN"';

/**
 * A curl command that sends `parts` as the operation's route takes it: path
 * parameters in the path, query parameters in the query string, the bearer
 * token from $CRUCIBLE_TOKEN, the body as pretty JSON (single-quoted for a
 * POSIX shell).
 */
export function curlCommand(
  spec: Pick<OperationSpec, 'http'>,
  parts: HttpRequestParts,
  base = DEFAULT_BASE,
): string {
  const path = spec.http.path.replace(/\{([a-z_]+)\}/g, (_match, name: string) =>
    encodeURIComponent(String(parts.path[name])),
  );
  const query = Object.entries(parts.query).flatMap(([name, value]) =>
    (Array.isArray(value) ? value : [value]).map(
      (one) =>
        `${name}=${encodeQueryValue(typeof one === 'object' ? JSON.stringify(one) : String(one))}`,
    ),
  );
  const url = `${base}${path}${query.length > 0 ? `?${query.join('&')}` : ''}`;
  const words = ['curl', '-s'];
  if (spec.http.method !== 'GET' && !(spec.http.method === 'POST' && parts.body)) {
    words.push('-X', spec.http.method);
  }
  words.push(shellWord(url), '-H', AUTH_HEADER_WORD);
  if (parts.body !== undefined) {
    words.push('-H', shellWord('content-type: application/json'));
    words.push('-d', shellWord(JSON.stringify(parts.body, null, 2)));
  }
  return words.join(' ');
}

/** Percent-encodes a query value, leaving the characters a query may carry as they are. */
function encodeQueryValue(value: string): string {
  return encodeURIComponent(value).replace(/%(3A|40|2F|2C)/gi, (escape) =>
    decodeURIComponent(escape),
  );
}

/** A word as a POSIX shell reads it back: bare when safe, else single-quoted. */
function shellWord(word: string): string {
  if (/^[A-Za-z0-9_./:@%=-]+$/.test(word)) return word;
  return `'${word.replace(/'/g, `'\\''`)}'`;
}

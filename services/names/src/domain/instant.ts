import { invalidArgument } from '@crucible/contracts';

/**
 * An RFC 3339 time (already checked by the schema) as a Date. Stored times
 * have millisecond precision, so dropping finer digits changes no comparison
 * with them. A time the schema lets through but no clock has (e.g. a leap
 * second) is `invalid_timestamp`.
 */
export function parseInstant(value: string, path: string): Date {
  const instant = new Date(value);
  if (Number.isNaN(instant.getTime()))
    throw invalidArgument(path, 'invalid_timestamp', `${path}: not a time: ${value}`);
  return instant;
}

import { invalidArgument } from '@crucible/contracts';

const DURATION = /^P(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+)S)?)?$/;

/**
 * A timebox (ISO 8601 duration of days, hours, minutes and seconds, checked
 * by the schema) in milliseconds; a day is 24 hours.
 */
export function timeboxMs(timebox: string, path = '/timebox'): number {
  const match = DURATION.exec(timebox);
  if (match === null || timebox === 'P' || timebox.endsWith('T')) {
    throw invalidArgument(path, 'invalid_duration', `${timebox} is not a duration such as PT2H`);
  }
  const [, d, h, m, s] = match.map((part) => Number(part ?? 0));
  return ((((d ?? 0) * 24 + (h ?? 0)) * 60 + (m ?? 0)) * 60 + (s ?? 0)) * 1000;
}

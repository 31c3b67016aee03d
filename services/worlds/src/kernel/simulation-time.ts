// The simulation clock: RFC 3339 text in, milliseconds since the epoch
// inside, `YYYY-MM-DDTHH:MM:SSZ` out. Pure arithmetic on the given value;
// the kernel never reads the wall clock.

const RFC3339 =
  /^(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(\.\d{1,9})?([Zz]|[+-]\d{2}:\d{2})$/;

// RFC 3339 has four-digit years only.
const LAST_MS = Date.UTC(9999, 11, 31, 23, 59, 59, 999);
const FIRST_MS = Date.UTC(0, 0, 1);

/** Milliseconds since the epoch of an RFC 3339 time, or undefined when it is not one. */
export function parseSimulationTime(text: string): number | undefined {
  const match = RFC3339.exec(text);
  if (match === null) return undefined;
  const [, , month, day, hour, minute, second] = match.map(Number);
  if (month! < 1 || month! > 12 || day! < 1 || day! > 31) return undefined;
  if (hour! > 23 || minute! > 59 || second! > 59) return undefined;
  const ms = Date.parse(text.toUpperCase());
  if (!Number.isFinite(ms) || ms < FIRST_MS || ms > LAST_MS) return undefined;
  // Date.parse rolls 2026-02-30 over to March: refuse days the month lacks.
  const date = new Date(Date.UTC(Number(match[1]), month! - 1, day));
  if (date.getUTCDate() !== day) return undefined;
  return ms;
}

/** `YYYY-MM-DDTHH:MM:SSZ`, with milliseconds only when they are not zero. */
export function formatSimulationTime(ms: number): string {
  return new Date(ms).toISOString().replace(/\.000Z$/, 'Z');
}

/** `time` moved on by `seconds`, or undefined past year 9999 (RFC 3339 has no later years). */
export function advanceSimulationTime(time: string, seconds: number): string | undefined {
  const ms = parseSimulationTime(time);
  if (ms === undefined) return undefined;
  const next = ms + seconds * 1000;
  return next > LAST_MS ? undefined : formatSimulationTime(next);
}

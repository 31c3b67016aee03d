// Counts the statements this process sends to Postgres (every pg client:
// the services' pools, knex's and ServiceDb.run's named statements, BEGIN
// and COMMIT), so the worlds bench can say how many round trips a turn
// costs. Patches pg.Client.prototype.query once; the count only grows.
import pg from 'pg';

let count = 0;
let installed = false;

/** Starts counting (idempotent). */
export function countPgQueries(): void {
  if (installed) return;
  installed = true;
  const proto = pg.Client.prototype as unknown as { query: (...args: unknown[]) => unknown };
  const original = proto.query;
  proto.query = function counted(this: unknown, ...args: unknown[]): unknown {
    count += 1;
    return original.apply(this, args);
  };
}

/** Statements sent so far. */
export function pgQueries(): number {
  return count;
}

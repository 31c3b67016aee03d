import pg from 'pg';

/**
 * The SQL texts this process sent to Postgres while `work` ran (every pg
 * client, the embedded default's included: relays, consumers and timers
 * too, so callers filter).
 */
export async function statementsDuring<T>(
  work: () => Promise<T>,
): Promise<{ result: T; statements: string[] }> {
  const proto = pg.Client.prototype as unknown as { query: (...args: unknown[]) => unknown };
  const original = proto.query;
  const statements: string[] = [];
  proto.query = function recorded(this: unknown, ...args: unknown[]): unknown {
    const [query] = args;
    if (typeof query === 'string') statements.push(query);
    else if (typeof (query as { text?: unknown })?.text === 'string')
      statements.push((query as { text: string }).text);
    return original.apply(this, args);
  };
  try {
    return { result: await work(), statements };
  } finally {
    proto.query = original;
  }
}

/** Waits `ms`. */
export function idleFor(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

const TIMESTAMP = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)$/;
/** Random ids (the governance service's directives, runs, artifacts) are stand-ins like timestamps. */
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
/** Measured durations (a decision's `duration_us`): any non-negative integer matches. */
const DURATION_KEY = /\/duration_us$/;

/**
 * The documented examples (docs/api.md, the OpenAPI document, README.md) show
 * stand-in timestamps, each for one instant of the run that produced them.
 * This binds each stand-in to the instant a run gets the first time a reply
 * shows it; after that the stand-in must always be that instant, and a
 * request carrying it sends that instant (e.g. `at` for time travel).
 * Random ids (UUIDs) are stand-ins in the same way, and a measured
 * `duration_us` matches any non-negative integer. Everything else must be
 * exactly as documented: hashes are content addresses and sequential ids
 * count from 1 on an empty database.
 */
export class DocumentedValues {
  private readonly instants = new Map<string, string>();

  /** `value` with every bound stand-in replaced by its instant. */
  substitute<T>(value: T): T {
    return this.map(value) as T;
  }

  /** `text` (a URL, a JSON body) with every bound stand-in replaced by its instant. */
  substituteText(text: string): string {
    let out = text;
    for (const [standIn, instant] of this.instants) out = out.split(standIn).join(instant);
    return out;
  }

  /** Where `actual` differs from the documented reply, as JSON Pointers and values; [] when it matches. */
  differences(documented: unknown, actual: unknown, path = ''): string[] {
    if (typeof documented === 'number' && DURATION_KEY.test(path)) {
      return Number.isInteger(actual) && (actual as number) >= 0
        ? []
        : [`${path}: a duration was documented, got ${JSON.stringify(actual)}`];
    }
    const pattern =
      typeof documented !== 'string'
        ? undefined
        : TIMESTAMP.test(documented)
          ? TIMESTAMP
          : UUID.test(documented)
            ? UUID
            : undefined;
    if (typeof documented === 'string' && pattern !== undefined) {
      if (typeof actual !== 'string' || !pattern.test(actual)) {
        const what = pattern === UUID ? 'an id' : 'a timestamp';
        return [`${path}: ${what} was documented, got ${JSON.stringify(actual)}`];
      }
      const bound = this.instants.get(documented);
      if (bound === undefined) this.instants.set(documented, actual);
      else if (bound !== actual) {
        return [`${path}: ${documented} stands for ${bound} in this run, got ${actual}`];
      }
      return [];
    }
    if (Array.isArray(documented)) {
      if (!Array.isArray(actual) || actual.length !== documented.length) {
        return [`${path}: documented ${JSON.stringify(documented)}, got ${JSON.stringify(actual)}`];
      }
      return documented.flatMap((item, i) => this.differences(item, actual[i], `${path}/${i}`));
    }
    if (typeof documented === 'object' && documented !== null) {
      if (typeof actual !== 'object' || actual === null || Array.isArray(actual)) {
        return [`${path}: documented an object, got ${JSON.stringify(actual)}`];
      }
      const keys = new Set([...Object.keys(documented), ...Object.keys(actual)]);
      return [...keys].flatMap((key) =>
        this.differences(
          (documented as Record<string, unknown>)[key],
          (actual as Record<string, unknown>)[key],
          `${path}/${key}`,
        ),
      );
    }
    // Durations and latencies (`*_ms`) are measured: any non-negative integer
    // stands for any other.
    if (
      /_ms$/.test(path) &&
      Number.isInteger(documented) &&
      Number.isInteger(actual) &&
      (documented as number) >= 0 &&
      (actual as number) >= 0
    ) {
      return [];
    }
    return Object.is(documented, actual)
      ? []
      : [`${path}: documented ${JSON.stringify(documented)}, got ${JSON.stringify(actual)}`];
  }

  private map(value: unknown): unknown {
    if (typeof value === 'string') return this.instants.get(value) ?? value;
    if (Array.isArray(value)) return value.map((item) => this.map(item));
    if (typeof value === 'object' && value !== null) {
      return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, this.map(v)]));
    }
    return value;
  }
}

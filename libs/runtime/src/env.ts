/** Problems found while reading the environment, all reported at once. */
export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`invalid configuration:\n- ${problems.join('\n- ')}`);
    this.name = 'ConfigError';
  }
}

/**
 * Reads environment variables once, collecting every problem instead of
 * stopping at the first; `done()` throws a ConfigError listing them.
 */
export class EnvReader {
  // A Set: in the all-in-one process several readers share one variable
  // (REQUEST_TIMEOUT_MS), and a bad value is one problem, not one per reader.
  private readonly problems = new Set<string>();

  constructor(private readonly env: NodeJS.ProcessEnv) {}

  string(name: string, fallback: string): string {
    const value = this.env[name]?.trim();
    return value === undefined || value === '' ? fallback : value;
  }

  optional(name: string): string | undefined {
    const value = this.env[name]?.trim();
    return value === undefined || value === '' ? undefined : value;
  }

  required(name: string, what: string): string {
    const value = this.optional(name);
    if (value === undefined) {
      this.problems.add(`${name} is required (${what})`);
      return '';
    }
    return value;
  }

  int(name: string, fallback: number, range: { min: number; max: number }): number {
    const raw = this.optional(name);
    if (raw === undefined) return fallback;
    const value = Number(raw);
    if (!Number.isInteger(value) || value < range.min || value > range.max) {
      this.problems.add(
        `${name} must be an integer in [${range.min}, ${range.max}], got ${JSON.stringify(raw)}`,
      );
      return fallback;
    }
    return value;
  }

  list(name: string): string[] | undefined {
    const raw = this.optional(name);
    if (raw === undefined) return undefined;
    return raw
      .split(',')
      .map((s) => s.trim())
      .filter((s) => s !== '');
  }

  pattern(name: string, fallback: string, pattern: RegExp, what: string): string {
    const value = this.string(name, fallback);
    if (!pattern.test(value))
      this.problems.add(`${name} must be ${what}, got ${JSON.stringify(value)}`);
    return value;
  }

  problem(message: string): void {
    this.problems.add(message);
  }

  done(): void {
    if (this.problems.size > 0) throw new ConfigError([...this.problems]);
  }
}

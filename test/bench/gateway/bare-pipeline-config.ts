// The bare pipeline: the same hops as ours (HTTP front, NATS, a worker with
// a Postgres pool) built from raw parts, as the baseline of the gateway bench.

/** Where the bare pipeline's parts meet. */
export interface BareConfig {
  natsUrl: string;
  databaseUrl: string;
  /** Postgres schema holding its table (see bareSchemaSql). */
  schema: string;
  /** NATS subjects: `<subjectPrefix>.put_environment` and `<subjectPrefix>.get_environment`. */
  subjectPrefix: string;
  /** Postgres connections of the worker; ours defaults to 10 (DATABASE_POOL_MAX). */
  poolMax: number;
}

export function bareSubjects(config: Pick<BareConfig, 'subjectPrefix'>): {
  put: string;
  get: string;
} {
  return {
    put: `${config.subjectPrefix}.put_environment`,
    get: `${config.subjectPrefix}.get_environment`,
  };
}

/** The bare table: the same columns, key and hash check as components.environments. */
export function bareSchemaSql(schema: string): string {
  return `
    create schema "${schema}";
    create domain "${schema}".sha256_hex as text check (value ~ '^[0-9a-f]{64}$');
    create table "${schema}".environments (
      hash       "${schema}".sha256_hex primary key,
      content    text        not null,
      created_at timestamptz not null default now()
    );`;
}

/** The config as environment variables for a bare child process, and back. */
export function bareConfigToEnv(config: BareConfig): Record<string, string> {
  return { BARE_CONFIG: JSON.stringify(config) };
}

export function bareConfigFromEnv(env: NodeJS.ProcessEnv): BareConfig {
  const raw = env.BARE_CONFIG;
  if (raw === undefined) throw new Error('BARE_CONFIG is not set');
  return JSON.parse(raw) as BareConfig;
}

/** A stored scenario as a fork sees it: scalars and bindings by hash. */
export interface StoredBindings {
  readonly hash: string;
  readonly scenario_slug: string;
  readonly description: string;
  readonly chronon_seconds: number;
  /** label -> profile hash */
  readonly cognition_profiles: ReadonlyMap<string, string>;
  /** label -> environment hash */
  readonly environments: ReadonlyMap<string, string>;
  readonly entity_hashes: readonly string[];
}

/** What a cognition profile is made of. */
export interface ProfileComposition {
  readonly perceive_system_hash: string;
  readonly intend_system_hash: string;
  readonly adjudicate_system_hash: string;
  readonly adjudication_schema_hash: string;
  readonly adjudication_retry_budget: number;
}

import type {
  EntityRef,
  EnvironmentRef,
  ProfileRef,
  ResolvedEntity,
  ResolvedEnvironment,
  ResolvedProfile,
} from '@crucible/contracts';

/** A reference as given, with where it sits in the request (null when inherited from a parent). */
export interface Bound<R> {
  readonly ref: R;
  readonly path: string | null;
}

/**
 * A scenario about to be stored: scalars and label bindings, each component a
 * {hash} or {inline} reference. Assembly builds it from the request; a fork
 * from the parent plus the changes.
 */
export interface ScenarioDraft {
  readonly scenario_slug: string;
  readonly description: string;
  readonly chronon_seconds: number;
  readonly cognition_profiles: ReadonlyMap<string, Bound<ProfileRef>>;
  readonly environments: ReadonlyMap<string, Bound<EnvironmentRef>>;
  readonly entities: readonly Bound<EntityRef>[];
  /** Where errors about the scalars and the entity list point. */
  readonly paths: DraftPaths;
}

export interface DraftPaths {
  readonly description: string;
  readonly entities: string;
  /** For labels removed by a fork: the removal that took each away (entities left pointing at it are reported there). */
  readonly removedEnvironments: ReadonlyMap<string, string>;
  readonly removedProfiles: ReadonlyMap<string, string>;
}

/** A draft whose every reference the components service resolved. */
export interface ResolvedDraft {
  readonly draft: ScenarioDraft;
  readonly profiles: ReadonlyMap<string, ResolvedProfile>;
  readonly environments: ReadonlyMap<string, ResolvedEnvironment>;
  readonly entities: readonly ResolvedEntity[];
}

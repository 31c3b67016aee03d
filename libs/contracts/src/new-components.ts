import type { NewComponents } from './generated/types';

/** NewComponents with every count at zero (nothing new was stored). */
export function noNewComponents(): NewComponents {
  return {
    perceive_systems: 0,
    intend_systems: 0,
    adjudicate_systems: 0,
    adjudication_schemas: 0,
    cognition_profiles: 0,
    environments: 0,
    entities: 0,
  };
}

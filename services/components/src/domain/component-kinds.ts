import type { ComponentKind, NewComponents } from '@crucible/contracts';

/** How a kind of component is stored and hashed. */
export interface KindSpec {
  readonly kind: ComponentKind;
  /** Table in the components schema. */
  readonly table: string;
  /** Key of its count in NewComponents. */
  readonly counter: keyof NewComponents;
  /** text: sha256 of the UTF-8 bytes; json: sha256 of the canonical JSON; profile: see docs/hashing.md. */
  readonly content: 'text' | 'json' | 'profile';
}

export const KINDS: Readonly<Record<ComponentKind, KindSpec>> = {
  perceive_system: {
    kind: 'perceive_system',
    table: 'perceive_systems',
    counter: 'perceive_systems',
    content: 'text',
  },
  intend_system: {
    kind: 'intend_system',
    table: 'intend_systems',
    counter: 'intend_systems',
    content: 'text',
  },
  adjudicate_system: {
    kind: 'adjudicate_system',
    table: 'adjudicate_systems',
    counter: 'adjudicate_systems',
    content: 'text',
  },
  adjudication_schema: {
    kind: 'adjudication_schema',
    table: 'adjudication_schemas',
    counter: 'adjudication_schemas',
    content: 'json',
  },
  cognition_profile: {
    kind: 'cognition_profile',
    table: 'cognition_profiles',
    counter: 'cognition_profiles',
    content: 'profile',
  },
  environment: {
    kind: 'environment',
    table: 'environments',
    counter: 'environments',
    content: 'text',
  },
  entity: { kind: 'entity', table: 'entities', counter: 'entities', content: 'json' },
};

/** Kinds whose content is a text or a JSON value (every kind but the profile bundle). */
export type ContentKind = Exclude<ComponentKind, 'cognition_profile'>;
export type TextKind = 'perceive_system' | 'intend_system' | 'adjudicate_system' | 'environment';
export type JsonKind = 'adjudication_schema' | 'entity';

// Public entry of @crucible/hashing: canonical JSON (RFC 8785), SHA-256, and
// the content-address rules of the scenario store. docs/hashing.md states the
// rules and pins golden vectors; a published hash never changes.
export { MAX_JSON_DEPTH, canonicalJson, canonicalJsonBytes } from './canonical-json';
export {
  cognitionProfileCanonicalJson,
  cognitionProfileHash,
  MAX_ADJUDICATION_RETRY_BUDGET,
  MIN_ADJUDICATION_RETRY_BUDGET,
  type CognitionProfileHashInput,
} from './cognition-profile-hash';
export {
  canonicalJsonComponent,
  componentHash,
  JSON_COMPONENT_KINDS,
  jsonComponentHash,
  TEXT_COMPONENT_KINDS,
  textComponentHash,
  type ComponentKind,
  type JsonComponentKind,
  type TextComponentKind,
} from './component-hashes';
export { InvalidHashInputError, NotJsonError, type NotJsonReason } from './errors';
export {
  scenarioManifestCanonicalJson,
  scenarioManifestHash,
  type ScenarioManifestHashInput,
} from './scenario-manifest-hash';
export { isSha256Hex, SHA256_HEX_PATTERN, sha256Hex } from './sha256';

// Public entry of @crucible/contracts: the message catalog, its schemas and
// validation, the wire error, and the types generated from schemas/.
// Test helpers are in the `./testing` entry.
export {
  assertNever,
  conflict,
  CrucibleError,
  ERROR_CODES,
  httpStatusFor,
  internal,
  invalidArgument,
  isCrucibleError,
  isRetryableCode,
  notFound,
  payloadTooLarge,
  permissionDenied,
  resourceExhausted,
  unauthenticated,
  toCrucibleError,
  unavailable,
  type CrucibleErrorOptions,
  type ErrorCode,
  type ErrorDetails,
  type WireError,
} from './errors';
export {
  assertRepresentable,
  assertSchema,
  assertValid,
  cleanStringsIn,
  fromAjvError,
  joinPointer,
  type KnownOfValue,
} from './validation';
export { DEFAULT_SCHEMAS_DIR, SCHEMA_BASE_URI, SchemaRegistry } from './schema-registry';
export {
  Catalog,
  defaultCatalog,
  OPERATION_SCOPES,
  scopeGrants,
  type OperationScope,
  type EventDataOf,
  type EventSpec,
  type EventType,
  type HttpMethod,
  type OperationName,
  type OperationSpec,
  type ReplyOf,
  type RequestOf,
} from './catalog';
export {
  consumerGroup,
  deadLetterTopic,
  operationSubject,
  readinessSubject,
  serviceQueue,
  streamTopic,
} from './subjects';
// One type per schema, named by codegen (npm run codegen): listing them here
// by hand would be a second copy of schemas/ to keep in step.
export type * from './generated/types';
export type { EventDataTypes, OperationTypes } from './generated/maps';
export { bundleSchema } from './schema-bundle';
export { EVENT_UPGRADES, type EventDataUpgrades } from './event-upgrades';
export { noNewComponents } from './new-components';

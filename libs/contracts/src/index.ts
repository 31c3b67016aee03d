export * from './errors';
export * from './validation';
export * from './schema-registry';
export * from './catalog';
export * from './subjects';
export type * from './generated/types';
export type { OperationTypes, EventDataTypes } from './generated/maps';
export { bundleSchema } from './schema-bundle';
export { noNewComponents } from './new-components';

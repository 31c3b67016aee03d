export { service } from './definition';
export { startComponentsService, SERVICE_NAME, SERVICE_VERSION } from './service';
export {
  DEFAULT_COMPONENTS_SETTINGS,
  readComponentsSettings,
  type ComponentsSettings,
} from './config';
export { MAX_COMPONENT_BYTES } from './domain/prepared-component';

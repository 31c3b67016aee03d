export {
  startComponentsService,
  SERVICE_NAME,
  SERVICE_VERSION,
  type ComponentsServiceOptions,
} from './service';
export { readConfig, type ComponentsConfig } from './config';
export { MAX_COMPONENT_BYTES } from './domain/prepared-component';

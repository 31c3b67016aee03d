export { startPlatform, type RunningPlatform } from './platform';
export { readConfig, type PlatformConfig } from './config';
export {
  REGISTRY_FILE,
  loadServiceDefinitions,
  readRegistry,
  type RegistryEntry,
} from './registry';

export { service } from './definition';
export { startNamesService, SERVICE_NAME, SERVICE_VERSION } from './service';
export { DEFAULT_NAMES_SETTINGS, readNamesSettings, type NamesSettings } from './config';

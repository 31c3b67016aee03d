export {
  startNamesService,
  SERVICE_NAME,
  SERVICE_VERSION,
  type NamesServiceOptions,
} from './service';
export { readConfig, type NamesConfig } from './config';

export { startPlatform, type RunningPlatform } from './platform';
export { readConfig, type PlatformConfig } from './config';

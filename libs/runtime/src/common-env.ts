import { logLevelFrom, type LogLevel } from '@crucible/telemetry';
import type { EnvReader } from './env';

/** The variables every process reads: a service's own, the gateway, the all-in-one platform. */
export interface CommonEnv {
  /** CRUCIBLE_PREFIX: prefix of every subject and topic (default `crucible`); isolates deployments. */
  readonly prefix: string;
  /** LOG_LEVEL: debug, info (default), warn or error. */
  readonly logLevel: LogLevel;
}

/** Reads the CommonEnv variables (problems are collected by the reader). */
export function readCommonEnv(reader: EnvReader): CommonEnv {
  return {
    prefix: reader.pattern(
      'CRUCIBLE_PREFIX',
      'crucible',
      /^[a-z][a-z0-9_]*$/,
      'lowercase [a-z0-9_]',
    ),
    logLevel: logLevelFrom(reader.optional('LOG_LEVEL')),
  };
}

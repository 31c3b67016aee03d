import { TelemetryConfigError } from './errors';

/** Which spans get recorded, from OTEL_TRACES_SAMPLER / OTEL_TRACES_SAMPLER_ARG. */
export type SamplerSetting =
  | { readonly kind: 'always_on'; readonly parentBased: boolean }
  | { readonly kind: 'always_off'; readonly parentBased: boolean }
  | { readonly kind: 'traceidratio'; readonly parentBased: boolean; readonly ratio: number };

/** The environment, parsed and checked once at start-up. */
export interface TelemetryConfig {
  /** OTEL_SERVICE_NAME: the service.name of this process (required by the register entry). */
  readonly serviceName: string | undefined;
  /**
   * Where spans are POSTed as OTLP/HTTP JSON: OTEL_EXPORTER_OTLP_TRACES_ENDPOINT as
   * given, else OTEL_EXPORTER_OTLP_ENDPOINT + '/v1/traces'. Undefined: no OTLP export.
   */
  readonly otlpTracesUrl: string | undefined;
  /** OTEL_TRACES_SAMPLER (+ OTEL_TRACES_SAMPLER_ARG); default parentbased_always_on. */
  readonly sampler: SamplerSetting;
}

/** Reads every variable this package uses; throws TelemetryConfigError on a bad value. */
export function readTelemetryConfig(env: NodeJS.ProcessEnv): TelemetryConfig {
  return {
    serviceName: nonEmpty(env['OTEL_SERVICE_NAME']),
    otlpTracesUrl: otlpTracesUrl(env),
    sampler: samplerSetting(env),
  };
}

// Compose files and CI often set a variable to '' to mean "off".
function nonEmpty(value: string | undefined): string | undefined {
  const trimmed = value?.trim();
  return trimmed === undefined || trimmed === '' ? undefined : trimmed;
}

function otlpTracesUrl(env: NodeJS.ProcessEnv): string | undefined {
  const traces = nonEmpty(env['OTEL_EXPORTER_OTLP_TRACES_ENDPOINT']);
  if (traces !== undefined) return httpUrl('OTEL_EXPORTER_OTLP_TRACES_ENDPOINT', traces);
  const base = nonEmpty(env['OTEL_EXPORTER_OTLP_ENDPOINT']);
  if (base === undefined) return undefined;
  // Per the OTLP spec the generic endpoint is a base: the signal path is appended.
  const url = httpUrl('OTEL_EXPORTER_OTLP_ENDPOINT', base);
  return url.endsWith('/') ? `${url}v1/traces` : `${url}/v1/traces`;
}

function httpUrl(variable: string, value: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new TelemetryConfigError(variable, `${variable} is not a URL: "${value}"`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new TelemetryConfigError(
      variable,
      `${variable} must be an http(s) URL (OTLP/HTTP), got "${value}"`,
    );
  }
  // Keep the caller's spelling: URL#href would add a trailing '/' to a bare origin.
  return value;
}

function samplerSetting(env: NodeJS.ProcessEnv): SamplerSetting {
  const name = nonEmpty(env['OTEL_TRACES_SAMPLER']) ?? 'parentbased_always_on';
  const parentBased = name.startsWith('parentbased_');
  const root = parentBased ? name.slice('parentbased_'.length) : name;
  switch (root) {
    case 'always_on':
      return { kind: 'always_on', parentBased };
    case 'always_off':
      return { kind: 'always_off', parentBased };
    case 'traceidratio':
      return { kind: 'traceidratio', parentBased, ratio: samplerRatio(env) };
    default:
      throw new TelemetryConfigError(
        'OTEL_TRACES_SAMPLER',
        `OTEL_TRACES_SAMPLER "${name}" is not supported; use always_on, always_off, ` +
          'traceidratio, or one of them prefixed with parentbased_',
      );
  }
}

function samplerRatio(env: NodeJS.ProcessEnv): number {
  const raw = nonEmpty(env['OTEL_TRACES_SAMPLER_ARG']);
  if (raw === undefined) return 1;
  const ratio = Number(raw);
  if (!Number.isFinite(ratio) || ratio < 0 || ratio > 1) {
    throw new TelemetryConfigError(
      'OTEL_TRACES_SAMPLER_ARG',
      `OTEL_TRACES_SAMPLER_ARG must be a number in [0, 1] for traceidratio, got "${raw}"`,
    );
  }
  return ratio;
}

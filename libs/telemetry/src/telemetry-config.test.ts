import { TelemetryConfigError } from './errors';
import { readTelemetryConfig } from './telemetry-config';

describe('readTelemetryConfig', () => {
  it('defaults: no service name, no export, parent-based always-on', () => {
    expect(readTelemetryConfig({})).toEqual({
      serviceName: undefined,
      otlpTracesUrl: undefined,
      sampler: { kind: 'always_on', parentBased: true },
    });
  });

  it('appends /v1/traces to the generic endpoint, with or without a trailing slash', () => {
    const url = (endpoint: string) =>
      readTelemetryConfig({ OTEL_EXPORTER_OTLP_ENDPOINT: endpoint }).otlpTracesUrl;
    expect(url('http://collector:4318')).toBe('http://collector:4318/v1/traces');
    expect(url('http://collector:4318/')).toBe('http://collector:4318/v1/traces');
    expect(url('https://otel.example/base')).toBe('https://otel.example/base/v1/traces');
  });

  it('uses the traces endpoint as given, ahead of the generic one', () => {
    expect(
      readTelemetryConfig({
        OTEL_EXPORTER_OTLP_ENDPOINT: 'http://generic:4318',
        OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'http://traces:4318/custom',
      }).otlpTracesUrl,
    ).toBe('http://traces:4318/custom');
  });

  it('treats empty values as unset', () => {
    expect(
      readTelemetryConfig({
        OTEL_SERVICE_NAME: '',
        OTEL_EXPORTER_OTLP_ENDPOINT: ' ',
        OTEL_TRACES_SAMPLER: '',
      }),
    ).toEqual(readTelemetryConfig({}));
  });

  it('reads the service name', () => {
    expect(readTelemetryConfig({ OTEL_SERVICE_NAME: 'gateway' }).serviceName).toBe('gateway');
  });

  it.each([
    ['always_on', { kind: 'always_on', parentBased: false }],
    ['parentbased_always_off', { kind: 'always_off', parentBased: true }],
    ['traceidratio', { kind: 'traceidratio', parentBased: false, ratio: 1 }],
  ])('parses OTEL_TRACES_SAMPLER=%s', (name, expected) => {
    expect(readTelemetryConfig({ OTEL_TRACES_SAMPLER: name }).sampler).toEqual(expected);
  });

  it('reads the ratio from OTEL_TRACES_SAMPLER_ARG', () => {
    expect(
      readTelemetryConfig({
        OTEL_TRACES_SAMPLER: 'parentbased_traceidratio',
        OTEL_TRACES_SAMPLER_ARG: '0.25',
      }).sampler,
    ).toEqual({ kind: 'traceidratio', parentBased: true, ratio: 0.25 });
  });

  it.each([
    [{ OTEL_EXPORTER_OTLP_ENDPOINT: 'collector:4318' }, 'OTEL_EXPORTER_OTLP_ENDPOINT'],
    [{ OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'grpc://c:4317' }, 'OTEL_EXPORTER_OTLP_TRACES_ENDPOINT'],
    [{ OTEL_TRACES_SAMPLER: 'jaeger_remote' }, 'OTEL_TRACES_SAMPLER'],
    [
      { OTEL_TRACES_SAMPLER: 'traceidratio', OTEL_TRACES_SAMPLER_ARG: '2' },
      'OTEL_TRACES_SAMPLER_ARG',
    ],
  ])('rejects %j naming %s', (env, variable) => {
    let thrown: unknown;
    try {
      readTelemetryConfig(env);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(TelemetryConfigError);
    expect((thrown as TelemetryConfigError).variable).toBe(variable);
  });
});

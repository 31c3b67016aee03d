// Test-only entry (`@crucible/telemetry/testing`): never imported by production code.
export {
  createOtlpJsonReceiver,
  SpanWaitTimeoutError,
  type OtlpJsonReceiver,
} from './otlp-json-receiver';
export {
  decodeOtlpTraces,
  OtlpDecodeError,
  type OtlpValue,
  type ReceivedSpan,
} from './otlp-json-decode';
export { InMemorySpanExporter } from '@opentelemetry/sdk-trace-base';

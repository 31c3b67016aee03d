export { initTelemetry, type Telemetry, type TelemetryOptions } from './init-telemetry';
export { readTelemetryConfig, type SamplerSetting, type TelemetryConfig } from './telemetry-config';
export { ServiceNameConflictError, TelemetryConfigError } from './errors';
export {
  extractTraceContext,
  injectTraceContext,
  injectTraceContextInto,
  traceCarrierGetter,
  type HeaderReader,
  type HeaderRecord,
  type HeaderValue,
  type HeaderWriter,
  type TraceCarrier,
} from './trace-context';
export { recordHttpRoute } from './http-route';
export { recordSpanError, withSpan, type WithSpanOptions } from './with-span';
export { untraced } from './untraced';
export {
  ATTR_MESSAGING_CONSUMER_GROUP_NAME,
  ATTR_MESSAGING_DESTINATION_NAME,
  ATTR_MESSAGING_DESTINATION_PARTITION_ID,
  ATTR_MESSAGING_DESTINATION_TEMPLATE,
  ATTR_MESSAGING_KAFKA_MESSAGE_KEY,
  ATTR_MESSAGING_KAFKA_OFFSET,
  ATTR_MESSAGING_MESSAGE_BODY_SIZE,
  ATTR_MESSAGING_MESSAGE_CONVERSATION_ID,
  ATTR_MESSAGING_MESSAGE_ID,
  ATTR_MESSAGING_OPERATION_NAME,
  ATTR_MESSAGING_OPERATION_TYPE,
  ATTR_MESSAGING_SYSTEM,
  messagingAttributes,
  messagingSpanName,
  type MessagingOperationName,
  type MessagingOperationType,
  type MessagingSpanFacts,
  type MessagingSystem,
} from './messaging-conventions';
export type { SpanExporter } from '@opentelemetry/sdk-trace-base';
export {
  createLogger,
  logLevelFrom,
  memoryLogger,
  type LogFields,
  type LogLevel,
  type Logger,
  type LoggerOptions,
} from './logger';

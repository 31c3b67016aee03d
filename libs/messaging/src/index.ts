export type {
  Bus,
  BusHandler,
  BusMessage,
  Headers,
  RequestOptions,
  ServeOptions,
  Subscription,
} from './bus/bus';
export { NatsBus, type NatsBusOptions } from './bus/nats-bus';
export {
  GATEWAY_NATS_USER,
  natsInboxPrefix,
  natsPermissions,
  natsServerConfig,
  type NatsCredential,
  type NatsUserPermissions,
} from './bus/nats-permissions';
export { InProcessBus } from './bus/in-process-bus';
export {
  RpcServer,
  type OperationHandler,
  type RpcContext,
  type RpcServerOptions,
} from './rpc/rpc-server';
export {
  RpcClient,
  callerOptions,
  type CallOptions,
  type CallerContext,
  type RpcClientOptions,
} from './rpc/rpc-client';
export {
  askReadiness,
  serveReadiness,
  type PartReadiness,
  type ServiceReadiness,
} from './rpc/readiness';
export { checkContentReply } from './rpc/content-check';
export { LONG_POLL_REPLY_MS, TIMEOUT_HEADER, longPollMs, longPollUntil } from './rpc/deadline';
export {
  CORRELATION_ID_HEADER,
  PRINCIPAL_HEADER,
  REQUEST_ID_HEADER,
  extractTrace,
  injectTrace,
} from './rpc/headers';
export { decodeJson, encodeJson } from './rpc/codec';
export {
  CURSOR_MAX_BYTES,
  REPLY_HEADROOM_BYTES,
  decodeCursor,
  encodeCursor,
  jsonBytes,
  pageBudget,
  pageBySize,
  replyBudget,
  type PageBySizeOptions,
  type SizedPage,
} from './rpc/reply-pages';
export type {
  ConsumedRecord,
  ConsumerHandle,
  ConsumerHealth,
  EventLog,
  LogRecord,
  TopicRecords,
  RecordHandler,
  SubscribeOptions,
} from './events/event-log';
export { EVENT_TYPE_HEADER } from './events/event-log';
export { KafkaEventLog, type KafkaEventLogOptions } from './events/kafka-event-log';
export {
  EmbeddedEventLog,
  EVENT_LOG_SCHEMA,
  type EmbeddedEventLogOptions,
} from './events/embedded-event-log';
export { buildEvent, type EventMeta, type TypedEnvelope } from './events/envelope';
export {
  OUTBOX_TABLE,
  Outbox,
  type EventStatement,
  type OutboxOptions,
  type OutboxRow,
} from './events/outbox';
export {
  MESSAGING_MIGRATIONS_TABLE,
  migrateMessagingTables,
  type MessagingTablesOptions,
} from './events/messaging-tables';
export { RETIRED_OUTBOX_MIGRATIONS } from './events/legacy-outbox';
export { OUTBOX_RELAY_TABLE, OutboxRelay, type OutboxRelayOptions } from './events/outbox-relay';
export {
  DEFAULT_MAX_CONSUMER_LAG,
  EventConsumer,
  PROCESSED_EVENTS_TABLE,
  type DeadLetterReason,
  type EventConsumerOptions,
  type EventHandler,
} from './events/event-consumer';
export { upgradeEventData, type EventUpgrades } from './events/upgrades';

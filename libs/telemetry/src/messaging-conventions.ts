import type { Attributes } from '@opentelemetry/api';
import type * as semconv from '@opentelemetry/semantic-conventions/incubating';

// Messaging attribute names, as in semantic conventions 1.27 (what the official
// kafkajs/amqplib instrumentations and today's backends understand). Written out
// rather than imported: the incubating entry is ~1 MB and may rename things in a
// minor release. Each constant is typed against the incubating definition, so a
// change there fails the build instead of silently changing our spans.
//
// Two of them are deprecated in semconv 1.45 in favour of names few tools read
// yet: messaging.system -> messaging.system.name, messaging.kafka.message.key ->
// kafka.message.key (and messaging.kafka.offset -> kafka.offset). Switch together
// when the messaging conventions go stable.

export const ATTR_MESSAGING_SYSTEM: typeof semconv.ATTR_MESSAGING_SYSTEM = 'messaging.system';
export const ATTR_MESSAGING_DESTINATION_NAME: typeof semconv.ATTR_MESSAGING_DESTINATION_NAME =
  'messaging.destination.name';
/** Low-cardinality form of the destination, e.g. the subject pattern 'sim.*.step'. */
export const ATTR_MESSAGING_DESTINATION_TEMPLATE: typeof semconv.ATTR_MESSAGING_DESTINATION_TEMPLATE =
  'messaging.destination.template';
export const ATTR_MESSAGING_DESTINATION_PARTITION_ID: typeof semconv.ATTR_MESSAGING_DESTINATION_PARTITION_ID =
  'messaging.destination.partition.id';
export const ATTR_MESSAGING_OPERATION_TYPE: typeof semconv.ATTR_MESSAGING_OPERATION_TYPE =
  'messaging.operation.type';
/**
 * The system-specific name of the operation, first word of the span name:
 * 'request' and 'process' for a NATS request and its handling, 'send' and
 * 'process' for a Kafka produce and its consumption (docs/telemetry.md).
 */
export const ATTR_MESSAGING_OPERATION_NAME: typeof semconv.ATTR_MESSAGING_OPERATION_NAME =
  'messaging.operation.name';
export const ATTR_MESSAGING_MESSAGE_ID: typeof semconv.ATTR_MESSAGING_MESSAGE_ID =
  'messaging.message.id';
export const ATTR_MESSAGING_MESSAGE_CONVERSATION_ID: typeof semconv.ATTR_MESSAGING_MESSAGE_CONVERSATION_ID =
  'messaging.message.conversation_id';
export const ATTR_MESSAGING_MESSAGE_BODY_SIZE: typeof semconv.ATTR_MESSAGING_MESSAGE_BODY_SIZE =
  'messaging.message.body.size';
export const ATTR_MESSAGING_CONSUMER_GROUP_NAME: typeof semconv.ATTR_MESSAGING_CONSUMER_GROUP_NAME =
  'messaging.consumer.group.name';
export const ATTR_MESSAGING_KAFKA_MESSAGE_KEY: typeof semconv.ATTR_MESSAGING_KAFKA_MESSAGE_KEY =
  'messaging.kafka.message.key';
export const ATTR_MESSAGING_KAFKA_OFFSET: typeof semconv.ATTR_MESSAGING_KAFKA_OFFSET =
  'messaging.kafka.offset';

/** Values of messaging.system. NATS has no registered value; 'nats' is what others use. */
export type MessagingSystem = 'nats' | typeof semconv.MESSAGING_SYSTEM_VALUE_KAFKA;

/**
 * Values of messaging.operation.type we emit. 'publish' is deprecated in
 * favour of 'send' (NATS publish and request, Kafka produce alike).
 */
export type MessagingOperationType =
  | typeof semconv.MESSAGING_OPERATION_TYPE_VALUE_SEND
  | typeof semconv.MESSAGING_OPERATION_TYPE_VALUE_RECEIVE
  | typeof semconv.MESSAGING_OPERATION_TYPE_VALUE_PROCESS;

/** Values of messaging.operation.name we emit (see ATTR_MESSAGING_OPERATION_NAME). */
export type MessagingOperationName = 'request' | 'send' | 'process';

/** What a messaging span is about; undefined fields are left out. */
export interface MessagingSpanFacts {
  readonly system: MessagingSystem;
  readonly operationType: MessagingOperationType;
  readonly operationName: MessagingOperationName;
  /** Subject or topic, exactly as on the wire. */
  readonly destination: string;
  /** Low-cardinality pattern of `destination`; used in the span name when given. */
  readonly destinationTemplate?: string;
  readonly messageId?: string;
  /** Correlation id shared by a request and its reply. */
  readonly conversationId?: string;
  readonly bodySize?: number;
  readonly consumerGroup?: string;
  readonly partition?: number;
  readonly kafkaKey?: string;
  readonly kafkaOffset?: number;
}

/**
 * The semantic-convention attributes for a messaging span. Built on every
 * request and every event, so written for speed: static keys (the
 * constants above, whose values the unit test pins) and no intermediate
 * objects (computed keys, read through the module's exports, cost ~30x).
 */
export function messagingAttributes(facts: MessagingSpanFacts): Attributes {
  const attributes: Attributes = {
    'messaging.system': facts.system,
    'messaging.operation.type': facts.operationType,
    'messaging.operation.name': facts.operationName,
    'messaging.destination.name': facts.destination,
  };
  if (facts.destinationTemplate !== undefined)
    attributes['messaging.destination.template'] = facts.destinationTemplate;
  if (facts.messageId !== undefined) attributes['messaging.message.id'] = facts.messageId;
  if (facts.conversationId !== undefined)
    attributes['messaging.message.conversation_id'] = facts.conversationId;
  if (facts.bodySize !== undefined) attributes['messaging.message.body.size'] = facts.bodySize;
  if (facts.consumerGroup !== undefined)
    attributes['messaging.consumer.group.name'] = facts.consumerGroup;
  if (facts.partition !== undefined)
    attributes['messaging.destination.partition.id'] = String(facts.partition);
  if (facts.kafkaKey !== undefined) attributes['messaging.kafka.message.key'] = facts.kafkaKey;
  if (facts.kafkaOffset !== undefined) attributes['messaging.kafka.offset'] = facts.kafkaOffset;
  return attributes;
}

/**
 * Span name per the conventions: '{operation name} {destination}', using the
 * template when there is one so span names stay low-cardinality.
 */
export function messagingSpanName(facts: MessagingSpanFacts): string {
  return `${facts.operationName} ${facts.destinationTemplate ?? facts.destination}`;
}

import type { OperationSpec } from './catalog';

// Every NATS subject, queue group and Kafka topic name is built here and
// nowhere else. A prefix isolates deployments and test runs from each other.

const TOKEN = /^[a-z][a-z0-9_]*$/;

function checkToken(kind: string, value: string): string {
  if (!TOKEN.test(value)) throw new Error(`invalid ${kind} ${JSON.stringify(value)}`);
  return value;
}

/** The default prefix of subjects and topics. */
export const DEFAULT_PREFIX = 'crucible';

/** `<prefix>.<service>.<operation>`: the subject a service answers an operation on. */
export function operationSubject(
  prefix: string,
  op: Pick<OperationSpec, 'service' | 'name'>,
): string {
  return `${checkToken('prefix', prefix)}.${checkToken('service', op.service)}.${checkToken('operation', op.name)}`;
}

/**
 * `<prefix>.<service>._ready`: where a service answers whether it is ready
 * (its consumers running and caught up). Not an operation of the catalog:
 * plumbing every service has, like nats.js's service discovery. The leading
 * underscore keeps it apart from every operation name.
 */
export function readinessSubject(prefix: string, service: string): string {
  return `${checkToken('prefix', prefix)}.${checkToken('service', service)}._ready`;
}

/** The queue group shared by every replica of a service, so each request reaches one of them. */
export function serviceQueue(service: string): string {
  return `${checkToken('service', service)}`;
}

/** `<prefix>.<stream>.events`: the Kafka topic of a stream. */
export function streamTopic(prefix: string, stream: string): string {
  return `${checkToken('prefix', prefix)}.${checkToken('stream', stream)}.events`;
}

/** `<prefix>.<stream>.events.dlq`: where events of a stream that cannot be processed are parked, with the reason. */
export function deadLetterTopic(prefix: string, stream: string): string {
  return `${streamTopic(prefix, stream)}.dlq`;
}

/** The consumer group of one consumer of a service. */
export function consumerGroup(prefix: string, service: string, consumer: string): string {
  return `${checkToken('prefix', prefix)}.${checkToken('service', service)}.${checkToken('consumer', consumer)}`;
}

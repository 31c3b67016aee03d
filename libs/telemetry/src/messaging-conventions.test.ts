import * as conventions from './messaging-conventions';
import {
  ATTR_MESSAGING_CONSUMER_GROUP_NAME,
  ATTR_MESSAGING_DESTINATION_NAME,
  ATTR_MESSAGING_KAFKA_MESSAGE_KEY,
  ATTR_MESSAGING_MESSAGE_ID,
  ATTR_MESSAGING_OPERATION_TYPE,
  ATTR_MESSAGING_SYSTEM,
  messagingAttributes,
  messagingSpanName,
} from './messaging-conventions';

describe('messaging conventions', () => {
  it('uses the exact attribute names backends look for', () => {
    expect([
      ATTR_MESSAGING_SYSTEM,
      ATTR_MESSAGING_DESTINATION_NAME,
      ATTR_MESSAGING_OPERATION_TYPE,
      ATTR_MESSAGING_MESSAGE_ID,
      ATTR_MESSAGING_KAFKA_MESSAGE_KEY,
      ATTR_MESSAGING_CONSUMER_GROUP_NAME,
    ]).toEqual([
      'messaging.system',
      'messaging.destination.name',
      'messaging.operation.type',
      'messaging.message.id',
      'messaging.kafka.message.key',
      'messaging.consumer.group.name',
    ]);
  });

  it('builds the attributes of a Kafka consumer span, leaving out what is unknown', () => {
    expect(
      messagingAttributes({
        system: 'kafka',
        operationType: 'process',
        operationName: 'process',
        destination: 'run.events',
        consumerGroup: 'judge',
        partition: 3,
        kafkaKey: 'run-17',
        kafkaOffset: 1042,
      }),
    ).toEqual({
      'messaging.system': 'kafka',
      'messaging.operation.type': 'process',
      'messaging.operation.name': 'process',
      'messaging.destination.name': 'run.events',
      'messaging.consumer.group.name': 'judge',
      'messaging.destination.partition.id': '3',
      'messaging.kafka.message.key': 'run-17',
      'messaging.kafka.offset': 1042,
    });
  });

  it('names spans "{operation} {destination template or destination}"', () => {
    const facts = {
      system: 'nats',
      operationType: 'send',
      operationName: 'request',
      destination: 'sim.run-17.step',
    } as const;
    expect(messagingSpanName(facts)).toBe('request sim.run-17.step');
    expect(messagingSpanName({ ...facts, destinationTemplate: 'sim.*.step' })).toBe(
      'request sim.*.step',
    );
    expect(messagingAttributes(facts)).not.toHaveProperty('messaging.destination.template');
  });

  it('writes exactly the typed attribute names, each of them when every fact is known', () => {
    const all = messagingAttributes({
      system: 'kafka',
      operationType: 'process',
      operationName: 'process',
      destination: 'sim.run-17.events',
      destinationTemplate: 'sim.*.events',
      messageId: 'e-1',
      conversationId: 'c-1',
      bodySize: 12,
      consumerGroup: 'judge',
      partition: 0,
      kafkaKey: 'run-17',
      kafkaOffset: 7,
    });
    const typed = Object.entries(conventions)
      .filter(([name]) => name.startsWith('ATTR_'))
      .map(([, value]) => value as string);
    expect(Object.keys(all).sort()).toEqual(typed.sort());
  });
});

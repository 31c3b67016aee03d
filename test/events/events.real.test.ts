import { startRealPlatform } from '../platform/stack';
import { describeEventTests } from './event-runner';

// Real Postgres, NATS and Kafka; each stream read from its Kafka topic by a plain kafkajs consumer.
describeEventTests('real servers', () => startRealPlatform());

import { startRealPlatform } from '../platform/stack';
import { describeNamesProjection } from './names-projection.suite';

// Real Postgres, NATS and Kafka: the projection reads the names topic on Kafka.
describeNamesProjection('real servers', () => startRealPlatform());

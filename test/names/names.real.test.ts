import { describeNamesService } from './names.suites';
import { startRealStack } from './stack';

// Real Postgres, NATS and Kafka; the services in this process.
describeNamesService('real servers', startRealStack);

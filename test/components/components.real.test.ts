import { describeBadInput } from './bad-input.suite';
import { describeComponentsApi } from './components-api.suite';
import { startRealStack } from './stack';

// Real Postgres, NATS and Kafka, services in this process.
describeComponentsApi('real servers', () => startRealStack());
describeBadInput('real servers', () => startRealStack());

import { describeBadInput } from './bad-input.suite';
import { describeComponentsApi } from './components-api.suite';
import { describeHttpTransport } from './http-transport.suite';
import { startRealStack } from './stack';

// Real Postgres, NATS and Kafka, services in this process.
describeComponentsApi('real servers', () => startRealStack());
describeBadInput('real servers', () => startRealStack());
describeHttpTransport('real servers', () => startRealStack());

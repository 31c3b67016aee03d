import { describeBadInput } from './bad-input.suite';
import { describeComponentsApi } from './components-api.suite';
import { describeHttpTransport } from './http-transport.suite';
import { startEmbeddedStack } from './stack';

// The embedded default (PGlite, in-process bus, Postgres-table event log).
describeComponentsApi('embedded', () => startEmbeddedStack());
describeBadInput('embedded', () => startEmbeddedStack());
describeHttpTransport('embedded', () => startEmbeddedStack());

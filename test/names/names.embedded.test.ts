import { describeNamesService } from './names.suites';
import { startEmbeddedStack } from './stack';

// The embedded default: PGlite, the in-process bus, the Postgres-table event log.
describeNamesService('embedded', startEmbeddedStack);

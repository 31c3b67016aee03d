import { startEmbeddedPlatform } from '../platform/stack';
import { describeNamesProjection } from './names-projection.suite';

// The embedded default: the projection reads the names topic from the event log's tables.
describeNamesProjection('embedded', () => startEmbeddedPlatform());

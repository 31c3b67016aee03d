import { startEmbeddedPlatform } from '../platform/stack';
import { describeEventTests } from './event-runner';

// The embedded default: each stream read from the event log's Postgres tables.
describeEventTests('embedded', () => startEmbeddedPlatform());

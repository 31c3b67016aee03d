// Helpers for integration tests in test/: where the run's servers are, and
// per-test isolation on them (own database, unique subjects and topics).
export { testInfra, TestInfraMissing, type TestInfra } from './infra';
export { createTestDatabase, type TestDatabase } from './database';
export { uniqueName } from './names';
export { createKafkaTopics, deleteKafkaTopics, type TopicSpec } from './kafka';
export {
  openEmbeddedTestInfrastructure,
  openRealTestInfrastructure,
  type TestInfrastructure,
} from './infrastructure';
export { embeddedDataDir } from './embedded-template';
export { http, rawHttp, type RawResponse } from './http';
export { TEST_ADMIN_TOKEN, TEST_AUTH_HEADERS, TEST_GATEWAY_ENV, testGatewaySettings } from './auth';
export {
  answer,
  createLlmServer,
  type EmbeddingAnswer,
  type EmbeddingHandler,
  type LlmAnswer,
  type LlmHandler,
  type LlmServer,
  type LlmServerOptions,
  type ReceivedChatRequest,
  type ReceivedEmbeddingRequest,
} from './llm-server';
export {
  countRows,
  listTables,
  rowCountChanges,
  settledRowCounts,
  type RowCountChanges,
  type RowCounts,
} from './row-counts';
export {
  openEventLogStreamReader,
  openKafkaStreamReader,
  type StreamReader,
  type StreamRecord,
} from './stream-reader';
export {
  crashInvariantViolations,
  runCrash,
  type CrashOptions,
  type CrashReport,
  type CrashWorkload,
} from './crash-harness';
export { freePort, startTestNatsServer, type TestNatsServer } from './nats-server';
export { idleFor, statementsDuring } from './statements';

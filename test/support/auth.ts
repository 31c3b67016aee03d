import { readGatewaySettings, type GatewaySettings } from '@crucible/gateway';
import { EnvReader } from '@crucible/runtime';

/**
 * The admin token of every gateway the tests start (in process or as a
 * process); `http` and `rawHttp` send it unless a test gives its own
 * Authorization header (`authorization: ''` sends none).
 */
export const TEST_ADMIN_TOKEN = 'crucible-test-admin-token-0123456789abcdefghij';

/** `Authorization: Bearer <TEST_ADMIN_TOKEN>` as a header object. */
export const TEST_AUTH_HEADERS: Readonly<Record<string, string>> = {
  authorization: `Bearer ${TEST_ADMIN_TOKEN}`,
};

/**
 * A gateway's settings as its process reads them from `env` (defaults
 * otherwise), on a free port, accepting TEST_ADMIN_TOKEN, without a rate
 * limit (suites send thousands of requests; the rate limit has its own test).
 */
export function testGatewaySettings(
  overrides: Partial<GatewaySettings> = {},
  env: Record<string, string> = {},
): GatewaySettings {
  const reader = new EnvReader({
    PORT: '0',
    CRUCIBLE_ADMIN_TOKEN: TEST_ADMIN_TOKEN,
    RATE_LIMIT_PER_MINUTE: '0',
    ...env,
  });
  const settings = readGatewaySettings(reader);
  reader.done();
  return { ...settings, ...overrides };
}

/** Environment variables for a gateway or platform process the tests spawn. */
export const TEST_GATEWAY_ENV: Readonly<Record<string, string>> = {
  CRUCIBLE_ADMIN_TOKEN: TEST_ADMIN_TOKEN,
  RATE_LIMIT_PER_MINUTE: '0',
};
